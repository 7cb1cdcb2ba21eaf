"""Reads of the training offer: what a user sees, and the catalogue search.

The catalogue lists sessions (with their training), earliest first. Its filters:

- free text: every word (accents, case and ligatures ignored) in the title or the objectives
  of the training, or the training targets one of the ROME occupations that the text matcher
  (``referentials.matching``) proposes for the text; the matcher is an extra, so its absence
  (no index built) or failure leaves the plain text search;
- occupation (ROME code, which also finds its déclinaisons, or ESCO URI) and skill taught;
- place and radius: a commune found by name, postal code or INSEE code (or given
  coordinates); a latitude/longitude box narrows the sessions on the (latitude, longitude)
  index before the exact great-circle distance is computed in SQL on the few rows left;
- dates (start between two dates; from today by default), modality, audience, funding.

Everything is one SQL query (plus its count), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ASin, Cos, Least, Radians, Sin, Sqrt
from django.utils import timezone

from fabrique.engine.geo import EARTH_RADIUS_KM, Point, bounding_box
from fabrique.engine.text import fold
from fabrique.referentials.models import Occupation, Scheme
from fabrique.referentials.queries import clean_query
from fabrique.referentials.search import MATCHER_MIN_SCORE, Terms
from fabrique.territories.models import Commune
from fabrique.trainings.enums import (
    Audience,
    EnrolmentState,
    Funding,
    Modality,
    SessionStatus,
)
from fabrique.trainings.models import (
    Enrolment,
    Session,
    Training,
    TrainingAudience,
    TrainingFunding,
)
from fabrique.trainings.rules import private_offer_organisation_ids

logger = logging.getLogger(__name__)

MATCHER_TOP = 5
COUNT_LIMIT = 1000  # pages count at most this many results ("1000 or more")
DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 500
# Words too common to require: "technicien de maintenance" needs neither "de" nor "la".
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "pour",
        "sur",
        "un",
        "une",
        "the",
        "of",
        "and",
        "for",
        "in",
    ]
)
FEED_STATES = (EnrolmentState.ACCEPTED, EnrolmentState.IN_TRAINING)


# --- who sees what ----------------------------------------------------------------------------


def visibility(user: Any, prefix: str = "") -> Q:
    """The condition a training (``prefix=""``) or a session (``prefix="training__"``) meets
    when ``user`` may read it."""
    scope = private_offer_organisation_ids(user)
    if scope is None:
        return Q()
    condition = Q(**{f"{prefix}published": True})
    if scope:
        condition |= Q(**{f"{prefix}organisation_id__in": sorted(scope)})
    return condition


def trainings_visible_to(user: Any) -> QuerySet[Training]:
    return Training.objects.filter(visibility(user))


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    # A subquery rather than a join: the databases then walk the sessions' date index.
    condition = visibility(user)
    if not condition:
        return Session.objects.all()
    return Session.objects.filter(training__in=Training.objects.filter(condition).values("pk"))


# --- the catalogue search ---------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueQuery:
    """What a person looks for; every field is optional."""

    text: str = ""
    occupation: str = ""  # ROME code or ESCO URI
    skill: str = ""  # skill code (ROME code_ogr or ESCO URI)
    place: str = ""  # commune name, postal code or INSEE code
    centre: Point | None = None  # coordinates given directly (API)
    radius_km: float = DEFAULT_RADIUS_KM
    date_from: dt.date | None = None  # None: today
    date_to: dt.date | None = None
    modality: str = ""
    audience: str = ""
    funding: str = ""
    open_only: bool = False  # leave out full and closed sessions
    organisation_id: int | None = None


@dataclass
class CatalogueResult:
    query: CatalogueQuery
    sessions: QuerySet[Session]
    commune: Commune | None = None  # the place found for ``query.place``
    place_not_found: bool = False
    occupation_codes: tuple[str, ...] = ()  # proposed by the text matcher


def find_commune(place: str) -> Commune | None:
    """The commune a person means by ``place``: exact name first, then the most populated."""
    place = clean_query(place)
    if not place:
        return None
    communes = Commune.objects.current().filter(latitude__isnull=False, longitude__isnull=False)
    key = fold(place)
    exact = communes.filter(search_name=key).order_by(F("population").desc(nulls_last=True))
    found = exact.first()
    if found is None:
        found = communes.search(place).order_by(F("population").desc(nulls_last=True)).first()
    return found


def matched_occupation_codes(text: str) -> tuple[str, ...]:
    """ROME fiches the text matcher proposes for ``text``; none when it is unavailable."""
    from fabrique.referentials import matching

    if not matching.ready("occupations", Scheme.ROME):  # never wait for an index build
        return ()
    try:
        found = matching.occupations([text], scheme=Scheme.ROME, top=MATCHER_TOP)[0]
    except Exception:  # an extra of the search: its failure must not fail the search
        logger.warning("The text matcher is unavailable for the catalogue search.", exc_info=True)
        return ()
    return tuple(match.code for match in found if match.score >= MATCHER_MIN_SCORE)


def _text_condition(text: str, occupation_codes: tuple[str, ...]) -> Q | None:
    terms = Terms.of(text)
    if not terms:
        return None
    words = [word for word in terms.words if word not in STOP_WORDS] or list(terms.words)
    condition = Q()
    for word in words:
        single = Terms.of(word)
        condition &= single.text_condition("title") | single.text_condition("objectives")
    if occupation_codes:
        condition |= Q(
            Exists(
                Training.occupations.through.objects.filter(
                    training_id=OuterRef("pk"),
                    occupation__scheme=Scheme.ROME,
                    occupation__code__in=occupation_codes,
                )
            )
        )
    return condition


def _occupation_condition(code: str) -> Q:
    code = clean_query(code)
    rome = code.upper()
    occupations = Occupation.objects.filter(
        Q(code=code)
        | Q(scheme=Scheme.ROME, code=rome)
        | Q(parent__scheme=Scheme.ROME, parent__code=rome)
    )
    return Q(
        Exists(
            Training.occupations.through.objects.filter(
                training_id=OuterRef("pk"), occupation__in=occupations.values("pk")
            )
        )
    )


def _skill_condition(code: str) -> Q:
    return Q(
        Exists(
            Training.skills_taught.through.objects.filter(
                training_id=OuterRef("pk"), skill__code=clean_query(code)
            )
        )
    )


def training_conditions(query: CatalogueQuery, occupation_codes: tuple[str, ...] = ()) -> Q:
    """Conditions on trainings alone (no session field)."""
    condition = Q()
    if query.text and (text := _text_condition(query.text, occupation_codes)) is not None:
        condition &= text
    if query.occupation:
        condition &= _occupation_condition(query.occupation)
    if query.skill:
        condition &= _skill_condition(query.skill)
    if query.modality in Modality.values:
        condition &= Q(modality=query.modality)
    if query.audience in Audience.values:
        condition &= Q(
            Exists(
                TrainingAudience.objects.filter(training_id=OuterRef("pk"), audience=query.audience)
            )
        )
    if query.funding in Funding.values:
        condition &= Q(
            Exists(
                TrainingFunding.objects.filter(training_id=OuterRef("pk"), funding=query.funding)
            )
        )
    if query.organisation_id is not None:
        condition &= Q(organisation_id=query.organisation_id)
    return condition


def distance_km(latitude: float, longitude: float) -> Any:
    """The haversine distance (km) from a session's coordinates to a point, as SQL."""
    lat = math.radians(latitude)
    half_dlat = (Radians(F("latitude")) - Value(lat)) / Value(2.0)
    half_dlon = (Radians(F("longitude")) - Value(math.radians(longitude))) / Value(2.0)
    h = Sin(half_dlat) * Sin(half_dlat) + Value(math.cos(lat)) * Cos(Radians(F("latitude"))) * Sin(
        half_dlon
    ) * Sin(half_dlon)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(Value(1.0), h)))


