"""Searches never wait for the text matcher's index to be built: they use it when it is
ready (in memory or on disk), and the index is prepared by a background job."""

import pytest

from fabrique.engine.matching import index as engine
from fabrique.referentials import matching
from fabrique.referentials.search import _matcher_hits
from fabrique.trainings.queries import matched_occupation_codes


@pytest.fixture
def empty_cache(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(matching, "_loaded", {})
    monkeypatch.setattr(matching, "_key", "test-key")


def test_an_index_is_ready_once_it_is_on_disk(empty_cache):
    assert not matching.ready("occupations", "rome")

    path = engine.cache_path("occupations", "rome", matching.cache_dir(), "test-key")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")

    assert matching.ready("occupations", "rome")
    assert not matching.ready("skills", "rome")


def test_searches_do_not_build_a_missing_index(empty_cache, monkeypatch, db):
    calls = []
    monkeypatch.setattr(matching, "occupations", lambda texts, **options: calls.append(texts))
    monkeypatch.setattr(matching, "skills", lambda texts, **options: calls.append(texts))

    assert _matcher_hits("occupations", "soudeur", scheme="rome", include_obsolete=False) == []
    assert matched_occupation_codes("soudeur") == ()
    assert calls == []
