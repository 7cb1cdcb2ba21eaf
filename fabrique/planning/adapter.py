"""The planning adapter: the platform's data as a ``fabrique-plan/1`` document, and back.

``snapshot(scenario)`` writes the document a run solves (see ``docs/formats/plan.md``):

- **candidates** (``p-<person>``): people not anonymised whose commune lies in one of the
  territory's EPCI, placed at their commune's centre, travelling ``mobility_radius_km``,
  available from their own date or the horizon's start (whichever is later), with their
  skills and occupations (current and past);
- **sessions** (``s-<session>``): open training sessions starting within the horizon with
  seats left (capacity minus ``seats_taken``), placed at their own coordinates or their
  commune's centre, within reach of at least one candidate, costing the training's price,
  requiring its prerequisite skills and leading to its target occupations;
- **needs** (``n-<hiring need>``): hiring needs of the territory's industrial projects (the
  project's territory, or its commune in the territory) needed by a date within the horizon,
  placed at the project's site or its commune's centre.

Skills and occupations are named ``<scheme>:<code>`` (``rome:H2903``, ``esco:<uri>``); a ROME
déclinaison is folded into its parent fiche, so that people, sessions and needs meet.

Records without a place are left out and counted (``left_out`` in the document, shown on the
run's page). Then the scenario's what-if changes apply (``validate_changes`` checks them):
``add_session`` (``w-<n>``), ``capacity``, ``radius`` and ``deadline``. Lists are ordered by
primary key, keys of records and lists of strings are sorted: one database gives one document.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from fabrique.engine.planner.scenario import EARTH_RADIUS_KM
from fabrique.engine.planner.scenario import FORMAT as PLAN_FORMAT
from fabrique.planning.enums import ChangeKind

if TYPE_CHECKING:
    from fabrique.planning.models import Scenario

# Kinds of records left out of a snapshot, and why (keys of the document's ``left_out``).
PEOPLE_WITHOUT_COMMUNE = "people_without_commune"
PEOPLE_WITHOUT_PLACE = "people_without_place"
SESSIONS_WITHOUT_PLACE = "sessions_without_place"
SESSIONS_WITHOUT_OCCUPATION = "sessions_without_occupation"
NEEDS_WITHOUT_PLACE = "needs_without_place"
LEFT_OUT_KEYS = (
    PEOPLE_WITHOUT_COMMUNE,
    PEOPLE_WITHOUT_PLACE,
    SESSIONS_WITHOUT_PLACE,
    SESSIONS_WITHOUT_OCCUPATION,
    NEEDS_WITHOUT_PLACE,
)

CANDIDATE_PREFIX = "p-"
SESSION_PREFIX = "s-"
ADDED_SESSION_PREFIX = "w-"
NEED_PREFIX = "n-"

MAX_RADIUS_KM = 1000.0
MAX_FACTOR = 10.0
MAX_CAPACITY = 10_000


# --- identifiers ---------------------------------------------------------------------------


def occupation_ref(
    scheme: str, code: str, parent_scheme: str | None, parent_code: str | None
) -> str:
    """``rome:H2903``; a ROME déclinaison (a fiche with a parent) is its parent fiche."""
    if scheme == "rome" and parent_code and parent_scheme == "rome":
        return f"rome:{parent_code}"
    return f"{scheme}:{code}"


def skill_ref(scheme: str, code: str) -> str:
    return f"{scheme}:{code}"


def record_pk(ref: str, prefix: str) -> int | None:
    """The primary key in ``p-12`` (with prefix ``p-``); None for another kind of id."""
    if not ref.startswith(prefix):
        return None
    rest = ref[len(prefix) :]
    return int(rest) if rest.isdigit() else None


def _occupation_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}scheme",
        f"{prefix}code",
        f"{prefix}parent__scheme",
        f"{prefix}parent__code",
    ]


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on the contract's sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _number(value: float) -> float | int:
    """Whole numbers as integers, others rounded to 6 decimals (stable JSON)."""
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


# --- what-if changes -----------------------------------------------------------------------


def _change_error(index: int, kind: str, message: str) -> ValidationError:
    label = dict(ChangeKind.choices).get(kind, kind or _("unknown kind"))
    return ValidationError(
        _("Change %(number)s (%(kind)s): %(problem)s")
        % {"number": index + 1, "kind": label, "problem": message},
        code="invalid_change",
    )


def _date_value(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _int_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _float_value(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
    return number if math.isfinite(number) else None


def validate_changes(changes: Any) -> list[dict[str, Any]]:
    """The what-if changes, checked and normalised (JSON-ready); ValidationError otherwise.

    Each change is a dict with a ``kind`` (``ChangeKind``) and:
    - ``add_session``: ``training`` (pk), ``commune`` (INSEE code) or ``lat`` and ``lon``,
      ``start``, ``end`` (ISO dates), ``capacity``;
    - ``capacity``: ``session`` (pk), ``capacity`` (the session's seats in all);
    - ``radius``: ``extra_km`` and/or ``factor`` (radius × factor + extra_km);
    - ``deadline``: ``need`` (pk), ``deadline`` (ISO date).
    Every problem is reported, each naming its change.
    """
    from fabrique.needs.models import HiringNeed
    from fabrique.territories.models import Commune
    from fabrique.trainings.models import Session, Training

    if changes in (None, ""):
        return []
    if not isinstance(changes, list):
        raise ValidationError(_("The what-if changes must be a list."), code="invalid_changes")
    errors: list[ValidationError] = []
    cleaned: list[dict[str, Any]] = []
    wanted: dict[str, set[Any]] = defaultdict(set)
    for index, change in enumerate(changes):
        if not isinstance(change, Mapping):
            errors.append(_change_error(index, "", _("must be an object with a “kind”.")))
            continue
        kind = str(change.get("kind", ""))
        problems: list[str] = []
        out: dict[str, Any] = {"kind": kind}
        if kind == ChangeKind.ADD_SESSION:
            training = _int_value(change.get("training"))
            if training is None:
                problems.append(_("choose the training the session gives."))
            else:
                out["training"] = training
                wanted["training"].add(training)
            commune = str(change.get("commune") or "").strip()
            lat, lon = _float_value(change.get("lat")), _float_value(change.get("lon"))
            if commune:
                out["commune"] = commune
                wanted["commune"].add(commune)
            elif lat is None or lon is None:
                problems.append(_("give the session's commune, or its latitude and longitude."))
            elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                problems.append(
                    _(
                        "the latitude must lie between -90 and 90, "
                        "the longitude between -180 and 180."
                    )
                )
            else:
                out["lat"], out["lon"] = lat, lon
            start, end = _date_value(change.get("start")), _date_value(change.get("end"))
            if start is None or end is None:
                problems.append(_("give the start and end dates (YYYY-MM-DD)."))
            elif end < start:
                problems.append(_("the session ends before it starts."))
            else:
                out["start"], out["end"] = start.isoformat(), end.isoformat()
            capacity = _int_value(change.get("capacity"))
            if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
                problems.append(
                    _("the number of seats must be a whole number from 1 to %(max)s.")
                    % {"max": MAX_CAPACITY}
                )
            else:
                out["capacity"] = capacity
        elif kind == ChangeKind.CAPACITY:
            session = _int_value(change.get("session"))
            if session is None:
                problems.append(_("choose the session whose seats change."))
            else:
                out["session"] = session
                wanted["session"].add(session)
            capacity = _int_value(change.get("capacity"))
            if capacity is None or not 0 <= capacity <= MAX_CAPACITY:
                problems.append(
                    _("the number of seats must be a whole number from 0 to %(max)s.")
                    % {"max": MAX_CAPACITY}
                )
            else:
                out["capacity"] = capacity
        elif kind == ChangeKind.RADIUS:
            extra = change.get("extra_km")
            factor = change.get("factor")
            extra_km = _float_value(extra) if extra not in (None, "") else 0.0
            factor_value = _float_value(factor) if factor not in (None, "") else 1.0
            if extra in (None, "") and factor in (None, ""):
                problems.append(_("give the kilometres to add, or the factor to apply."))
            elif extra_km is None or not -MAX_RADIUS_KM <= extra_km <= MAX_RADIUS_KM:
                problems.append(
                    _("the kilometres to add must be a number from -%(max)s to %(max)s.")
                    % {"max": int(MAX_RADIUS_KM)}
                )
            elif factor_value is None or not 0 <= factor_value <= MAX_FACTOR:
                problems.append(
                    _("the factor must be a number from 0 to %(max)s.") % {"max": int(MAX_FACTOR)}
                )
            else:
                if extra not in (None, ""):
                    out["extra_km"] = _number(extra_km)
                if factor not in (None, ""):
                    out["factor"] = _number(factor_value)
        elif kind == ChangeKind.DEADLINE:
            need = _int_value(change.get("need"))
            if need is None:
                problems.append(_("choose the hiring need whose deadline moves."))
            else:
                out["need"] = need
                wanted["need"].add(need)
            deadline = _date_value(change.get("deadline"))
            if deadline is None:
                problems.append(_("give the new deadline (YYYY-MM-DD)."))
            else:
                out["deadline"] = deadline.isoformat()
        else:
            problems.append(
                _("unknown kind; expected one of: %(kinds)s.")
                % {"kinds": ", ".join(ChangeKind.values)}
            )
        errors.extend(_change_error(index, kind, problem) for problem in problems)
        cleaned.append(out)

    # The records changes name must exist (one query per kind of record).
    found = {
        "training": set(
            Training.objects.filter(pk__in=wanted["training"]).values_list("pk", flat=True)
        ),
        "session": set(
            Session.objects.filter(pk__in=wanted["session"]).values_list("pk", flat=True)
        ),
        "need": set(HiringNeed.objects.filter(pk__in=wanted["need"]).values_list("pk", flat=True)),
        "commune": set(
            Commune.objects.filter(
                insee_code__in=wanted["commune"], latitude__isnull=False, longitude__isnull=False
            ).values_list("insee_code", flat=True)
        ),
    }
    missing_messages = {
        "training": _("there is no training number %(value)s."),
        "session": _("there is no session number %(value)s."),
        "need": _("there is no hiring need number %(value)s."),
        "commune": _("there is no located commune with the INSEE code “%(value)s”."),
    }
    for index, change in enumerate(cleaned):
        for key, known in found.items():
            if key in change and change[key] not in known:
                errors.append(
                    _change_error(
                        index, change["kind"], missing_messages[key] % {"value": change[key]}
                    )
                )
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- the snapshot --------------------------------------------------------------------------


def snapshot(scenario: Scenario) -> dict[str, Any]:
    """The scenario's ``fabrique-plan/1`` document (a dict, ready for JSON)."""
    from fabrique.accounts.models import Organisation
    from fabrique.needs.models import HiringNeed
    from fabrique.people.models import Person, PersonSkill
    from fabrique.territories.models import Commune
    from fabrique.trainings.enums import SessionStatus
    from fabrique.trainings.models import Session, Training

    changes = validate_changes(scenario.changes)
    territory = scenario.territory
    start, end = scenario.horizon_start, scenario.horizon_end
    epci_ids = list(territory.epcis.values_list("pk", flat=True))
    left_out = dict.fromkeys(LEFT_OUT_KEYS, 0)
    notes: list[str] = []

    radius_changes = [c for c in changes if c["kind"] == ChangeKind.RADIUS]
    capacity_of = {c["session"]: c["capacity"] for c in changes if c["kind"] == ChangeKind.CAPACITY}
    deadline_of = {
        c["need"]: dt.date.fromisoformat(c["deadline"])
        for c in changes
        if c["kind"] == ChangeKind.DEADLINE
    }

    def radius(km: float) -> float:
        for change in radius_changes:
            km = km * float(change.get("factor", 1)) + float(change.get("extra_km", 0))
        return max(km, 0.0)

    # Candidates: one query for people, one for their skills, one for past occupations.
    people = Person.objects.filter(anonymised_at__isnull=True, commune__epci__in=epci_ids)
    rows = people.order_by("pk").values(
        "pk",
        "commune__latitude",
        "commune__longitude",
        "mobility_radius_km",
        "available_from",
        *_occupation_fields("current_occupation__"),
    )
    skills: dict[int, set[str]] = defaultdict(set)
    for person_id, scheme, code in PersonSkill.objects.filter(person__in=people).values_list(
        "person_id", "skill__scheme", "skill__code"
    ):
        skills[person_id].add(skill_ref(scheme, code))
    occupations: dict[int, set[str]] = defaultdict(set)
    past = Person.past_occupations.through.objects.filter(person__in=people).values_list(
        "person_id", *_occupation_fields("occupation__")
    )
    for person_id, *fields in past:
        occupations[person_id].add(occupation_ref(*fields))
    candidates: list[dict[str, Any]] = []
    for row in rows:
        lat, lon = row["commune__latitude"], row["commune__longitude"]
        if lat is None or lon is None:
            left_out[PEOPLE_WITHOUT_PLACE] += 1
            continue
        held = set(occupations[row["pk"]])
        if row["current_occupation__code"]:
            held.add(occupation_ref(*(row[f] for f in _occupation_fields("current_occupation__"))))
        candidates.append(
            {
                "id": f"{CANDIDATE_PREFIX}{row['pk']}",
                "lat": lat,
                "lon": lon,
                "max_travel_km": _number(radius(row["mobility_radius_km"])),
                "available_from": max(row["available_from"] or start, start).isoformat(),
                "skills": sorted(skills[row["pk"]]),
                "occupations": sorted(held),
            }
        )
    # People without a commune, followed by an organisation of the territory: not placeable.
    left_out[PEOPLE_WITHOUT_COMMUNE] = Person.objects.filter(
        anonymised_at__isnull=True,
        commune__isnull=True,
        organisation__in=Organisation.objects.filter(commune__epci__in=epci_ids),
    ).count()

    # Sessions: open, starting within the horizon, with seats left (or raised by a change).
    places = sorted({(c["lat"], c["lon"], c["max_travel_km"]) for c in candidates})
    session_rows = (
        Session.objects.filter(start__gte=start, start__lte=end)
        .filter(
            Q(status=SessionStatus.OPEN)
            | Q(pk__in=list(capacity_of), status__in=[SessionStatus.OPEN, SessionStatus.FULL])
        )
        .order_by("pk")
        .values(
            "pk",
            "training_id",
            "start",
            "end",
            "capacity",
            "seats_taken",
            "latitude",
            "longitude",
            "commune__latitude",
            "commune__longitude",
            "commune__epci_id",
            "training__organisation__commune__epci_id",
        )
    )
    session_rows = list(session_rows)
    training_ids = {row["training_id"] for row in session_rows}
    training_ids |= {c["training"] for c in changes if c["kind"] == ChangeKind.ADD_SESSION}
    trainings = _training_facts(Training, training_ids)
    in_territory = set(epci_ids)
    sessions: list[dict[str, Any]] = []
    for row in session_rows:
        lat = row["latitude"] if row["latitude"] is not None else row["commune__latitude"]
        lon = row["longitude"] if row["longitude"] is not None else row["commune__longitude"]
        local = (
            row["commune__epci_id"] in in_territory
            or row["training__organisation__commune__epci_id"] in in_territory
        )
        if lat is None or lon is None:
            if local:
                left_out[SESSIONS_WITHOUT_PLACE] += 1
            continue
        if not _within_reach(lat, lon, places):
            continue
        cost, prerequisites, leads_to = trainings[row["training_id"]]
        if not leads_to:
            left_out[SESSIONS_WITHOUT_OCCUPATION] += 1
            continue
        capacity = capacity_of.get(row["pk"], row["capacity"])
        # Seats not counted: as many as there are candidates.
        free = len(candidates) if capacity is None else max(capacity - row["seats_taken"], 0)
        if free <= 0:
            continue
        sessions.append(
            {
                "id": f"{SESSION_PREFIX}{row['pk']}",
                "lat": lat,
                "lon": lon,
                "start": row["start"].isoformat(),
                "end": row["end"].isoformat(),
                "capacity": free,
                "cost_eur": cost,
                "prerequisites": prerequisites,
                "leads_to": leads_to,
            }
        )
    kept = {record_pk(s["id"], SESSION_PREFIX) for s in sessions}
    for session_pk in sorted(capacity_of):
        if session_pk not in kept:
            notes.append(
                _(
                    "The change of seats of session %(pk)s has no effect: the session is not "
                    "open, starts outside the horizon, has no place or is out of reach."
                )
                % {"pk": session_pk}
            )

    # Sessions a change adds.
    communes = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.filter(
            insee_code__in=[c["commune"] for c in changes if c.get("commune")]
        ).values_list("insee_code", "latitude", "longitude")
    }
    added = 0
    for change in changes:
        if change["kind"] != ChangeKind.ADD_SESSION:
            continue
        added += 1
        if "commune" in change:
            lat, lon = communes[change["commune"]]
        else:
            lat, lon = change["lat"], change["lon"]
        cost, prerequisites, leads_to = trainings[change["training"]]
        if not leads_to:
            notes.append(
                _("The added session %(id)s leads to no occupation: it cannot fill any need.")
                % {"id": f"{ADDED_SESSION_PREFIX}{added}"}
            )
        sessions.append(
            {
                "id": f"{ADDED_SESSION_PREFIX}{added}",
                "lat": lat,
                "lon": lon,
                "start": change["start"],
                "end": change["end"],
                "capacity": change["capacity"],
                "cost_eur": cost,
                "prerequisites": prerequisites,
                "leads_to": leads_to,
                "training": change["training"],
            }
        )

    # Needs of the territory's projects, due within the horizon (or moved into it).
    need_rows = (
        HiringNeed.objects.filter(
            Q(project__territory=territory) | Q(project__commune__epci__in=epci_ids)
        )
        .filter(Q(needed_by__gte=start, needed_by__lte=end) | Q(pk__in=list(deadline_of)))
        .distinct()
        .order_by("pk")
        .values(
            "pk",
            "count",
            "needed_by",
            "project__latitude",
            "project__longitude",
            "project__commune__latitude",
            "project__commune__longitude",
            *_occupation_fields("occupation__"),
        )
    )
    needs: list[dict[str, Any]] = []
    for row in need_rows:
        deadline = deadline_of.get(row["pk"], row["needed_by"])
        if not start <= deadline <= end:
            continue
        if row["project__latitude"] is not None and row["project__longitude"] is not None:
            lat, lon = row["project__latitude"], row["project__longitude"]
        else:
            lat, lon = row["project__commune__latitude"], row["project__commune__longitude"]
        if lat is None or lon is None:
            left_out[NEEDS_WITHOUT_PLACE] += 1
            continue
        needs.append(
            {
                "id": f"{NEED_PREFIX}{row['pk']}",
                "lat": lat,
                "lon": lon,
                "occupation": occupation_ref(*(row[f] for f in _occupation_fields("occupation__"))),
                "count": row["count"],
                "deadline": deadline.isoformat(),
            }
        )
    kept_needs = {record_pk(n["id"], NEED_PREFIX) for n in needs}
    for need_pk in sorted(deadline_of):
        if need_pk not in kept_needs:
            notes.append(
                _(
                    "The new deadline of hiring need %(pk)s has no effect: the need is not of "
                    "this territory, has no place, or its deadline lies outside the horizon."
                )
                % {"pk": need_pk}
            )

    return {
        "format": PLAN_FORMAT,
        "name": scenario.name,
        "parameters": {
            "km_cost_eur": _number(scenario.km_cost_eur),
            "session_to_need_max_km": _number(scenario.session_to_need_max_km),
        },
        "candidates": candidates,
        "sessions": sessions,
        "needs": needs,
        "territory": territory.code,
        "horizon": {"start": start.isoformat(), "end": end.isoformat()},
        "changes": changes,
        "left_out": left_out,
        "notes": notes,
    }


