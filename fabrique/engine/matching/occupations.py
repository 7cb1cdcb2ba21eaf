"""Free text → ROME fiches.

Answers are ranked by family: a parent fiche with its déclinaisons (``code_rome_parent``). Each
family is answered once, by the fiche whose label matched best, else by the parent fiche, so
that folding déclinaisons into their parent never merges two answers.

A family's score blends, each scaled to [0, 1]:

- ``titles``: the best fiche label or appellation, typos and abbreviations allowed, the first
  noun of a title counting more (``labels.title_features``); the French labels of ESCO
  occupations are titles too, of the family they match best, their scores scaled down;
- ``labels``, ``skills``, ``texts``: TF-IDF cosine with all the labels of the family, with its
  compétences and savoirs, with its definition and access texts;
- ``blocs``, ``certifications``: votes of the nearest RNCP blocs de compétences, and of the
  nearest certifications (all their blocs together), for the ROME codes of their certification;
- ``prior``: how often the family is a certification's ROME code;
- ``linear``: the probabilities of a softmax regression fitted at build time on the RNCP blocs,
  the whole certifications and the ROME's own labels, compétences and texts, and on each
  compétence or savoir held by few families (``linear.py``);
  it weighs more on short texts (a bloc) than on long ones (a whole certification), where the
  neighbours' votes are surer, and not at all on job titles (a best title matched well, or a
  short text whose words are those of titles rather than blocs: ``title_likeness``);
- ``bayes``: the probabilities of a naive Bayes classifier over the same examples
  (``bayes.py``);
- ``bloc_linear``: the probabilities of a second softmax regression, fitted on the RNCP blocs
  alone, for texts of one short part (a bloc), gated like ``linear``: a second opinion that
  the rank discount rewards where it agrees.

On short texts read as blocs, a family's blend is then raised by how often the certifications
that hold the blend's first families also hold it (``COOCCURRENCE_WEIGHT``): a certification's
ROME codes come in sets.

A strong title match weighs more than the rest: job titles lean on ``titles``. On texts read
as blocs, a family's blended score is then discounted by its rank in each component
(``RANK_POWERS``): one that most components put among their first few beats one that a single
component scores high.

A text that is word for word a bloc of certifications we know (a generic bloc: "Manager une
équipe", "Communiquer en anglais") is answered first by the families that cover most of those
certifications, one after the other (greedy coverage, ties broken by the blend): any one of a
certification's codes is a right answer, and these are the answers that are right for most of
them. A text that is also a job title is answered as a title.

A text of several parts (separated by ";", "|", "•" or line breaks: the blocs of a certification) is
scored without its generic parts, those that are word for word a bloc of at least
``GENERIC_HOLDERS`` certifications of different fields ("Expression et communication écrites
et orales", "Usages numériques"), when something else is left: they pull the answer towards
whatever fields hold them most and say nothing of the certification at hand. A long text
without separators loses the generic blocs of two words or more found in it on whole words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from fabrique.engine.matching.aside import FitAside
from fabrique.engine.matching.bayes import NaiveBayes
from fabrique.engine.matching.labels import TITLE_CHARS, LabelIndex, title_features
from fabrique.engine.matching.linear import LinearModel, shares
from fabrique.engine.matching.model import Match
from fabrique.engine.matching.normalise import gender_variants, terms
from fabrique.engine.matching.sources import Certification, Rome
from fabrique.engine.matching.vectors import Floats, Ints, Space, best_positive, word_features
from fabrique.engine.text import fold

# Weights of the components, each scaled by its best value for the query (or by its floor if
# the best is lower, so that weak evidence stays weak). Tuned on the development split of the
# RNCP certifications and on noisy job titles (benchmarks/bench_matcher.py).
WEIGHTS: dict[str, float] = {
    "titles": 0.5,
    "labels": 0.25,
    "skills": 2.0,
    "texts": 0.5,
    "blocs": 1.0,
    "certifications": 1.0,
    "prior": 0.25,
    "bayes": 2.0,
}
FLOORS: dict[str, float] = {
    "titles": 0.5,
    "labels": 0.1,
    "skills": 0.1,
    "texts": 0.1,
    "blocs": 0.1,
    "certifications": 0.1,
    "prior": 1.0,
    "bayes": 0.01,
}
# A strong title match (a job title) outweighs the rest: TITLE_BONUS × (title cosine)^3.
TITLE_BONUS = 12.0
TITLE_POWER = 3.0
# The linear model's weight (its probabilities scaled by their best value), for texts up to
# LONG_TEXT characters and for longer ones.
LINEAR_WEIGHT_SHORT = 8.0
LINEAR_WEIGHT_LONG = 2.0
LONG_TEXT = 150
# Nor on job titles: its weight falls from full to nothing as the best title's cosine goes
# from TITLE_GATE[0] to TITLE_GATE[1] (it learnt from blocs more than from titles),
TITLE_GATE = (0.7, 0.9)
# and on texts that read like a job title rather than like a bloc. The weight is full on texts
# of TERM_GATE[1] meaningful words or more, nothing on those of TERM_GATE[0] or fewer, and in
# between; and it is full whatever the length when the sum over the text's stems of their log
# odds of being in a title rather than in a bloc (naive Bayes, ``title_odds``) is at most
# TITLE_ODDS_GATE[0], nothing from TITLE_ODDS_GATE[1] (the larger of the two gates counts).
TERM_GATE = (3, 6)
TITLE_ODDS_GATE = (-6.0, -2.0)
# Texts whose stems' log odds (as above) are at most this read as blocs: the title index does
# not read their character trigrams (typos are for job titles, and the trigrams cost most).
SPELLING_ODDS = -6.0
# Up to this, only those with a word that no title has (a typo) are.
TYPO_ODDS = -2.0
# Each component also says where it ranks a family among all of them: a family's blended score
# is multiplied by (1 + its rank in the component) ** -power (rank 0 for the component's best,
# ties sharing the better rank), on texts read as blocs (the powers are scaled by the linear
# model's gate: job titles keep their titles' say). Ranks tell what the scaled scores blur: a
# family that several components put among their first few beats one that a single component
# scores high. Only the first RANK_DEPTH families of the blend are discounted so.
RANK_POWERS: dict[str, float] = {
    "titles": 0.03,
    "labels": 0.03,
    "skills": 0.15,
    "texts": 0.15,
    "blocs": 0.2,
    "certifications": 0.2,
    "linear": 0.5,
    "bayes": 0.2,
    "bloc_linear": 0.1,
}
RANK_DEPTH = 30
# The blocs-only model's weight (its probabilities scaled by their best value, floor 0.01),
# scaled by the bloc gate as the linear model's is.
BLOC_LINEAR_WEIGHT = 2.0
BLOC_LINEAR_FLOOR = 0.01
# How much a family's blend rises, on short texts read as blocs, with the share of the
# certifications holding the blend's first RANK_DEPTH families (weighted by their blend) that
# also hold it, scaled by its best value.
COOCCURRENCE_WEIGHT = 0.2
BLOC_NEIGHBOURS = 40
# With at least this many examples, the linear model is fitted in a second process.
ASIDE_EXAMPLES = 20_000
# A compétence or savoir of at most this many families is an example for the linear model.
SKILL_EXAMPLE_FAMILIES = 10
CERTIFICATION_NEIGHBOURS = 20
VOTE_POWER = 2.0
# ESCO occupations' French labels are job titles too: each occupation is given to the family
# its labels match best in the ROME's own titles (summed over its labels; none when the best
# does not lead the second by ESCO_MARGIN of itself), and its labels join that family's titles
# with their scores scaled by ESCO_TITLE_WEIGHT (weaker evidence than the ROME's own).
ESCO_TITLE_WEIGHT = 0.85
ESCO_MARGIN = 0.0
# A déclinaison answers for its family when its own label matched at least this well.
REPRESENTATIVE_TITLE = 0.3
BATCH = 256
# A bloc held word for word by at least this many certifications, with at least two different
# sets of families between them, is generic: left out of a text that has other parts.
GENERIC_HOLDERS = 4
# Among the families of a known bloc's certifications, the blend's say (its score scaled by the
# best) beside the share of those certifications a family covers (``covering``): many
# certifications share a generic bloc, and a few more of them say little more.
COVERING_BLEND = 0.03
# In a text without separators, only generic blocs of at least this many words are looked for
# ("Anglais" alone is too often a word of a specific bloc).
GENERIC_SPAN_WORDS = 2
MEMO_HOLDERS = 20_000
# Answers kept for texts asked again: of this many texts at most, each this long at most.
MEMO_ANSWERS = 20_000
MEMO_TEXT_CHARS = 1_000
_PARTS = re.compile(r"\s*(?:;|\||\n|\r|•)\s*")


@dataclass
class Neighbours:
    """Labelled texts (RNCP blocs, certifications) that vote for the families of their label."""

    rows: sp.csr_matrix  # features × texts, unit columns
    labels: sp.csr_matrix  # texts × families
    texts: list[str]
    targets: list[tuple[int, ...]]  # text → its families
    k: int
    groups: Ints  # text → its certification (texts of one group never vote for each other)

    @classmethod
    def build(
        cls,
        space: Space,
        features: Sequence[list[str]],
        texts: list[str],
        families: Sequence[Sequence[int]],
        n_families: int,
        k: int,
        groups: Sequence[int] | None = None,
    ) -> Neighbours:
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for row, targets in enumerate(families):
            for family in set(targets):
                rows.append(row)
                columns.append(family)
                values.append(1.0 / np.sqrt(len(set(targets))))
        labels = sp.csr_matrix(
            (np.asarray(values, dtype=np.float32), (rows, columns)),
            shape=(len(texts), n_families),
        )
        by_text = [tuple(sorted(set(t))) for t in families]
        group_ids = np.asarray(range(len(texts)) if groups is None else groups, dtype=np.int64)
        rows_matrix = space.vectorise_features(features).T.tocsr()
        return cls(rows_matrix, labels, texts, by_text, k, group_ids)

    def votes(
        self, queries: sp.csr_matrix, exclude: Ints | None = None
    ) -> tuple[Floats, Ints, Floats]:
        """Votes per query and family, with the ``k`` nearest neighbours (indices,
        similarities; padded with -1 and 0). ``exclude`` gives each query a group whose texts
        do not vote (-1: none), to score labelled texts without their own label."""
        similarities = sp.csr_matrix(queries @ self.rows)
        if exclude is not None:
            rows = np.repeat(np.arange(similarities.shape[0]), np.diff(similarities.indptr))
            own = self.groups[similarities.indices] == exclude[rows]
            similarities.data[own] = 0.0
            similarities.eliminate_zeros()
        n, k = queries.shape[0], self.k
        ids = np.full((n, k), -1, dtype=np.int64)
        weights = np.zeros((n, k), dtype=np.float32)
        bounds = similarities.indptr.tolist()
        data, indices = similarities.data, similarities.indices
        vote_rows: list[npt.NDArray[np.integer]] = []
        vote_columns: list[npt.NDArray[np.integer]] = []
        vote_weights: list[npt.NDArray[np.floating]] = []
        for row in range(n):
            start, end = bounds[row], bounds[row + 1]
            if end - start > k:
                values = data[start:end]
                kept = np.argpartition(values, end - start - k)[-k:]
                ids[row] = indices[start + kept]
                weights[row] = values[kept]
                # Texts as near as the k-th share the places left (copies of one bloc).
                threshold = values[kept].min()
                tied = np.flatnonzero(values == threshold)
                chosen = kept[values[kept] > threshold]
                power = values[chosen] ** VOTE_POWER
                share = (k - len(chosen)) / len(tied)
                chosen = np.concatenate([chosen, tied])
                power = np.concatenate([power, np.full(len(tied), share * threshold**VOTE_POWER)])
                vote_rows.append(np.full(len(chosen), row))
                vote_columns.append(indices[start + chosen])
                vote_weights.append(power)
            elif end > start:
                ids[row, : end - start] = indices[start:end]
                weights[row, : end - start] = data[start:end]
                vote_rows.append(np.full(end - start, row))
                vote_columns.append(indices[start:end])
                vote_weights.append(data[start:end] ** VOTE_POWER)
        if not vote_rows:
            return np.zeros((n, self.labels.shape[1]), dtype=np.float32), ids, weights
        spread = sp.csr_matrix(
            (
                np.concatenate(vote_weights).astype(np.float32),
                (np.concatenate(vote_rows), np.concatenate(vote_columns)),
            ),
            shape=(n, len(self.texts)),
        )
        return (spread @ self.labels).toarray().astype(np.float32), ids, weights

    def nearest_by_family(self, ids: Ints, weights: Floats, families: set[int]) -> dict[int, str]:
        """For each family asked, the text of its most similar neighbour."""
        found: dict[int, str] = {}
        best: dict[int, float] = {}
        for index, weight in zip(ids.tolist(), weights.tolist(), strict=True):
            if weight <= 0 or index < 0:
                continue
            for family in self.targets[index]:
                if family in families and weight > best.get(family, 0.0):
                    best[family] = weight
                    found[family] = self.texts[index]
        return found


@dataclass
class RomeOccupations:
    codes: list[str]  # fiches
    fiche_labels: list[str]
    fiche_family: Ints  # fiche → family
    families: list[str]  # parent codes
    family_fiche: Ints  # family → its parent fiche
    titles: LabelIndex  # entries are families
    title_fiche: Ints  # title label (as given to the index) → fiche
    space: Space  # stems of everything below
    fields: dict[str, sp.csr_matrix]  # name → features × families
    blocs: Neighbours
    certifications: Neighbours
    prior: Floats
    linear: LinearModel
    bayes: NaiveBayes  # the same examples as ``linear``
    bloc_linear: LinearModel  # the RNCP blocs alone
    # family → family: the share of the certifications holding the first that hold the second
    cooccurrence: Floats
    title_odds: dict[str, float]  # stem → log odds of meeting it in a title rather than a bloc
    # A bloc's text (``bloc_key``) → the family sets of the certifications that hold it, each
    # with how many do.
    known_blocs: dict[str, tuple[tuple[tuple[int, ...], int], ...]]
    generic_blocs: frozenset[str]  # ``bloc_key`` of the generic blocs (``GENERIC_HOLDERS``)
    # The first two words of each generic bloc of GENERIC_SPAN_WORDS words or more → the
    # lengths in words of those blocs, longest first (to find them in a text without separators).
    generic_starts: dict[str, tuple[int, ...]]
    # ``holders()`` already prepared in this process (not kept on disk).
    _holders: dict[str, Holders] = field(default_factory=dict, repr=False, compare=False)
    # The answers of texts asked so far, by text and number of answers (``match``).
    _answers: dict[tuple[str, int], tuple[Match, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_holders": {}, "_answers": {}}

    @classmethod
    def build(
        cls,
        rome: Rome,
        certifications: Sequence[Certification],
        esco_titles: Sequence[Sequence[str]] = (),
    ) -> RomeOccupations:
        """``esco_titles``: the labels of each ESCO occupation (``sources.read_esco_titles``),
        extra job titles for the family they match best."""
        codes = [fiche.code for fiche in rome.fiches]
        position = {code: i for i, code in enumerate(codes)}
        families = sorted({fiche.parent for fiche in rome.fiches if fiche.parent in position})
        family_position = {code: i for i, code in enumerate(families)}
        fiche_family = np.asarray(
            [
                family_position.get(fiche.parent, family_position.get(fiche.code, 0))
                for fiche in rome.fiches
            ],
            dtype=np.int64,
        )
        labels = [fiche.label for fiche in rome.fiches] + [label for _, label in rome.appellations]
        owners = list(range(len(codes))) + [position[code] for code, _ in rome.appellations]
        # Title rows grouped by family, the parent fiche's first.
        order = sorted(
            range(len(labels)),
            key=lambda i: (
                fiche_family[owners[i]],
                rome.fiches[owners[i]].code != families[fiche_family[owners[i]]],
                owners[i],
                i,
            ),
        )
        labels = [labels[i] for i in order]
        owners = [owners[i] for i in order]
        title_families = [int(fiche_family[o]) for o in owners]
        documents: dict[str, list[list[str]]] = {
            name: [[] for _ in families] for name in ("labels", "skills", "texts")
        }
        cache: dict[str, list[str]] = {}

        def features(text: str) -> list[str]:
            if text not in cache:
                cache[text] = word_features(text)
            return cache[text]

        for label, owner in zip(labels, owners, strict=True):
            documents["labels"][int(fiche_family[owner])].extend(features(label))
        skill_labels = {skill.code: skill.label for skill in rome.skills}
        skill_families: dict[str, set[int]] = {}
        for code, skill in rome.fiche_skills:
            family = int(fiche_family[position[code]])
            documents["skills"][family].extend(features(skill_labels[skill]))
            skill_families.setdefault(skill, set()).add(family)
        # Each compétence or savoir is also an example of the families that hold it (those of
        # few families only: the others say little), phrased as blocs are.
        specific_skills = [
            (skill_labels[skill], sorted(held))
            for skill, held in skill_families.items()
            if len(held) <= SKILL_EXAMPLE_FAMILIES
        ]
        for code, text in rome.texts:
            documents["texts"][int(fiche_family[position[code]])].extend(features(text))

        parents = {fiche.code: fiche.parent for fiche in rome.fiches}
        certified = [
            (certification, [family_position[c] for c in _families(certification, parents)])
            for certification in certifications
        ]
        certified = [(c, targets) for c, targets in certified if targets]
        bloc_texts = [bloc for c, _ in certified for bloc in c.blocs]
        bloc_targets = [targets for c, targets in certified for _ in c.blocs]
        bloc_features = [features(text) for text in bloc_texts]
        certification_features = [
            [f for bloc in c.blocs for f in features(bloc)] for c, _ in certified
        ]
        all_documents = [doc for docs in documents.values() for doc in docs]
        space = Space.fit(word_features, all_documents + bloc_features + certification_features)
        n = len(families)
        prior = np.zeros(n, dtype=np.float32)
        for _, targets in certified:
            for family in set(targets):
                prior[family] += 1
        prior /= max(1.0, float(prior.max()))
        # The linear model's examples: blocs, whole certifications, each title, each family's
        # compétences and texts, and each specific compétence or savoir.
        examples = (
            bloc_features
            + certification_features
            + [features(label) for label in labels]
            + documents["skills"]
            + documents["texts"]
            + [features(label) for label, _ in specific_skills]
        )
        example_targets: list[Sequence[int]] = [
            *bloc_targets,
            *(targets for _, targets in certified),
            *([int(fiche_family[owner])] for owner in owners),
            *([family] for family in range(n)),
            *([family] for family in range(n)),
            *(held for _, held in specific_skills),
        ]
        example_rows = space.vectorise_features(examples)
        # The linear model's fit takes the longest: with enough examples, a second process
        # fits it while this one builds the rest (the same model either way).
        fitting = FitAside(example_rows, example_targets, n, aside=len(examples) >= ASIDE_EXAMPLES)
        try:
            known_blocs = _known_blocs(certified)
            generic = _generic(known_blocs)
            fields = {
                name: space.vectorise_features(docs).T.tocsr() for name, docs in documents.items()
            }
            bloc_groups = [i for i, (c, _) in enumerate(certified) for _ in c.blocs]
            blocs = Neighbours.build(
                space, bloc_features, bloc_texts, bloc_targets, n, BLOC_NEIGHBOURS, bloc_groups
            )
            certification_texts = [" ; ".join(c.blocs) for c, _ in certified]
            by_certification = Neighbours.build(
                space,
                certification_features,
                certification_texts,
                [targets for _, targets in certified],
                n,
                CERTIFICATION_NEIGHBOURS,
            )
            # (With ESCO titles, this first index only places them: its words suffice.)
            titles = LabelIndex.build(
                labels,
                title_families,
                len(families),
                featurise=title_features,
                words_only=bool(esco_titles),
            )
            title_fiche = np.asarray(owners, dtype=np.int64)
            if esco_titles:
                titles, title_fiche = _with_esco_titles(
                    titles,
                    labels,
                    title_families,
                    owners,
                    esco_titles,
                    family_fiche=[position[code] for code in families],
                )
            bayes = NaiveBayes.fit(example_rows, example_targets, n)
            bloc_linear = LinearModel.fit(example_rows[: len(bloc_texts)], bloc_targets, n)
            cooccurrence = _cooccurrence([targets for _, targets in certified], n)
            title_odds = _title_odds(labels, bloc_texts)
            linear = fitting.result()
        finally:
            fitting.close()
        family_fiche = np.asarray([position[code] for code in families], dtype=np.int64)
        return cls(
            codes=codes,
            fiche_labels=[fiche.label for fiche in rome.fiches],
            fiche_family=fiche_family,
            families=families,
            family_fiche=family_fiche,
            titles=titles,
            title_fiche=title_fiche,
            space=space,
            fields=fields,
            blocs=blocs,
            certifications=by_certification,
            prior=prior,
            linear=linear,
            bayes=bayes,
            bloc_linear=bloc_linear,
            cooccurrence=cooccurrence,
            title_odds=title_odds,
            known_blocs=known_blocs,
            generic_blocs=generic,
            generic_starts=_starts(generic),
        )

    def components(
        self, texts: Sequence[str], exclude: Sequence[int] | None = None
    ) -> dict[str, Floats]:
        """Raw family scores of each component (rows: texts), for tuning and evaluation.
        ``exclude``: for each text, the position of a certification (among those the index was
        built with, in order, those with ROME codes) whose blocs must not vote (the linear
        model has learnt from them all the same)."""
        groups = None if exclude is None else np.asarray(exclude, dtype=np.int64)
        return self._components(texts, self.title_likeness(texts), groups)[0]

    def _components(
        self, texts: Sequence[str], title_likeness: Floats, exclude: Ints | None = None
    ) -> tuple[dict[str, Floats], Floats, Ints, Floats]:
        queries = self.space.vectorise(texts)
        scores: dict[str, Floats] = {}
        # Texts that read as blocs are not looked at for typos.
        spelling = title_likeness > SPELLING_ODDS
        typos_only = title_likeness <= TYPO_ODDS
        scores["titles"], title_rows = self.titles.search(
            texts, spelling.tolist(), typos_only.tolist()
        )
        for name, matrix in self.fields.items():
            scores[name] = (queries @ matrix).toarray()
        scores["blocs"], bloc_ids, bloc_weights = self.blocs.votes(queries, exclude)
        scores["certifications"], _, _ = self.certifications.votes(queries, exclude)
        scores["prior"] = np.tile(self.prior, (len(texts), 1))
        # Job titles are read as the title index reads them, typos corrected and abbreviations
        # expanded ("TECHNICIEN MAINT INDUS"), which the model never saw.
        short = [i for i, text in enumerate(texts) if len(text) <= TITLE_CHARS]
        if short:
            rewritten = self.space.vectorise([self.titles.lexicon.rewrite(texts[i]) for i in short])
            queries = sp.csr_matrix(sp.vstack([queries, rewritten]))
            rows = np.arange(len(texts))
            rows[short] = len(texts) + np.arange(len(short))
            queries = sp.csr_matrix(queries[rows])
        scores["linear"] = self.linear.scores(queries)
        scores["bayes"] = self.bayes.scores(queries)
        # (A model of single blocs says nothing of longer texts, nor of several parts: it
        # reads the blocs only.)
        scores["bloc_linear"] = np.zeros_like(scores["linear"])
        blocs = [i for i, text in enumerate(texts) if is_bloc(text)]
        if blocs:
            scores["bloc_linear"][blocs] = self.bloc_linear.scores(sp.csr_matrix(queries[blocs]))
        return scores, title_rows, bloc_ids, bloc_weights

    def forget(self) -> None:
        """Forget what this process remembers of the texts asked so far (their answers, their
        rewriting, the holders of their blocs): the next answers are computed afresh."""
        self._answers.clear()
        self._holders.clear()
        self.titles.lexicon.forget()

    def holders(self, key: str) -> Holders | None:
        """The certifications that hold the bloc of ``bloc_key`` ``key``, if any (prepared once
        per process: generic blocs come back again and again)."""
        sets = self.known_blocs.get(key)
        if not sets:
            return None
        found = self._holders.get(key)
        if found is None or found.sets is not sets:
            if len(self._holders) >= MEMO_HOLDERS:
                self._holders.clear()
            found = self._holders[key] = Holders.of(sets)
        return found

    def title_likeness(self, texts: Sequence[str]) -> Floats:
        """How much each text reads like a job title rather than a bloc: the sum of its stems'
        log odds (unknown stems: 0)."""
        get = self.title_odds.get
        return np.asarray(
            [sum(get(term, 0.0) for term in terms(text)) for text in texts], dtype=np.float32
        )

    def held_with(self, total: Floats) -> Floats:
        """For each text and family, how often the certifications that hold the first
        ``RANK_DEPTH`` families of the blend (each weighted by its blend) also hold that
        family, scaled by the text's best value."""
        depth = min(RANK_DEPTH, total.shape[1])
        threshold = -np.partition(-total, depth - 1, axis=1)[:, depth - 1 : depth]
        # (Sparse: a dense product would start threads of its own in each worker process.)
        head = sp.csr_matrix(np.where(total >= threshold, total, 0.0).astype(np.float32))
        held: Floats = np.asarray(head @ self.cooccurrence, dtype=np.float32)
        held /= np.maximum(held.max(axis=1, keepdims=True), 1e-9)
        return held

    def match(self, texts: Sequence[str], top: int = 10) -> list[list[Match]]:
        """The ``top`` best fiches for each text, best first, one per family.

        A text's answers do not depend on the texts asked with it, so a text asked again, in
        this call or an earlier one of this process, is answered from memory (a catalogue
        repeats its generic blocs: "Communiquer en anglais"); texts over ``MEMO_TEXT_CHARS``
        are only remembered within the call."""
        results: list[list[Match]] = [[] for _ in texts]
        memo = self._answers
        asked: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            known = memo.get((text, top))
            if known is not None:
                results[position] = list(known)
            else:
                asked.setdefault(text, []).append(position)
        distinct = list(asked)
        for start in range(0, len(distinct), BATCH):
            batch = distinct[start : start + BATCH]
            for text, answers in zip(batch, self._match_batch(batch, top), strict=True):
                if len(text) <= MEMO_TEXT_CHARS:
                    if len(memo) >= MEMO_ANSWERS:
                        memo.clear()
                    memo[(text, top)] = tuple(answers)
                for position in asked[text]:
                    results[position] = list(answers)
        return results

    def specific(self, text: str) -> str:
        """The text without its generic parts (blocs many certifications of different fields
        share), unless nothing else is left. Parts are what separators divide; a long text
        without separators loses the generic blocs of ``GENERIC_SPAN_WORDS`` words or more
        found in it word for word, and is given back folded."""
        parts = [part for part in _PARTS.split(text) if part]
        if len(parts) >= 2:
            telling = [part for part in parts if bloc_key(part) not in self.generic_blocs]
            return " ; ".join(telling) if telling and len(telling) < len(parts) else text
        if len(text) <= LONG_TEXT or not self.generic_starts:
            return text
        words = fold(text).split()
        kept: list[str] = []
        i = 0
        while i < len(words):
            found = 0
            if i + 1 < len(words):
                for length in self.generic_starts.get(f"{words[i]} {words[i + 1]}", ()):
                    if " ".join(words[i : i + length]) in self.generic_blocs:
                        found = length
                        break
            if found:
                i += found
            else:
                kept.append(words[i])
                i += 1
        # (Read folded: the scores read words folded all the same.)
        return " ".join(kept) if kept and len(kept) < len(words) else text

    def _match_batch(self, texts: list[str], top: int) -> list[list[Match]]:
        if top <= 0 or not texts:
            return [[] for _ in texts]
        texts = [self.specific(text) for text in texts]
        likeness = self.title_likeness(texts)
        scores, title_rows, bloc_ids, bloc_weights = self._components(texts, likeness)
        gate = bloc_gate(scores, texts, likeness)
        total = combine(scores, texts, gate)
        short = np.asarray([len(text) <= LONG_TEXT for text in texts])[:, None]
        raised = COOCCURRENCE_WEIGHT * gate * short
        # (Only the texts it raises: whole certifications and job titles skip the product.)
        rows = np.flatnonzero(raised[:, 0] > 0)
        if len(rows):
            total[rows] *= 1.0 + raised[rows] * self.held_with(total[rows])
        total *= rank_factors(scores, total, gate)
        # (Naive Bayes gives every family some probability: alone, it is no evidence.)
        evidence_found = np.zeros_like(total, dtype=bool)
        for name in ("titles", "labels", "skills", "texts", "blocs", "certifications", "linear"):
            evidence_found |= scores[name] > 0
        total[~evidence_found] = 0.0
        results: list[list[Match]] = []
        for row in range(len(texts)):
            ranked = best_positive(total[row], top)
            known = self.holders(bloc_key(texts[row]))
            # (A text that is also a job title, "Commercial / Commerciale", stays a title.)
            if known and scores["titles"][row].max() < TITLE_GATE[1]:
                first = covering(known, total[row], top)
                ranked = (first + [f for f in ranked if f not in first])[:top]
            nearest_blocs = self.blocs.nearest_by_family(
                bloc_ids[row], bloc_weights[row], set(ranked)
            )
            matches: list[Match] = []
            for family in ranked:
                fiche = int(self.family_fiche[family])
                evidence: list[str] = []
                if scores["titles"][row, family] >= REPRESENTATIVE_TITLE:
                    label_row = self.titles.best_label(title_rows[row], family)
                    fiche = int(self.title_fiche[self.titles.origins[label_row]])
                    evidence.append(self.titles.labels[label_row])
                if family in nearest_blocs:
                    evidence.append(nearest_blocs[family])
                # Best first: a family moved up by ``covering`` shows at most the score above it.
                shown = min(1.0, max(0.0, float(total[row, family])))
                if matches:
                    shown = min(shown, matches[-1].score)
                matches.append(
                    Match(
                        code=self.codes[fiche],
                        label=self.fiche_labels[fiche],
                        score=round(shown, 4),
                        evidence=tuple(evidence),
                    )
                )
            results.append(matches)
        return results


