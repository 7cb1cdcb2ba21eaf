"""What each app holds about a user, for the personal data download (GDPR, article 15).

The accounts app writes the account, memberships and person; other apps register a section
when they are ready (``register("equipment_bookings", function)``), so that the download
lists everything without the accounts app knowing every other app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Section = Callable[[Any], Any]
_sections: dict[str, Section] = {}


def register(name: str, section: Section) -> None:
    known = _sections.get(name)
    if known is not None and known is not section:
        raise ValueError(f"The personal data section {name!r} is already registered")
    _sections[name] = section


def sections(user: Any) -> dict[str, Any]:
    """Every registered section for ``user``, by name."""
    return {name: section(user) for name, section in sorted(_sections.items())}
