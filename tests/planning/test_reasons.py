import inspect
import re

import pytest
from django.utils import translation

from fabrique.engine.planner import solver
from fabrique.planning.reasons import _PATTERNS, explain, names_for
from tests import factories

# One sentence of each shape the engine writes (see solver._unfilled).
ENGINE_SENTENCES = [
    "no session leads to occupation rome:H2903",
    "no session leading to rome:H2903 ends by the deadline",
    "no session leading to rome:H2903 and ending by the deadline is within 60 km",
    "no candidate within reach of a qualifying session is available by its start",
    "candidates within reach lack the prerequisites of qualifying sessions",
    "no candidate already holds occupation rome:H2903",
    "no candidate holding rome:H2903 is within reach and available",
    "only 3 eligible candidates for 5 seats",
    "2 eligible candidates are placed in other needs",
    "qualifying sessions are full: s-1, s-2",
    "no further eligible candidate is available",
]


def test_every_sentence_the_engine_writes_has_a_pattern():
    source = inspect.getsource(solver._unfilled)
    written = len(re.findall(r"reasons\.append\(", source))

    assert written == len(_PATTERNS) == len(ENGINE_SENTENCES)
    for sentence in ENGINE_SENTENCES:
        assert sum(bool(p.match(sentence)) for p, _say in _PATTERNS) == 1, sentence


def test_reasons_are_said_in_french_with_the_platform_names():
    with translation.override("fr"):
        said = explain(
            ENGINE_SENTENCES,
            occupations={"rome:H2903": "Conduite d'équipement d'usinage (H2903)"},
            sessions={"s-1": "Usinage (01/03/2027)"},
        )

    assert said[0] == "aucune session ne mène à Conduite d'équipement d'usinage (H2903)"
    assert "Usinage (01/03/2027), s-2" in said[9]
    assert all(a != b for a, b in zip(said, ENGINE_SENTENCES, strict=True))


def test_an_unknown_sentence_is_kept_as_it_is():
    assert explain(["something new"]) == ["something new"]


@pytest.mark.django_db
def test_names_come_from_the_database():
    occupation = factories.OccupationFactory(scheme="rome", code="H2903", label="Usinage")
    session = factories.SessionFactory()

    occupations, sessions = names_for(
        [
            [f"no session leads to occupation rome:{occupation.code}"],
            [f"qualifying sessions are full: s-{session.pk}"],
        ]
    )

    assert occupations == {"rome:H2903": "Usinage (H2903)"}
    assert sessions[f"s-{session.pk}"].startswith(session.training.title)
