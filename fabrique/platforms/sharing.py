"""Writes of the sharing of machines between organisations: an owner lists a machine for
sharing, another organisation requests a slot, the owner accepts (the request becomes a
confirmed booking, through ``actions.book_equipment`` and all its rules) or declines."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation, User
from fabrique.core import audit
from fabrique.core.notifications import notify
from fabrique.platforms import rules
from fabrique.platforms.actions import (
    _clean_text,
    _refuse_unless,
    _tell_user,
    book_equipment,
    booking_problem,
)
from fabrique.platforms.enums import SharingState, UserCategory
from fabrique.platforms.models import Equipment, InnovationProject, SharingRequest

# --- sharing between organisations --------------------------------------------------------------


@transaction.atomic
def set_shared(*, equipment: Equipment, shared: bool, by: User) -> Equipment:
    """The owner lists a machine for sharing (or takes it back)."""
    _refuse_unless(
        rules.can_manage_equipment(by, equipment), _("Only the owner lists a machine for sharing.")
    )
    equipment.shared = shared
    with audit.acting_as(by):
        equipment.save(update_fields=["shared", "updated_at"])
    return equipment


@transaction.atomic
def request_sharing(
    *,
    equipment: Equipment,
    start: dt.datetime,
    end: dt.datetime,
    by: User,
    organisation: Organisation | None = None,
    project: str = "",
    message: str = "",
    innovation_project: InnovationProject | None = None,
) -> SharingRequest:
    """Another organisation asks for a shared machine; the slot is checked now (and again
    when the owner accepts, since nothing holds it meanwhile)."""
    _refuse_unless(
        rules.can_request_sharing(by, equipment),
        _("This machine is not listed for sharing, or it is your own."),
    )
    if innovation_project is not None:
        _refuse_unless(
            rules.can_book_for_project(by, innovation_project),
            _("Only the team of %(project)s books for it.") % {"project": innovation_project},
        )
        project = project or innovation_project.name
    if problem := booking_problem(equipment=equipment, user=by, start=start, end=end):
        raise problem
    sharing = SharingRequest(
        equipment=equipment,
        requester=by,
        organisation=organisation,
        start=start,
        end=end,
        project=_clean_text(project, max_length=200),
        innovation_project=innovation_project,
        message=_clean_text(message),
    )
    sharing.full_clean(validate_constraints=False)
    with audit.acting_as(by):
        sharing.save()
        notify(
            users=list(
                User.objects.filter(
                    is_active=True,
                    memberships__organisation_id=equipment.platform.owner_id,
                    memberships__role__in=rules.STAFF_ROLES,
                ).distinct()
            ),
            message=lambda: _("A request to use %(equipment)s arrived.") % {"equipment": equipment},
            url=reverse("platforms:sharing"),
        )
    return sharing


def _lock_request(sharing: SharingRequest) -> SharingRequest:
    locked = (
        SharingRequest.objects.select_for_update(of=("self",))
        .select_related("equipment", "equipment__platform", "requester")
        .get(pk=sharing.pk)
    )
    if locked.state != SharingState.PENDING:
        raise ValidationError(
            _("This request is already %(state)s.") % {"state": locked.get_state_display()},
            code="transition",
        )
    return locked


@transaction.atomic
def accept_sharing(*, sharing: SharingRequest, by: User, answer: str = "") -> SharingRequest:
    """The owner accepts: the request becomes a confirmed booking, under every booking rule
    (a slot taken meanwhile refuses it, and the request stays pending)."""
    _refuse_unless(rules.can_answer_sharing(by, sharing), _("Only the machine's owner answers."))
    sharing = _lock_request(sharing)
    category = (
        UserCategory.SME
        if sharing.organisation and sharing.organisation.kind == "company"
        else UserCategory.COMPANY
    )
    booking = book_equipment(
        equipment=sharing.equipment,
        start=sharing.start,
        end=sharing.end,
        by=by,
        user=sharing.requester,
        project=sharing.project,
        innovation_project=sharing.innovation_project,
        note=sharing.message,
        organisation=sharing.organisation,
        user_category=category,
        confirm=True,
    )
    sharing.state = SharingState.ACCEPTED
    sharing.booking = booking
    sharing.decided_by = by
    sharing.decided_at = timezone.now()
    sharing.answer = _clean_text(answer)
    with audit.acting_as(by):
        sharing.save()
    _tell_user(
        booking,
        _("Your request for %(equipment)s is accepted: it is booked.")
        % {"equipment": sharing.equipment},
    )
    return sharing


@transaction.atomic
def decline_sharing(*, sharing: SharingRequest, by: User, answer: str = "") -> SharingRequest:
    _refuse_unless(rules.can_answer_sharing(by, sharing), _("Only the machine's owner answers."))
    sharing = _lock_request(sharing)
    sharing.state = SharingState.DECLINED
    sharing.decided_by = by
    sharing.decided_at = timezone.now()
    sharing.answer = _clean_text(answer)
    with audit.acting_as(by):
        sharing.save()
        notify(
            users=[sharing.requester],
            message=lambda: (
                _("Your request for %(equipment)s is declined.") % {"equipment": sharing.equipment}
            ),
            url=reverse("platforms:sharing"),
        )
    return sharing
