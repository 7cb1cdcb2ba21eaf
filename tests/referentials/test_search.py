"""Search of the référentiels: folding, ranking, codes, obsolete rows, typo tolerance."""

import pytest

from fabrique.referentials import matching, search
from fabrique.referentials.models import LabelKind
from fabrique.referentials.search import corrected_query, edit_distance, like_pattern, word_pattern
from tests.factories import (
    CertificationFactory,
    OccupationFactory,
    OccupationLabelFactory,
    SkillFactory,
    SkillLabelFactory,
)

pytestmark = pytest.mark.django_db


def codes(rows) -> list[str]:
    return [row.code for row in rows]


@pytest.fixture
def welders():
    """ROME fiches and an ESCO occupation around welding and electricity."""
    welder = OccupationFactory(code="H2913", label="Soudeur / Soudeuse")
    OccupationLabelFactory(occupation=welder, appellation=True, text="Soudeur / Soudeuse TIG")
    boilermaker = OccupationFactory(code="H2902", label="Chaudronnier / Chaudronnière")
    OccupationLabelFactory(
        occupation=boilermaker, appellation=True, text="Chaudronnier soudeur / Chaudronnière"
    )
    esco = OccupationFactory(esco=True, label="soudeur/soudeuse", label_en="welder")
    OccupationLabelFactory(occupation=esco, preferred=True, text="soudeur/soudeuse")
    OccupationLabelFactory(occupation=esco, preferred=True, english=True, text="welder")
    OccupationLabelFactory(occupation=esco, english=True, text="welding operator")
    electrician = OccupationFactory(code="F1602", label="Électricien / Électricienne du bâtiment")
    return {"welder": welder, "boilermaker": boilermaker, "esco": esco, "electrician": electrician}


def test_search_ignores_case_and_accents_of_labels_and_query(welders):
    assert codes(search.search_occupations("ELECTRICIEN")) == ["F1602"]
    assert codes(search.search_occupations("électricienne")) == ["F1602"]
    assert codes(search.search_occupations("chaudronniere")) == ["H2902"]


def test_search_ranks_prefix_matches_above_other_matches(welders):
    found = codes(search.search_occupations("soudeur", scheme="rome"))

    # "Soudeur / Soudeuse" begins with the word; "Chaudronnier soudeur" only holds it.
    assert found == ["H2913", "H2902"]


def test_search_ranks_preferred_labels_above_appellations():
    by_appellation = OccupationFactory(code="A1101", label="Conducteur d'engins agricoles")
    OccupationLabelFactory(occupation=by_appellation, appellation=True, text="Tractoriste")
    OccupationFactory(code="A1102", label="Tractoriste")

    assert codes(search.search_occupations("tractoriste")) == ["A1102", "A1101"]


def test_search_tells_which_label_matched(welders):
    (boilermaker,) = search.search_occupations("chaudronnier soudeur")

    assert boilermaker.matched == "Chaudronnier soudeur / Chaudronnière"


def test_search_finds_english_labels_and_filters_by_scheme(welders):
    assert codes(search.search_occupations("welding")) == [welders["esco"].code]
    assert search.search_occupations("welding", scheme="rome").count() == 0


def test_search_requires_every_word_in_the_same_label(welders):
    assert codes(search.search_occupations("soudeur tig")) == ["H2913"]
    assert codes(search.search_occupations("tig chaudronnier")) == []


@pytest.mark.parametrize("typed", ["H2913", "h2913", " H2913 "])
def test_search_finds_a_rome_code_typed_as_such(welders, typed):
    assert codes(search.search_occupations(typed)) == ["H2913"]


def test_search_finds_rome_codes_by_prefix_exact_code_first(welders):
    assert codes(search.search_occupations("H29")) == ["H2902", "H2913"]


def test_search_finds_an_esco_occupation_by_its_uuid(welders):
    uuid = welders["esco"].code.rsplit("/", 1)[-1]

    assert codes(search.search_occupations(uuid)) == [welders["esco"].code]


@pytest.mark.parametrize("typed", ["RNCP211", "rncp 211", "211"])
def test_search_finds_a_certification_by_its_number(typed):
    CertificationFactory(code="RNCP211", title="Titre professionnel soudeur")
    CertificationFactory(code="RNCP2110", title="Autre titre")

    assert codes(search.search_certifications(typed))[0] == "RNCP211"


