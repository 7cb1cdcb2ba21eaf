from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fabrique.core import audit


class CurrentUserMiddleware:
    """Attributes the writes made while serving a page to the logged-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        token = audit.set_actor(getattr(request, "user", None), source=source)
        try:
            return self.get_response(request)
        finally:
            audit.reset_actor(token)