def _training_facts(
    training_model: Any, training_ids: Iterable[int]
) -> dict[int, tuple[float | int, list[str], list[str]]]:
    """Per training: (price, prerequisite skills, target occupations), in three queries."""
    ids = sorted(set(training_ids))
    prices = dict(training_model.objects.filter(pk__in=ids).values_list("pk", "price"))
    prerequisites: dict[int, set[str]] = defaultdict(set)
    for training_id, scheme, code in training_model.prerequisite_skills.through.objects.filter(
        training_id__in=ids
    ).values_list("training_id", "skill__scheme", "skill__code"):
        prerequisites[training_id].add(skill_ref(scheme, code))
    leads: dict[int, set[str]] = defaultdict(set)
    for training_id, *fields in training_model.occupations.through.objects.filter(
        training_id__in=ids
    ).values_list("training_id", *_occupation_fields("occupation__")):
        leads[training_id].add(occupation_ref(*fields))
    return {
        pk: (
            _number(prices[pk] or 0),
            sorted(prerequisites[pk]),
            sorted(leads[pk]),
        )
        for pk in ids
        if pk in prices
    }


def _within_reach(lat: float, lon: float, places: list[tuple[float, float, float]]) -> bool:
    """Whether some candidate's place is within its travel distance of (lat, lon)."""
    for plat, plon, km in places:
        # A cheap bound first: a degree of latitude is at least 111 km.
        if abs(plat - lat) * 111.0 > km + 1:
            continue
        if _distance_km(plat, plon, lat, lon) <= km:
            return True
    return False
