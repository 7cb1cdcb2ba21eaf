"""Short labels (job titles, skill names) matched against short queries, typos and
abbreviations included.

Each label is one row; the rows belong to entries (a fiche, an ESCO concept, a skill). A query
scores an entry by its best label: cosine over stems and stem pairs, blended with cosine over
character trigrams (what survives a typo). Before that, the words of the query that no label
uses are rewritten from the labels' own vocabulary: a word one edit away from a known word
("mecanicein") becomes that word, a short word that begins a known word ("indus", "maint",
"tech", "resp") or whose letters it keeps in order from its first letter ("agt" → "agent")
becomes the most frequent such word. An acronym that a label defines ("Infirmier / Infirmière en
soins généraux (IDE)") is added to a query whose words spell it ("infirmier diplômé d'état"),
when one of those words is a word of that label.

An index may featurise its labels with ``title_features`` (the head noun counted apart) and
weigh some labels down (weaker evidence, e.g. another référentiel's titles): those score short
queries only.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from fabrique.engine.matching.normalise import AD_NOISE, STOP_WORDS, gender_variants, terms
from fabrique.engine.matching.vectors import (
    Featuriser,
    Floats,
    Ints,
    Space,
    char_features,
    word_features,
)
from fabrique.engine.text import fold

# Queries longer than this are texts, not titles: no rewriting nor character n-grams.
SHORT_QUERY_CHARS = 160
TITLE_CHARS = 80  # character trigrams only for queries this short
WORD_WEIGHT = 0.6  # the rest goes to character trigrams
CHAR_MAX_DF = 0.1  # trigrams in more labels than this say little and cost much
MIN_ABBREVIATION = 2
MAX_ABBREVIATION = 6
# "agt", "mgr": abbreviations that keep some consonants of the word, in order.
MAX_SKELETON = 4
VOWELS = frozenset("aeiouy")
# "(IDE)", "- IBODE", "-QSE-": an acronym a label defines, in parentheses or after a dash.
ACRONYM = re.compile(r"\(\s*([A-Z]{3,6})\s*\)|-\s*([A-Z]{3,6})\s*(?:-|$)")
MIN_ACRONYM, MAX_ACRONYM = 3, 6
RARE_RATIO = 20  # a known word this much rarer than a word it begins is read as both
MEMO_WORDS = 100_000
MEMO_TEXTS = 20_000
# In a French job title the first noun names the occupation ("technicien", "soudeur") and the
# words after it refine it: ``title_features`` repeats it as a feature of its own.
HEAD_REPEAT = 2


def title_features(text: str) -> list[str]:
    """``word_features`` plus the first stem as a head feature, counted ``HEAD_REPEAT``
    times."""
    features = word_features(text)
    stems = terms(text)
    if stems:
        features.extend([f"^{stems[0]}"] * HEAD_REPEAT)
    return features


def _meaningful(word: str) -> bool:
    """Whether a folded word says something (not a stop word nor job-ad noise)."""
    return len(word) > 1 and word not in STOP_WORDS and word not in AD_NOISE


def _is_subsequence(short: str, word: str) -> bool:
    letters = iter(word)
    return all(char in letters for char in short)


@dataclass
class Lexicon:
    """Folded words of the labels with their frequencies, for rewriting query words."""

    frequency: dict[str, int]
    deletions: dict[str, list[str]]  # a word with one letter removed → the words
    by_initial: dict[str, list[str]]  # first letter → words, most frequent first
    by_prefix: dict[str, str]  # a word's beginning → the most frequent word with it
    # acronym → the folded words of the labels that define it
    acronyms: dict[str, frozenset[str]] = field(default_factory=dict)
    # Rewritten query words and texts already seen (rewriting is pure; each is cleared when it
    # grows too big).
    memo: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    texts_memo: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def fit(cls, labels: Sequence[str]) -> Lexicon:
        frequency: Counter[str] = Counter()
        acronyms: dict[str, set[str]] = defaultdict(set)
        for label in labels:
            folded = fold(label).split()
            frequency.update(w for w in folded if len(w) > 1 and not w.isdigit())
            for groups in ACRONYM.findall(label):
                for acronym in filter(None, groups):
                    acronyms[acronym.lower()].update(folded)
        deletions: dict[str, list[str]] = defaultdict(list)
        by_initial: dict[str, list[str]] = defaultdict(list)
        by_prefix: dict[str, str] = {}
        for word, _ in sorted(frequency.items(), key=lambda item: (-item[1], item[0])):
            by_initial[word[0]].append(word)
            for length in range(MIN_ABBREVIATION, min(MAX_ABBREVIATION, len(word) - 2) + 1):
                by_prefix.setdefault(word[:length], word)
            if len(word) >= 4:
                for i in range(len(word)):
                    deletions[word[:i] + word[i + 1 :]].append(word)
        return cls(
            dict(frequency),
            dict(deletions),
            dict(by_initial),
            by_prefix,
            {acronym: frozenset(words) for acronym, words in acronyms.items()},
        )

    def correct(self, word: str) -> str | None:
        """The most frequent known word at one edit (deletion, insertion, substitution or
        swap of two neighbours) from ``word``, if any."""
        candidates: Counter[str] = Counter()
        variants = {word[:i] + word[i + 1 :] for i in range(len(word))}
        for key in (word, *variants):
            for known in self.deletions.get(key, ()):
                if known != word:
                    candidates[known] = self.frequency[known]
        for variant in variants:
            if variant in self.frequency:
                candidates[variant] = self.frequency[variant]
        if not candidates:
            return None
        return max(candidates.items(), key=lambda item: (item[1], item[0]))[0]

    def expand(self, word: str) -> str | None:
        """The most frequent known word that ``word`` abbreviates, if any."""
        if word in self.by_prefix:
            return self.by_prefix[word]
        if len(word) > MAX_SKELETON or any(char in VOWELS for char in word[1:]):
            return None
        for known in self.by_initial.get(word[0], ()):
            if len(known) > len(word) + 1 and _is_subsequence(word[1:], known[1:]):
                return known
        return None

    def forget(self) -> None:
        """Forget the words and texts rewritten so far."""
        self.memo.clear()
        self.texts_memo.clear()

    def rewrite(self, text: str) -> str:
        """The folded text with unknown words corrected or expanded where the labels allow, and
        the acronyms its words spell (``spelt_acronyms``) added."""
        found = self.texts_memo.get(text)
        if found is None:
            if len(self.texts_memo) >= MEMO_TEXTS:
                self.texts_memo.clear()
            found = self.texts_memo[text] = self._rewrite(text)
        return found

    def _rewrite(self, text: str) -> str:
        rewritten: list[str] = []
        memo = self.memo
        for word in fold(text).split():
            found = memo.get(word)
            if found is None:
                found = self._rewrite_word(word)
                if len(memo) >= MEMO_WORDS:
                    memo.clear()
                memo[word] = found
            rewritten.append(found)
        # Each word as corrected or expanded ("tech" → "tech technicien": "technicien").
        rewritten.extend(self.spelt_acronyms([found.rsplit(" ", 1)[-1] for found in rewritten]))
        return " ".join(rewritten)

    def knows_all(self, rewritten: str) -> bool:
        """Whether every meaningful word of a rewritten text is a word of the labels."""
        return all(
            word in self.frequency
            for word in rewritten.split()
            if _meaningful(word) and not word.isdigit()
        )

    def spelt_acronyms(self, words: Sequence[str]) -> list[str]:
        """The acronyms defined by labels that the initials of consecutive meaningful
        ``words`` (folded) spell, when one of those words is a word of a label defining it."""
        if not self.acronyms:
            return []
        meaningful = [word for word in words if _meaningful(word)]
        found: list[str] = []
        for length in range(MIN_ACRONYM, MAX_ACRONYM + 1):
            for start in range(len(meaningful) - length + 1):
                spelt = meaningful[start : start + length]
                acronym = "".join(word[0] for word in spelt)
                defined_by = self.acronyms.get(acronym)
                if (
                    defined_by is not None
                    and acronym not in meaningful
                    and acronym not in found
                    and not defined_by.isdisjoint(spelt)
                ):
                    found.append(acronym)
        return found

    def _rewrite_word(self, word: str) -> str:
        if word in STOP_WORDS or word in AD_NOISE:
            return word
        if word in self.frequency:
            # "indus" in one label, "industrielle" in hundreds: both.
            longer = self.by_prefix.get(word)
            if longer and self.frequency[longer] >= RARE_RATIO * self.frequency[word]:
                return f"{word} {longer}"
            return word
        replacement = None
        if word.isalpha():
            if MIN_ABBREVIATION <= len(word) <= MAX_ABBREVIATION:
                replacement = self.expand(word)
            if replacement is None and len(word) >= 5:
                replacement = self.correct(word)
        return replacement or word


@dataclass
class LabelIndex:
    """Labels grouped by entry: rows of one entry are contiguous (``starts``)."""

    labels: list[str]  # row → the label it comes from, as given
    origins: Ints  # row → position of that label in the list given
    owners: Ints  # row → entry, non-decreasing
    starts: Ints  # entry → its first row
    words: Space
    word_rows: sp.csr_matrix
    chars: Space
    char_rows: sp.csr_matrix
    lexicon: Lexicon
    # Rows of labels given a weight under 1: title evidence only, left out for long texts.
    weak_rows: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def build(
        cls,
        labels: Sequence[str],
        owners: Sequence[int],
        n_entries: int,
        *,
        weights: Sequence[float] | None = None,
        featurise: Featuriser = word_features,
        words_only: bool = False,
    ) -> LabelIndex:
        """``owners`` must be sorted and give every entry at least one label. ``weights``
        (default 1) scale each label's scores: weaker evidence. ``words_only``: no character
        trigrams nor rewriting of query words (an index only read by its words is built in
        less than half the time)."""
        # Each side of a gender pair is a row of its own, shown as the whole label.
        shown: list[str] = []
        texts: list[str] = []
        row_owners: list[int] = []
        origins: list[int] = []
        row_weights: list[float] = []
        given = [1.0] * len(labels) if weights is None else weights
        for position, (label, owner, weight) in enumerate(zip(labels, owners, given, strict=True)):
            for variant in gender_variants(label):
                origins.append(position)
                row_weights.append(weight)
                shown.append(label)
                texts.append(variant)
                row_owners.append(owner)
        owner_array = np.asarray(row_owners, dtype=np.int64)
        if len(owner_array) and (np.any(np.diff(owner_array) < 0)):
            raise ValueError("labels must be grouped by entry, in entry order")
        counts = np.bincount(owner_array, minlength=n_entries)
        if len(counts) != n_entries or np.any(counts == 0):
            raise ValueError("every entry needs at least one label")
        word_docs = [featurise(text) for text in texts]
        char_docs = [[] if words_only else char_features(text) for text in texts]
        words = Space.fit(featurise, word_docs)
        chars = Space.fit(char_features, char_docs, max_df=CHAR_MAX_DF)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        scale = sp.diags(np.asarray(row_weights, dtype=np.float32))
        return cls(
            labels=shown,
            origins=np.asarray(origins, dtype=np.int64),
            owners=owner_array,
            starts=starts,
            words=words,
            word_rows=sp.csr_matrix(words.vectorise_features(word_docs).T @ scale),
            chars=chars,
            char_rows=sp.csr_matrix(chars.vectorise_features(char_docs).T @ scale),
            lexicon=Lexicon.fit([] if words_only else texts),
            weak_rows=np.flatnonzero(np.asarray(row_weights) < 1.0).astype(np.int64),
        )

    @property
    def n_entries(self) -> int:
        return len(self.starts)

    def search(
        self,
        texts: Sequence[str],
        spelling: Sequence[bool] | None = None,
        typos_only: Sequence[bool] | None = None,
    ) -> tuple[Floats, Floats]:
        """Per text: the best label score in [0, 1] of each entry, and the score of each label
        (for evidence). Texts longer than ``SHORT_QUERY_CHARS`` are texts rather than titles:
        read with ``word_features`` (not the index's own featuriser, which may add title
        features), and the labels of weight under 1 do not score them. Texts of at most
        ``TITLE_CHARS`` are also read by their character trigrams, unless ``spelling`` (a flag
        per text) says otherwise, or ``typos_only`` (a flag per text) says to do so only when
        one of its words is in no label."""
        short = [len(text) <= SHORT_QUERY_CHARS for text in texts]
        prepared = [
            self.lexicon.rewrite(text) if is_short else text
            for text, is_short in zip(texts, short, strict=True)
        ]
        featurise = self.words.featurise
        features = [
            featurise(text) if is_short else word_features(text)
            for text, is_short in zip(prepared, short, strict=True)
        ]
        rows = (self.words.vectorise_features(features) @ self.word_rows).toarray()
        spelt = [
            i
            for i, text in enumerate(texts)
            if len(text) <= TITLE_CHARS
            and (spelling is None or spelling[i])
            and not (
                typos_only is not None and typos_only[i] and self.lexicon.knows_all(prepared[i])
            )
        ]
        by_char = self.chars.vectorise([prepared[i] for i in spelt])
        # A title whose every trigram is too common is matched by its words alone.
        with_chars = [i for i, n in zip(spelt, np.diff(by_char.indptr), strict=True) if n]
        if with_chars:
            by_char = by_char[np.diff(by_char.indptr) > 0]
            rows[with_chars] = (
                WORD_WEIGHT * rows[with_chars]
                + (1.0 - WORD_WEIGHT) * (by_char @ self.char_rows).toarray()
            )
        if rows.shape[1] == 0:
            return np.zeros((len(texts), self.n_entries), dtype=np.float32), rows
        long_texts = [i for i, is_short in enumerate(short) if not is_short]
        if long_texts and len(self.weak_rows):
            rows[np.ix_(long_texts, self.weak_rows)] = 0.0
        return np.maximum.reduceat(rows, self.starts, axis=1), rows

    def best_label(self, row_scores: Floats, entry: int) -> int:
        """The row of ``entry``'s best label, given one text's label scores."""
        start = int(self.starts[entry])
        end = int(self.starts[entry + 1]) if entry + 1 < self.n_entries else len(self.labels)
        return start + int(np.argmax(row_scores[start:end]))
