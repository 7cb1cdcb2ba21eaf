"""Quality and speed of the text matcher (free text → ROME fiches), on the shipped data.

    .venv/bin/python benchmarks/bench_matcher.py [--dev-only] [--cross-validate[=FOLDS]]

RNCP certifications are split by a hash of their number: 8 in 10 train the index (their blocs
de compétences and ROME codes are the supervision), 1 in 10 is the development split, 1 in 10
a second held-out split kept for a final figure. Queries are the blocs of the other splits,
one at a time and all blocs of a certification joined; the gold answers are the
certification's ROME codes. Déclinaisons are folded into their parent fiche, in the gold and
in the answers. Noisy job titles come from ROME appellations left out of the index (1 in 10),
made noisy the way job ads are, plus a short list of ads written by hand. Every index also
reads the French labels of ESCO occupations as extra job titles, as the production index does.
``fabrique match`` itself is timed too, in fresh processes as a user runs it: building the
production index on first use, then answering the unseen single blocs from standard input.
ESCO occupations (``--scheme esco``) are measured on noisy versions of 1 in 10 of their labels,
in the index and left out of it.

--cross-validate adds a figure closer to what an index built on all the shipped data does on
certifications it has never seen, over all of them rather than one in ten: ten-fold
cross-validation, each tenth answered by an index built on the other nine (about 4 minutes,
two folds at a time). --cross-validate=20 builds each index on 19 parts in 20, nearer to the
production index, which is built on all of them; --cross-validate=5 on 4 in 5. Read together,
they say how the figures grow with the supervision (a learning curve).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fabrique.engine.matching import cli, concepts, evaluation, sources  # noqa: E402
from fabrique.engine.matching.occupations import RomeOccupations  # noqa: E402

DATA_DIR = ROOT / "fabrique" / "data"

# Job ads as they are posted, with the fiche we believe is right: where the ROME 4.0 has the
# title as an appellation, the fiche of that appellation ("Assistant administratif / Assistante
# administrative" is an appellation of M1607, "Technicien / Technicienne qualité en industrie"
# the label of H1528).
HAND_WRITTEN_ADS = [
    ("TECHNICIEN MAINTENANCE INDUS H/F - CDI", "I1304"),
    ("Technicien de maintenance industrielle (H/F)", "I1304"),
    ("Soudeur TIG/MIG H/F", "H2913"),
    ("soudeur h/f interim", "H2913"),
    ("Boulanger / Boulangère CDI temps plein", "D1102"),
    ("Cariste CACES 3 H/F", "N1101"),
    ("Agt de production agroalimentaire - 3x8", "H2102"),
    ("Operateur de production H/F", "H2102"),
    ("Cond. de ligne conditionnement H/F", "H3301"),
    ("Resp. maintenance H/F", "I1102"),
    ("Electricien batiment CDI", "F1602"),
    ("Aide-soignant(e) de nuit - CDI", "J1501"),
    ("Infirmier / infirmiere diplome d'etat", "J1506"),
    ("Comptable unique H/F", "M1203"),
    ("Assistant(e) administratif(ve) - CDD 6 mois", "M1607"),
    ("Developpeur full stack Java H/F", "M1805"),
    ("Chauffeur poids lourd SPL", "N4101"),
    ("Magasinier cariste H/F", "N1103"),
    ("Mecanicien automobile confirme H/F", "I1604"),
    ("Serveur / serveuse restaurant - saison", "G1803"),
    ("Cuisinier H/F CDI", "G1602"),
    ("Chaudronnier tuyauteur H/F", "H2902"),
    ("Tourneur fraiseur sur commande numérique", "H2903"),
    ("Technicien qualité H/F", "H1528"),
    ("Plombier chauffagiste CDI", "F1603"),
    ("Vendeur en boulangerie H/F", "D1106"),
    ("Agent d'entretien des locaux - temps partiel", "K2204"),
    ("Conducteur d'engins de chantier H/F", "F1302"),
    ("Frigoriste H/F itinérant", "I1306"),
    ("Automaticien H/F", "I1302"),
]


def timed[T](function: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def first_fiches(matcher: RomeOccupations, queries: list[str], parents: dict[str, str], top: int):
    answers = matcher.match(queries, top=top)
    return [evaluation.fold_codes([m.code for m in a], parents) for a in answers]


_worker: RomeOccupations | None = None


def _match_chunk(queries: list[str]) -> int:
    assert _worker is not None
    return len(_worker.match(queries, top=5))


def two_processes(matcher: RomeOccupations, queries: list[str]) -> tuple[float, float]:
    """Queries per second (wall) with two forked processes sharing the built index, and the
    share of two cores they had (the machine may be busy with other work)."""
    global _worker
    _worker = matcher
    chunks = [queries[i : i + 256] for i in range(0, len(queries), 256)]
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pool.map(_started, [0, 1])
        before = dict(pool.map(_cpu_time, [0, 1]))
        start = time.perf_counter()
        pool.map(_match_chunk, chunks)
        wall = time.perf_counter() - start
        after = dict(pool.map(_cpu_time, [0, 1]))
    if len(before) < 2 or before.keys() != after.keys():
        return len(queries) / wall, float("nan")
    cpu = sum(after[pid] - before[pid] for pid in after)
    return len(queries) / wall, cpu / (2 * wall)


def _started(_: int) -> None:
    """Answer once, then forget it (the pause lets each worker take one of two calls)."""
    assert _worker is not None
    time.sleep(0.2)
    _worker.match(["Soudeur"], top=5)
    _worker.forget()


def _cpu_time(_: int) -> tuple[int, float]:
    """This worker's CPU time (the pause lets each worker take one of two calls)."""
    time.sleep(0.2)
    return os.getpid(), time.process_time()


