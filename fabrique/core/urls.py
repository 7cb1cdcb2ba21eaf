from django.urls import path

from fabrique.core import notification_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("donnees-de-reference/", views.reference_data, name="reference_data"),
    path("notifications/", notification_views.notifications, name="notifications"),
]