def search_sessions(query: CatalogueQuery, *, user: Any) -> CatalogueResult:
    """Sessions the user may see that match ``query``, earliest first (then the shortest)."""
    result = CatalogueResult(query=query, sessions=Session.objects.none())
    sessions = Session.objects.exclude(status=SessionStatus.CANCELLED)
    if query.open_only:
        sessions = sessions.filter(status=SessionStatus.OPEN)
    date_from = query.date_from or timezone.localdate()
    sessions = sessions.filter(start__gte=date_from)
    if query.date_to is not None:
        sessions = sessions.filter(start__lte=query.date_to)

    if query.text:
        result.occupation_codes = matched_occupation_codes(query.text)
    # One subquery on trainings (visibility and their own conditions): the databases then
    # walk the sessions' (start, end) index in order and stop at the page's end.
    own = training_conditions(query, result.occupation_codes)
    trainings = visibility(user) & own
    if trainings and not own:
        # Only visibility, which most trainings pass: "training_id + 0" keeps SQLite from
        # looking sessions up training by training through the foreign key's index (and
        # sorting them all) rather than walking the date index; PostgreSQL plans it alike.
        sessions = sessions.alias(training_key=F("training_id") + Value(0)).filter(
            training_key__in=Training.objects.filter(trainings).values("pk")
        )
    elif trainings:
        sessions = sessions.filter(training__in=Training.objects.filter(trainings).values("pk"))

    centre = query.centre
    if centre is None and query.place:
        result.commune = find_commune(query.place)
        if result.commune is None:
            result.place_not_found = True
            return result
        centre = Point(result.commune.latitude, result.commune.longitude)  # type: ignore[arg-type]
    if centre is not None:
        radius = min(max(float(query.radius_km), 0.0), MAX_RADIUS_KM)
        box = bounding_box(centre, radius)
        sessions = sessions.filter(
            latitude__gte=box.min_latitude,
            latitude__lte=box.max_latitude,
            longitude__gte=box.min_longitude,
            longitude__lte=box.max_longitude,
        )
        sessions = sessions.alias(distance=distance_km(centre.latitude, centre.longitude)).filter(
            distance__lte=Value(radius, output_field=FloatField())
        )
        sessions = sessions.annotate(distance_km=F("distance"))
    result.sessions = sessions.select_related("training", "training__organisation").order_by(
        "start", "end", "pk"
    )
    return result


