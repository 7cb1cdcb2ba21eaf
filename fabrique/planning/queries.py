"""Reads of planning: scenarios a user plans, what a run found (per occupation, on a map),
and two runs side by side."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from fabrique.accounts.rules import can_view_person
from fabrique.planning import adapter, rules
from fabrique.planning.enums import ChangeKind, RunStatus
from fabrique.planning.models import PlanAssignment, PlanRun, Scenario, UnfilledNeed
from fabrique.territories.maps import MapPoint, project

if TYPE_CHECKING:
    from fabrique.accounts.models import User

BAR_WIDTH = 320  # pixels of a full bar in the filled-vs-demand chart
BAR_HEIGHT = 18
BAR_GAP = 8


def scenarios_visible_to(user: User | Any) -> QuerySet[Scenario]:
    scope = rules.plannable_territory_ids(user)
    scenarios = Scenario.objects.select_related("territory", "based_on")
    if scope is not None:
        scenarios = scenarios.filter(territory_id__in=scope)
    return scenarios.annotate(run_count=Count("runs")).order_by("-created_at", "pk")


def runs_visible_to(user: User | Any) -> QuerySet[PlanRun]:
    scope = rules.plannable_territory_ids(user)
    runs = PlanRun.objects.select_related("scenario__territory", "job")
    if scope is not None:
        runs = runs.filter(scenario__territory_id__in=scope)
    return runs


# --- what-if changes in words --------------------------------------------------------------


def describe_changes(changes: list[dict[str, Any]]) -> list[str]:
    """Each change in a sentence, naming the records it touches (a query per kind)."""
    from fabrique.needs.models import HiringNeed
    from fabrique.territories.models import Commune
    from fabrique.trainings.models import Session, Training

    def pks(key: str) -> set[Any]:
        return {c[key] for c in changes if isinstance(c, dict) and key in c}

    trainings = Training.objects.in_bulk(pks("training"))
    sessions = Session.objects.select_related("training").in_bulk(pks("session"))
    needs = HiringNeed.objects.select_related("project", "occupation").in_bulk(pks("need"))
    communes = Commune.objects.in_bulk(pks("commune"), field_name="insee_code")
    out = []
    for change in changes:
        kind = change.get("kind")
        if kind == ChangeKind.ADD_SESSION:
            training = trainings.get(change.get("training"))
            commune = communes.get(change.get("commune", ""))
            place = commune.name if commune else f"{change.get('lat')}, {change.get('lon')}"
            out.append(
                _(
                    "Add a session of “%(training)s” in %(place)s, from %(start)s to %(end)s, "
                    "%(capacity)s seats"
                )
                % {
                    "training": training or change.get("training"),
                    "place": place,
                    "start": change.get("start"),
                    "end": change.get("end"),
                    "capacity": change.get("capacity"),
                }
            )
        elif kind == ChangeKind.CAPACITY:
            session = sessions.get(change.get("session"))
            out.append(
                _("Session “%(session)s”: %(capacity)s seats in all")
                % {"session": session or change.get("session"), "capacity": change.get("capacity")}
            )
        elif kind == ChangeKind.RADIUS:
            parts = []
            if "factor" in change:
                parts.append(_("× %(factor)s") % {"factor": change["factor"]})
            if "extra_km" in change:
                parts.append(_("%(km)+g km") % {"km": change["extra_km"]})
            out.append(_("Mobility radii: %(change)s") % {"change": " ".join(parts)})
        elif kind == ChangeKind.DEADLINE:
            need = needs.get(change.get("need"))
            label = f"{need.project} — {need}" if need else change.get("need")
            out.append(
                _("Hiring need “%(need)s”: needed by %(deadline)s")
                % {"need": label, "deadline": change.get("deadline")}
            )
        else:
            out.append(str(change))
    return out


# --- a run's report ------------------------------------------------------------------------


@dataclass
class OccupationRow:
    ref: str
    label: str
    demand: int = 0
    filled: int = 0
    y: int = 0

    @property
    def missing(self) -> int:
        return self.demand - self.filled

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.demand) if self.demand else 100

    @property
    def demand_width(self) -> int:
        return BAR_WIDTH

    @property
    def filled_width(self) -> int:
        return round(BAR_WIDTH * self.filled / self.demand) if self.demand else 0


@dataclass
class Chart:
    rows: list[OccupationRow]
    width: int = BAR_WIDTH
    height: int = 0
    label_x: int = BAR_WIDTH + 8


@dataclass
class PlanMap:
    width: float
    height: float
    needs: list[Any] = field(default_factory=list)
    sessions: list[Any] = field(default_factory=list)
    people: list[Any] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def occupation_labels(refs: set[str]) -> dict[str, str]:
    """``{"rome:H2903": "H2903 Conduite…"}`` for the refs the référentiels know."""
    from fabrique.referentials.models import Occupation

    wanted: dict[str, set[str]] = defaultdict(set)
    for ref in refs:
        scheme, _sep, code = ref.partition(":")
        wanted[scheme].add(code)
    labels = {}
    for scheme, codes in wanted.items():
        for occupation in Occupation.objects.filter(scheme=scheme, code__in=codes):
            labels[f"{scheme}:{occupation.code}"] = str(occupation)
    return labels


def per_occupation(document: dict[str, Any] | None, result: dict[str, Any] | None) -> Chart:
    """Filled vs demand per occupation (demand from the document, filled from the result)."""
    needs = (document or {}).get("needs", [])
    occupation_of = {n["id"]: n["occupation"] for n in needs}
    demand: Counter[str] = Counter()
    for n in needs:
        demand[n["occupation"]] += int(n["count"])
    filled: Counter[str] = Counter(
        occupation_of.get(a["need"], "") for a in (result or {}).get("assignments", [])
    )
    labels = occupation_labels(set(demand))
    rows = [
        OccupationRow(ref=ref, label=labels.get(ref, ref), demand=demand[ref], filled=filled[ref])
        for ref in sorted(demand, key=lambda r: (-demand[r], labels.get(r, r)))
    ]
    for index, row in enumerate(rows):
        row.y = index * (BAR_HEIGHT + BAR_GAP)
    return Chart(rows=rows, height=max(len(rows) * (BAR_HEIGHT + BAR_GAP), 1))


def plan_map(document: dict[str, Any] | None) -> PlanMap | None:
    """Needs, sessions and people (grouped by place) projected as ``territories.maps`` does."""
    if not document:
        return None
    people_at: Counter[tuple[float, float]] = Counter(
        (c["lat"], c["lon"]) for c in document.get("candidates", [])
    )
    points: list[MapPoint] = []
    kinds: list[tuple[str, Any]] = []
    for n in document.get("needs", []):
        points.append(MapPoint(n["lat"], n["lon"], n["id"], weight=n["count"]))
        kinds.append(("need", n))
    for s in document.get("sessions", []):
        points.append(MapPoint(s["lat"], s["lon"], s["id"], weight=s["capacity"]))
        kinds.append(("session", s))
    for (lat, lon), count in sorted(people_at.items()):
        points.append(MapPoint(lat, lon, "", weight=count))
        kinds.append(("people", count))
    placed = project(points, [])
    if placed is None:
        return None
    out = PlanMap(width=placed.width, height=placed.height)
    for point, (kind, record) in zip(placed.communes, kinds, strict=True):
        if kind == "need":
            out.needs.append({"x": point.x - 8, "y": point.y - 8, "need": record})
        elif kind == "session":
            x, y = point.x, point.y
            path = f"M {x:g} {y - 7:g} L {x + 6:g} {y + 4:g} L {x - 6:g} {y + 4:g} Z"
            out.sessions.append({"x": x, "y": y, "path": path, "session": record})
        else:
            out.people.append({"x": point.x, "y": point.y, "r": point.size, "count": record})
    return out


@dataclass
class LeftOut:
    key: str
    count: int
    text: str


def left_out(document: dict[str, Any] | None) -> list[LeftOut]:
    """The records the snapshot left out, in sentences (only the non-zero counts)."""
    from django.utils.translation import ngettext

    counts = (document or {}).get("left_out", {})
    texts = {
        adapter.PEOPLE_WITHOUT_COMMUNE: lambda n: ngettext(
            "%(count)s person without a commune was left out.",
            "%(count)s people without a commune were left out.",
            n,
        ),
        adapter.PEOPLE_WITHOUT_PLACE: lambda n: ngettext(
            "%(count)s person whose commune has no coordinates was left out.",
            "%(count)s people whose commune has no coordinates were left out.",
            n,
        ),
        adapter.SESSIONS_WITHOUT_PLACE: lambda n: ngettext(
            "%(count)s session without a known place was left out.",
            "%(count)s sessions without a known place were left out.",
            n,
        ),
        adapter.SESSIONS_WITHOUT_OCCUPATION: lambda n: ngettext(
            "%(count)s session whose training leads to no occupation was left out.",
            "%(count)s sessions whose training leads to no occupation were left out.",
            n,
        ),
        adapter.NEEDS_WITHOUT_PLACE: lambda n: ngettext(
            "%(count)s hiring need without a known site was left out.",
            "%(count)s hiring needs without a known site were left out.",
            n,
        ),
    }
    return [
        LeftOut(key, counts[key], texts[key](counts[key]) % {"count": counts[key]})
        for key in adapter.LEFT_OUT_KEYS
        if counts.get(key)
    ]


def assignments(run: PlanRun) -> QuerySet[PlanAssignment]:
    return run.assignments.select_related(
        "person", "session__training", "need__project", "need__occupation"
    ).order_by("need_ref", "session_ref", "candidate_ref")


def with_names(rows: list[PlanAssignment], user: User | Any) -> list[dict[str, Any]]:
    """Assignment rows; the person's name only for those allowed to see that person."""
    return [
        {
            "assignment": a,
            "name": str(a.person) if a.person and can_view_person(user, a.person) else "",
        }
        for a in rows
    ]


