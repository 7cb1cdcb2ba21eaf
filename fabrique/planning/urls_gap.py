from django.urls import path, re_path

from fabrique.planning import views_gap

urlpatterns = [
    path("", views_gap.gap_page, name="gap"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views_gap.gap_export, name="gap_export"),
]
