"""Errors whose message is meant for the person reading the page."""

from django.http import Http404


class NotFound(Http404):
    """A 404 whose message (translated by the caller) is shown on the error page,
    e.g. ``raise NotFound(_("No territory has the code “%(code)s”.") % {"code": code})``."""
