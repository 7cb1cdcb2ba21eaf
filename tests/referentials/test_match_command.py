"""``fabrique match``: the JSON-lines contract, on the real shipped référentiels.

The indexes are built once for the checkout's test sessions and put in a temporary var
directory, which every command run here reads.
"""

from __future__ import annotations

import json
import os
import random
import select
import subprocess
import sys
from pathlib import Path

import pytest

from fabrique.engine.matching import index as engine
from fabrique.engine.matching import sources

ROME_QUERIES = [
    "Technicien de maintenance industrielle",
    "",
    "soudeur",
    "boulanger",
    "TECHNICIEN MAINTENANCE INDUS H/F - CDI",
    "Assurer la maintenance des installations frigorifiques et de climatisation",
]


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory, matcher_indexes) -> Path:
    var = tmp_path_factory.mktemp("var")
    matcher_indexes(var, *((kind, scheme) for kind in engine.KINDS for scheme in engine.SCHEMES))
    return var


def run(var_dir: Path, args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "FABRIQUE_VAR_DIR": str(var_dir), "FABRIQUE_MODE": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "fabrique", "match", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=240,
        check=False,
    )


def answers(result: subprocess.CompletedProcess[bytes]) -> list[dict]:
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


@pytest.fixture(scope="module")
def rome_occupations(var_dir) -> list[dict]:
    long_line = ("soudure à l'arc et maintenance des équipements " * 2200)[:100_000]
    lines = [*ROME_QUERIES, long_line]
    result = run(var_dir, ["occupations", "--scheme", "rome", "--top", "5"], _lines(lines))
    return answers(result)


