"""Notifications: a message for each user, kept in the platform and sent by e-mail.

Each recipient reads the message in their own language (``User.language``): give the
message as a callable (or a lazy string) and it is rendered once per recipient under
``translation.override``. The rows are written in the caller's transaction; the e-mails
leave only once that transaction commits, so that a rolled-back change announces nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from fabrique.core.models import Notification

if TYPE_CHECKING:
    from fabrique.accounts.models import User

logger = logging.getLogger(__name__)

Message = str | Promise | Callable[[], str]
MESSAGE_MAX_LENGTH = 500
SUBJECT_MAX_LENGTH = 90


def _render(message: Message, language: str) -> str:
    with translation.override(language):
        text = message() if callable(message) else str(message)
    return Truncator(text).chars(MESSAGE_MAX_LENGTH)


def _mailable(user: User) -> bool:
    return bool(user.email and user.is_active and user.erased_at is None)


def _email(user: User, text: str, url: str) -> EmailMessage:
    site = settings.FABRIQUE_SITE_URL
    brand = settings.FABRIQUE_BRAND["name"]
    with translation.override(user.language):
        subject = _("%(brand)s: %(message)s") % {"brand": brand, "message": text}
        lines = [text, ""]
        if url:
            lines += [_("See it on the platform: %(url)s") % {"url": f"{site}{url}"}, ""]
        lines.append(
            _("You receive this message because you have an account on %(brand)s.")
            % {"brand": brand}
        )
    return EmailMessage(
        subject=Truncator(subject.replace("\n", " ")).chars(SUBJECT_MAX_LENGTH),
        body="\n".join(lines),
        to=[user.email],
    )


def notify(
    *, users: Iterable[User], message: Message, url: str = "", email: bool = True
) -> list[Notification]:
    """A notification for each of ``users`` (each one once), in their language; with
    ``email``, an e-mail too, sent when the current transaction commits."""
    recipients = {user.pk: user for user in users if user is not None and user.pk}
    notifications = Notification.objects.bulk_create(
        Notification(user=user, message=_render(message, user.language), url=url)
        for user in recipients.values()
    )
    if email:
        messages = [
            _email(user, note.message, url)
            for user, note in zip(recipients.values(), notifications, strict=True)
            if _mailable(user)
        ]
        if messages:
            transaction.on_commit(lambda: _send(messages))
    return notifications


def _send(messages: list[EmailMessage]) -> None:
    # One refused address must not keep the others from their mail; the notifications
    # themselves are already saved.
    for message in messages:
        try:
            message.send()
        except Exception:
            logger.exception("Could not send a notification to %s", message.to)
