"""From French (or English) text to the terms that the indexes compare.

``fold()`` removes case, accents and punctuation; ``terms()`` then drops stop words and the
noise of job ads ("H/F", "CDI"), and reduces each word to a light stem, so that both halves of
a gender pair ("technicien / technicienne", "conducteur / conductrice") and plurals meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

from fabrique.engine.text import fold


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words of French and English: they carry no meaning for matching.
STOP_WORDS = _word_set(
    """
    a afin ai ainsi an and as at au aux avec be by ce ces cet cette chez d dans de des du elle
    en entre et for from il ils in into is it l la le les leur leurs lors lui n ne nos notre of
    on or ou par pas pour qu que qui s sa se selon ses son sous sur that the their this to tous
    tout toute toutes un une vers vos votre with within y
    """
)
# Words of job ads that say nothing of the occupation: gender mark, contract, schedule.
AD_NOISE = _word_set(
    """
    accepte acceptes alternance alternant alternante brut cdd cddi cdi confirme confirmee
    debutant debutante debutants experimente experimentee f fh h hf interim interimaire
    interimaires junior mois partiel plein recherchons recrute recrutons salaire semaines senior
    temps urgent x
    """
)
_DIGITS = re.compile(r"^\d+$")

# Feminine and plural endings → a shared stem, longest first. Applied once per word.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("trices", "teur"),
    ("trice", "teur"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("eresses", "eur"),
    ("eresse", "eur"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("eennes", "een"),
    ("eenne", "een"),
    ("ennes", "en"),
    ("enne", "en"),
    ("onnes", "on"),
    ("onne", "on"),
    ("ettes", "et"),
    ("ette", "et"),
    ("elles", "el"),
    ("elle", "el"),
    ("ieres", "ier"),
    ("iere", "ier"),
    ("eres", "er"),
    ("ere", "er"),
    ("ives", "if"),
    ("ive", "if"),
    ("ffes", "f"),
    ("ffe", "f"),
    ("eaux", "eau"),
    ("aux", "al"),
    ("ees", "e"),
    ("ee", "e"),
)


def stem(word: str) -> str:
    """A light stem of a folded word: feminine and plural forms meet the masculine singular.

    >>> [stem(w) for w in "conductrice vendeuses technicienne boulangere cheffe agentes".split()]
    ['conducteur', 'vendeur', 'technicien', 'boulanger', 'chef', 'agent']
    """
    if len(word) <= 3 or _DIGITS.match(word):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded words of a text, stop words and job-ad noise left out, in order."""
    return [w for w in fold(text).split() if w not in STOP_WORDS and w not in AD_NOISE]


@lru_cache(maxsize=65536)
def terms(text: str) -> tuple[str, ...]:
    """Stems of the meaningful words of a text, in order (repetitions kept)."""
    return tuple(_stem(w) for w in words(text))


_stem = lru_cache(maxsize=65536)(stem)


# "Concepteur(trice)", "Ourleur(se)", "administratif(tive)": the masculine form is kept.
_FEMININE_ENDING = re.compile(
    r"\((?:e|fe|ne|se|le|te|ve|re|euse|trice|ere|iere|ière|ère|ive|tive|esse|eresse)\)",
    re.IGNORECASE,
)


def gender_variants(label: str) -> list[str]:
    """The masculine and feminine titles of a label that pairs them.

    >>> gender_variants("Technicien / Technicienne de maintenance industrielle")
    ['Technicien de maintenance industrielle', 'Technicienne de maintenance industrielle']
    >>> gender_variants("soudeur/soudeuse")
    ['soudeur', 'soudeuse']
    >>> gender_variants("Ourleur(se) points invisibles")
    ['Ourleur points invisibles']
    """
    label = _FEMININE_ENDING.sub("", label).strip()
    if " / " in label:
        # ROME: "Conducteur / Conductrice d'engins agricoles" — the feminine side goes on
        # with the words that both share.
        head, tail = label.split(" / ", 1)
        shared = tail.split(" ")[len(head.split(" ")) :]
        return [" ".join([head, *shared]).strip(), tail.strip()]
    parts = [part.strip() for part in label.split("/")]
    if len(parts) == 2 and all(parts) and len(parts[0].split()) == len(parts[1].split()):
        # ESCO: "directeur technique/directrice technique".
        return parts
    return [label]
