"""Free text → ranked occupations and skills, for pages, the API and ``fabrique match``.

The indexes are built from the référentiel files shipped under ``settings.DATA_DIR`` (not
from the database), kept on disk under ``settings.VAR_DIR / "matching"`` (rebuilt when the
files or the matcher's code change) and in memory once per process, loaded on first use or
by ``warm()``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

from fabrique.engine.matching import Match
from fabrique.engine.matching import index as engine

__all__ = ["SCHEMES", "Match", "cache_dir", "occupations", "ready", "skills", "warm"]

SCHEMES = engine.SCHEMES
_lock = threading.Lock()
_key: str | None = None
_loaded: dict[tuple[str, str], engine.Matcher] = {}


def cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "matching"


def _cache_key() -> str:
    global _key
    if _key is None:
        _key = engine.cache_key(Path(settings.DATA_DIR))
    return _key


def _matcher(kind: engine.Kind, scheme: str) -> engine.Matcher:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    found = _loaded.get((kind, scheme))
    if found is not None:
        return found
    with _lock:
        if (kind, scheme) not in _loaded:
            _loaded[(kind, scheme)] = engine.load_or_build(
                kind,
                scheme,  # type: ignore[arg-type]
                Path(settings.DATA_DIR),
                cache_dir(),
                key=_cache_key(),
            )
        return _loaded[(kind, scheme)]


def ready(kind: engine.Kind, scheme: str) -> bool:
    """Whether the matcher answers without building its index first (10 to 30 s): it is
    loaded in this process, or built on disk. Searches use the matcher only as an extra, and
    only when it is ready; ``warm()`` (the ``prepare_matcher`` job) builds it."""
    if (kind, scheme) in _loaded:
        return True
    path = engine.cache_path(kind, scheme, cache_dir(), _cache_key())  # type: ignore[arg-type]
    return path.exists()


def occupations(texts: Sequence[str], *, scheme: str = "rome", top: int = 10) -> list[list[Match]]:
    """Best occupations for each text, best first: ROME fiche codes (one fiche per family
    of a parent fiche and its déclinaisons) or ESCO occupation URIs."""
    return _matcher("occupations", scheme).match(list(texts), top)


def skills(texts: Sequence[str], *, scheme: str = "rome", top: int = 10) -> list[list[Match]]:
    """Best skills for each text, best first: ROME ``code_ogr`` (compétences and savoirs) or
    ESCO skill URIs. Long texts are cut into segments; boilerplate is left out."""
    return _matcher("skills", scheme).match(list(texts), top)


def warm() -> None:
    """Load (or build) every index now rather than on the first query."""
    for kind in engine.KINDS:
        for scheme in SCHEMES:
            _matcher(kind, scheme)
