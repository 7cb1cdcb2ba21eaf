from django.contrib import admin

from fabrique.planning.models import PlanAssignment, PlanRun, Proposal, Scenario, UnfilledNeed


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "horizon_start", "horizon_end", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["territory", "based_on", "created_by"]


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["scenario", "status", "filled", "demand", "created_at", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["scenario", "job", "created_by", "published_by"]


@admin.register(PlanAssignment)
class PlanAssignmentAdmin(admin.ModelAdmin):
    list_display = ["run", "candidate_ref", "session_ref", "need_ref", "cost_eur"]
    raw_id_fields = ["run", "person", "session", "need"]


@admin.register(UnfilledNeed)
class UnfilledNeedAdmin(admin.ModelAdmin):
    list_display = ["run", "need_ref", "missing"]
    raw_id_fields = ["run", "need"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["person", "assignment", "status", "created_at", "responded_at"]
    list_filter = ["status"]
    raw_id_fields = ["assignment", "person", "enrolment"]
