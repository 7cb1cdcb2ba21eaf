"""The audit log: every write to a platform record is recorded with who, what, when,
and the state before and after.

Writes are caught at the model layer (``pre_save``/``post_save``/``post_delete``) so that
pages, the API, commands, the admin and workers are all covered without each remembering to
log. Who acted comes from a context variable set by the web middleware, the API
authentication, and ``acting_as()`` in commands and jobs. Bulk operations (reference-data
imports, the demo builder) bypass model signals; they record one summary event instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

SECRET_FIELDS = {"password", "key_hash"}
# Models whose writes are not audited: the log itself, sessions, job bookkeeping.
UNAUDITED = {
    "accounts.auditevent",
    "sessions.session",
    "admin.logentry",
    "contenttypes.contenttype",
    "django_tasks_db.dbtaskresult",
    "jobs.jobprogress",
    "auth.permission",
    "core.datasource",
}
AUDITED_APP_PREFIX = "fabrique."


@dataclass(frozen=True)
class Actor:
    user: Any | None
    source: str


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user: Any | None, *, source: str | None = None) -> Iterator[None]:
    """Attribute the writes inside the block to ``user`` (None: the system) from ``source``;
    without a source, the one already in force (web, api, worker), else ``command``."""
    if source is None:
        current = _actor.get()
        source = current.source if current else "command"
    token = _actor.set(Actor(user=user, source=source))
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(user: Any | None, *, source: str) -> contextvars.Token[Actor | None]:
    return _actor.set(Actor(user=user, source=source))


def reset_actor(token: contextvars.Token[Actor | None]) -> None:
    _actor.reset(token)


def current_actor() -> Actor | None:
    return _actor.get()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "(binary)"
    if isinstance(value, FieldFile):  # the stored name; an empty field has none
        return value.name or None
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a record, JSON-ready, secrets masked."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        value = getattr(instance, name)
        if field.name in SECRET_FIELDS:
            data[field.name] = "(secret)" if value else ""
        else:
            data[name] = _plain(value)
    return data


def is_audited(model: type[models.Model]) -> bool:
    label = model._meta.label_lower
    if label in UNAUDITED:
        return False
    return model.__module__.startswith(AUDITED_APP_PREFIX) or label in {"auth.group"}


def _record(instance: models.Model, action: str, before: Any, after: Any) -> None:
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    actor = current_actor()
    user = actor.user if actor else None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if action == "update" and before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        if not changed:
            return
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    AuditEvent.objects.create(
        actor=user if user is not None and user.pk else None,
        actor_label=(getattr(user, "email", "") or "") if user else "",
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk or ""),
        object_label=str(instance)[:254],
        before=before,
        after=after,
        source=actor.source if actor else "system",
    )


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool, **kwargs: Any) -> None:
    if raw or not is_audited(sender) or instance.pk is None or instance._state.adding:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None  # type: ignore[attr-defined]


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw or not is_audited(sender):
        return
    before = getattr(instance, "_audit_before", None)
    _record(
        instance, "create" if created else "update", None if created else before, snapshot(instance)
    )


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if is_audited(sender):
        _record(instance, "delete", snapshot(instance), None)


def record_event(
    *, action: str, model: str, object_id: str = "", label: str = "", after: Any = None
) -> None:
    """Record a write that bypassed the model layer (bulk import, erasure, export)."""
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    actor = current_actor()
    user = actor.user if actor and getattr(actor.user, "is_authenticated", False) else None
    AuditEvent.objects.create(
        actor=user,
        actor_label=getattr(user, "email", "") if user else "",
        action=action,
        model=model,
        object_id=object_id,
        object_label=label[:254],
        after=after,
        source=actor.source if actor else "system",
    )


def connect() -> None:
    pre_save.connect(_pre_save, dispatch_uid="fabrique_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="fabrique_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="fabrique_audit_post_delete")
