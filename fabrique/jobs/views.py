"""Pages of background jobs: the list of one's jobs, and one job with its live progress."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers
from django_tasks_db.models import DBTaskResult

from fabrique.accounts.rules import is_platform_admin
from fabrique.jobs import rules
from fabrique.jobs.models import JobProgress

PAGE_SIZE = 50


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = JobProgress.objects.visible_to(request.user).select_related("owner")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page": page, "jobs": page.object_list, "show_owner": is_platform_admin(request.user)},
    )


@login_required
@never_cache
@vary_on_headers("HX-Request")
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """The job's page; its progress fragment alone when HTMX polls it (also from other pages
    that include ``jobs/_progress.html``)."""
    job = JobProgress.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or not rules.can_view_job(request.user, job):
        raise Http404  # someone else's job does not exist, as far as ids go
    template = "jobs/detail.html#progress" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job, "report": _import_report(job)})


def _import_report(job: JobProgress) -> dict | None:
    """The report a finished import job returned (counts per record type), if it is one."""
    if job.status != TaskResultStatus.SUCCESSFUL:
        return None
    value = DBTaskResult.objects.filter(pk=job.pk).values_list("return_value", flat=True).first()
    if isinstance(value, dict) and isinstance(value.get("counts"), dict):
        return value
    return None
