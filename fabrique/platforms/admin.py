"""Admin of technical platforms. Bookings and their history are read here; the booking
actions write them (so that the no-overlap, opening-hours and authorisation rules hold)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fabrique.platforms.models import (
    Authorisation,
    Availability,
    Booking,
    BookingTransition,
    Closure,
    Equipment,
    EquipmentDocument,
    InnovationProject,
    ProjectDocument,
    ProjectMember,
    ProjectMilestone,
    ProjectOutcome,
    ProjectStageRecord,
    SharingRequest,
    Tariff,
    TechnicalPlatform,
)


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class TariffInline(admin.TabularInline):
    model = Tariff
    extra = 0


class EquipmentDocumentInline(admin.TabularInline):
    model = EquipmentDocument
    extra = 0


@admin.register(TechnicalPlatform)
class TechnicalPlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "commune")
    list_select_related = ("owner", "commune")
    search_fields = ("name", "owner__name")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("owner", "partners", "commune")
    inlines = [AvailabilityInline]


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "category", "status", "shared")
    list_filter = ("category", "status", "shared")
    list_select_related = ("platform",)
    search_fields = ("name", "platform__name")
    raw_id_fields = ("platform", "required_training")
    inlines = [TariffInline, EquipmentDocumentInline]


@admin.register(EquipmentDocument)
class EquipmentDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "equipment", "is_photo")
    raw_id_fields = ("equipment",)


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ("equipment", "user_category", "unit", "amount")
    raw_id_fields = ("equipment",)


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ("platform", "equipment", "weekday", "start", "end")
    raw_id_fields = ("platform", "equipment")


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("platform", "equipment", "first_day", "last_day", "reason")
    raw_id_fields = ("platform", "equipment")


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    list_display = ("user", "equipment", "source", "granted_at", "expires_at", "revoked_at")
    raw_id_fields = ("user", "equipment", "enrolment", "granted_by")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("equipment", "user", "start", "end", "state")
    list_filter = ("state",)
    list_select_related = ("equipment", "user")


@admin.register(BookingTransition)
class BookingTransitionAdmin(ReadOnlyAdmin):
    list_display = ("booking", "source", "target", "at", "by")


@admin.register(SharingRequest)
class SharingRequestAdmin(ReadOnlyAdmin):
    list_display = ("equipment", "requester", "start", "end", "state")


class ProjectStageInline(admin.TabularInline):
    model = ProjectStageRecord
    extra = 0
    raw_id_fields = ("recorded_by",)


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ("user", "organisation")


class ProjectMilestoneInline(admin.TabularInline):
    model = ProjectMilestone
    extra = 0


class ProjectOutcomeInline(admin.TabularInline):
    model = ProjectOutcome
    extra = 0
    raw_id_fields = ("recorded_by",)


@admin.register(InnovationProject)
class InnovationProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "holder_kind", "holder_organisation", "stage", "platform", "showcase")
    list_filter = ("stage", "holder_kind", "showcase")
    list_select_related = ("holder_organisation", "platform")
    search_fields = ("name", "holder_name", "holder_organisation__name")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("holder_organisation", "platform", "created_by")
    inlines = [
        ProjectStageInline,
        ProjectMemberInline,
        ProjectMilestoneInline,
        ProjectOutcomeInline,
    ]


@admin.register(ProjectStageRecord)
class ProjectStageRecordAdmin(admin.ModelAdmin):
    list_display = ("project", "stage", "started_on", "ended_on")
    raw_id_fields = ("project", "recorded_by")


@admin.register(ProjectMilestone)
class ProjectMilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "stage", "due_on", "done_on")
    raw_id_fields = ("project",)


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "project", "role", "organisation")
    raw_id_fields = ("project", "user", "organisation")


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "public", "uploaded_at")
    raw_id_fields = ("project", "uploaded_by")


@admin.register(ProjectOutcome)
class ProjectOutcomeAdmin(admin.ModelAdmin):
    list_display = ("project", "kind", "value", "on")
    raw_id_fields = ("project", "recorded_by")
