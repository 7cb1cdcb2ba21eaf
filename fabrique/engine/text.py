"""Text folding shared by search and matching: what two spellings of the same words share."""

from __future__ import annotations

import re
import unicodedata

# Letters that no decomposition splits, each replaced where found (one ``str.replace`` per
# letter present is many times faster than ``str.translate`` with a table).
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("ß", "ss"), ("’", "'"))
# The combining marks of Latin accents (U+0300 to U+036F, less the grapheme joiner U+034F,
# which is not a combining mark): what decomposing French and German letters leaves, removed
# by one expression. Whatever else is not ASCII is then looked at one character at a time.
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, without accents, ligatures or punctuation, single-spaced.

    >>> fold("  Électricien / Électricienne d'équipements — Œuvre ")
    'electricien electricienne d equipements oeuvre'
    """
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    for ligature, letters in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, letters)
    stripped = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if not stripped.isascii():
        stripped = "".join(char for char in stripped if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", stripped.lower()).strip()
