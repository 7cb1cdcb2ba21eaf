"""What each app holds about a user, for the personal data download (GDPR, article 15) and
the erasure of an account (article 17).

The accounts app handles the account, memberships and person; other apps register a section
when they are ready (``register("equipment_bookings", function)``), so that the download
lists everything without the accounts app knowing every other app, and an eraser for what
they hold that names the user (``register_eraser``), run inside the erasure's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Section = Callable[[Any], Any]
Eraser = Callable[[Any], None]
_sections: dict[str, Section] = {}
_erasers: dict[str, Eraser] = {}


def register(name: str, section: Section) -> None:
    known = _sections.get(name)
    if known is not None and known is not section:
        raise ValueError(f"The personal data section {name!r} is already registered")
    _sections[name] = section


def sections(user: Any) -> dict[str, Any]:
    """Every registered section for ``user``, by name."""
    return {name: section(user) for name, section in sorted(_sections.items())}


def register_eraser(name: str, eraser: Eraser) -> None:
    known = _erasers.get(name)
    if known is not None and known is not eraser:
        raise ValueError(f"The eraser {name!r} is already registered")
    _erasers[name] = eraser


def erase(user: Any) -> None:
    """Run every registered eraser for ``user``."""
    for _name, eraser in sorted(_erasers.items()):
        eraser(user)
