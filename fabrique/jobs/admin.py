from django.contrib import admin

from fabrique.jobs.models import JobProgress


@admin.register(JobProgress)
class JobProgressAdmin(admin.ModelAdmin):
    list_display = ["label", "status", "done", "total", "owner", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["id", "label", "task_path", "owner__email"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in JobProgress._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # jobs are launched by the platform, not typed in