def bloc_gate(scores: dict[str, Floats], texts: Sequence[str], title_likeness: Floats) -> Floats:
    """How much each text is read as a bloc rather than a job title, from 0 to 1 (a column):
    nothing when its best title matches well (``TITLE_GATE``), full when it has enough
    meaningful words (``TERM_GATE``) or its stems read like a bloc (``TITLE_ODDS_GATE``)."""
    best_title = scores["titles"].max(axis=1, keepdims=True)
    low, high = TITLE_GATE
    not_a_title = np.clip((high - best_title) / (high - low), 0.0, 1.0)
    fewest, enough = TERM_GATE
    words = np.asarray([len(terms(text)) for text in texts], dtype=np.float32)[:, None]
    long_enough = np.clip((words - fewest) / (enough - fewest), 0.0, 1.0)
    bloc_like, title_like = TITLE_ODDS_GATE
    odds = np.asarray(title_likeness, dtype=np.float32)[:, None]
    reads_like_bloc = np.clip((title_like - odds) / (title_like - bloc_like), 0.0, 1.0)
    gate: Floats = (not_a_title * np.maximum(long_enough, reads_like_bloc)).astype(np.float32)
    return gate


def combine(scores: dict[str, Floats], texts: Sequence[str], gate: Floats) -> Floats:
    """Weighted mean of the scaled components plus the title bonus, in [0, 1]. The texts'
    lengths and how much they read like a bloc (``bloc_gate``) set the weights of the linear
    model and of the blocs-only model."""
    total = np.zeros_like(scores["titles"])
    for name, weight in WEIGHTS.items():
        values = scores[name]
        scale = np.maximum(values.max(axis=1, keepdims=True), FLOORS[name])
        total += weight * values / scale
    total += TITLE_BONUS * np.clip(scores["titles"], 0.0, 1.0) ** TITLE_POWER
    long = np.asarray([len(text) > LONG_TEXT for text in texts])[:, None]
    linear_weight = np.where(long, LINEAR_WEIGHT_LONG, LINEAR_WEIGHT_SHORT) * gate
    linear = scores["linear"]
    total += linear_weight * linear / np.maximum(linear.max(axis=1, keepdims=True), 1e-9)
    blocs_only = scores["bloc_linear"]
    blocs_only_scale = np.maximum(blocs_only.max(axis=1, keepdims=True), BLOC_LINEAR_FLOOR)
    total += BLOC_LINEAR_WEIGHT * gate * blocs_only / blocs_only_scale
    weights = sum(WEIGHTS.values()) + TITLE_BONUS + linear_weight + BLOC_LINEAR_WEIGHT * gate
    combined: Floats = (total / weights).astype(np.float32)
    return combined


