"""The header's count of unread notifications."""

from typing import Any

from django import template

from fabrique.core.models import Notification

register = template.Library()


@register.simple_tag
def unread_notification_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
