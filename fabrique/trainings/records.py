"""The training offer as plain records, read from a file before anything is written.

The LHÉO reader and the spreadsheet reader both turn a file into ``TrainingRecord``s (with
their ``SessionRecord``s); ``offer.write_offer`` then checks them against the database and
writes them in one transaction. A record names where it came from (``origin``: a line, or an
XML element and its line) so that every problem found later points at the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read: ``"formation[3]"`` at line 120, or row 7 of a sheet."""

    where: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.where}, line {self.line}" if self.line else self.where


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """The training organisation, found by SIRET, else by name."""

    name: str
    siret: str = ""
    code: str = ""  # LHÉO numero of the organisme
    postcode: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    start: dt.date
    end: dt.date
    code: str = ""
    action_code: str = ""
    timetable: str = ""
    registration_deadline: dt.date | None = None
    place_name: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    insee_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    capacity: int | None = None
    status: str = "open"  # a SessionStatus value
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    organisation: OrganisationRecord
    title: str
    code: str = ""
    objectives: str = ""
    content: str = ""
    expected_results: str = ""
    entry_requirements: str = ""
    level: str = ""  # a Level value
    modality: str = "in_person"  # a Modality value
    hours: int | None = None
    price: Decimal | None = None
    audiences: tuple[str, ...] = ()  # Audience values
    fundings: tuple[str, ...] = ()  # Funding values
    certification_code: str = ""  # RNCP1234 or RS567
    bloc_codes: tuple[str, ...] = ()  # RNCP1234BC01
    formacodes: tuple[str, ...] = ()
    nsf_codes: tuple[str, ...] = ()
    rome_codes: tuple[str, ...] = ()
    accessibility: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    url: str = ""
    sessions: tuple[SessionRecord, ...] = field(default_factory=tuple)
    origin: Origin | None = None
