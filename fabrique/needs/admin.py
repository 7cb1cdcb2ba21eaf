from django.contrib import admin

from fabrique.needs.models import (
    BmoFigure,
    HiringNeed,
    IndustrialProject,
    WorkforceLine,
    WorkforceSnapshot,
)


class HiringNeedInline(admin.TabularInline):
    model = HiringNeed
    extra = 0
    raw_id_fields = ["occupation"]


@admin.register(IndustrialProject)
class IndustrialProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "stage", "commune", "confidential"]
    list_filter = ["stage", "confidential"]
    search_fields = ["name", "company__name"]
    raw_id_fields = ["company", "commune", "territory", "created_by"]
    inlines = [HiringNeedInline]


@admin.register(HiringNeed)
class HiringNeedAdmin(admin.ModelAdmin):
    list_display = ["project", "occupation", "count", "needed_by", "confidence"]
    list_filter = ["confidence", "contract"]
    search_fields = ["project__name", "occupation__code", "occupation__label"]
    raw_id_fields = ["project", "occupation"]


class WorkforceLineInline(admin.TabularInline):
    model = WorkforceLine
    extra = 0
    raw_id_fields = ["occupation"]


@admin.register(WorkforceSnapshot)
class WorkforceSnapshotAdmin(admin.ModelAdmin):
    list_display = ["employer", "taken_on"]
    search_fields = ["employer__name"]
    raw_id_fields = ["employer", "commune"]
    inlines = [WorkforceLineInline]


@admin.register(WorkforceLine)
class WorkforceLineAdmin(admin.ModelAdmin):
    list_display = ["snapshot", "occupation", "age_band", "headcount"]
    list_filter = ["age_band"]
    raw_id_fields = ["snapshot", "occupation"]


@admin.register(BmoFigure)
class BmoFigureAdmin(admin.ModelAdmin):
    list_display = ["year", "bassin", "occupation_code", "occupation_label", "projects"]
    list_filter = ["year", "family_code"]
    search_fields = ["occupation_code", "occupation_label", "bassin__name"]
    raw_id_fields = ["bassin"]
