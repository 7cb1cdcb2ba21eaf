from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fabrique.core import dashboards
from fabrique.core.errors import NotFound


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", dashboards.build(request.user))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = ""
    if isinstance(exception, NotFound) and exception.args:
        message = str(exception.args[0])
    return render(request, "core/error.html", {"status": 404, "message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500}, status=500)
