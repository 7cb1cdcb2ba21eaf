"""The four matchers, built from the shipped files and kept on disk between processes.

A cached index is a pickle under the cache directory whose name holds a hash of the source
files' content and of this package's code, so that a change of either builds a new one. The
cache directory belongs to the platform (it is written by this code only): pickles from
anywhere else must never be put there.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from fabrique.engine.matching import concepts, sources
from fabrique.engine.matching.concepts import ConceptMatcher
from fabrique.engine.matching.occupations import RomeOccupations

Kind = Literal["occupations", "skills"]
Scheme = Literal["rome", "esco"]
Matcher = RomeOccupations | ConceptMatcher
KINDS: tuple[Kind, ...] = ("occupations", "skills")
SCHEMES: tuple[Scheme, ...] = ("rome", "esco")
PACKAGE_DIR = Path(__file__).resolve().parent


def build(kind: Kind, scheme: Scheme, data_dir: Path) -> Matcher:
    """Build one matcher from the files under ``data_dir``."""
    if kind == "occupations" and scheme == "rome":
        return RomeOccupations.build(
            sources.read_rome(data_dir),
            sources.read_certifications(data_dir),
            sources.read_esco_titles(data_dir),
        )
    if kind == "skills" and scheme == "rome":
        return concepts.rome_skills(sources.read_rome(data_dir).skills)
    esco = sources.read_esco(data_dir)
    if kind == "occupations":
        return concepts.esco_occupations(esco.occupations, esco.skills, esco.occupation_skills)
    return concepts.esco_skills(esco.skills)


def code_version() -> str:
    """A hash of the matcher's source code (not of its command line, which builds nothing)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        if path.name == "cli.py":
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update((PACKAGE_DIR.parent / "text.py").read_bytes())
    return digest.hexdigest()[:16]


def cache_key(data_dir: Path) -> str:
    return f"{sources.content_hash(sources.source_files(data_dir))[:16]}-{code_version()}"


def cache_path(kind: Kind, scheme: Scheme, cache_dir: Path, key: str) -> Path:
    """Where the index of ``kind`` in ``scheme`` for the data and code of ``key`` is kept."""
    return cache_dir / f"{kind}-{scheme}-{key}.pickle"


def load_or_build(
    kind: Kind,
    scheme: Scheme,
    data_dir: Path,
    cache_dir: Path | None,
    *,
    key: str | None = None,
    builder: Callable[[Kind, Scheme, Path], Matcher] = build,
) -> Matcher:
    """The matcher from the disk cache if it is there, else built and written there."""
    if kind not in KINDS or scheme not in SCHEMES:
        raise ValueError(f"no matcher for {kind} in {scheme}")
    if cache_dir is None:
        return builder(kind, scheme, data_dir)
    path = cache_path(kind, scheme, cache_dir, key or cache_key(data_dir))
    if path.exists():
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, RomeOccupations | ConceptMatcher):
            return loaded
    matcher = builder(kind, scheme, data_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed, so that concurrent processes never read half a file.
    fd, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{kind}-{scheme}-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(matcher, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    for stale in cache_dir.glob(f"{kind}-{scheme}-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return matcher
