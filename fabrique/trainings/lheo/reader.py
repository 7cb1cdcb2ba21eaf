"""Read an LHÉO file into ``TrainingRecord``s, refusing anything hostile or broken.

``read_lheo(data, name=...)`` takes the bytes of a file (plain or gzip) and:

1. refuses an empty file, a DOCTYPE (so no external entity — XXE — and no entity expansion
   — billion laughs — can reach the parser) and bytes that are not well-formed XML;
2. parses with lxml, entities and network off;
3. accepts the LHÉO 2.3 namespace, the 2.2 namespace and no namespace (both read as 2.3),
   refuses any other root;
4. validates the document against the official LHÉO 2.3 XSD shipped in
   ``fabrique/data/lheo/lheo.xsd``;
5. maps each ``formation`` to a ``TrainingRecord``, its ``action``s and ``session``s to
   ``SessionRecord``s, checking what the schema cannot (real dates, numbers).

Every refusal is an ``InvalidSource`` whose problems name the element path, its line and
the reason; nothing is returned for a refused file. The facts that need the database
(codes known, seats already taken...) are checked later by ``offer.write_offer``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import math
import re
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

from fabrique.core.importing import MAX_PROBLEMS, Checker, InvalidSource, Problem
from fabrique.trainings.enums import Modality
from fabrique.trainings.lheo import codes
from fabrique.trainings.lheo.text import InvalidDate, clean_line, clean_text, parse_date
from fabrique.trainings.records import OrganisationRecord, Origin, SessionRecord, TrainingRecord

SCHEMA_PATH = Path(settings.DATA_DIR) / "lheo" / "lheo.xsd"
NS = codes.NAMESPACE
N = {"l": NS}
MAX_UNCOMPRESSED = 1024**3  # a gzip file is refused beyond 1 GiB once uncompressed
# Anything but an element may come before the root: the XML declaration, comments,
# processing instructions, white space. A DOCTYPE is refused.
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_NAMESPACE_IN_MESSAGE = re.compile(r"\{[^}]*\}")


@dataclass
class LheoDocument:
    """What a file says, once read and checked on its own."""

    name: str
    namespace: str
    sha256: str
    records: list[TrainingRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return sum(len(record.sessions) for record in self.records)

    @property
    def action_count(self) -> int:
        return sum(
            len({session.action_code or session.code for session in record.sessions})
            for record in self.records
        )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


@cache
def schema() -> etree.XMLSchema:
    """The official LHÉO 2.3 schema (parsed once)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _parser()))


def _refuse(name: str, where: str, reason: str) -> InvalidSource:
    return InvalidSource(Problem(name, where, reason))


