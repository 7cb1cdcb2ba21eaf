"""Free text → ranked occupations and skills of a référentiel (ROME 4.0, ESCO).

Pure engine code: the référentiel files are read from a directory given by the caller.
``index.load_or_build(kind, scheme, data_dir, cache_dir)`` gives a matcher whose
``match(texts, top)`` answers a list of ``Match`` per text, best first.
"""

from fabrique.engine.matching.model import Match

__all__ = ["Match"]
