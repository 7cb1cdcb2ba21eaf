from django.contrib import admin

from fabrique.core.models import DataSource


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "imported_at"]
    readonly_fields = ["name", "version", "imported_at", "counts"]

    def has_add_permission(self, request) -> bool:
        return False