def bounded_count(sessions: QuerySet[Session], limit: int = COUNT_LIMIT) -> int:
    """How many sessions match, counting no further than ``limit`` (a broad search would
    otherwise read every row of the table to tell "61,101")."""
    return sessions.select_related(None).order_by()[: limit + 1].count()


def search_trainings(query: CatalogueQuery, *, user: Any) -> QuerySet[Training]:
    """Trainings the user may see that match ``query``: conditions on sessions (place, dates,
    open seats) keep the trainings that have at least one such session."""
    occupation_codes = matched_occupation_codes(query.text) if query.text else ()
    trainings = trainings_visible_to(user).filter(training_conditions(query, occupation_codes))
    session_filters = (
        query.place or query.centre or query.date_from or query.date_to or query.open_only
    )
    if session_filters:
        found = search_sessions(replace(query, text="", occupation="", skill=""), user=user)
        trainings = trainings.filter(pk__in=found.sessions.values("training_id"))
    return trainings.select_related("organisation").order_by("title", "pk")


# --- pages --------------------------------------------------------------------------------------


def training_page(training: Training, *, user: Any) -> Training:
    """A training with everything its page shows, in a fixed number of queries."""
    return (
        Training.objects.filter(pk=training.pk)
        .select_related("organisation", "certification")
        .prefetch_related(
            "audiences",
            "fundings",
            "certification_blocs",
            "formacodes",
            "occupations",
            "skills_taught",
            "prerequisite_skills",
            Prefetch(
                "sessions",
                queryset=Session.objects.exclude(status=SessionStatus.CANCELLED).order_by(
                    "start", "pk"
                ),
            ),
        )
        .get()
    )


def person_sessions(person: Any) -> QuerySet[Session]:
    """Sessions a person is accepted in or follows: their calendar."""
    enrolments = Enrolment.objects.filter(person=person, state__in=FEED_STATES)
    return (
        Session.objects.filter(pk__in=enrolments.values("session_id"))
        .select_related("training", "training__organisation")
        .order_by("start", "pk")
    )
