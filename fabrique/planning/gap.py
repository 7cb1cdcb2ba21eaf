"""Gap analysis of a territory over a horizon: per occupation and quarter, the jobs its
industrial projects need, the people already qualified within reach and the training seats
leading there. The arithmetic is ``engine.gaps``; this module reads the database.

Rules (they are also shown on the page):

- **Occupations.** A ROME déclinaison counts as its parent fiche, for needs, people and
  trainings alike. ESCO occupations are kept as they are.
- **Needed.** The jobs of the hiring needs whose ``needed_by`` falls in the horizon, of the
  projects of the territory *that the reader may see* (``needs.queries.projects_visible_to``):
  a confidential project the reader may not see is left out of every figure, since a total
  can reveal a single project's plans. Optionally only some confidence levels.
- **Qualified people.** A person who is not anonymised and whose current or one of whose past
  occupations is the occupation; optionally also one who holds at least a given share of the
  occupation's essential skills (skills compare by code, as in ``referentials.gap``; an
  occupation without essential skills is reached by occupation only). They count from the
  quarter by whose end they are available (no date: from the start) when they live within
  their mobility radius of the site of at least one project that needs the occupation in the
  horizon; a site without coordinates (nor its commune's) is reached by the people who live
  in the territory. A person qualified for
  two occupations counts in both. People are counted, never named, whoever follows them:
  the page shows figures only. The skill rule reads the essential skill links and the
  people's skills in two queries instead of ``referentials.gap.skill_gap`` (a few queries
  per person), with the same comparison (``engine.skillgap.compare``).
- **Seats.** The free seats (capacity − seats taken; not counted when the capacity is not)
  of the open sessions of published trainings leading to the occupation, ending within the
  horizon, held within ``seat_distance_km`` of a commune of the territory, or remote.
  A training leading to two occupations counts in both.
- **Gap.** All figures are to date (cumulative), since people and seats are a stock that
  the needs of later quarters also draw on: gap = jobs needed to date − people qualified by
  the quarter's end − seats of sessions ended by then. Positive: a shortage.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import astuple, dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fabrique.accounts.rules import STAFF_ROLES, _authenticated, is_platform_admin
from fabrique.engine.gaps import (
    Cell,
    Quarter,
    axis,
    peak,
    quarter_reached,
    quarters_between,
    series,
)
from fabrique.engine.geo import Point, bounding_box, distance_km
from fabrique.engine.skillgap import compare
from fabrique.needs.models import HiringNeed, IndustrialProject
from fabrique.needs.queries import projects_visible_to
from fabrique.people.models import Person, PersonSkill
from fabrique.referentials.models import Occupation, OccupationSkill, Scheme
from fabrique.territories.models import Commune, IndustrialTerritory
from fabrique.trainings.enums import Modality, SessionStatus
from fabrique.trainings.models import Session, Training

DEFAULT_SEAT_DISTANCE_KM = 50
REMOTE_MODALITIES = (Modality.REMOTE, Modality.REMOTE_EQUIPMENT)

# --- who may read ------------------------------------------------------------------------


def territories_for_gap(user: Any) -> QuerySet[IndustrialTerritory]:
    """The territories whose gap analysis the user may read: every one for platform admins;
    else those their organisations coordinate, and those where one of the organisations they
    work in (any staff role) is located."""
    territories = IndustrialTerritory.objects.order_by("name", "pk")
    if not _authenticated(user):
        return territories.none()
    if is_platform_admin(user):
        return territories
    staff = set(
        user.memberships.filter(role__in=STAFF_ROLES).values_list("organisation_id", flat=True)
    )
    if not staff:
        return territories.none()
    return territories.filter(
        Q(pk__in=IndustrialTerritory.objects.filter(coordinating_organisations__in=staff))
        | Q(pk__in=IndustrialTerritory.objects.filter(epcis__communes__organisations__in=staff))
    )


def can_view_gap(user: Any, territory: IndustrialTerritory) -> bool:
    return territories_for_gap(user).filter(pk=territory.pk).exists()


# --- the analysis --------------------------------------------------------------------------


@dataclass
class OccupationGap:
    occupation: Occupation  # a ROME fiche (déclinaisons folded in) or an ESCO occupation
    cells: tuple[Cell, ...]
    url: str = ""  # the occupation's page, set by the view
    chart_url: str = ""  # the gap page charting this occupation, set by the view

    @property
    def peak(self) -> Cell:
        found = peak(self.cells)
        assert found is not None
        return found

    @property
    def peak_gap(self) -> int:
        return self.peak.gap

    @property
    def needed_total(self) -> int:
        return self.cells[-1].needed_to_date

    @property
    def first_shortage(self) -> Cell | None:
        return next((cell for cell in self.cells if cell.gap > 0), None)

    @property
    def peak_label(self) -> str:
        return quarter_label(self.peak.quarter)

    @property
    def first_shortage_label(self) -> str:
        first = self.first_shortage
        return quarter_label(first.quarter) if first else ""


@dataclass(frozen=True)
class GapAnalysis:
    territory: IndustrialTerritory
    quarters: tuple[Quarter, ...]
    rows: list[OccupationGap]  # largest peak gap first
    confidences: tuple[str, ...]
    seat_distance_km: int
    skill_threshold: int | None = None
    totals: tuple[Cell, ...] = field(default=())

    @property
    def shortages(self) -> list[OccupationGap]:
        return [row for row in self.rows if row.peak_gap > 0]


def _fold(occupation_id: int, scheme: str, parent_id: int | None) -> int:
    """The occupation a need, a person or a training counts for: a ROME déclinaison folds
    into its parent fiche."""
    if scheme == Scheme.ROME and parent_id is not None:
        return parent_id
    return occupation_id


def _point(latitude: float | None, longitude: float | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return Point(latitude, longitude)


def _first_point(*pairs: tuple[float | None, float | None]) -> Point | None:
    for latitude, longitude in pairs:
        if (point := _point(latitude, longitude)) is not None:
            return point
    return None


@dataclass
class _Sites:
    points: list[Point] = field(default_factory=list)
    unplaced: bool = False  # a site without coordinates: reached from within the territory


def gap_analysis(
    territory: IndustrialTerritory,
    start: dt.date,
    end: dt.date,
    *,
    user: Any,
    confidences: Collection[str] | None = None,
    seat_distance_km: int = DEFAULT_SEAT_DISTANCE_KM,
    skill_threshold: int | None = None,
) -> GapAnalysis:
    """Rows per occupation × quarter from the quarter of ``start`` to that of ``end``.

    ``user`` is the reader, whose visibility of confidential projects applies; ``None``
    counts every project (commands and reports run by the platform itself).
    ``confidences``: the confidence levels of needs to count (None: all).
    ``skill_threshold``: a percentage; also count the people who hold at least that share of
    an occupation's essential skills (None: occupations held only).
    A handful of queries whatever the size: needs, occupations, communes of the territory,
    people, their past occupations, sessions, trainings' occupations.
    """
    quarters = quarters_between(start, end)
    horizon_start, horizon_end = quarters[0].first_day, quarters[-1].last_day
    projects = (
        IndustrialProject.objects.all() if user is None else projects_visible_to(user)
    ).filter(territory=territory)
    needs = HiringNeed.objects.filter(
        project__in=projects, needed_by__gte=horizon_start, needed_by__lte=horizon_end
    )
    if confidences is not None:
        needs = needs.filter(confidence__in=list(confidences))

    needed: dict[int, dict[Quarter, int]] = defaultdict(lambda: defaultdict(int))
    sites: dict[int, _Sites] = defaultdict(_Sites)
    seen_sites: set[tuple[int, int]] = set()
    for row in needs.values(
        "occupation_id",
        "occupation__scheme",
        "occupation__parent_id",
        "count",
        "needed_by",
        "project_id",
        "project__latitude",
        "project__longitude",
        "project__commune__latitude",
        "project__commune__longitude",
    ):
        key = _fold(row["occupation_id"], row["occupation__scheme"], row["occupation__parent_id"])
        needed[key][Quarter.of(row["needed_by"])] += row["count"]
        if (key, row["project_id"]) in seen_sites:
            continue
        seen_sites.add((key, row["project_id"]))
        point = _first_point(
            (row["project__latitude"], row["project__longitude"]),
            (row["project__commune__latitude"], row["project__commune__longitude"]),
        )
        if point is None:
            sites[key].unplaced = True
        elif point not in sites[key].points:
            sites[key].points.append(point)

    if not needed:
        return GapAnalysis(
            territory=territory,
            quarters=quarters,
            rows=[],
            confidences=tuple(confidences or ()),
            seat_distance_km=seat_distance_km,
            skill_threshold=skill_threshold,
            totals=series(quarters, needed={}, qualified={}, seats={}),
        )

    # Occupations needed, with the déclinaisons that fold into them.
    keys = set(needed)
    occupations: dict[int, Occupation] = {}
    fold: dict[int, int] = {}
    for occupation in Occupation.objects.filter(
        Q(pk__in=keys) | Q(parent_id__in=keys, scheme=Scheme.ROME)
    ).only("id", "scheme", "code", "label", "parent_id"):
        folded = _fold(occupation.pk, occupation.scheme, occupation.parent_id)
        if folded in keys:
            fold[occupation.pk] = folded
        if occupation.pk in keys:
            occupations[occupation.pk] = occupation
    counted_ids = list(fold)

    territory_communes = list(
        Commune.objects.filter(epci__industrial_territories=territory).values_list(
            "id", "latitude", "longitude"
        )
    )
    territory_commune_ids = {commune_id for commune_id, _, _ in territory_communes}
    territory_points = [
        point for _, lat, lon in territory_communes if (point := _point(lat, lon)) is not None
    ]

    qualified = _qualified_people(
        quarters,
        counted_ids,
        fold,
        sites,
        territory_commune_ids,
        horizon_end,
        skill_threshold=skill_threshold,
    )
    seats = _training_seats(
        quarters,
        counted_ids,
        fold,
        territory_commune_ids,
        territory_points,
        seat_distance_km,
        horizon_start,
        horizon_end,
    )

    rows = [
        OccupationGap(
            occupation=occupations[key],
            cells=series(
                quarters,
                needed=needed[key],
                qualified=qualified.get(key, {}),
                seats=seats.get(key, {}),
            ),
        )
        for key in keys
        if key in occupations
    ]
    rows.sort(
        key=lambda row: (-row.peak_gap, -row.needed_total, row.occupation.label, row.occupation.pk)
    )
    totals = summed(quarters, rows)
    return GapAnalysis(
        territory=territory,
        quarters=quarters,
        rows=rows,
        confidences=tuple(confidences or ()),
        seat_distance_km=seat_distance_km,
        skill_threshold=skill_threshold,
        totals=totals,
    )


def summed(quarters: Sequence[Quarter], rows: Sequence[OccupationGap]) -> tuple[Cell, ...]:
    """The cells of several occupations added quarter by quarter."""
    return tuple(
        Cell(
            quarter=quarter,
            needed=sum(row.cells[index].needed for row in rows),
            needed_to_date=sum(row.cells[index].needed_to_date for row in rows),
            qualified=sum(row.cells[index].qualified for row in rows),
            seats=sum(row.cells[index].seats for row in rows),
            gap=sum(row.cells[index].gap for row in rows),
        )
        for index, quarter in enumerate(quarters)
    )


def _qualified_people(
    quarters: Sequence[Quarter],
    counted_ids: list[int],
    fold: dict[int, int],
    sites: dict[int, _Sites],
    territory_commune_ids: set[int],
    horizon_end: dt.date,
    *,
    skill_threshold: int | None,
) -> dict[int, dict[Quarter, int]]:
    """People becoming available per folded occupation and quarter (not cumulative)."""
    holds = Q(current_occupation_id__in=counted_ids) | Q(past_occupations__in=counted_ids)
    essential: dict[int, set[str]] = defaultdict(set)
    if skill_threshold is not None:
        for occupation_id, code in OccupationSkill.objects.filter(
            occupation_id__in=set(fold.values()), essential=True
        ).values_list("occupation_id", "skill__code"):
            essential[occupation_id].add(code)
        codes = set().union(*essential.values())
        if codes:
            holds |= Q(skills__skill__code__in=codes)
    people = (
        Person.objects.filter(anonymised_at__isnull=True)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=horizon_end))
        .filter(holds)
        .values(
            "id",
            "current_occupation_id",
            "commune_id",
            "commune__latitude",
            "commune__longitude",
            "mobility_radius_km",
            "available_from",
        )
        .distinct()
    )
    people_rows = list(people)
    held: dict[int, set[int]] = defaultdict(set)
    for row in people_rows:
        if row["current_occupation_id"] in fold:
            held[row["id"]].add(fold[row["current_occupation_id"]])
    past = Person.past_occupations.through.objects.filter(
        occupation_id__in=counted_ids, person__anonymised_at__isnull=True
    ).values_list("person_id", "occupation_id")
    for person_id, occupation_id in past:
        held[person_id].add(fold[occupation_id])
    if essential:
        _add_skilled(held, essential, skill_threshold or 0)

    qualified: dict[int, dict[Quarter, int]] = defaultdict(lambda: defaultdict(int))
    # Reach depends only on the home commune, the radius and the occupation: the distance from
    # a commune to the nearest site of an occupation is computed once for all its people.
    nearest: dict[tuple[int, int], float] = {}
    points = sorted({site for reach in sites.values() for site in reach.points}, key=astuple)
    position = {point: index for index, point in enumerate(points)}
    indices = {key: [position[site] for site in reach.points] for key, reach in sites.items()}
    from_commune: dict[int, list[float]] = {}

    def nearest_site(commune_id: int, home: Point | None, key: int) -> float:
        if (commune_id, key) not in nearest:
            if home is None or not indices[key]:
                nearest[commune_id, key] = math.inf
            else:
                if commune_id not in from_commune:
                    from_commune[commune_id] = [distance_km(home, point) for point in points]
                row = from_commune[commune_id]
                nearest[commune_id, key] = min(row[index] for index in indices[key])
        return nearest[commune_id, key]

    for row in people_rows:
        quarter = quarter_reached(row["available_from"], quarters)
        commune_id = row["commune_id"]
        if quarter is None or commune_id is None:
            continue
        home = _point(row["commune__latitude"], row["commune__longitude"])
        for key in held[row["id"]]:
            reach = sites.get(key)
            if reach is None:
                continue
            if (reach.unplaced and commune_id in territory_commune_ids) or nearest_site(
                commune_id, home, key
            ) <= row["mobility_radius_km"]:
                qualified[key][quarter] += 1
    return qualified


def _add_skilled(held: dict[int, set[int]], essential: dict[int, set[str]], threshold: int) -> None:
    """Add to ``held`` the occupations of which a person holds at least ``threshold`` % of
    the essential skills (occupations without essential skills are never reached so)."""
    codes = set().union(*essential.values())
    skills: dict[int, set[str]] = defaultdict(set)
    for person_id, code in PersonSkill.objects.filter(
        skill__code__in=codes, person__anonymised_at__isnull=True
    ).values_list("person_id", "skill__code"):
        skills[person_id].add(code)
    for person_id, codes_held in skills.items():
        for key, required in essential.items():
            coverage = compare(codes_held, essential=required).essential_coverage
            if 100 * coverage >= threshold:
                held[person_id].add(key)


def _near_territory(point: Point, territory_points: list[Point], distance: int) -> bool:
    box = bounding_box(point, distance)
    return any(
        box.contains(place) and distance_km(point, place) <= distance for place in territory_points
    )


def _training_seats(
    quarters: Sequence[Quarter],
    counted_ids: list[int],
    fold: dict[int, int],
    territory_commune_ids: set[int],
    territory_points: list[Point],
    seat_distance_km: int,
    horizon_start: dt.date,
    horizon_end: dt.date,
) -> dict[int, dict[Quarter, int]]:
    """Free seats per folded occupation and quarter of the session's end (not cumulative)."""
    leads_to: dict[int, set[int]] = defaultdict(set)
    for training_id, occupation_id in Training.occupations.through.objects.filter(
        occupation_id__in=counted_ids, training__published=True
    ).values_list("training_id", "occupation_id"):
        leads_to[training_id].add(fold[occupation_id])
    if not leads_to:
        return {}
    sessions = Session.objects.filter(
        training_id__in=list(leads_to),
        status=SessionStatus.OPEN,
        capacity__isnull=False,
        end__gte=horizon_start,
        end__lte=horizon_end,
    ).values(
        "training_id",
        "end",
        "capacity",
        "seats_taken",
        "latitude",
        "longitude",
        "commune_id",
        "commune__latitude",
        "commune__longitude",
        "training__modality",
    )
    seats: dict[int, dict[Quarter, int]] = defaultdict(lambda: defaultdict(int))
    for row in sessions:
        free = max(row["capacity"] - row["seats_taken"], 0)
        if not free:
            continue
        if row["training__modality"] not in REMOTE_MODALITIES and (
            row["commune_id"] not in territory_commune_ids
        ):
            place = _first_point(
                (row["latitude"], row["longitude"]),
                (row["commune__latitude"], row["commune__longitude"]),
            )
            if place is None or not _near_territory(place, territory_points, seat_distance_km):
                continue
        quarter = Quarter.of(row["end"])
        for key in leads_to[row["training_id"]]:
            seats[key][quarter] += free
    return seats


