import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.engine.skillgap import ESSENTIAL_WEIGHT, SkillGap, compare

codes = st.frozensets(st.sampled_from([f"S{n}" for n in range(12)]), max_size=12)


def test_compare_splits_required_skills_into_covered_and_missing():
    gap = compare({"a", "c", "x"}, essential={"a", "b"}, optional={"c", "d"})

    assert gap == SkillGap(
        covered_essential=frozenset({"a"}),
        missing_essential=frozenset({"b"}),
        covered_optional=frozenset({"c"}),
        missing_optional=frozenset({"d"}),
    )
    assert gap.essential_coverage == 0.5
    assert gap.coverage == pytest.approx((ESSENTIAL_WEIGHT + 1) / (2 * ESSENTIAL_WEIGHT + 2))


def test_compare_weights_essential_skills_more_than_optional_ones():
    essential_only = compare({"a"}, essential={"a"}, optional={"b"})
    optional_only = compare({"b"}, essential={"a"}, optional={"b"})

    assert essential_only.coverage > optional_only.coverage
    assert essential_only.coverage == pytest.approx(ESSENTIAL_WEIGHT / (ESSENTIAL_WEIGHT + 1))


def test_compare_counts_a_skill_both_essential_and_optional_as_essential():
    gap = compare(set(), essential={"a"}, optional={"a", "b"})

    assert gap.missing_essential == {"a"}
    assert gap.missing_optional == {"b"}


def test_compare_with_nothing_required_is_full_coverage():
    gap = compare({"a"}, essential=set())

    assert gap.required == frozenset()
    assert (gap.coverage, gap.essential_coverage) == (1.0, 1.0)


@given(codes, codes, codes)
def test_covered_and_missing_partition_the_required_skills(person, essential, optional):
    gap = compare(person, essential=essential, optional=optional)

    assert gap.covered | gap.missing == essential | optional
    assert gap.covered & gap.missing == frozenset()
    assert gap.covered <= person
    assert gap.missing.isdisjoint(person)


@given(codes, codes, codes)
def test_coverage_figures_stay_between_zero_and_one(person, essential, optional):
    gap = compare(person, essential=essential, optional=optional)

    assert 0.0 <= gap.coverage <= 1.0
    assert 0.0 <= gap.essential_coverage <= 1.0


@given(codes, codes, codes, st.sampled_from([f"S{n}" for n in range(14)]))
def test_adding_a_skill_never_lowers_coverage(person, essential, optional, extra):
    before = compare(person, essential=essential, optional=optional)
    after = compare(person | {extra}, essential=essential, optional=optional)

    assert after.coverage >= before.coverage
    assert after.essential_coverage >= before.essential_coverage


@given(codes, codes, codes)
def test_compare_does_not_depend_on_input_order(person, essential, optional):
    forward = compare(sorted(person), essential=sorted(essential), optional=sorted(optional))
    backward = compare(
        sorted(person, reverse=True),
        essential=sorted(essential, reverse=True),
        optional=sorted(optional, reverse=True),
    )

    assert forward == backward


@given(codes, codes)
def test_holding_every_required_skill_is_full_coverage(essential, optional):
    gap = compare(essential | optional, essential=essential, optional=optional)

    assert gap.missing == frozenset()
    assert gap.coverage == 1.0
