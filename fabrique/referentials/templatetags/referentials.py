"""Template helpers of the référentiel pages: addresses and labels in the reader's language."""

from typing import Any

from django import template
from django.utils.translation import get_language

from fabrique.referentials.urls import detail_url

register = template.Library()


@register.filter
def ref_url(row: Any) -> str:
    """``{{ occupation|ref_url }}``: the page of an occupation, a skill or a certification."""
    return detail_url(row)


@register.filter
def ref_label(row: Any) -> str:
    """The row's English label for English readers when it has one, else its label."""
    language = (get_language() or "fr").split("-")[0]
    if language == "en" and getattr(row, "label_en", ""):
        return str(row.label_en)
    return str(getattr(row, "label", "") or getattr(row, "title", "") or row.code)


@register.filter
def ref_label_lang(row: Any) -> str:
    """The language of what ``ref_label`` shows, for a ``lang`` attribute."""
    language = (get_language() or "fr").split("-")[0]
    return "en" if language == "en" and getattr(row, "label_en", "") else "fr"