def rank_factors(scores: dict[str, Floats], total: Floats, gate: Floats) -> Floats:
    """What each family's blended score is multiplied by: the product over the components of
    (1 + the family's rank in the component) ** -(its ``RANK_POWERS`` × ``bloc_gate``), for
    the first ``RANK_DEPTH`` families of the blend; the others take the lowest factor of
    those, so that they stay behind them."""
    depth = min(RANK_DEPTH, total.shape[1])
    head = np.argpartition(-total, depth - 1, axis=1)[:, :depth]
    exponent = np.zeros(head.shape, dtype=np.float32)
    for name, power in RANK_POWERS.items():
        exponent -= power * np.log1p(ranks(scores[name], head))
    head_factors = np.exp(exponent * gate)
    factors = np.repeat(head_factors.min(axis=1, keepdims=True), total.shape[1], axis=1)
    np.put_along_axis(factors, head, head_factors, axis=1)
    return factors


def ranks(values: Floats, columns: Ints) -> Floats:
    """The rank in its row of each entry asked (``columns``, per row), best first from 0: how
    many entries of the row are higher (equal entries share a rank)."""
    width = values.shape[1]
    ordered = np.sort(values, axis=1)
    asked = np.take_along_axis(values, columns, axis=1)
    # Binary search of every row at once: how many entries of the row are at most the one
    # asked, found a power of two at a time.
    at_most = np.zeros(asked.shape, dtype=np.int64)
    step = 1 << max(0, width.bit_length() - 1)
    while step:
        further = at_most + step
        inside = further <= width
        looked = np.take_along_axis(ordered, np.minimum(further, width) - 1, axis=1)
        at_most = np.where(inside & (looked <= asked), further, at_most)
        step >>= 1
    found: Floats = (width - at_most).astype(np.float32)
    return found


