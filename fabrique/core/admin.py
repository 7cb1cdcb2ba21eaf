from django.contrib import admin

from fabrique.core.models import DataSource, Notification


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "imported_at"]
    readonly_fields = ["name", "version", "imported_at", "counts"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "message", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["user__email", "message"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