def _uncompress(data: bytes, name: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            data = stream.read(MAX_UNCOMPRESSED + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise _refuse(name, "", f"not a valid gzip file ({error or 'it is truncated'})") from error
    if len(data) > MAX_UNCOMPRESSED:
        raise _refuse(name, "", "larger than 1 GiB once uncompressed")
    return data


def _refuse_doctype(data: bytes, name: str) -> None:
    """A DOCTYPE declares entities (XXE, expansion bombs): LHÉO files have none."""
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    position = 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    if head[position : position + 9].upper() == b"<!DOCTYPE":
        line = head[:position].count(b"\n") + 1
        raise _refuse(
            name,
            f"line {line}",
            "a DOCTYPE is not accepted (it may declare entities: external files or "
            "entity expansion); an LHÉO file has none",
        )


def parse(data: bytes, name: str) -> etree._Element:
    """The root element of well-formed, DOCTYPE-free XML bytes, else ``InvalidSource``."""
    if not data.strip():
        raise _refuse(name, "", "the file is empty")
    data = _uncompress(data, name)
    if not data.strip():
        raise _refuse(name, "", "the file is empty once uncompressed")
    _refuse_doctype(data, name)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        reason = f"not well-formed XML ({error.msg}): is the file complete, and is it XML?"
        raise _refuse(name, f"line {line}", reason) from error
    if root is None:
        raise _refuse(name, "", "not an XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _refuse(name, "line 1", "a DOCTYPE is not accepted; an LHÉO file has none")
    return root


def _readable_path(element: etree._Element) -> str:
    parts = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        name = etree.QName(node).localname
        if parent is None:
            parts.append(name)
            break
        same = [sibling for sibling in parent if sibling.tag == node.tag]
        if len(same) > 1 or name in {"formation", "action", "session"}:
            name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/".join(reversed(parts))


def _where(element: etree._Element) -> str:
    return f"{_readable_path(element)}, line {element.sourceline}"


def _normalise_namespace(root: etree._Element, name: str) -> str:
    """Check the root and read a 2.2 or namespace-less document as 2.3; the namespace found."""
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    if qname.localname != "lheo" or namespace not in codes.ACCEPTED_NAMESPACES:
        found = f"{{{namespace}}}{qname.localname}" if namespace else qname.localname
        raise _refuse(
            name,
            f"{qname.localname}, line {root.sourceline}",
            f"the root element is <{found}>: expected <lheo> in the LHÉO namespace {NS} "
            f"(or {codes.NAMESPACE_22}): is this an LHÉO file?",
        )
    if namespace != NS:
        prefix = f"{{{namespace}}}" if namespace else ""
        for element in root.iter():
            tag = element.tag
            if isinstance(tag, str) and (tag.startswith(prefix) if prefix else tag[0] != "{"):
                element.tag = f"{{{NS}}}{tag[len(prefix) :]}"
        etree.cleanup_namespaces(root)
    return namespace


def _element_at(root: etree._Element, path: str | None, line: int) -> etree._Element | None:
    """The element a schema error points at (by its path, else by its line)."""
    if path:
        try:
            found = root.getroottree().xpath(path, namespaces={"lheo": NS})
        except etree.XPathError:
            found = []
        if found and isinstance(found[0], etree._Element):
            return found[0]
    return next((element for element in root.iter() if element.sourceline == line), None)


def validate(root: etree._Element, name: str) -> None:
    """Check the document against the official LHÉO 2.3 schema."""
    xsd = schema()
    if xsd.validate(root):
        return
    problems = []
    for entry in list(xsd.error_log)[:MAX_PROBLEMS]:
        element = _element_at(root, entry.path, entry.line)
        where = _where(element) if element is not None else f"line {entry.line}"
        message = _NAMESPACE_IN_MESSAGE.sub("", entry.message)
        problems.append(Problem(name, where, f"does not follow the LHÉO 2.3 schema: {message}"))
    if len(xsd.error_log) > MAX_PROBLEMS:
        problems.append(Problem(name, "", f"stopped after {MAX_PROBLEMS} problems"))
    raise InvalidSource(problems)


# --- mapping ---------------------------------------------------------------------------------


def _first(element: etree._Element, path: str) -> etree._Element | None:
    return element.find(path, N)


def _line(element: etree._Element, path: str) -> str:
    found = element.find(path, N)
    return clean_line(found.text) if found is not None else ""


def _rich(element: etree._Element, path: str) -> str:
    found = element.find(path, N)
    return clean_text("".join(found.itertext())) if found is not None else ""


def _all(element: etree._Element, path: str) -> list[str]:
    return [value for found in element.findall(path, N) if (value := clean_line(found.text))]


class _Mapper:
    def __init__(self, name: str) -> None:
        self.checker = Checker(name)

    def problem(self, element: etree._Element, reason: str) -> None:
        self.checker.add(_where(element), reason)

    def date(self, element: etree._Element | None, *, end: bool, what: str) -> object:
        if element is None:
            return None
        try:
            return parse_date(element.text or "", end=end)
        except InvalidDate as error:
            self.problem(element, f"{what}: {error}")
            return False

    def number(self, element: etree._Element | None, what: str) -> float | None:
        text = clean_line(element.text if element is not None else "")
        if element is None or not text:
            return None
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            self.problem(element, f"{what} “{text}” is not a number")
            return None
        if not math.isfinite(value):
            self.problem(element, f"{what} “{text}” is not a finite number")
            return None
        return value

    def whole(self, element: etree._Element | None, what: str) -> int | None:
        text = clean_line(element.text if element is not None else "").replace(" ", "")
        if element is None or not text:
            return None
        try:
            return int(text)
        except ValueError:
            self.problem(element, f"{what} “{text}” is not a whole number")
            return None

    def amount(self, element: etree._Element | None) -> Decimal | None:
        text = clean_line(element.text if element is not None else "")
        if element is None or not text:
            return None
        cleaned = text.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            self.problem(element, f"the price “{text}” is not an amount")
            return None
        if not value.is_finite():
            self.problem(element, f"the price “{text}” is not an amount")
            return None
        return value

    # records

    def organisation(self, element: etree._Element | None) -> OrganisationRecord:
        if element is None:
            return OrganisationRecord(name="")
        siret = _line(element, "l:SIRET-organisme-formation/l:SIRET")
        address = _first(element, "l:coordonnees-organisme/l:coordonnees")
        where = address if address is not None else element
        return OrganisationRecord(
            name=_line(element, "l:nom-organisme") or _line(element, "l:raison-sociale"),
            siret="" if siret == codes.NO_SIRET else siret,
            code=clean_line(element.get("numero")),
            postcode=_line(where, "l:adresse/l:codepostal"),
            city=_line(where, "l:adresse/l:ville"),
            email=_line(where, "l:courriel"),
            phone=_line(where, "l:telfixe/l:numtel") or _line(where, "l:portable/l:numtel"),
            url=_line(where, "l:web/l:urlweb"),
        )

    def place(self, action: etree._Element) -> dict[str, object]:
        place = _first(action, "l:lieu-de-formation/l:coordonnees")
        if place is None:
            return {}
        address = _first(place, "l:adresse")
        facts: dict[str, object] = {
            "place_name": _line(place, "l:nom")
            or (_line(address, "l:denomination") if address is not None else "")
            or _line(place, "l:ligne"),
        }
        if address is None:
            return facts
        postcode = _line(address, "l:codepostal")
        facts |= {
            "address": ", ".join(_all(address, "l:ligne")),
            "postcode": "" if postcode == codes.NO_POSTCODE else postcode,
            "city": _line(address, "l:ville"),
            "insee_code": _line(address, "l:code-INSEE-commune"),
        }
        geo = _first(address, "l:geolocalisation")
        if geo is not None:
            facts["latitude"] = self.number(_first(geo, "l:latitude"), "the latitude")
            facts["longitude"] = self.number(_first(geo, "l:longitude"), "the longitude")
        return facts

    def session(
        self, element: etree._Element, path: str, action_code: str, shared: dict[str, object]
    ) -> SessionRecord | None:
        period = _first(element, "l:periode")
        start = end = None
        if period is not None:
            start = self.date(_first(period, "l:debut"), end=False, what="the start")
            end = self.date(_first(period, "l:fin"), end=True, what="the end")
            if start is None:
                self.problem(period, "the session has no start date (00000000)")
            if end is None:
                self.problem(period, "the session has no end date (00000000)")
        deadline = self.date(
            _first(element, "l:periode-inscription/l:periode/l:fin"),
            end=True,
            what="the end of registration",
        )
        capacity_element = _first(element, "l:recrutement/l:nb-places")
        if capacity_element is None:
            capacity_element = _first(element, "l:extras/l:extra[@info='nombre-places']")
        capacity = self.whole(capacity_element, "the number of places")
        status = codes.STATUS_OF_CODE.get(_line(element, "l:etat-recrutement"), "open")
        if not start or not end or deadline is False:
            return None
        return SessionRecord(
            start=start,  # type: ignore[arg-type]
            end=end,  # type: ignore[arg-type]
            code=clean_line(element.get("numero")),
            action_code=action_code,
            registration_deadline=deadline,  # type: ignore[arg-type]
            capacity=capacity,
            status=status,
            origin=Origin(path, element.sourceline),
            **shared,  # type: ignore[arg-type]
        )

    def formation(self, element: etree._Element, number: int) -> TrainingRecord:
        path = f"formation[{number}]"
        sessions: list[SessionRecord] = []
        audiences: list[str] = []
        fundings: list[str] = []
        first: dict[str, object] = {}
        for action_number, action in enumerate(element.iterfind("l:action", N), start=1):
            action_path = f"{path}/action[{action_number}]"
            shared = {"timetable": _rich(action, "l:rythme-formation"), **self.place(action)}
            for code in _all(action, "l:code-public-vise"):
                audience = codes.AUDIENCE_OF_CODE.get(code)
                if audience and audience not in audiences:
                    audiences.append(audience)
            for code in _all(action, "l:organisme-financeur/l:code-financeur"):
                funding = codes.FUNDING_OF_CODE.get(code, "other")
                if funding not in fundings:
                    fundings.append(funding)
            if not first:
                first = {
                    "modality": codes.MODALITY_OF_CODE.get(
                        _line(action, "l:modalites-enseignement"), Modality.IN_PERSON
                    ),
                    "hours": self.whole(
                        _first(action, "l:nombre-heures-total"), "the number of hours"
                    ),
                    "price": self.amount(_first(action, "l:prix-total-TTC")),
                    "entry_requirements": _rich(action, "l:conditions-specifiques"),
                    "accessibility": _rich(action, "l:acces-handicapes"),
                }
            action_code = clean_line(action.get("numero"))
            for session_number, session in enumerate(action.iterfind("l:session", N), start=1):
                record = self.session(
                    session, f"{action_path}/session[{session_number}]", action_code, shared
                )
                if record is not None:
                    sessions.append(record)
        contact = _first(element, "l:contact-formation/l:coordonnees")
        certification_code = ""
        for certification in element.iterfind("l:certification", N):
            rncp = _line(certification, "l:code-RNCP").upper().removeprefix("RNCP")
            rs = _line(certification, "l:code-RS").upper().removeprefix("RS")
            if rncp:
                certification_code = f"RNCP{rncp}"
                break
            if rs:
                certification_code = f"RS{rs}"
                break
        return TrainingRecord(
            organisation=self.organisation(_first(element, "l:organisme-formation-responsable")),
            title=_line(element, "l:intitule-formation"),
            code=clean_line(element.get("numero")),
            objectives=_rich(element, "l:objectif-formation"),
            content=_rich(element, "l:contenu-formation"),
            expected_results=_rich(element, "l:resultats-attendus"),
            level=codes.LEVEL_OF_CODE.get(_line(element, "l:code-niveau-sortie"), ""),
            audiences=tuple(audiences),
            fundings=tuple(fundings),
            certification_code=certification_code,
            formacodes=tuple(_all(element, "l:domaine-formation/l:code-FORMACODE")),
            nsf_codes=tuple(_all(element, "l:domaine-formation/l:code-NSF")),
            rome_codes=tuple(_all(element, "l:domaine-formation/l:code-ROME")),
            contact_email=_line(contact, "l:courriel") if contact is not None else "",
            contact_phone=(
                _line(contact, "l:telfixe/l:numtel") or _line(contact, "l:portable/l:numtel")
                if contact is not None
                else ""
            ),
            url=_line(element, "l:url-formation/l:urlweb"),
            sessions=tuple(sessions),
            origin=Origin(path, element.sourceline),
            **first,  # type: ignore[arg-type]
        )


def read_lheo(data: bytes, *, name: str) -> LheoDocument:
    """Read and check an LHÉO file (bytes, plain or gzip); ``InvalidSource`` if refused."""
    root = parse(data, name)
    namespace = _normalise_namespace(root, name)
    validate(root, name)
    document = LheoDocument(name=name, namespace=namespace, sha256=hashlib.sha256(data).hexdigest())
    if namespace == codes.NAMESPACE_22:
        document.notes.append(f"LHÉO 2.2 namespace ({namespace}): read as LHÉO 2.3.")
    elif not namespace:
        document.notes.append("No namespace: read as LHÉO 2.3.")
    mapper = _Mapper(name)
    offres = root.find("l:offres", N)
    for number, formation in enumerate(offres.iterfind("l:formation", N), start=1):  # type: ignore[union-attr]
        document.records.append(mapper.formation(formation, number))
    mapper.checker.done()
    return document


def read_lheo_file(path: Path) -> LheoDocument:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _refuse(path.name, "", f"cannot be read ({error.strerror})") from error
    return read_lheo(data, name=path.name)
