"""Writes on the tree of a draft version: blocs, competences, levels and linked skills.

Every function locks the version, checks that the user edits the framework and that the
version is still a draft (a published version never changes), validates, writes in one
transaction and leaves the audit log to the model layer (``audit.acting_as``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fabrique.accounts.models import User
from fabrique.core import audit
from fabrique.frameworks import rules
from fabrique.frameworks.documents import normalise_text
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import (
    MAX_LEVELS,
    Bloc,
    Competence,
    CompetenceSkill,
    FrameworkVersion,
    Level,
)
from fabrique.referentials.models import Skill

UP = -1
DOWN = 1


class _Positioned(Protocol):
    pk: int | None
    position: int

    def save(self, *, update_fields: list[str]) -> None: ...


def editable_draft(version: FrameworkVersion, by: User) -> FrameworkVersion:
    """The version, locked, if ``by`` may change it now; else PermissionDenied or
    ValidationError saying why."""
    version = (
        FrameworkVersion.objects.select_for_update(of=("self",))
        .select_related("framework")
        .get(pk=version.pk)
    )
    if not rules.can_edit_framework(by, version.framework):
        raise PermissionDenied(_("Only the framework's editors may change it."))
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _(
                "Version %(number)s is %(status)s and no longer changes: start a new version "
                "to change the framework."
            )
            % {"number": version.number, "status": VersionStatus(version.status).label},
            code="not_draft",
        )
    return version


def _renumber(records: Sequence[_Positioned]) -> None:
    for position, record in enumerate(records, 1):
        if record.position != position:
            record.position = position
            record.save(update_fields=["position"])


def _moved(records: list, record_pk: int, offset: int) -> list:
    """``records`` with the one of ``record_pk`` moved by ``offset`` places (within bounds)."""
    index = next(i for i, record in enumerate(records) if record.pk == record_pk)
    target = min(max(index + offset, 0), len(records) - 1)
    records.insert(target, records.pop(index))
    return records


def _check_bloc_code(version: FrameworkVersion, code: str, bloc: Bloc | None = None) -> None:
    others = version.blocs.filter(code=code)
    if bloc is not None:
        others = others.exclude(pk=bloc.pk)
    if others.exists():
        raise ValidationError({"code": _("Another bloc of this version has this code.")})


def _check_competence_code(
    version: FrameworkVersion, code: str, competence: Competence | None = None
) -> None:
    others = version.competences.filter(code=code)
    if competence is not None:
        others = others.exclude(pk=competence.pk)
    if others.exists():
        raise ValidationError({"code": _("Another competence of this version has this code.")})


# --- blocs -------------------------------------------------------------------------------------


@transaction.atomic
def add_bloc(
    *, version: FrameworkVersion, code: str, title: str, description: str = "", by: User
) -> Bloc:
    version = editable_draft(version, by)
    code = code.strip()
    last = version.blocs.aggregate(last=Max("position"))["last"] or 0
    bloc = Bloc(
        version=version,
        code=code,
        title=normalise_text(title),
        description=normalise_text(description),
        position=last + 1,
    )
    bloc.full_clean(validate_constraints=False)
    _check_bloc_code(version, code)
    with audit.acting_as(by):
        bloc.save()
    return bloc


@transaction.atomic
def update_bloc(*, bloc: Bloc, code: str, title: str, description: str, by: User) -> Bloc:
    version = editable_draft(bloc.version, by)
    bloc = version.blocs.get(pk=bloc.pk)
    bloc.code = code.strip()
    bloc.title = normalise_text(title)
    bloc.description = normalise_text(description)
    bloc.full_clean(validate_constraints=False)
    _check_bloc_code(version, bloc.code, bloc)
    with audit.acting_as(by):
        bloc.save()
    return bloc


@transaction.atomic
def delete_bloc(*, bloc: Bloc, by: User) -> None:
    """Delete a bloc with its competences and their levels and links."""
    version = editable_draft(bloc.version, by)
    with audit.acting_as(by):
        version.blocs.filter(pk=bloc.pk).delete()
        _renumber(list(version.blocs.order_by("position", "pk")))


@transaction.atomic
def move_bloc(*, bloc: Bloc, offset: int, by: User) -> None:
    """Move a bloc ``offset`` places: ``UP`` (-1) or ``DOWN`` (+1)."""
    version = editable_draft(bloc.version, by)
    with audit.acting_as(by):
        _renumber(_moved(list(version.blocs.order_by("position", "pk")), bloc.pk, offset))


# --- competences -------------------------------------------------------------------------------


@transaction.atomic
def add_competence(
    *, bloc: Bloc, code: str, title: str, description: str = "", by: User
) -> Competence:
    version = editable_draft(bloc.version, by)
    bloc = version.blocs.get(pk=bloc.pk)
    code = code.strip()
    last = bloc.competences.aggregate(last=Max("position"))["last"] or 0
    competence = Competence(
        version=version,
        bloc=bloc,
        code=code,
        title=normalise_text(title),
        description=normalise_text(description),
        position=last + 1,
    )
    competence.full_clean(validate_constraints=False)
    _check_competence_code(version, code)
    with audit.acting_as(by):
        competence.save()
    return competence


@transaction.atomic
def update_competence(
    *,
    competence: Competence,
    code: str,
    title: str,
    description: str,
    bloc: Bloc | None = None,
    by: User,
) -> Competence:
    """Change a competence; giving another ``bloc`` of the version moves it to its end."""
    version = editable_draft(competence.version, by)
    competence = version.competences.get(pk=competence.pk)
    competence.code = code.strip()
    competence.title = normalise_text(title)
    competence.description = normalise_text(description)
    previous_bloc_id = competence.bloc_id
    if bloc is not None and bloc.pk != competence.bloc_id:
        if bloc.version_id != version.pk:
            raise ValidationError({"bloc": _("Choose a bloc of the same version.")})
        last = bloc.competences.aggregate(last=Max("position"))["last"] or 0
        competence.bloc = bloc
        competence.position = last + 1
    competence.full_clean(validate_constraints=False)
    _check_competence_code(version, competence.code, competence)
    with audit.acting_as(by):
        competence.save()
        if previous_bloc_id != competence.bloc_id:
            _renumber(
                list(Competence.objects.filter(bloc_id=previous_bloc_id).order_by("position", "pk"))
            )
    return competence


@transaction.atomic
def delete_competence(*, competence: Competence, by: User) -> None:
    version = editable_draft(competence.version, by)
    with audit.acting_as(by):
        version.competences.filter(pk=competence.pk).delete()
        _renumber(
            list(Competence.objects.filter(bloc_id=competence.bloc_id).order_by("position", "pk"))
        )


@transaction.atomic
def move_competence(*, competence: Competence, offset: int, by: User) -> None:
    """Move a competence ``offset`` places within its bloc."""
    editable_draft(competence.version, by)
    siblings = list(
        Competence.objects.filter(bloc_id=competence.bloc_id).order_by("position", "pk")
    )
    with audit.acting_as(by):
        _renumber(_moved(siblings, competence.pk, offset))


# --- levels ------------------------------------------------------------------------------------


@transaction.atomic
def add_level(*, competence: Competence, label: str, description: str = "", by: User) -> Level:
    """A new level, ranked after the others."""
    version = editable_draft(competence.version, by)
    competence = version.competences.get(pk=competence.pk)
    last = competence.levels.aggregate(last=Max("rank"))["last"] or 0
    if last >= MAX_LEVELS:
        raise ValidationError(
            _("A competence has at most %(max)s levels.") % {"max": MAX_LEVELS}, code="max_levels"
        )
    level = Level(
        competence=competence,
        rank=last + 1,
        label=normalise_text(label),
        description=normalise_text(description),
    )
    level.full_clean()
    with audit.acting_as(by):
        level.save()
    return level


@transaction.atomic
def update_level(*, level: Level, label: str, description: str, by: User) -> Level:
    editable_draft(level.competence.version, by)
    level = Level.objects.get(pk=level.pk)
    level.label = normalise_text(label)
    level.description = normalise_text(description)
    level.full_clean()
    with audit.acting_as(by):
        level.save()
    return level


def _rerank(levels: list[Level]) -> None:
    """Give ``levels`` the ranks 1..n in this order, one at a time (ranks are unique)."""
    spare = MAX_LEVELS + 1
    with_new_rank = [(level, rank) for rank, level in enumerate(levels, 1) if level.rank != rank]
    for level, _rank in with_new_rank:
        level.rank = spare
        level.save(update_fields=["rank"])
        spare += 1
    for level, rank in with_new_rank:
        level.rank = rank
        level.save(update_fields=["rank"])


@transaction.atomic
def delete_level(*, level: Level, by: User) -> None:
    """Delete a level; the higher ones move down a rank, so ranks stay 1..n."""
    editable_draft(level.competence.version, by)
    with audit.acting_as(by):
        Level.objects.filter(pk=level.pk).delete()
        _rerank(list(Level.objects.filter(competence_id=level.competence_id).order_by("rank")))


@transaction.atomic
def move_level(*, level: Level, offset: int, by: User) -> None:
    editable_draft(level.competence.version, by)
    levels = list(Level.objects.filter(competence_id=level.competence_id).order_by("rank"))
    with audit.acting_as(by):
        _rerank(_moved(levels, level.pk, offset))


# --- linked skills -----------------------------------------------------------------------------


@transaction.atomic
def link_skill(
    *,
    competence: Competence,
    skill: Skill,
    by: User,
    suggested: bool = False,
    score: float | None = None,
) -> CompetenceSkill:
    """Link a ROME or ESCO skill to a competence; ``suggested`` if chosen among the matcher's
    suggestions, with its score."""
    editable_draft(competence.version, by)
    if skill.scheme not in ("rome", "esco"):
        raise ValidationError({"skill": _("Link a ROME or ESCO skill.")})
    if CompetenceSkill.objects.filter(competence_id=competence.pk, skill=skill).exists():
        raise ValidationError({"skill": _("This skill is already linked to the competence.")})
    link = CompetenceSkill(
        competence_id=competence.pk,
        skill=skill,
        linked_by=by if by.pk else None,
        suggested=suggested,
        score=round(score, 4) if suggested and score is not None else None,
    )
    link.full_clean(validate_constraints=False)
    with audit.acting_as(by):
        link.save()
    return link


@transaction.atomic
def unlink_skill(*, link: CompetenceSkill, by: User) -> None:
    editable_draft(link.competence.version, by)
    with audit.acting_as(by):
        CompetenceSkill.objects.filter(pk=link.pk).delete()
