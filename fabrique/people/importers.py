"""The ``people`` import: ``fabrique import people FILE --organisation ORG [--wet-run]``.

    fabrique import people lot-france-travail.csv --organisation 13000548100010
    fabrique import people lot.xlsx --organisation agence-forbach --wet-run

``ORG`` is the following organisation of every person of the file: its number, SIRET or short
name. The file is checked whole (``spreadsheets.read``, then the codes and communes in
``actions.import_people``); a file with any problem is refused and nothing is written.
Problems name rows and columns only, never a cell's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import Organisation
from fabrique.core import importing
from fabrique.core.importing import ImportReport, InvalidSource, Problem
from fabrique.core.progress import ProgressCallback
from fabrique.people import actions, spreadsheets

NAME = "people"


def find_organisation(reference: str) -> Organisation | None:
    """The organisation by its number, SIRET or short name."""
    reference = reference.strip()
    query = Q(slug=reference)
    if reference.isdigit():
        query |= Q(siret=reference) if len(reference) == 14 else Q(pk=int(reference))
    matches = list(Organisation.objects.filter(query)[:2])
    return matches[0] if len(matches) == 1 else None


def run(
    paths: list[Path], *, wet_run: bool, progress: ProgressCallback, options: Mapping[str, Any]
) -> ImportReport:
    if len(paths) != 1:
        raise InvalidSource(Problem(NAME, "", "give one .csv or .xlsx file"))
    path = paths[0]
    reference = options.get("organisation")
    if not reference:
        raise InvalidSource(
            Problem(NAME, "", "give the following organisation: --organisation ID|SIRET|SLUG")
        )
    organisation = find_organisation(str(reference))
    if organisation is None:
        raise InvalidSource(Problem(NAME, "", f"no single organisation is {reference!r}"))
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InvalidSource(Problem(path.name, "", f"cannot be read ({error.strerror})")) from error
    progress(0, 2, "people: reading")
    try:
        records = spreadsheets.read(content, name=path.name)
    except spreadsheets.SheetRefused as refusal:
        raise InvalidSource(
            [Problem(path.name, problem.where, problem.reason) for problem in refusal.problems]
        ) from refusal
    progress(1, 2, "people: checking" + (" and writing" if wet_run else ""))
    result = actions.import_people(
        records=records, organisation=organisation, by=None, wet_run=wet_run
    )
    if result.refused:
        raise InvalidSource(
            [Problem(path.name, problem.where, problem.reason) for problem in result.problems]
        )
    progress(2, 2, "people: done")
    return ImportReport(
        name=NAME, version=organisation.name, wet_run=result.written, counts=result.counts
    )


def _add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--organisation",
        metavar="ID|SIRET|SLUG",
        help="people: the following organisation of every person of the file.",
    )


importing.register(
    NAME,
    help=_(
        "People from a spreadsheet (.xlsx or .csv, one row per person), e.g. a France Travail batch"
    ),
    runner=run,
    add_arguments=_add_arguments,
)
