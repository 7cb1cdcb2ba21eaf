"""Writes of innovation projects: start one, move it from stage to stage, milestones, team,
documents, outcomes and the holder's consent to a public showcase page.

Every rule is checked here (pages and the admin alike go through these functions); a refused
write names its reason and writes nothing. Stages follow one another in time: moving to a new
stage closes the current one on the day the new one starts, so the project's history is the
list of its stage records. A project may go back to an earlier stage (a prototype that fails
its tests goes back to design); that is recorded like any move.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation, User
from fabrique.core import audit, uploads
from fabrique.core.notifications import notify
from fabrique.platforms import rules
from fabrique.platforms.enums import HolderKind, OutcomeKind, ProjectStage, TeamRole
from fabrique.platforms.models import (
    InnovationProject,
    ProjectDocument,
    ProjectMember,
    ProjectMilestone,
    ProjectOutcome,
    ProjectStageRecord,
    TechnicalPlatform,
)

TEXT_MAX_LENGTH = 4000
# Outcomes counted in units (not euros) are whole numbers.
WHOLE_OUTCOMES = frozenset({OutcomeKind.JOBS_CREATED, OutcomeKind.PRODUCTS_LAUNCHED})
MAX_OUTCOME = Decimal("1000000000")


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise _field_error(field, _("This field is required."), "required")
    if len(value) > max_length:
        raise _field_error(
            field, _("At most %(count)s characters.") % {"count": max_length}, "too_long"
        )
    return value


def _not_in_future(day: dt.date, *, field: str) -> dt.date:
    if day > timezone.localdate():
        raise _field_error(
            field,
            _("%(day)s has not come yet: record what happened.") % {"day": f"{day:%d/%m/%Y}"},
            "future",
        )
    return day


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "projet")[:70]
    slug, number = base, 2
    while InnovationProject.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _member_organisation(user: User, preferred: Organisation | None) -> Organisation | None:
    memberships = user.memberships.select_related("organisation")
    if preferred is not None and memberships.filter(organisation=preferred).exists():
        return preferred
    first = memberships.order_by("pk").first()
    return first.organisation if first else None


# --- the project ---------------------------------------------------------------------------------


@transaction.atomic
def create_project(
    *,
    by: User,
    name: str,
    holder_kind: str,
    summary: str,
    holder_organisation: Organisation | None = None,
    holder_name: str = "",
    platform: TechnicalPlatform | None = None,
    description: str = "",
    stage: str = ProjectStage.IDEA,
    started_on: dt.date | None = None,
) -> InnovationProject:
    """``by`` starts a project and joins its team as a holder (a platform's staff register
    one for a start-up the same way, then add the founders)."""
    _refuse_unless(rules.can_create_project(by), _("Log in to start a project."))
    if holder_kind not in HolderKind.values:
        raise _field_error("holder_kind", _("Unknown kind of holder."), "invalid")
    if stage not in ProjectStage.values:
        raise _field_error("stage", _("Unknown stage."), "invalid")
    name = _text(name, field="name", max_length=200, required=True)
    summary = _text(summary, field="summary", max_length=300, required=True)
    holder_name = _text(holder_name, field="holder_name", max_length=200)
    if holder_organisation is not None:
        member = by.memberships.filter(organisation=holder_organisation).exists()
        host = platform is not None and rules.can_manage_platform(by, platform)
        _refuse_unless(
            member or host or rules.is_platform_admin(by),
            _("Only its members, or the host platform's staff, start a project for %(org)s.")
            % {"org": holder_organisation},
        )
    elif not holder_name:
        raise _field_error(
            "holder_name",
            _("Name the holder: a student team, or a start-up in the making."),
            "required",
        )
    started_on = _not_in_future(started_on or timezone.localdate(), field="started_on")
    project = InnovationProject(
        name=name,
        slug=_unique_slug(name),
        holder_kind=holder_kind,
        holder_organisation=holder_organisation,
        holder_name=holder_name,
        platform=platform,
        summary=summary,
        description=_text(description, field="description", max_length=TEXT_MAX_LENGTH),
        stage=stage,
        created_by=by,
    )
    project.full_clean()
    with audit.acting_as(by):
        project.save()
        ProjectStageRecord.objects.create(
            project=project, stage=stage, started_on=started_on, recorded_by=by
        )
        ProjectMember.objects.create(
            project=project,
            user=by,
            role=TeamRole.HOLDER,
            organisation=_member_organisation(by, holder_organisation),
        )
    return project


EDITABLE = ("name", "summary", "description", "holder_name", "platform", "holder_organisation")


@transaction.atomic
def update_project(*, project: InnovationProject, by: User, **changes: Any) -> InnovationProject:
    """The holder's side changes the project's record (name, summary, description, host)."""
    _refuse_unless(
        rules.can_lead_project(by, project), _("Only the project's holder changes its record.")
    )
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    for field in ("name", "summary"):
        if field in changes:
            changes[field] = _text(changes[field], field=field, max_length=300, required=True)
    if "description" in changes:
        changes["description"] = _text(
            changes["description"], field="description", max_length=TEXT_MAX_LENGTH
        )
    if "holder_organisation" in changes:
        organisation = changes["holder_organisation"]
        if (
            organisation is not None
            and organisation.pk != project.holder_organisation_id
            and not rules.is_platform_admin(by)
        ):
            _refuse_unless(
                by.memberships.filter(organisation=organisation).exists(),
                _("Only its members make %(org)s the project's holder.") % {"org": organisation},
            )
    for field, value in changes.items():
        setattr(project, field, value)
    if project.holder_organisation_id is None and not project.holder_name:
        raise _field_error(
            "holder_name",
            _("Name the holder: a student team, or a start-up in the making."),
            "required",
        )
    project.full_clean()
    with audit.acting_as(by):
        project.save()
    return project


@transaction.atomic
def set_showcase(*, project: InnovationProject, by: User, public: bool) -> InnovationProject:
    """The holder allows (or withdraws) the project's public showcase page."""
    _refuse_unless(
        rules.can_lead_project(by, project),
        _("Only the project's holder decides whether its showcase page is public."),
    )
    project.showcase = public
    with audit.acting_as(by):
        project.save(update_fields=["showcase", "updated_at"])
    return project


