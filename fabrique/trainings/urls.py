"""Addresses of the training offer: catalogue pages, enrolments, imports and exports.

Each group of pages keeps its own ``urlpatterns`` in its module; this one joins them.
"""

from fabrique.trainings import enrolment_views, spreadsheet_views, transfer_views, views

app_name = "trainings"

urlpatterns = [
    *views.urlpatterns,
    *enrolment_views.urlpatterns,
    *transfer_views.urlpatterns,
    *spreadsheet_views.urlpatterns,
]
