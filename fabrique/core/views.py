from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from fabrique.core import dashboards
from fabrique.core.errors import NotFound


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", dashboards.build(request.user))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembers the choice in a cookie and, for a logged-in user,
    in their profile."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        user.is_authenticated
        and language in {code for code, _name in settings.LANGUAGES}
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = ""
    if isinstance(exception, NotFound) and exception.args:
        message = str(exception.args[0])
    return render(request, "core/error.html", {"status": 404, "message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500}, status=500)
