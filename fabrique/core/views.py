from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from fabrique.accounts import rules
from fabrique.core import dashboards, importing
from fabrique.core.errors import NotFound
from fabrique.core.models import DataSource
from fabrique.jobs.actions import enqueue_job
from fabrique.jobs.tasks import import_reference_data


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


def reference_data(request: HttpRequest) -> HttpResponse:
    """The reference data the platform holds, and, for platform admins, its import as a job."""
    if not rules.is_platform_admin(request.user):
        raise PermissionDenied
    available = importing.importers()
    if request.method == "POST":
        name = request.POST.get("name", "")
        wet_run = request.POST.get("mode") == "wet"
        if name not in available:
            messages.error(request, _("Unknown importer."))
            return redirect("core:reference_data")
        label = (
            _("Import of the reference data “%(name)s”")
            if wet_run
            else _("Dry run of the import of “%(name)s”")
        ) % {"name": name}
        job = enqueue_job(
            task=import_reference_data,
            label=label,
            by=request.user,
            kwargs={"name": name, "wet_run": wet_run},
        )
        return redirect("jobs:detail", job_id=job.pk)
    sources = {source.name: source for source in DataSource.objects.all()}
    rows = [
        {"name": name, "help": importer.help, "source": sources.get(name)}
        for name, importer in available.items()
    ]
    others = [source for name, source in sorted(sources.items()) if name not in available]
    return render(request, "core/reference_data.html", {"rows": rows, "others": others})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = ""
    if isinstance(exception, NotFound) and exception.args:
        message = str(exception.args[0])
    return render(request, "core/error.html", {"status": 404, "message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500}, status=500)