# --- the chart ------------------------------------------------------------------------------

CHART_HEIGHT = 220
CHART_TOP = 12
CHART_LEFT = 48
CHART_BAR = 14
CHART_GROUP_GAP = 18
CHART_LABELS = 40  # room under the bars for the quarters


@dataclass(frozen=True)
class Bar:
    kind: str  # needed, qualified, seats
    x: int
    width: int
    y: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    cells: tuple[Cell, ...]
    width: int
    height: int
    base: int  # y of the zero line
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value)
    labels: list[tuple[int, str]]  # (x of the group's middle, quarter)
    left: int
    right: int


def quarter_label(quarter: Quarter) -> str:
    return _("Q%(number)d %(year)d") % {"number": quarter.number, "year": quarter.year}


def chart(cells: Sequence[Cell], title: str) -> Chart:
    """Grouped bars per quarter: jobs needed to date, people qualified, seats to date."""
    top, step = axis(max((max(c.needed_to_date, c.qualified, c.seats) for c in cells), default=0))
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_LABELS
    base = CHART_TOP + plot_height
    group = 3 * CHART_BAR + CHART_GROUP_GAP
    bars = []
    labels = []
    names = {"needed": _("needed to date"), "qualified": _("qualified"), "seats": _("seats")}
    for index, cell in enumerate(cells):
        left = CHART_LEFT + CHART_GROUP_GAP // 2 + index * group
        quarter = quarter_label(cell.quarter)
        for position, (kind, value) in enumerate(
            (("needed", cell.needed_to_date), ("qualified", cell.qualified), ("seats", cell.seats))
        ):
            height = round(plot_height * value / top, 1)
            bars.append(
                Bar(
                    kind=kind,
                    x=left + position * CHART_BAR,
                    width=CHART_BAR - 2,
                    y=round(base - height, 1),
                    height=height,
                    value=value,
                    label=f"{quarter}, {names[kind]}: {value}",
                )
            )
        labels.append((left + 3 * CHART_BAR // 2, quarter))
    ticks = [(round(base - plot_height * v / top, 1), v) for v in range(0, top + 1, step)]
    width = CHART_LEFT + len(cells) * group + CHART_GROUP_GAP
    return Chart(
        title=title,
        cells=tuple(cells),
        width=width,
        height=CHART_HEIGHT,
        base=base,
        bars=bars,
        ticks=ticks,
        labels=labels,
        left=CHART_LEFT,
        right=width - CHART_GROUP_GAP // 2,
    )


# --- exports --------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_header() -> list[str]:
    return [
        _("Occupation code"),
        _("Occupation"),
        _("Quarter"),
        _("Quarter start"),
        _("Quarter end"),
        _("Jobs needed in the quarter"),
        _("Jobs needed to date"),
        _("People qualified within reach"),
        _("Training seats to date"),
        _("Gap"),
        _("Shortage"),
    ]


def export_rows(analysis: GapAnalysis) -> list[list[Any]]:
    return [
        [
            row.occupation.code,
            row.occupation.label,
            cell.quarter.code,
            cell.quarter.first_day,
            cell.quarter.last_day,
            cell.needed,
            cell.needed_to_date,
            cell.qualified,
            cell.seats,
            cell.gap,
            cell.shortage,
        ]
        for row in analysis.rows
        for cell in row.cells
    ]


def _csv_cell(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(analysis: GapAnalysis) -> bytes:
    """UTF-8 with a byte order mark (for spreadsheets), semicolons, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(export_header())
    writer.writerows([_csv_cell(value) for value in row] for row in export_rows(analysis))
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(analysis: GapAnalysis) -> bytes:
    """One sheet: the header in bold, then one row per occupation and quarter."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Gap analysis")[:31])
    bold = Font(bold=True)

    def cell(value: Any, **style: Any) -> Any:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # text starting with = stays text, never a formula
        elif isinstance(value, dt.date):
            written.number_format = "DD/MM/YYYY"
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    sheet.append([cell(name, font=bold) for name in export_header()])
    for row in export_rows(analysis):
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
