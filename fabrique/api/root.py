"""The REST API under /api/v1/: one NinjaAPI, routers contributed by the apps."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from fabrique.core import audit


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fab_...``: a personal token made on the account page."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[override]
        from fabrique.accounts.models import ApiToken

        api_token = ApiToken.objects.for_key(token)
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        audit.set_actor(api_token.user, source="api")
        # Messages in the token owner's language (the middleware ran before we knew them),
        # unless the client chose one with the language cookie.
        supported = {code for code, _name in settings.LANGUAGES}
        if (
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) not in supported
            and api_token.user.language in supported
        ):
            translation.activate(api_token.user.language)
            request.LANGUAGE_CODE = api_token.user.language
        return api_token.user


class BrowserSession(SessionAuth):
    """The logged-in browser session (with CSRF on writes)."""

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[override]
        user = super().authenticate(request, key)
        if user:
            audit.set_actor(user, source="api")
        return user


api = NinjaAPI(
    title="Fabrique API",
    version="1",
    description=(
        "The Fabrique platform's REST API. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`, made on your account page) or a browser session. "
        "What each call returns follows the same permissions as the pages."
    ),
    auth=[TokenAuth(), BrowserSession()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Authentication required: send a valid API token.")}, status=401
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("The request is not valid."), "errors": exc.errors},
        status=422,
    )


def _register_routers() -> None:
    from fabrique.accounts.api import router as accounts_router
    from fabrique.frameworks.api import router as frameworks_router
    from fabrique.jobs.api import router as jobs_router
    from fabrique.platforms.api import router as platforms_router
    from fabrique.platforms.api_projects import router as projects_router
    from fabrique.referentials.api import router as referentials_router
    from fabrique.territories.api import router as territories_router
    from fabrique.trainings.api import router as trainings_router
    from fabrique.trainings.enrolment_api import router as enrolments_router

    api.add_router("/", accounts_router)
    api.add_router("/territories", territories_router)
    api.add_router("/jobs", jobs_router)
    api.add_router("/referentials", referentials_router)
    api.add_router("/frameworks", frameworks_router)
    api.add_router("/trainings", trainings_router)
    api.add_router("/enrolments", enrolments_router)
    api.add_router("/platforms", platforms_router)
    api.add_router("/platforms/projects", projects_router)


_register_routers()