def test_search_finds_certifications_by_title_without_accents():
    CertificationFactory(code="RNCP1", title="Électricien d'équipement")
    CertificationFactory(code="RS2", rs=True, title="Habilitation électrique")
    CertificationFactory(code="RNCP3", title="Cuisinier")

    assert codes(search.search_certifications("electri")) == ["RNCP1", "RS2"]
    assert codes(search.search_certifications("electri", register="rs")) == ["RS2"]


def test_search_finds_skills_by_folded_labels_and_code():
    soudage = SkillFactory(code="100007", label="Techniques de soudage", savoir=True)
    welding = SkillFactory(esco=True, label="souder des métaux", label_en="weld metals")
    SkillLabelFactory(skill=welding, english=True, text="welding of metals")

    assert codes(search.search_skills("SOUDAGE")) == ["100007"]
    assert codes(search.search_skills("welding")) == [welding.code]
    assert codes(search.search_skills("metaux")) == [welding.code]
    assert codes(search.search_skills("100007")) == [soudage.code]


def test_search_hides_obsolete_rows_unless_asked(welders):
    OccupationFactory(code="H2999", label="Soudeur sur cuivre", obsolete_row=True)

    assert "H2999" not in codes(search.search_occupations("soudeur"))
    assert "H2999" in codes(search.search_occupations("soudeur", include_obsolete=True))


def test_search_ignores_obsolete_appellations(welders):
    OccupationLabelFactory(
        occupation=welders["electrician"], appellation=True, text="Soudeur retraité", obsolete=True
    )

    assert "F1602" not in codes(search.search_occupations("soudeur"))


def test_search_of_nothing_finds_nothing(welders):
    assert search.search_occupations("  ").count() == 0
    assert search.search_occupations("!!").count() == 0


def test_search_counts_each_kind_for_the_tabs(welders):
    SkillFactory(label="Souder à l'arc")

    results = search.search("soud", kind=search.OCCUPATIONS)

    assert results.counts == {"occupations": 3, "skills": 1, "certifications": 0}
    assert not results.approximate


def test_search_tolerates_a_typo_and_says_so(welders):
    results = search.search("soudeurr", kind=search.OCCUPATIONS, scheme="rome")

    assert results.approximate
    assert results.corrected == "soudeur"
    assert codes(results.items)[:2] == ["H2913", "H2902"]


def test_search_without_typo_is_not_approximate(welders):
    results = search.search("soudeur", kind=search.OCCUPATIONS, scheme="rome")

    assert not results.approximate
    assert results.corrected == ""


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("soudeurr", "soudeur"),
        ("soudeyr", "soudeur"),
        ("sodeur", "soudeur"),
        ("elcetricien", "electricien"),
        ("chaudronier soudeur", "chaudronnier soudeur"),
        ("soudeur", ""),  # nothing to correct
        ("soud", ""),  # the beginning of a word
        ("xylophoniste", ""),  # nothing close enough
    ],
)
def test_corrected_query_replaces_words_no_label_begins_with(welders, typed, corrected):
    assert corrected_query(typed, search.OCCUPATIONS) == corrected


def test_approximate_search_adds_what_the_matcher_proposes(matcher_ready):
    # The matcher reads the shipped ROME files: the database holds its best answer only.
    query = "soudure a l arc"
    best = matching.occupations([query], scheme="rome")[0][0]
    OccupationFactory(code=best.code, label="Un libellé sans rapport")

    results = search.search(query, kind=search.OCCUPATIONS, scheme="rome")

    assert results.approximate
    assert codes(results.items) == [best.code]
    assert results.items[0].approximate


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("soudeur", "soudeur", 0), ("soudeurr", "soudeur", 1), ("sodueur", "soudeur", 1)],
)
def test_edit_distance_counts_insertions_and_swaps(a, b, distance):
    assert edit_distance(a, b) == distance


def test_patterns_match_every_spelling_of_a_folded_word():
    import re

    pattern = re.compile(word_pattern("oeuvre"))

    assert pattern.search("Main d'Œuvre")
    assert pattern.search("OEUVRE")
    assert re.search(word_pattern("noel"), "Noël")
    assert re.fullmatch(word_pattern("electricien"), "Électricien")
    assert like_pattern("electricien") == "%_l__tr_____%"
    assert like_pattern("coeur") == "%_%_r%"


def test_label_kind_ranks_cover_every_kind():
    assert {kind for kind, _label in LabelKind.choices} == {
        "preferred",
        "alternative",
        "hidden",
        "appellation",
    }
