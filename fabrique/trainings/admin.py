"""Admin of the training offer: trainings (with audiences and fundings), sessions, enrolments
and their history (read only: the enrolment actions write it)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fabrique.trainings.models import (
    Enrolment,
    EnrolmentTransition,
    Session,
    Training,
    TrainingAudience,
    TrainingFunding,
)


class TrainingAudienceInline(admin.TabularInline):
    model = TrainingAudience
    extra = 0


class TrainingFundingInline(admin.TabularInline):
    model = TrainingFunding
    extra = 0


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "organisation", "modality", "hours", "published")
    list_filter = ("published", "modality", "level")
    list_select_related = ("organisation",)
    search_fields = ("title", "code", "organisation__name")
    autocomplete_fields = ("organisation", "certification")
    raw_id_fields = (
        "certification_blocs",
        "formacodes",
        "nsf_domains",
        "occupations",
        "skills_taught",
        "prerequisite_skills",
    )
    inlines = (TrainingAudienceInline, TrainingFundingInline)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("training", "start", "end", "city", "capacity", "seats_taken", "status")
    list_filter = ("status",)
    list_select_related = ("training",)
    search_fields = ("training__title", "code", "city", "postcode")
    date_hierarchy = "start"
    raw_id_fields = ("training", "commune", "trainers")
    readonly_fields = ("seats_taken",)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EnrolmentTransitionInline(_ReadOnly, admin.TabularInline):
    model = EnrolmentTransition
    extra = 0
    fields = ("at", "source", "target", "by", "reason")
    readonly_fields = fields


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("person", "session", "state", "requested_at")
    list_filter = ("state",)
    list_select_related = ("person", "session", "session__training")
    search_fields = ("person__last_name", "person__first_name", "session__training__title")
    raw_id_fields = ("session", "person", "requested_by")
    # The state changes through the enrolment actions, which keep seats and history right.
    readonly_fields = ("state", "waitlisted_at")
    inlines = (EnrolmentTransitionInline,)


@admin.register(EnrolmentTransition)
class EnrolmentTransitionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("enrolment", "source", "target", "at", "by")
    list_filter = ("target",)
    list_select_related = ("enrolment__person", "enrolment__session__training", "by")
    date_hierarchy = "at"


@admin.register(TrainingAudience)
class TrainingAudienceAdmin(admin.ModelAdmin):
    list_display = ["training", "audience"]
    list_filter = ["audience"]
    search_fields = ["training__title", "training__code"]
    raw_id_fields = ["training"]


@admin.register(TrainingFunding)
class TrainingFundingAdmin(admin.ModelAdmin):
    list_display = ["training", "funding"]
    list_filter = ["funding"]
    search_fields = ["training__title", "training__code"]
    raw_id_fields = ["training"]
