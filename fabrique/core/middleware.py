from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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


class LanguageMiddleware(LocaleMiddleware):
    """French unless the person chose otherwise.

    The language is the one chosen with the language switcher on this browser (cookie), else
    the one saved in the logged-in user's profile, else French. The browser's Accept-Language
    is not followed: the platform speaks French first, and a choice is always one click away.
    """

    def process_request(self, request: HttpRequest) -> None:
        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = None
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.language in supported:
                language = user.language
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
