"""Login throttling: too many failures for one address or from one client blocks for a while."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(request: HttpRequest, email: str) -> list[str]:
    client = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:client:{client}"]


def is_blocked(request: HttpRequest, email: str) -> bool:
    counts = cache.get_many(_keys(request, email))
    return any(n >= settings.LOGIN_THROTTLE_ATTEMPTS for n in counts.values())


def record_failure(request: HttpRequest, email: str) -> None:
    for key in _keys(request, email):
        if cache.add(key, 1, settings.LOGIN_THROTTLE_WINDOW):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, settings.LOGIN_THROTTLE_WINDOW)


def reset(request: HttpRequest, email: str) -> None:
    cache.delete(_keys(request, email)[0])
