"""The on-disk cache of matchers."""

from __future__ import annotations

import pytest

from fabrique.engine.matching import index
from fabrique.engine.matching.concepts import ConceptMatcher


def fake_builder(calls: list[tuple[str, str]]):
    def build(kind, scheme, data_dir):
        calls.append((kind, scheme))
        return ConceptMatcher.build(["c1"], ["souder"], [()])

    return build


def test_load_or_build_builds_once_then_reads_the_cache(tmp_path):
    calls: list[tuple[str, str]] = []
    first = index.load_or_build(
        "skills", "rome", tmp_path, tmp_path / "cache", key="k1", builder=fake_builder(calls)
    )
    second = index.load_or_build(
        "skills", "rome", tmp_path, tmp_path / "cache", key="k1", builder=fake_builder(calls)
    )
    assert calls == [("skills", "rome")]
    assert second.match(["souder"]) == first.match(["souder"])


def test_load_or_build_rebuilds_when_the_key_changes_and_drops_the_old_file(tmp_path):
    calls: list[tuple[str, str]] = []
    cache = tmp_path / "cache"
    index.load_or_build("skills", "esco", tmp_path, cache, key="k1", builder=fake_builder(calls))
    index.load_or_build("skills", "esco", tmp_path, cache, key="k2", builder=fake_builder(calls))
    assert calls == [("skills", "esco"), ("skills", "esco")]
    assert [p.name for p in cache.glob("*.pickle")] == ["skills-esco-k2.pickle"]


def test_load_or_build_refuses_unknown_kinds(tmp_path):
    with pytest.raises(ValueError, match="no matcher"):
        index.load_or_build("jobs", "rome", tmp_path, None)  # type: ignore[arg-type]


def test_code_version_is_stable():
    assert index.code_version() == index.code_version()
    assert len(index.code_version()) == 16
