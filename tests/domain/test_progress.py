"""EC progress per component towards the programme's 120 EC."""

from __future__ import annotations

from coordinator_app.domain.grades import Grade, parse_grade
from coordinator_app.domain.progress import (
    ComponentProgress,
    OptionalCourse,
    StudentProgressFacts,
    component_progress,
    compulsory_passed,
    specialization_over_capacity,
    total_ec,
)

NS = Grade(None, no_show=True)


def g(*texts: str) -> list[Grade]:
    return [parse_grade(t) for t in texts]


COMPULSORY_PASSED = {"PM-PERS": g("7,0"), "PM-DSB": g("6,5"), "PM-BCRR": g("5,5"), "PM-IMGP": g("8")}


def earned(programme, facts: StudentProgressFacts) -> dict[str, int]:
    return {p.key: p.earned for p in component_progress(programme, facts)}


def test_progress_rows_follow_the_components(pm) -> None:
    rows = component_progress(pm, StudentProgressFacts())
    assert [(r.key, r.required, r.earned) for r in rows] == [
        ("compulsory", 24, 0),
        ("specialization", 12, 0),
        ("optional", 12, 0),
        ("minor_internship", 24, 0),
        ("major_internship", 36, 0),
        ("literature_study", 9, 0),
        ("academic_core", 3, 0),
    ]
    assert total_ec(rows) == 0
    assert not any(r.complete for r in rows)


def test_all_four_compulsory_passed_gives_24(pm) -> None:
    row = component_progress(pm, StudentProgressFacts(results=COMPULSORY_PASSED))[0]
    assert row.key == "compulsory"
    assert row.earned == 24
    assert row.complete


def test_failed_compulsory_course_does_not_count(pm) -> None:
    results = dict(COMPULSORY_PASSED, **{"PM-IMGP": g("5,4")})
    assert earned(pm, StudentProgressFacts(results=results))["compulsory"] == 18
    results = dict(COMPULSORY_PASSED, **{"PM-IMGP": [NS]})
    assert earned(pm, StudentProgressFacts(results=results))["compulsory"] == 18


def test_failed_then_passed_resit_counts_once(pm) -> None:
    results = dict(COMPULSORY_PASSED, **{"PM-DSB": g("4,0", "6,0"), "PM-BCRR": g("NS", "5,5")})
    assert earned(pm, StudentProgressFacts(results=results))["compulsory"] == 24
    # two passing attempts still count the course once
    results = {"PM-PERS": g("6,0", "7,0")}
    assert earned(pm, StudentProgressFacts(results=results))["compulsory"] == 6


def test_specialization_counts_only_for_the_chosen_one(pm) -> None:
    results = {"PM-MI1": g("7"), "PM-MI2": g("7"), "PM-TD1": g("8"), "PM-TD2": g("8")}
    assert earned(pm, StudentProgressFacts(results=results, specialization="medical_imaging"))["specialization"] == 12
    assert (
        earned(pm, StudentProgressFacts(results=results, specialization="technological_development"))["specialization"]
        == 12
    )
    assert (
        earned(pm, StudentProgressFacts(results=results, specialization="biomarkers_medicines"))["specialization"] == 0
    )
    assert earned(pm, StudentProgressFacts(results=results, specialization=None))["specialization"] == 0


def test_specialization_half_done(pm) -> None:
    results = {"PM-BM1": g("6"), "PM-BM2": g("5")}
    row = component_progress(pm, StudentProgressFacts(results=results, specialization="biomarkers_medicines"))[1]
    assert row.earned == 6
    assert not row.complete


def test_optional_course_counts_when_approved_and_passed(pm) -> None:
    course = OptionalCourse(
        "PM-OPT-PROT", 6, approved=True, external=False, credit_form_received=False, grades=(Grade(7.0),)
    )
    assert earned(pm, StudentProgressFacts(optional_courses=(course,)))["optional"] == 6


def test_optional_course_not_approved_does_not_count(pm) -> None:
    course = OptionalCourse(
        "PM-OPT-PROT", 6, approved=False, external=False, credit_form_received=False, grades=(Grade(7.0),)
    )
    assert earned(pm, StudentProgressFacts(optional_courses=(course,)))["optional"] == 0


def test_optional_course_failed_does_not_count(pm) -> None:
    for grades in ((Grade(5.4),), (NS,), ()):
        course = OptionalCourse("PM-OPT-CARD", 6, True, False, False, grades)
        assert earned(pm, StudentProgressFacts(optional_courses=(course,)))["optional"] == 0


def test_optional_course_failed_then_passed(pm) -> None:
    course = OptionalCourse("PM-OPT-CARD", 6, True, False, False, (Grade(4.5), Grade(6.0)))
    assert earned(pm, StudentProgressFacts(optional_courses=(course,)))["optional"] == 6


def test_external_optional_course_needs_credit_form(pm) -> None:
    without = OptionalCourse(
        "UvA-GEN", 6, approved=True, external=True, credit_form_received=False, grades=(Grade(8.0),)
    )
    with_form = OptionalCourse(
        "UvA-GEN", 6, approved=True, external=True, credit_form_received=True, grades=(Grade(8.0),)
    )
    assert earned(pm, StudentProgressFacts(optional_courses=(without,)))["optional"] == 0
    assert earned(pm, StudentProgressFacts(optional_courses=(with_form,)))["optional"] == 6