@transaction.atomic
def move_stage(
    *, project: InnovationProject, by: User, stage: str, on: dt.date, note: str = ""
) -> ProjectStageRecord:
    """The project enters ``stage`` on ``on``; the current stage ends that day."""
    _refuse_unless(
        rules.can_work_on_project(by, project),
        _("Only the project's team and its host platform's staff record its stages."),
    )
    if stage not in ProjectStage.values:
        raise _field_error("stage", _("Unknown stage."), "invalid")
    locked = InnovationProject.objects.select_for_update().get(pk=project.pk)
    current = locked.stages.filter(ended_on__isnull=True).first()
    if current is not None and current.stage == stage:
        raise _field_error(
            "stage",
            _("The project is already at the %(stage)s stage.")
            % {"stage": ProjectStage(stage).label},
            "same_stage",
        )
    on = _not_in_future(on, field="on")
    if current is not None and on < current.started_on:
        raise _field_error(
            "on",
            _("The %(stage)s stage started on %(day)s: the next one starts that day or later.")
            % {"stage": current.get_stage_display(), "day": f"{current.started_on:%d/%m/%Y}"},
            "before_current",
        )
    with audit.acting_as(by):
        if current is not None:
            current.ended_on = on
            current.save(update_fields=["ended_on"])
        record = ProjectStageRecord.objects.create(
            project=locked,
            stage=stage,
            started_on=on,
            note=_text(note, field="note", max_length=TEXT_MAX_LENGTH),
            recorded_by=by,
        )
        locked.stage = stage
        locked.save(update_fields=["stage", "updated_at"])
    project.stage = stage
    return record


# --- milestones ----------------------------------------------------------------------------------


@transaction.atomic
def add_milestone(
    *,
    project: InnovationProject,
    by: User,
    title: str,
    stage: str = "",
    due_on: dt.date | None = None,
    note: str = "",
) -> ProjectMilestone:
    _refuse_unless(
        rules.can_work_on_project(by, project),
        _("Only the project's team and its host platform's staff plan its milestones."),
    )
    if stage and stage not in ProjectStage.values:
        raise _field_error("stage", _("Unknown stage."), "invalid")
    milestone = ProjectMilestone(
        project=project,
        title=_text(title, field="title", max_length=200, required=True),
        stage=stage,
        due_on=due_on,
        note=_text(note, field="note", max_length=TEXT_MAX_LENGTH),
    )
    milestone.full_clean()
    with audit.acting_as(by):
        milestone.save()
    return milestone


@transaction.atomic
def reach_milestone(*, milestone: ProjectMilestone, by: User, on: dt.date) -> ProjectMilestone:
    _refuse_unless(
        rules.can_work_on_project(by, milestone.project),
        _("Only the project's team and its host platform's staff mark its milestones reached."),
    )
    if milestone.done_on is not None:
        raise ValidationError(
            _("%(milestone)s was reached on %(day)s.")
            % {"milestone": milestone, "day": f"{milestone.done_on:%d/%m/%Y}"},
            code="already",
        )
    milestone.done_on = _not_in_future(on, field="on")
    with audit.acting_as(by):
        milestone.save(update_fields=["done_on"])
    return milestone