def unfilled(run: PlanRun) -> QuerySet[UnfilledNeed]:
    return run.unfilled.select_related("need__project", "need__occupation").order_by(
        "-missing", "need_ref"
    )


# --- two runs side by side -----------------------------------------------------------------


@dataclass
class ComparedRow:
    ref: str
    label: str
    demand_a: int
    filled_a: int
    demand_b: int
    filled_b: int

    @property
    def difference(self) -> int:
        return self.filled_b - self.filled_a


def compare(a: PlanRun, b: PlanRun) -> dict[str, Any]:
    chart_a = {r.ref: r for r in per_occupation(a.document, a.result).rows}
    chart_b = {r.ref: r for r in per_occupation(b.document, b.result).rows}
    refs = set(chart_a) | set(chart_b)
    labels = {ref: (chart_a.get(ref) or chart_b[ref]).label for ref in refs}
    empty = OccupationRow(ref="", label="")
    rows = [
        ComparedRow(
            ref=ref,
            label=labels[ref],
            demand_a=chart_a.get(ref, empty).demand,
            filled_a=chart_a.get(ref, empty).filled,
            demand_b=chart_b.get(ref, empty).demand,
            filled_b=chart_b.get(ref, empty).filled,
        )
        for ref in sorted(refs, key=lambda r: labels[r])
    ]

    def diff(x: Any, y: Any) -> Any:
        return None if x is None or y is None else y - x

    cost_a, cost_b = a.total_cost_eur, b.total_cost_eur
    return {
        "rows": rows,
        "totals": {
            "filled": (a.filled, b.filled, diff(a.filled, b.filled)),
            "demand": (a.demand, b.demand, diff(a.demand, b.demand)),
            "cost": (cost_a, cost_b, diff(cost_a, cost_b)),
            "people": (
                len((a.document or {}).get("candidates", [])),
                len((b.document or {}).get("candidates", [])),
                len((b.document or {}).get("candidates", []))
                - len((a.document or {}).get("candidates", [])),
            ),
            "sessions": (
                len((a.document or {}).get("sessions", [])),
                len((b.document or {}).get("sessions", [])),
                len((b.document or {}).get("sessions", []))
                - len((a.document or {}).get("sessions", [])),
            ),
        },
    }


def finished_runs(user: User | Any) -> QuerySet[PlanRun]:
    return runs_visible_to(user).filter(status=RunStatus.DONE)