def test_optional_capped_at_12(pm) -> None:
    courses = tuple(OptionalCourse(f"OPT-{i}", 6, True, False, False, (Grade(7.0),)) for i in range(3))
    row = component_progress(pm, StudentProgressFacts(optional_courses=courses))[2]
    assert row.key == "optional"
    assert row.earned == 12
    assert row.complete


def test_optional_odd_ec_sum(pm) -> None:
    courses = (
        OptionalCourse("A", 5, True, False, False, (Grade(7.0),)),
        OptionalCourse("B", 3, True, True, True, (Grade(6.0),)),
    )
    row = component_progress(pm, StudentProgressFacts(optional_courses=courses))[2]
    assert row.earned == 8
    assert not row.complete


def test_whole_components_from_completed_parts(pm) -> None:
    facts = StudentProgressFacts(
        completed_parts={"minor_internship": True, "major_internship": False, "literature_study": True}
    )
    e = earned(pm, facts)
    assert e["minor_internship"] == 24
    assert e["major_internship"] == 0
    assert e["literature_study"] == 9
    assert e["academic_core"] == 0


def test_total_120_when_everything_complete(pm) -> None:
    results = dict(COMPULSORY_PASSED, **{"PM-MI1": g("7"), "PM-MI2": g("6,5")})
    optional = (
        OptionalCourse("PM-OPT-PROT", 6, True, False, False, (Grade(7.0),)),
        OptionalCourse("EXT-1", 6, True, True, True, (Grade(6.0),)),
    )
    parts = {"minor_internship": True, "major_internship": True, "literature_study": True, "academic_core": True}
    rows = component_progress(pm, StudentProgressFacts(results, "medical_imaging", optional, parts))
    assert total_ec(rows) == 120
    assert all(r.complete for r in rows)


def test_component_progress_complete_property() -> None:
    assert ComponentProgress("x", "X", 12, 12).complete
    assert not ComponentProgress("x", "X", 12, 6).complete


def test_imim_progress(imim) -> None:
    results = {c.code: g("7") for c in imim.courses}
    rows = component_progress(imim, StudentProgressFacts(results=results))
    assert {r.key: r.earned for r in rows} == {"courses": 45, "research_projects": 30, "bbb": 15, "degree_project": 30}
    assert total_ec(rows) == 120
    results["IMIM-DP"] = g("5,4")
    assert total_ec(component_progress(imim, StudentProgressFacts(results=results))) == 90


# --- compulsory_passed --------------------------------------------------------------------------


def test_compulsory_passed_counts_best_attempts(pm) -> None:
    assert compulsory_passed(pm, {}) == 0
    assert compulsory_passed(pm, COMPULSORY_PASSED) == 4
    results = {"PM-PERS": g("5,4", "5,5"), "PM-DSB": g("NS", "4"), "PM-BCRR": g("NS"), "PM-IMGP": g("9", "3")}
    assert compulsory_passed(pm, results) == 2


def test_compulsory_passed_ignores_other_courses(pm) -> None:
    results = {"PM-MI1": g("8"), "PM-MI2": g("8"), "PM-PERS": g("6"), "PM-OPT-CARD": g("9")}
    assert compulsory_passed(pm, results) == 1


# --- specialization capacity --------------------------------------------------------------------


def test_specialization_over_capacity(pm) -> None:
    assert [s.capacity for s in pm.specializations] == [20, 20, 20]
    assert specialization_over_capacity(pm, {"medical_imaging": 20, "biomarkers_medicines": 3}) == []
    problems = specialization_over_capacity(pm, {"medical_imaging": 21, "technological_development": 20})
    assert problems == ["Medical Imaging has 21 students; at most 20 can be placed"]


def test_specialization_over_capacity_several(pm) -> None:
    problems = specialization_over_capacity(pm, {"medical_imaging": 25, "biomarkers_medicines": 22})
    assert len(problems) == 2
    assert "Biomarkers & Medicines has 22" in problems[1]
    assert specialization_over_capacity(pm, {}) == []


def test_a_pass_adds_the_course_ec_where_no_cap_can_bite(programmes) -> None:
    """`pass_ec_change` is the difference the EC rules give, whatever else the student passed: every
    course of both programmes, every specialization, every set of other passed courses."""
    from itertools import combinations

    from coordinator_app.domain.progress import pass_ec_change

    assert pass_ec_change(programmes["PM"], "PM-PERS", None) == 6
    assert pass_ec_change(programmes["PM"], "PM-MI1", "medical_imaging") == 6
    assert pass_ec_change(programmes["PM"], "PM-MI1", "biomarkers_medicines") is None  # not counted for them
    assert pass_ec_change(programmes["IMIM"], "IMIM-DP", None) == 30
    checked = 0
    for programme in programmes.values():
        specializations = [None, *(s.key for s in programme.specializations)]
        for specialization in specializations:
            for course in programme.courses:
                change = pass_ec_change(programme, course.code, specialization)
                if change is None:
                    continue
                others = [c.code for c in programme.courses if c.code != course.code]
                for n in range(len(others) + 1):
                    for passed in combinations(others, n) if n <= 2 or n >= len(others) - 1 else ():
                        before = StudentProgressFacts({c: g("7") for c in passed}, specialization)
                        after = StudentProgressFacts({**before.results, course.code: g("7")}, specialization)
                        assert (
                            total_ec(component_progress(programme, after))
                            - total_ec(component_progress(programme, before))
                            == change
                        ), (programme.code, specialization, course.code, passed)
                        checked += 1
    assert checked > 100
