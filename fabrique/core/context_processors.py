from typing import Any

from django.conf import settings
from django.http import HttpRequest


def branding(request: HttpRequest) -> dict[str, Any]:
    return {"brand": settings.FABRIQUE_BRAND, "fabrique_mode": settings.MODE}