# --- team ----------------------------------------------------------------------------------------


@transaction.atomic
def add_member(*, project: InnovationProject, by: User, user: User, role: str) -> ProjectMember:
    """The holder's side adds someone to the team (the host platform's staff add support)."""
    if role not in TeamRole.values:
        raise _field_error("role", _("Unknown role."), "invalid")
    if role == TeamRole.HOLDER:
        _refuse_unless(
            rules.can_lead_project(by, project), _("Only the project's holder adds holders.")
        )
    else:
        _refuse_unless(
            rules.can_lead_project(by, project) or rules.can_work_on_project(by, project),
            _("Only the project's holder and its host platform's staff add to its team."),
        )
    if project.team.filter(user=user).exists():
        raise ValidationError(
            _("%(user)s is already in the team.") % {"user": user.get_full_name() or user.email},
            code="duplicate",
        )
    member = ProjectMember(
        project=project,
        user=user,
        role=role,
        organisation=_member_organisation(user, project.holder_organisation),
    )
    with audit.acting_as(by):
        member.save()
        notify(
            users=[user],
            message=lambda: (
                _("You joined the team of the project %(project)s.") % {"project": project}
            ),
            url=project.get_absolute_url(),
        )
    return member


@transaction.atomic
def remove_member(*, member: ProjectMember, by: User) -> None:
    project = member.project
    _refuse_unless(
        rules.can_lead_project(by, project) or member.user_id == by.pk,
        _("Only the project's holder removes someone else from its team."),
    )
    if (
        member.role == TeamRole.HOLDER
        and not project.team.filter(role=TeamRole.HOLDER).exclude(pk=member.pk).exists()
    ):
        raise ValidationError(
            _("A project keeps at least one holder in its team: add another one first."),
            code="last_holder",
        )
    with audit.acting_as(by):
        member.delete()


# --- documents -----------------------------------------------------------------------------------


@transaction.atomic
def add_document(
    *,
    project: InnovationProject,
    by: User,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
    public: bool = False,
) -> ProjectDocument:
    """A file (checked by ``core.uploads``) or a link; public ones show on the showcase."""
    _refuse_unless(
        rules.can_work_on_project(by, project),
        _("Only the project's team and its host platform's staff add its documents."),
    )
    url = _text(url, field="url", max_length=400)
    if (file is None) == (not url):
        raise _field_error("file", _("Give either a file or a link."), "file_or_link")
    if file is not None:
        uploads.check_upload(file)
    document = ProjectDocument(
        project=project,
        title=_text(title, field="title", max_length=200, required=True),
        url=url,
        public=public,
        uploaded_by=by,
    )
    uploads.save_with_file(document, file, by=by)
    return document


@transaction.atomic
def remove_document(*, document: ProjectDocument, by: User) -> None:
    _refuse_unless(
        rules.can_work_on_project(by, document.project),
        _("Only the project's team and its host platform's staff remove its documents."),
    )
    stored = document.file.name if document.file else ""
    storage = document.file.storage
    with audit.acting_as(by):
        document.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# --- outcomes ------------------------------------------------------------------------------------


@transaction.atomic
def record_outcome(
    *,
    project: InnovationProject,
    by: User,
    kind: str,
    value: Decimal | int | str,
    on: dt.date,
    note: str = "",
) -> ProjectOutcome:
    """Jobs created, investment raised (€) or products launched, on a day (the indicators
    count them by that day, see ``platforms.outcomes``)."""
    _refuse_unless(
        rules.can_work_on_project(by, project),
        _("Only the project's team and its host platform's staff record its outcomes."),
    )
    if kind not in OutcomeKind.values:
        raise _field_error("kind", _("Unknown outcome."), "invalid")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _field_error("value", _("Give a number."), "invalid") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_OUTCOME:
        raise _field_error("value", _("Give a number above 0 and up to 1,000,000,000."), "invalid")
    if kind in WHOLE_OUTCOMES and amount != amount.to_integral_value():
        raise _field_error(
            "value",
            _("%(kind)s are counted in whole numbers.") % {"kind": OutcomeKind(kind).label},
            "invalid",
        )
    outcome = ProjectOutcome(
        project=project,
        kind=kind,
        value=amount.quantize(Decimal("0.01")),
        on=_not_in_future(on, field="on"),
        note=_text(note, field="note", max_length=300),
        recorded_by=by,
    )
    outcome.full_clean()
    with audit.acting_as(by):
        outcome.save()
    return outcome
