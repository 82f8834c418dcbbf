"""Allocating specialization places: first choices first, the tie-break, never more than the places."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator_app.domain.allocation import Applicant, allocate, tie_break_order

NAMES = {"mi": "Medical Imaging", "td": "Technological Development", "bm": "Biomarkers & Medicines"}


def test_first_choices_first_and_the_results_decide_a_tie() -> None:
    applicants = [
        Applicant(1, "A", ("mi", "td", "bm"), 7.0),
        Applicant(2, "B", ("mi", "bm", "td"), 8.5),
        Applicant(3, "C", ("td", "mi", "bm"), 6.0),
        Applicant(4, "D", ("mi", "td", "bm"), None),
    ]
    result = allocate(applicants, {"mi": 1, "td": 2, "bm": 1}, NAMES, "compulsory_results", seed=7)
    # B has the best results of the three who want Medical Imaging first; C's first choice is free.
    assert result.placed == {2: "mi", 3: "td", 1: "td", 4: "bm"}
    assert result.waiting == {"mi": (1, 4), "td": (4,)}
    assert result.order == (2, 1, 3, 4)
    assert result.explanations[1] == (
        "2nd choice Technological Development: placed in round 2 (1st choice Medical Imaging: 3 asked for its 1 "
        "free place in round 1 and you were not among the first); number 2 in the tie-break order (mean "
        "compulsory result 7.0). Waiting for Medical Imaging (number 1)."
    )
    assert result.explanations[4].startswith("3rd choice Biomarkers & Medicines: placed in round 3")
    assert "no compulsory results yet" in result.explanations[4]


def test_the_lottery_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    applicants = [Applicant(i, str(i), ("mi",)) for i in range(40)]
    one = [a.student_id for a in tie_break_order(applicants, "lottery", 11)]
    assert one == [a.student_id for a in tie_break_order(list(reversed(applicants)), "lottery", 11)]
    assert one != [a.student_id for a in tie_break_order(applicants, "lottery", 12)]


def test_no_preferences_no_place() -> None:
    result = allocate([Applicant(1, "A", ())], {"mi": 20}, NAMES, "lottery", 1)
    assert result.placed == {}
    assert result.explanations[1].startswith("No preferences given")


@pytest.mark.slow  # a property run over generated cohorts (docs/testing.md)
@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.permutations(["mi", "td", "bm"]).map(tuple), max_size=120),
    st.lists(st.integers(0, 3), min_size=120, max_size=120),
    st.dictionaries(st.sampled_from(["mi", "td", "bm"]), st.integers(0, 20)),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["lottery", "compulsory_results"]),
)
def test_never_more_students_than_places_and_nobody_waits_for_less(prefs, cut, free, seed, rule) -> None:  # type: ignore[no-untyped-def]
    applicants = [
        Applicant(i, str(i), p[: cut[i]], None if i % 5 == 0 else (i * 37 % 50) / 5 + 1) for i, p in enumerate(prefs)
    ]
    free = {key: free.get(key, 20) for key in NAMES}
    result = allocate(applicants, free, NAMES, rule, seed)
    for key, places in free.items():
        assert sum(1 for got in result.placed.values() if got == key) <= places
    for a in applicants:
        got = result.placed.get(a.student_id)
        assert got is None or got in a.preferences
        if got is None and a.preferences:
            # Left out only when every specialization they ranked is full.
            assert all(sum(1 for g in result.placed.values() if g == k) == free[k] for k in a.preferences)
        ranked_above = a.preferences[: a.preferences.index(got)] if got else a.preferences
        for key in ranked_above:
            assert a.student_id in result.waiting[key]
        for key, ids in result.waiting.items():
            if a.student_id in ids:
                assert key in ranked_above
    # First choices first: whoever got a specialization as a later choice did not take a place
    # someone wanting it first was refused.
    for key in NAMES:
        first_refused = [
            a for a in applicants if a.preferences[:1] == (key,) and result.placed.get(a.student_id) != key
        ]
        later = [a for a in applicants if result.placed.get(a.student_id) == key and a.preferences[0] != key]
        assert not (first_refused and later)
