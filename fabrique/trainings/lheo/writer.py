"""Write trainings as an LHÉO 2.3 document that validates against the official schema.

    summary = write_lheo(stream, trainings_queryset)

The document is written element by element (``lxml.etree.xmlfile``), one ``formation`` at a
time, so a large catalogue never sits whole in memory. Sessions sharing an action number
(and place) become one ``action``, written without a number when the sessions have none.
A training without a session is left out: LHÉO needs at least one
action and one session per formation (the summary counts them). Required elements with
nothing to say hold ``-``, as real flows do; the reader reads ``-`` back as empty.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from lxml import etree

from fabrique.trainings.lheo import codes
from fabrique.trainings.lheo.text import format_date
from fabrique.trainings.models import Session, Training

NS = codes.NAMESPACE
NSMAP = {None: NS}
TEXT_LIMIT = 3000  # objectif-formation, contenu-formation, ... (LHÉO maxLength)


@dataclass
class ExportSummary:
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    left_out: int = 0  # trainings without a session, which LHÉO cannot hold


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, _q(name), {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _text(value: str, limit: int = TEXT_LIMIT) -> str:
    value = value.strip()
    if not value:
        return "-"
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _lines(address: str) -> list[str]:
    """An address as LHÉO lines: at most four of at most 50 characters."""
    lines: list[str] = []
    for part in address.replace("\n", ",").split(","):
        lines += textwrap.wrap(part.strip(), 50)
    return lines[:4]


def _address(
    parent: etree._Element,
    *,
    name: str = "",
    address: str = "",
    postcode: str = "",
    city: str = "",
    insee: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> None:
    element = _sub(parent, "adresse")
    if name:
        _sub(element, "denomination", name[:255])
    for line in _lines(address) or ["-"]:
        _sub(element, "ligne", line)
    _sub(element, "codepostal", postcode if len(postcode) == 5 else codes.NO_POSTCODE)
    _sub(element, "ville", (city or "-")[:50])
    if len(insee) == 5:
        _sub(element, "code-INSEE-commune", insee)
    if latitude is not None and longitude is not None:
        geo = _sub(element, "geolocalisation")
        _sub(geo, "latitude", repr(latitude))
        _sub(geo, "longitude", repr(longitude))


def _has_place(session: Session) -> bool:
    return len(session.postcode) == 5 and bool(session.city)


def _place_key(session: Session) -> tuple[Any, ...]:
    return (
        session.place_name,
        session.address,
        session.postcode,
        session.city,
        session.latitude,
        session.longitude,
        session.timetable,
    )


def _actions(sessions: Iterable[Session]) -> list[tuple[str, list[Session]]]:
    groups: dict[tuple[Any, ...], list[Session]] = {}
    for session in sessions:
        groups.setdefault((session.action_code, *_place_key(session)), []).append(session)
    return [(key[0], members) for key, members in groups.items()]


def _session(parent: etree._Element, session: Session, training: Training) -> None:
    element = _sub(parent, "session", numero=session.code)
    period = _sub(element, "periode")
    _sub(period, "debut", format_date(session.start))
    _sub(period, "fin", format_date(session.end))
    registration = _sub(element, "adresse-inscription")
    organisation = training.organisation
    if _has_place(session):
        _address(
            registration,
            address=session.address,
            postcode=session.postcode,
            city=session.city,
            insee=session.commune.insee_code if session.commune else "",
        )
    else:
        _address(
            registration,
            address=organisation.address,
            city=organisation.commune.name if organisation.commune else "",
            insee=organisation.commune.insee_code if organisation.commune else "",
        )
    if session.registration_deadline:
        window = _sub(_sub(element, "periode-inscription"), "periode")
        _sub(window, "debut", "00000000")
        _sub(window, "fin", format_date(session.registration_deadline))
    _sub(element, "etat-recrutement", codes.CODE_OF_STATUS[session.status])
    if session.capacity is not None:
        recruitment = _sub(element, "recrutement")
        _sub(recruitment, "modalite-recrutement", "0")
        _sub(recruitment, "nb-places", str(session.capacity))


def _action(
    parent: etree._Element, training: Training, number: str, sessions: list[Session]
) -> None:
    first = sessions[0]
    audiences = sorted(
        {codes.CODE_OF_AUDIENCE[row.audience] for row in training.audiences.all()}
    ) or [codes.EVERYONE]
    fundings = sorted({codes.CODE_OF_FUNDING[row.funding] for row in training.fundings.all()})
    action = _sub(parent, "action", numero=number)
    _sub(action, "rythme-formation", _text(first.timetable))
    for code in audiences[:10]:
        _sub(action, "code-public-vise", code)
    _sub(action, "niveau-entree-obligatoire", "0")
    _sub(action, "modalites-alternance", "-")
    _sub(action, "modalites-enseignement", codes.CODE_OF_MODALITY[training.modality])
    _sub(action, "conditions-specifiques", _text(training.entry_requirements))
    _sub(action, "prise-en-charge-frais-possible", "1" if fundings else "0")
    if _has_place(first) or first.place_name:
        place = _sub(_sub(action, "lieu-de-formation"), "coordonnees")
        if _has_place(first):
            _address(
                place,
                name=first.place_name,
                address=first.address,
                postcode=first.postcode,
                city=first.city,
                insee=first.commune.insee_code if first.commune else "",
                latitude=first.latitude,
                longitude=first.longitude,
            )
        else:
            _sub(place, "nom", first.place_name[:50])
    _sub(action, "modalites-entrees-sorties", "0")
    for session in sessions:
        _session(action, session, training)
    if training.accessibility:
        _sub(action, "acces-handicapes", _text(training.accessibility, 250))
    if training.price is not None:
        _sub(action, "prix-total-TTC", f"{training.price:.2f}")
    if training.hours is not None:
        _sub(action, "nombre-heures-total", str(training.hours))
    for code in fundings[:8]:
        _sub(_sub(action, "organisme-financeur"), "code-financeur", code)


def _coordinates(
    parent: etree._Element, *, email: str = "", phone: str = "", url: str = ""
) -> None:
    element = _sub(parent, "coordonnees")
    if phone:
        _sub(_sub(element, "telfixe"), "numtel", phone[:25])
    if email and len(email) <= 160:
        _sub(element, "courriel", email)
    if url and len(url) <= 400:
        _sub(_sub(element, "web"), "urlweb", url)


def formation_element(training: Training) -> etree._Element:
    """The ``formation`` of one training (with its sessions prefetched)."""
    formation = etree.Element(_q("formation"), nsmap=NSMAP)  # type: ignore[dict-item]
    if training.code:
        formation.set("numero", training.code)
    domain = _sub(formation, "domaine-formation")
    for code in sorted(f.code for f in training.formacodes.all() if len(f.code) == 5)[:5]:
        _sub(domain, "code-FORMACODE", code)
    for code in sorted(n.code for n in training.nsf_domains.all() if len(n.code) == 3)[:3]:
        _sub(domain, "code-NSF", code)
    for code in sorted(o.code for o in training.occupations.all() if len(o.code) == 5)[:5]:
        _sub(domain, "code-ROME", code)
    _sub(formation, "intitule-formation", _text(training.title, 255))
    _sub(formation, "objectif-formation", _text(training.objectives))
    _sub(formation, "resultats-attendus", _text(training.expected_results))
    _sub(formation, "contenu-formation", _text(training.content))
    _sub(formation, "certifiante", "1" if training.certification else "0")
    _coordinates(
        _sub(formation, "contact-formation"),
        email=training.contact_email,
        phone=training.contact_phone,
    )
    _sub(formation, "parcours-de-formation", "1")
    _sub(formation, "code-niveau-entree", codes.LEVEL_UNKNOWN)
    certification = training.certification
    if certification is not None:
        element = _sub(formation, "certification")
        if certification.code.startswith("RNCP"):
            _sub(element, "code-RNCP", certification.code.removeprefix("RNCP")[:10])
        else:
            _sub(element, "code-RS", certification.code.removeprefix("RS").rjust(3, "0")[:10])
    _sub(formation, "code-niveau-sortie", codes.CODE_OF_LEVEL.get(training.level, "0"))
    if training.url:
        _sub(_sub(formation, "url-formation"), "urlweb", training.url[:400])
    for number, sessions in _actions(training.sessions.all()):
        _action(formation, training, number, sessions)
    organisation = training.organisation
    responsible = _sub(formation, "organisme-formation-responsable")
    _sub(responsible, "numero-activite", codes.NO_ACTIVITY_NUMBER)
    _sub(
        _sub(responsible, "SIRET-organisme-formation"),
        "SIRET",
        organisation.siret or codes.NO_SIRET,
    )
    _sub(responsible, "nom-organisme", organisation.name[:250])
    _sub(responsible, "raison-sociale", organisation.name[:250])
    contact = {"email": organisation.email, "url": organisation.website}
    _coordinates(_sub(responsible, "coordonnees-organisme"), **contact)
    _coordinates(_sub(responsible, "contact-organisme"), **contact)
    return formation


def exported(trainings: QuerySet[Training]) -> QuerySet[Training]:
    """The trainings with everything the export reads, fetched in a few queries."""
    return (
        trainings.select_related("organisation__commune", "certification")
        .prefetch_related(
            "formacodes",
            "nsf_domains",
            "occupations",
            "audiences",
            "fundings",
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("commune").order_by("start", "pk"),
            ),
        )
        .order_by("organisation__name", "title", "pk")
    )


class NothingToExport(Exception):
    """None of the trainings has a session: LHÉO needs at least one formation with one."""


def exportable(trainings: QuerySet[Training]) -> QuerySet[Training]:
    """The trainings LHÉO can hold: those with at least one session."""
    return trainings.filter(pk__in=Session.objects.values("training_id"))


def write_lheo(stream: IO[bytes], trainings: QuerySet[Training]) -> ExportSummary:
    """Write ``trainings`` (those with at least one session) as an LHÉO 2.3 document.

    Raises ``NothingToExport`` (before writing anything) when none has a session.
    """
    kept = exportable(trainings)
    if not kept.exists():
        raise NothingToExport
    summary = ExportSummary(left_out=trainings.count() - kept.count())
    with etree.xmlfile(stream, encoding="utf-8") as document:
        document.write_declaration()
        with document.element(_q("lheo"), nsmap=NSMAP), document.element(_q("offres")):  # type: ignore[arg-type]
            for training in exported(kept).iterator(chunk_size=500):
                sessions = list(training.sessions.all())
                element = formation_element(training)
                summary.formations += 1
                summary.actions += len(element.findall(_q("action")))
                summary.sessions += len(sessions)
                document.write(element)
                document.flush()
    return summary