Queries = tuple[list[str], list[set[str]]]


def bloc_queries(chosen, parents: dict[str, str]) -> tuple[Queries, Queries]:
    """Each bloc of the ``chosen`` certifications, and each certification's blocs joined,
    with the certification's ROME codes (déclinaisons folded) as the gold answers."""
    golds = [set(evaluation.fold_codes(c.rome_codes, parents)) for c in chosen]
    single = [bloc for c in chosen for bloc in c.blocs]
    gold_single = [gold for c, gold in zip(chosen, golds, strict=True) for _ in c.blocs]
    return (single, gold_single), ([" ; ".join(c.blocs) for c in chosen], golds)


def _command(var_dir: Path, lines: list[str], *args: str) -> tuple[float, float, int]:
    """Run ``fabrique match occupations --top 5`` on ``lines`` in a fresh process, as a user
    does: its wall time, the peak memory of its largest process (MB) and its answers."""
    measure = (
        "import resource, subprocess, sys, time; start = time.perf_counter(); "
        "done = subprocess.run(sys.argv[1:], stdin=sys.stdin, stdout=subprocess.PIPE, check=True); "
        "wall = time.perf_counter() - start; "
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
        "print(wall, peak, done.stdout.count(b'\\n'))"
    )
    command = [sys.executable, "-m", "fabrique", "match", "occupations", "--top", "5", *args]
    env = {**os.environ, "FABRIQUE_VAR_DIR": str(var_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", measure, *command],
        input="".join(f"{' '.join(line.split())}\n" for line in lines).encode(),
        capture_output=True,
        env=env,
        check=True,
    )
    wall, peak, answered = done.stdout.split()
    return float(wall), float(peak), int(answered)


def command_line_figures(
    train_index: RomeOccupations, blocs: list[str], fitting_peak: float
) -> None:
    """``fabrique match`` as the outside checks run it: building the production index on
    first use, then answering unseen single blocs (the train split's index put in its place,
    so that the queries are unseen), start-up and loading included."""
    with tempfile.TemporaryDirectory() as var_dir:
        wall, peak, _ = _command(Path(var_dir), ["Soudeur"])
        print(
            f"fabrique match, first use (builds the production index): {wall:.1f} s, "
            f"peak {peak:.0f} MB in its largest process; with the fitting process beside it, "
            f"at most {peak + fitting_peak:.0f} MB"
        )
        (path,) = (Path(var_dir) / "matching").glob("occupations-rome-*.pickle")
        with path.open("wb") as handle:
            pickle.dump(train_index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        wall, peak, answered = _command(Path(var_dir), blocs)
        assert answered == len(blocs)
        started, _, _ = _command(Path(var_dir), ["Soudeur"])
        print(
            f"fabrique match, {len(blocs)} unseen single blocs on standard input, "
            f"{min(cli.available_cpus(), cli.MAX_WORKERS)} worker processes: "
            f"{len(blocs) / wall:.0f} queries/s end to end ({wall:.2f} s, start-up and loading "
            f"included; one query alone: {started:.2f} s), peak {peak:.0f} MB"
        )


def esco_titles_figures() -> None:
    """ESCO occupations (``--scheme esco``): noisy versions of their labels, 1 in 10 of the
    labels other than the preferred one, with those labels in the index and left out of it."""
    esco = sources.read_esco(DATA_DIR)
    held = [
        (o.uri, label)
        for o in esco.occupations
        for label in o.labels
        if label != o.label and evaluation.part_of(f"{o.uri} {label}") == evaluation.DEV
    ]
    left_out = set(held)
    stripped = [
        replace(o, labels=tuple(label for label in o.labels if (o.uri, label) not in left_out))
        for o in esco.occupations
    ]
    full, wall, _ = timed(
        lambda: concepts.esco_occupations(esco.occupations, esco.skills, esco.occupation_skills)
    )
    without = concepts.esco_occupations(stripped, esco.skills, esco.occupation_skills)
    noisy = [evaluation.noisy_title(label, seed=label) for _, label in held]
    gold = [{uri} for uri, _ in held]
    found, answer_wall, _ = timed(
        lambda: [[m.code for m in r] for r in without.match(noisy, top=5)]
    )
    in_index = [[m.code for m in r] for r in full.match(noisy, top=1)]
    first, five = evaluation.hits(found, gold, 1), evaluation.hits(found, gold, 5)
    print(
        f"ESCO occupations: index build {wall:.1f} s; noisy titles from {len(held)} labels "
        f"(French and English) left out of the index: right occupation first {first:.3f}, "
        f"in the first 5 {five:.3f} ({len(noisy) / answer_wall:.0f} titles/s); "
        f"labels in the index: first {evaluation.hits(in_index, gold, 1):.3f}"
    )


def cross_validate(rome, certifications, esco_titles, parents: dict[str, str], folds: int) -> None:
    """Each of ``folds`` parts of the certifications answered by an index built on the others
    (two folds at a time, one per process)."""
    global _cross_validation
    _cross_validation = (rome, certifications, esco_titles, parents, folds)
    found = {"single": [0.0, 0.0, 0], "whole": [0.0, 0.0, 0]}
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        for fold, size, figures in pool.imap(_fold_figures, range(folds)):
            line = []
            for kind, (at1, at5, n) in figures.items():
                found[kind][0] += at1 * n
                found[kind][1] += at5 * n
                found[kind][2] += n
                line.append(f"{kind} hit@1 {at1:.3f} hit@5 {at5:.3f}")
            print(f"  fold {fold}: {size} certifications, " + ", ".join(line), flush=True)
    for kind, label in (("single", "single bloc"), ("whole", "whole certification")):
        at1, at5, n = found[kind]
        print(
            f"{folds}-fold cross-validated {label} ({n} queries, each index built on "
            f"{folds - 1} parts in {folds}): hit@1 {at1 / n:.3f} hit@5 {at5 / n:.3f}"
        )


_cross_validation: tuple | None = None


def _fold_figures(fold: int) -> tuple[int, int, dict[str, tuple[float, float, int]]]:
    assert _cross_validation is not None
    rome, certifications, esco_titles, parents, folds = _cross_validation
    chosen = [c for c in certifications if evaluation.fold_of(c.number, folds) == fold]
    others = [c for c in certifications if evaluation.fold_of(c.number, folds) != fold]
    matcher = RomeOccupations.build(rome, others, esco_titles)
    figures = {}
    for kind, (queries, gold) in zip(
        ("single", "whole"), bloc_queries(chosen, parents), strict=True
    ):
        ranked = first_fiches(matcher, queries, parents, 5)
        figures[kind] = (
            evaluation.hits(ranked, gold, 1),
            evaluation.hits(ranked, gold, 5),
            len(queries),
        )
    return fold, len(chosen), figures


def main() -> None:
    # --dev-only: leave out the held-out split (kept for a final figure) while tuning.
    dev_only = "--dev-only" in sys.argv[1:]
    rome = sources.read_rome(DATA_DIR)
    certifications = sources.read_certifications(DATA_DIR)
    esco_titles = sources.read_esco_titles(DATA_DIR)
    parents = {fiche.code: fiche.parent for fiche in rome.fiches}
    parts = {c.number: evaluation.part_of(c.number) for c in certifications}
    train = [c for c in certifications if parts[c.number] == evaluation.TRAIN]
    print(f"certifications with blocs and ROME codes: {len(certifications)}, train {len(train)}")

    matcher, wall, cpu = timed(lambda: RomeOccupations.build(rome, train, esco_titles))
    # (The only process this one has started so far fitted the linear model beside it.)
    fitting_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"index build (train supervision): {wall:.1f} s wall, {cpu:.1f} s CPU in this process "
        f"(the linear model fitted in a second process, peak {fitting_peak:.0f} MB)"
    )

    for part in (evaluation.DEV,) if dev_only else (evaluation.DEV, evaluation.HELD_OUT):
        chosen = [c for c in certifications if parts[c.number] == part]
        (single, gold_single), (whole, gold_whole) = bloc_queries(chosen, parents)
        matcher.forget()  # (what an earlier split asked would flatter the speed)
        ranked, wall, cpu = timed(lambda q=single: first_fiches(matcher, q, parents, 5))
        print(
            f"{part}: single bloc ({len(single)} queries) "
            f"hit@1 {evaluation.hits(ranked, gold_single, 1):.3f} "
            f"hit@5 {evaluation.hits(ranked, gold_single, 5):.3f}; "
            f"one process: {len(single) / wall:.0f} queries/s wall, "
            f"{len(single) / cpu:.0f} per CPU second"
        )
        ranked, wall, cpu = timed(lambda q=whole: first_fiches(matcher, q, parents, 5))
        print(
            f"{part}: whole certification ({len(whole)} queries) "
            f"hit@1 {evaluation.hits(ranked, gold_whole, 1):.3f} "
            f"hit@5 {evaluation.hits(ranked, gold_whole, 5):.3f}; "
            f"{len(whole) / wall:.0f} queries/s wall"
        )

    blocs = [
        bloc for c in certifications if parts[c.number] != evaluation.TRAIN for bloc in c.blocs
    ]
    matcher.forget()  # the texts asked above would flatter the figure
    rate, share = two_processes(matcher, blocs)
    print(
        f"single blocs in batch, two processes: {rate:.0f} queries/s wall, "
        f"using {share:.0%} of two cores (load average {os.getloadavg()[0]:.1f})"
    )
    matcher.forget()
    _, wall, _ = timed(lambda: [matcher.match([q], top=5) for q in blocs[:200]])
    print(f"single blocs one query per call: {200 / wall:.0f} queries/s wall")

    principal = {fiche.label for fiche in rome.fiches}
    held = [
        (code, label)
        for code, label in rome.appellations
        if label not in principal and evaluation.part_of(f"{code} {label}") == evaluation.DEV
    ]
    without = RomeOccupations.build(rome.without_appellations(held), train, esco_titles)
    noisy = [evaluation.noisy_title(label, seed=label) for _, label in held]
    gold = [{parents[code]} for code, _ in held]
    found = first_fiches(without, noisy, parents, 5)
    clean = first_fiches(without, [label for _, label in held], parents, 1)
    print(
        f"noisy titles from {len(held)} appellations left out of the index: right fiche first "
        f"{evaluation.hits(found, gold, 1):.3f}, "
        f"in the first 5 {evaluation.hits(found, gold, 5):.3f}"
        f" (the same appellations without noise: first {evaluation.hits(clean, gold, 1):.3f})"
    )
    full, wall, cpu = timed(lambda: RomeOccupations.build(rome, certifications, esco_titles))
    print(
        f"production index build (all supervision): {wall:.1f} s wall, "
        f"{cpu:.1f} s CPU in this process"
    )
    found = first_fiches(full, noisy, parents, 1)
    print(
        f"the same noisy titles, appellations in the index: right fiche first "
        f"{evaluation.hits(found, gold, 1):.3f}"
    )
    found = first_fiches(full, [ad for ad, _ in HAND_WRITTEN_ADS], parents, 1)
    gold = [{parents[code]} for _, code in HAND_WRITTEN_ADS]
    print(
        f"hand-written job ads ({len(HAND_WRITTEN_ADS)}): right fiche first "
        f"{evaluation.hits(found, gold, 1):.3f}"
    )
    for (ad, code), answer in zip(HAND_WRITTEN_ADS, found, strict=True):
        if not answer or answer[0] != parents[code]:
            print(f"  missed: {ad!r} → {answer[0] if answer else None}, expected {code}")

    command_line_figures(matcher, blocs, fitting_peak)
    esco_titles_figures()

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory of this benchmark (three indexes at once): {peak:.0f} MB in this "
        f"process; with a fitting process beside it, at most {peak + fitting_peak:.0f} MB"
    )
    for argument in sys.argv[1:]:
        if argument.startswith("--cross-validate"):
            _, _, count = argument.partition("=")
            cross_validate(rome, certifications, esco_titles, parents, int(count or 10))


if __name__ == "__main__":
    main()