def _lines(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def test_occupations_answer_each_line_in_order(rome_occupations):
    assert [a["query"] for a in rome_occupations[:-1]] == ROME_QUERIES
    assert len(rome_occupations) == len(ROME_QUERIES) + 1


def test_occupations_matches_have_the_contract_keys_and_are_sorted(rome_occupations):
    for answer in rome_occupations:
        scores = [m["score"] for m in answer["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert len(answer["matches"]) <= 5
        for match in answer["matches"]:
            assert {"code", "label", "score"} <= set(match)
            assert 0.0 <= match["score"] <= 1.0


def test_occupations_empty_line_gets_an_empty_list(rome_occupations):
    assert rome_occupations[1] == {"query": "", "matches": []}


def test_occupations_obvious_queries_rank_the_right_fiche_first(rome_occupations):
    first = {a["query"]: a["matches"][0]["code"] for a in rome_occupations if a["matches"]}
    # I1304 or one of its déclinaisons (I13xx of the same family).
    assert first["Technicien de maintenance industrielle"] == "I1304"
    assert first["soudeur"] == "H2913"
    assert first["boulanger"] == "D1102"
    assert first["Assurer la maintenance des installations frigorifiques et de climatisation"] == (
        "I1306"
    )


def test_occupations_answer_a_100_kb_line(rome_occupations):
    assert len(rome_occupations[-1]["query"]) == 100_000
    assert rome_occupations[-1]["matches"]


def test_non_utf8_line_is_an_error_naming_the_line(var_dir):
    result = run(var_dir, ["occupations", "--top", "1"], b"soudeur\n\xff\xfe oops\nboulanger\n")
    assert result.returncode != 0
    assert "line 2" in result.stderr.decode()
    assert "UTF-8" in result.stderr.decode()
    assert [json.loads(line)["query"] for line in result.stdout.decode().splitlines()] == [
        "soudeur"
    ]


def test_esco_occupations_are_uris_and_find_obvious_titles(var_dir):
    result = run(var_dir, ["occupations", "--scheme", "esco", "--top", "3"], b"soudeur\nwelder\n")
    found = answers(result)
    assert found[0]["matches"][0]["label"] == "soudeur/soudeuse"
    assert "soudeur/soudeuse" in [m["label"] for m in found[1]["matches"]]
    occupation = "http://data.europa.eu/esco/occupation/"
    assert all(m["code"].startswith(occupation) for m in found[0]["matches"])


def test_skills_in_both_schemes(var_dir):
    rome = answers(run(var_dir, ["skills", "--top", "3"], b"Techniques de soudage\n\n"))
    esco = answers(run(var_dir, ["skills", "--scheme", "esco", "--top", "3"], b"knead dough\n"))
    assert rome[0]["matches"][0]["label"] == "Techniques de soudage"
    assert rome[1]["matches"] == []
    assert esco[0]["matches"][0]["code"].startswith("http://data.europa.eu/esco/skill/")
    assert esco[0]["matches"][0]["label"] == "pétrir des denrées alimentaires"


def test_facade_reads_the_same_cache(var_dir, settings):
    from fabrique.referentials import matching

    settings.VAR_DIR = var_dir
    found = matching.occupations(["boulanger", ""], top=2)
    assert found[0][0].code == "D1102"
    assert found[1] == []
    assert matching.skills(["Techniques de soudage"], top=1)[0][0].label == "Techniques de soudage"


def test_workers_answer_as_one_process_does_in_order(var_dir):
    # More lines than one batch, so that several processes share them.
    blocs = [f"{query} {n}" for n in range(150) for query in ROME_QUERIES]
    lines = _lines(blocs)
    alone = run(var_dir, ["occupations", "--top", "3", "--workers", "1"], lines)
    shared = run(var_dir, ["occupations", "--top", "3", "--workers", "2"], lines)
    assert answers(shared) == answers(alone)
    assert [a["query"] for a in answers(shared)] == blocs


def test_workers_answer_each_line_before_the_next_is_written(var_dir):
    env = {**os.environ, "FABRIQUE_VAR_DIR": str(var_dir), "FABRIQUE_MODE": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "fabrique", "match", "occupations", "--top", "1"]
    with subprocess.Popen(
        [*command, "--workers", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        for query, code in (("soudeur", "H2913"), ("boulanger", "D1102")):
            process.stdin.write(f"{query}\n".encode())
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 60)
            assert ready, f"no answer to {query!r} while the input waits"
            answer = json.loads(process.stdout.readline())
            assert answer["query"] == query
            assert answer["matches"][0]["code"] == code
        process.stdin.close()
        assert process.wait(timeout=60) == 0


def test_non_utf8_line_with_workers_answers_the_lines_before_it(var_dir):
    lines = _lines(["soudeur"] * 600) + b"\xff oops\nboulanger\n"
    result = run(var_dir, ["occupations", "--top", "1", "--workers", "2"], lines)
    assert result.returncode != 0
    assert "line 601" in result.stderr.decode()
    assert len(result.stdout.decode().splitlines()) == 600


def test_workers_must_be_positive(var_dir):
    result = run(var_dir, ["occupations", "--workers", "0"], b"soudeur\n")
    assert result.returncode != 0
    assert "--workers" in result.stderr.decode()


def test_django_command_answers_as_the_light_one(var_dir):
    env = {
        **os.environ,
        "FABRIQUE_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "fabrique.settings_test",
    }
    lines = _lines(["soudeur", "", "boulanger"])
    through_django = subprocess.run(
        [sys.executable, "-m", "django", "match", "occupations", "--top", "2"],
        input=lines,
        capture_output=True,
        env=env,
        timeout=240,
        check=False,
    )
    light = run(var_dir, ["occupations", "--top", "2"], lines)
    assert answers(through_django) == answers(light)
    refused = subprocess.run(
        [sys.executable, "-m", "django", "match", "occupations"],
        input=b"\xff\n",
        capture_output=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert refused.returncode == 1
    assert "line 1 is not valid UTF-8" in refused.stderr.decode()


def test_prepare_builds_or_loads_every_index(var_dir):
    result = run(var_dir, ["prepare"], b"")
    assert result.returncode == 0, result.stderr.decode()
    said = result.stdout.decode().splitlines()
    assert [line.split(":")[0] for line in said] == [
        f"{kind} ({scheme})" for kind in engine.KINDS for scheme in engine.SCHEMES
    ]
    assert all("ready in" in line for line in said)


def test_a_reader_that_goes_away_stops_the_command_quietly(var_dir):
    env = {**os.environ, "FABRIQUE_VAR_DIR": str(var_dir), "FABRIQUE_MODE": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "fabrique", "match", "occupations", "--top", "1"]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()  # as `| head -1` does once it has its line
        process.stdin.write(_lines(["soudeur"] * 3000))
        process.stdin.close()
        assert process.wait(timeout=120) == 1
        assert process.stderr.read() == b""


def test_a_texts_answers_do_not_depend_on_the_texts_asked_with_it(var_dir):
    # (What lets the matcher answer a text asked again from memory.)
    data_dir = Path(engine.__file__).resolve().parents[2] / "data"
    matcher = engine.load_or_build("occupations", "rome", data_dir, var_dir / "matching")
    certifications = sources.read_certifications(data_dir)[::40]
    texts = [bloc for c in certifications for bloc in c.blocs][:250]
    texts += [" ; ".join(c.blocs) for c in certifications[:30]]
    texts += ["TECHNICIEN MAINTENANCE INDUS H/F - CDI", "soudeur", "Agt de production"]
    matcher.forget()
    together = matcher.match(texts, top=5)
    alone = []
    for text in texts:
        matcher.forget()
        alone.extend(matcher.match([text], top=5))
    assert alone == together
    shuffled = random.Random(7).sample(range(len(texts)), len(texts))
    matcher.forget()
    answers = matcher.match([texts[i] for i in shuffled], top=5)
    assert [answers[shuffled.index(i)] for i in range(len(texts))] == together