def _with_esco_titles(
    titles: LabelIndex,
    labels: Sequence[str],
    families: Sequence[int],
    fiches: Sequence[int],
    esco_titles: Sequence[Sequence[str]],
    family_fiche: Sequence[int],
) -> tuple[LabelIndex, Ints]:
    """The title index with the labels of each ESCO occupation added to the family they
    match best (weight ``ESCO_TITLE_WEIGHT``), and each title row's fiche (an ESCO label's is
    its family's parent fiche)."""
    flat = [label for occupation in esco_titles for label in occupation]
    owner = np.repeat(np.arange(len(esco_titles)), [len(o) for o in esco_titles])
    summed = np.zeros((len(esco_titles), titles.n_entries), dtype=np.float32)
    for start in range(0, len(flat), BATCH):
        # Clean labels: their words suffice (no rewriting, no character trigrams).
        by_label = titles.words.vectorise(flat[start : start + BATCH]) @ titles.word_rows
        scores = np.maximum.reduceat(by_label.toarray(), titles.starts, axis=1)
        np.add.at(summed, owner[start : start + BATCH], scores)
    best = summed.argmax(axis=1)
    top_two = -np.partition(-summed, 1, axis=1)[:, :2]
    margin = (top_two[:, 0] - top_two[:, 1]) / np.maximum(top_two[:, 0], 1e-9)
    kept = (top_two[:, 0] > 0) & (margin >= ESCO_MARGIN)
    rows = [
        (family, label, 1.0, fiche)
        for family, label, fiche in zip(families, labels, fiches, strict=True)
    ]
    for occupation, family in enumerate(best.tolist()):
        if kept[occupation]:
            rows.extend(
                (family, label, ESCO_TITLE_WEIGHT, family_fiche[family])
                for label in esco_titles[occupation]
            )
    rows.sort(key=lambda row: row[0])  # stable: the ROME's own titles first
    index = LabelIndex.build(
        [row[1] for row in rows],
        [row[0] for row in rows],
        titles.n_entries,
        weights=[row[2] for row in rows],
        featurise=title_features,
    )
    return index, np.asarray([row[3] for row in rows], dtype=np.int64)


