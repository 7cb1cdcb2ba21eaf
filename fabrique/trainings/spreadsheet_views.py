"""Pages of the training offer."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
