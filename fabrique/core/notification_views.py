"""The logged-in user's notifications: the list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from fabrique.core.models import Notification

NOTIFICATIONS_PER_PAGE = 25


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """GET lists the notifications, newest first; POST marks one (``notification``) or all
    of them read."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        unread = mine.filter(read_at__isnull=True)
        chosen = request.POST.get("notification", "")
        if chosen:
            valid = chosen.isdigit() and len(chosen) < 19  # a bigint at most
            unread = unread.filter(pk=int(chosen)) if valid else unread.none()
        unread.update(read_at=timezone.now())
        return redirect("core:notifications")
    page = Paginator(mine.order_by("-created_at", "-pk"), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/notifications.html",
        {"page": page, "unread": mine.filter(read_at__isnull=True).exists()},
    )
