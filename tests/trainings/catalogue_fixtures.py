"""Fixtures shared by the catalogue tests: a few towns, and no text matcher by default."""

import pytest

from fabrique.engine.matching import Match
from fabrique.referentials import matching
from tests.factories import CommuneFactory


@pytest.fixture
def no_matcher(monkeypatch):
    """The text matcher proposes nothing (its indexes are not built in tests)."""
    monkeypatch.setattr(matching, "occupations", lambda texts, **options: [[] for _t in texts])
    monkeypatch.setattr(matching, "ready", lambda kind, scheme: True)


@pytest.fixture
def matcher_proposes(monkeypatch):
    """matcher_proposes("H2913", ...): the text matcher proposes these ROME fiches."""

    def propose(*codes: str) -> list:
        calls: list = []

        def occupations(texts, **options):
            calls.append((list(texts), options))
            return [[Match(code=code, label=code, score=0.8) for code in codes] for _t in texts]

        monkeypatch.setattr(matching, "occupations", occupations)
        monkeypatch.setattr(matching, "ready", lambda kind, scheme: True)
        return calls

    return propose


@pytest.fixture
def towns(db):
    """Forbach, Saint-Avold (about 17 km away) and Besançon (about 280 km away)."""
    return {
        "forbach": CommuneFactory(
            insee_code="57227",
            name="Forbach",
            postal_codes="57600",
            latitude=49.1880,
            longitude=6.8960,
            population=21000,
        ),
        "saint-avold": CommuneFactory(
            insee_code="57606",
            name="Saint-Avold",
            postal_codes="57500",
            latitude=49.1046,
            longitude=6.7066,
            population=15000,
        ),
        "besancon": CommuneFactory(
            insee_code="25056",
            name="Besançon",
            postal_codes="25000",
            latitude=47.2378,
            longitude=6.0241,
            population=117000,
        ),
    }
