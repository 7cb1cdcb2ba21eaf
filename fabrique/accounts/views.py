import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.accounts import actions, queries, rules, throttle
from fabrique.accounts.forms import (
    ApiTokenForm,
    DirectoryFilterForm,
    EmailAuthenticationForm,
    ErasureForm,
    MembershipForm,
    ProfileForm,
)
from fabrique.accounts.models import ApiToken, Membership, Organisation, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if throttle.is_blocked(request, request.POST.get("username", "")):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Wait a few minutes before trying again."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        throttle.reset(self.request, form.cleaned_data.get("username", ""))
        return super().form_valid(form)

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:
        # Wrong credentials are an authentication failure, not a successful page.
        throttle.record_failure(self.request, self.request.POST.get("username", ""))
        response = super().form_invalid(form)
        response.status_code = 401
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    extra_email_context = {"brand_name": settings.FABRIQUE_BRAND["name"]}
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def render_to_response(self, context, **kwargs):  # type: ignore[no-untyped-def]
        # An expired or already used link says so, with a status that is not a success.
        if not context.get("validlink"):
            kwargs["status"] = 404
        return super().render_to_response(context, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    profile_form = ProfileForm(instance=user)
    token_form = ApiTokenForm()
    if request.method == "POST" and request.POST.get("form") == "profile":
        profile_form = ProfileForm(request.POST, instance=user)
        if profile_form.is_valid():
            profile_form.save()
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:account")
            response.set_cookie(
                "django_language", user.language, samesite="Lax", secure=request.is_secure()
            )
            return response
    return render(
        request,
        "accounts/account.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "memberships": queries.memberships_of(user),
            "tokens": user.api_tokens.filter(revoked_at__isnull=True),
        },
    )


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("accounts:account")
    days = form.cleaned_data.get("expires_in_days")
    expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
    token, key = actions.create_api_token(
        user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
    )
    return render(request, "accounts/token_created.html", {"token": token, "key": key})


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    actions.revoke_api_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:account")


@login_required
def download_data(request: HttpRequest) -> HttpResponse:
    data = actions.export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="fabrique-mes-donnees.json"'
    return response


@login_required
def erase_account(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.erase_user(user=request.user, by=request.user)
        logout(request)
        messages.success(
            request,
            _("Your personal data has been erased. Statistics keep no trace of your identity."),
        )
        return redirect("core:home")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/erase.html", {"form": form}, status=status)


def organisations(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    query = kind = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        kind = form.cleaned_data["kind"]
    page = Paginator(queries.organisation_directory(query=query, kind=kind), 30).get_page(
        request.GET.get("page")
    )
    template = "accounts/organisations.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(
        Organisation.objects.select_related("commune", "commune__departement"), slug=slug
    )
    can_see_members = rules.can_view_members(request.user, org)
    can_manage = rules.can_manage_organisation(request.user, org)
    membership_form = MembershipForm()
    if request.method == "POST":
        if not can_manage:
            raise Http404
        membership_form = MembershipForm(request.POST)
        if membership_form.is_valid():
            user = User.objects.get(email__iexact=membership_form.cleaned_data["email"])
            role = membership_form.cleaned_data["role"]
            if Membership.objects.filter(user=user, organisation=org, role=role).exists():
                messages.info(request, _("This person already has this role here."))
            else:
                actions.add_membership(organisation=org, user=user, role=role, by=request.user)
                messages.success(request, _("The member has been added."))
            return redirect(org.get_absolute_url())
    context = {
        "organisation": org,
        "partners": org.partners.select_related("commune").order_by("name"),
        "partner_of": org.partner_of.select_related("commune").order_by("name"),
        "members": queries.members_of(org) if can_see_members else None,
        "can_manage": can_manage,
        "membership_form": membership_form,
        "people_count": org.people.count() if can_see_members else None,
    }
    return render(request, "accounts/organisation.html", context)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=pk, organisation__slug=slug
    )
    if not rules.can_manage_organisation(request.user, membership.organisation):
        raise Http404
    actions.remove_membership(membership=membership, by=request.user)
    messages.success(request, _("The membership has been removed."))
    return redirect(membership.organisation.get_absolute_url())


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = queries.audit_events_visible_to(request.user)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page})