def bloc_key(text: str) -> str:
    """What two copies of one bloc share: folded words, single-spaced."""
    return fold(text)


def _known_blocs(
    certified: Sequence[tuple[Certification, Sequence[int]]],
) -> dict[str, tuple[tuple[tuple[int, ...], int], ...]]:
    found: dict[str, Counter[tuple[int, ...]]] = {}
    for certification, targets in certified:
        families = tuple(sorted(set(targets)))
        for key in {bloc_key(bloc) for bloc in certification.blocs}:
            found.setdefault(key, Counter())[families] += 1
    return {key: tuple(sets.items()) for key, sets in found.items() if key}


def _generic(known: dict[str, tuple[tuple[tuple[int, ...], int], ...]]) -> frozenset[str]:
    return frozenset(
        key
        for key, sets in known.items()
        if len(sets) >= 2 and sum(count for _, count in sets) >= GENERIC_HOLDERS
    )


def _starts(generic: frozenset[str]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in generic:
        words = key.split()
        if len(words) >= GENERIC_SPAN_WORDS:
            lengths.setdefault(f"{words[0]} {words[1]}", set()).add(len(words))
    return {start: tuple(sorted(found, reverse=True)) for start, found in lengths.items()}


@dataclass(frozen=True)
class Holders:
    """The family sets of the certifications that hold a bloc, each with how many do, as
    ``covering`` reads them."""

    sets: Sequence[tuple[Sequence[int], int]]
    counts: dict[int, int]  # family → how many of the certifications hold it
    holding: dict[int, list[int]]  # family → the positions of the sets holding it
    total: int  # certifications

    @classmethod
    def of(cls, sets: Sequence[tuple[Sequence[int], int]]) -> Holders:
        counts: dict[int, int] = {}
        holding: dict[int, list[int]] = {}
        for position, (families, count) in enumerate(sets):
            for family in families:
                counts[family] = counts.get(family, 0) + count
                holding.setdefault(family, []).append(position)
        return cls(sets, counts, holding, sum(count for _, count in sets))


def covering(
    sets: Sequence[tuple[Sequence[int], int]] | Holders, scores: Floats, top: int
) -> list[int]:
    """Up to ``top`` families, each the one found in most of the ``sets`` (family sets, each
    with how many certifications have it) that none chosen before covers: the share of the
    certifications it covers, plus ``COVERING_BLEND`` × its score scaled by the best (ties:
    the lower index). Families that cover nothing more are not chosen."""
    holders = sets if isinstance(sets, Holders) else Holders.of(sets)
    counts = dict(holders.counts)
    families = list(counts)
    blend = COVERING_BLEND / max(float(scores.max()), 1e-9) if len(scores) else 0.0
    said: list[float] = (np.asarray(scores[families], dtype=np.float64) * blend).tolist()
    bonus = dict(zip(families, said, strict=True))
    total = holders.total
    covered = [False] * len(holders.sets)
    chosen: list[int] = []
    while len(chosen) < top:
        best, best_share = -1, -1.0
        for family, count in counts.items():
            if count > 0:
                share = count / total + bonus[family]
                if share > best_share or (share == best_share and family < best):
                    best, best_share = family, share
        if best < 0:
            break
        chosen.append(best)
        del counts[best]
        for position in holders.holding[best]:
            if not covered[position]:
                covered[position] = True
                held, count = holders.sets[position]
                for family in held:
                    if family in counts:
                        counts[family] -= count
    return chosen


def _title_odds(titles: Sequence[str], blocs: Sequence[str]) -> dict[str, float]:
    """Each stem's log odds of being in a title (each side of a gender pair counted as one)
    rather than in a bloc, by add-one naive Bayes over the texts that hold it."""
    in_titles: Counter[str] = Counter()
    in_blocs: Counter[str] = Counter()
    n_titles = 0
    for title in titles:
        for variant in gender_variants(title):
            in_titles.update(set(terms(variant)))
            n_titles += 1
    for bloc in blocs:
        in_blocs.update(set(terms(bloc)))
    title_total, bloc_total = math.log(n_titles + 2.0), math.log(len(blocs) + 2.0)
    return {
        stem: math.log(in_titles[stem] + 1.0)
        - title_total
        - math.log(in_blocs[stem] + 1.0)
        + bloc_total
        for stem in in_titles.keys() | in_blocs.keys()
    }


def _families(certification: Certification, parents: dict[str, str]) -> list[str]:
    found: list[str] = []
    for code in certification.rome_codes:
        parent = parents.get(code)
        if parent is not None and parent not in found:
            found.append(parent)
    return found


def is_bloc(text: str) -> bool:
    """A text of one part (no separators) and at most ``LONG_TEXT`` characters."""
    return len(text) <= LONG_TEXT and len([part for part in _PARTS.split(text) if part]) <= 1


def _cooccurrence(targets: Sequence[Sequence[int]], n_families: int) -> Floats:
    """Family × family: the share of the certifications holding the first (row) that also
    hold the second; 0 on the diagonal."""
    held = shares(targets, n_families)
    held.data[:] = 1.0
    together = (held.T @ held).toarray().astype(np.float32)
    holders = np.diag(together).copy()
    np.fill_diagonal(together, 0.0)
    found: Floats = together / np.maximum(holders, 1.0)[:, None]
    return found
