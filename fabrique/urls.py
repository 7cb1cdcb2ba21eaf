from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from fabrique.api.root import api
from fabrique.core import views as core_views


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("fabrique.core.urls")),
    path("comptes/", include("fabrique.accounts.urls")),
    path("territoires/", include("fabrique.territories.urls")),
    path("referentiels/", include("fabrique.referentials.urls")),
    path("cadres-de-competences/", include("fabrique.frameworks.urls")),
    path("formations/", include("fabrique.trainings.urls")),
    path("besoins/", include("fabrique.needs.urls")),
    path("personnes/", include("fabrique.people.urls")),
    path("taches/", include("fabrique.jobs.urls")),
    path("planification/", include("fabrique.planning.urls")),
    path("plateformes/", include("fabrique.platforms.urls")),
    path("mon-espace/", include("fabrique.people.urls_space")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", healthz, name="healthz"),
]

admin.site.site_header = settings.FABRIQUE_BRAND["name"]
admin.site.site_title = settings.FABRIQUE_BRAND["name"]

handler403 = "fabrique.core.views.forbidden"
handler404 = "fabrique.core.views.not_found"
handler500 = "fabrique.core.views.server_error"
