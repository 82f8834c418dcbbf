"""Programme definitions: the shipped TOML files load; malformed ones are refused with the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator_app.domain.errors import ProgrammeDefinitionError
from coordinator_app.domain.programme_file import load_programme_file, load_programmes

PROGRAMMES_DIR = Path(__file__).resolve().parents[2] / "resources" / "programmes"
PM_TEXT = (PROGRAMMES_DIR / "pm.toml").read_text("utf-8")


# --- the shipped definitions --------------------------------------------------------------------


def test_both_programmes_load() -> None:
    programmes = load_programmes(PROGRAMMES_DIR)
    assert set(programmes) == {"PM", "IMIM"}
    assert programmes["PM"].source == "pm.toml"
    assert programmes["IMIM"].source == "imim.toml"


def test_pm_components(pm) -> None:
    assert pm.name == "Master Personalized Medicine"
    assert pm.total_ec == 120
    assert pm.duration_years == 2
    assert pm.pass_mark == 5.5
    assert [(c.key, c.ec) for c in pm.components] == [
        ("compulsory", 24),
        ("specialization", 12),
        ("optional", 12),
        ("minor_internship", 24),
        ("major_internship", 36),
        ("literature_study", 9),
        ("academic_core", 3),
    ]
    assert sum(c.ec for c in pm.components) == 120
    assert pm.component("major_internship").kind == "internship"
    with pytest.raises(KeyError):
        pm.component("nothing")
    assert not pm.is_imim


def test_pm_courses(pm) -> None:
    assert pm.compulsory_course_codes == ["PM-PERS", "PM-DSB", "PM-BCRR", "PM-IMGP"]
    assert [(c.month, c.resit_month, c.ec) for c in pm.courses_of("compulsory")] == [
        (9, 1, 6),
        (10, 1, 6),
        (11, 1, 6),
        (12, 1, 6),
    ]
    assert {c.specialization for c in pm.courses_of("specialization")} == {
        "medical_imaging",
        "technological_development",
        "biomarkers_medicines",
    }
    assert sum(c.ec for c in pm.courses_of("specialization") if c.specialization == "medical_imaging") == 12
    assert pm.course("PM-DSB").name == "Data Science & Bioinformatics"
    assert pm.course("NOPE") is None
    assert pm.specialization("biomarkers_medicines").name == "Biomarkers & Medicines"
    assert pm.specialization("nope") is None


def test_pm_internship_and_literature_rules(pm) -> None:
    rules = pm.internships
    assert rules.kinds["minor"].ec == 24 and rules.kinds["minor"].netherlands_only
    assert rules.kinds["major"].ec == 36 and not rules.kinds["major"].netherlands_only
    assert rules.kinds["minor"].ec == pm.component(rules.kinds["minor"].component).ec
    assert rules.kinds["major"].ec == pm.component(rules.kinds["major"].component).ec
    assert rules.umc_required_in_at_least_one
    assert rules.assessor_min_rank == "UD"
    assert [r.due for r in rules.portfolio] == [
        "start+14",
        "start+42",
        "halfway",
        "halfway",
        "end",
        "end",
        "end+14",
        "end",
    ]
    lit = pm.literature_study
    assert (lit.ec, lit.weeks, lit.assessor_min_rank) == (9, 6, "UD")
    assert lit.ec == pm.component(lit.component).ec
    assert pm.academic_core.ec == pm.component(pm.academic_core.component).ec


def test_imim_definition(imim) -> None:
    assert imim.total_ec == 120
    assert imim.is_imim
    bbb = [c.code for c in imim.courses_of("bbb")]
    assert bbb == ["IMIM-BBB1", "IMIM-BBB2", "IMIM-BBB3"]
    dp = imim.course("IMIM-DP")
    assert dp.ec == 30 and dp.year == 2
    assert imim.component("degree_project").ec == 30
    assert len(imim.imim.year1_universities) == 3
    assert {*imim.imim.year1_universities, *imim.imim.year2_universities} == {"Groningen", "Heidelberg", "Uppsala"}
    assert [c.code for c in imim.courses_of("research_projects")] == ["IMIM-RP1", "IMIM-RP2", "IMIM-RP3"]
    assert imim.internships is None and imim.literature_study is None and imim.academic_core is None
    for component in imim.components:
        assert sum(c.ec for c in imim.courses_of(component.key)) == component.ec


# --- malformed definitions ----------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def changed(old: str, new: str) -> str:
    assert old in PM_TEXT, old
    return PM_TEXT.replace(old, new, 1)


def refused(tmp_path: Path, text: str, name: str = "broken.toml") -> ProgrammeDefinitionError:
    with pytest.raises(ProgrammeDefinitionError) as info:
        load_programme_file(write(tmp_path, text, name))
    return info.value


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    assert load_programme_file(write(tmp_path, PM_TEXT)).code == "PM"


def test_missing_programme_code(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('code = "PM"\n', ""))
    assert err.source == "broken.toml"
    assert err.key == "programme.code"
    assert "broken.toml" in str(err) and "programme.code" in str(err) and "missing" in str(err)


def test_missing_programme_table(tmp_path: Path) -> None:
    err = refused(tmp_path, changed("[programme]\n", "[programm]\n"))
    assert err.key == "programme"
    assert str(err) == "broken.toml: 'programme' is missing"


def test_ec_as_text(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('ec = 24\nkind = "courses"', 'ec = "24"\nkind = "courses"'))
    assert err.key == "components[0].ec"
    assert "broken.toml" in str(err) and "components[0].ec" in str(err)
    assert "whole number" in str(err)


def test_ec_as_boolean(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('ec = 24\nkind = "courses"', 'ec = true\nkind = "courses"'))
    assert err.key == "components[0].ec"


def test_components_not_adding_up(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('ec = 3\nkind = "academic_core"', 'ec = 4\nkind = "academic_core"'))
    assert err.key == "components"
    assert "121" in str(err) and "120" in str(err)
    assert "broken.toml" in str(err)


def test_unknown_component_kind(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('kind = "academic_core"', 'kind = "seminar"'))
    assert err.key == "components[6].kind"
    assert "seminar" in str(err)


def test_course_naming_unknown_component(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('component = "compulsory"\nmonth = 9', 'component = "compulsry"\nmonth = 9'))
    assert err.key == "courses[0].component"
    assert "compulsry" in str(err) and "broken.toml" in str(err)


def test_course_naming_unknown_specialization(tmp_path: Path) -> None:
    err = refused(
        tmp_path, changed('specialization = "medical_imaging"\nmonth = 1', 'specialization = "radiology"\nmonth = 1')
    )
    assert err.key == "courses[4].specialization"


def test_course_month_out_of_range(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('component = "compulsory"\nmonth = 9', 'component = "compulsory"\nmonth = 13'))
    assert err.key == "courses[0].month"


def test_duplicate_course_code(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('code = "PM-DSB"', 'code = "PM-PERS"'))
    assert err.key == "courses"
    assert "twice" in str(err)


def test_bad_due_rule(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('due = "start+14"', 'due = "start+two"'))
    assert err.key == "internships.portfolio[0].due"
    assert "start+two" in str(err) and "broken.toml" in str(err)


def test_bad_literature_due_rule(tmp_path: Path) -> None:
    err = refused(
        tmp_path, changed('due = "end"\n\n[literature_study.mark]', 'due = "after_report"\n\n[literature_study.mark]')
    )
    assert err.key == "literature_study.portfolio[1].due"


def test_internship_weights_not_summing_to_1(tmp_path: Path) -> None:
    err = refused(tmp_path, changed("practical = 0.4", "practical = 0.5"))
    assert err.key == "internships.mark"
    assert "add up to 1" in str(err) and "1.1" in str(err)
    assert "broken.toml" in str(err)


def test_literature_weights_not_summing_to_1(tmp_path: Path) -> None:
    err = refused(tmp_path, changed("outline = 0.1", "outline = 0.2"))
    assert err.key == "literature_study.mark"


def test_missing_weight(tmp_path: Path) -> None:
    err = refused(tmp_path, changed("practical = 0.4\n", ""))
    assert err.key == "internships.mark.practical"


def test_bad_toml_syntax(tmp_path: Path) -> None:
    err = refused(tmp_path, PM_TEXT + "\nthis is = = not toml\n")
    assert err.source == "broken.toml"
    assert err.key == "(file)"
    assert "not valid TOML" in str(err) and "broken.toml" in str(err)


def test_bad_first_year_due(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('first_year_assignments_due = "08-31"', 'first_year_assignments_due = "1 Sept"'))
    assert err.key == "academic_core.first_year_assignments_due"


def test_pass_mark_out_of_range(tmp_path: Path) -> None:
    err = refused(tmp_path, changed("pass_mark = 5.5", "pass_mark = 55"))
    assert err.key == "programme.pass_mark"


def test_internship_kind_naming_unknown_component(tmp_path: Path) -> None:
    err = refused(tmp_path, changed('component = "minor_internship"', 'component = "minor"'))
    assert err.key == "internships.minor.component"


def test_literature_study_naming_unknown_component(tmp_path: Path) -> None:
    err = refused(
        tmp_path,
        changed('[literature_study]\ncomponent = "literature_study"', '[literature_study]\ncomponent = "literature"'),
    )
    assert err.key == "literature_study.component"
    assert "literature" in str(err)


def test_academic_core_naming_unknown_component(tmp_path: Path) -> None:
    err = refused(
        tmp_path, changed('[academic_core]\ncomponent = "academic_core"', '[academic_core]\ncomponent = "core"')
    )
    assert err.key == "academic_core.component"


def test_duplicate_codes_across_two_files(tmp_path: Path) -> None:
    write(tmp_path, PM_TEXT, "a_pm.toml")
    write(tmp_path, PM_TEXT, "b_pm_copy.toml")
    with pytest.raises(ProgrammeDefinitionError) as info:
        load_programmes(tmp_path)
    err = info.value
    assert err.source == "b_pm_copy.toml"
    assert err.key == "programme.code"
    assert "b_pm_copy.toml" in str(err) and "programme.code" in str(err) and "'PM'" in str(err)


def test_error_in_one_file_of_a_folder_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, PM_TEXT, "pm.toml")
    write(
        tmp_path,
        (PROGRAMMES_DIR / "imim.toml").read_text("utf-8").replace("total_ec = 120", "total_ec = 90"),
        "imim.toml",
    )
    with pytest.raises(ProgrammeDefinitionError) as info:
        load_programmes(tmp_path)
    assert info.value.source == "imim.toml"
    assert info.value.key == "components"


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeDefinitionError) as info:
        load_programmes(tmp_path)
    assert "no programme definitions" in str(info.value)


def test_programme_definition_error_is_not_a_domain_error() -> None:
    from coordinator_app.domain.errors import DomainError

    assert not issubclass(ProgrammeDefinitionError, DomainError)


@pytest.mark.parametrize(
    ("scale", "words"), [("[9, 0]", "from low to high"), ("[0]", "two numbers"), ('["0", "9"]', "two numbers")]
)
def test_an_english_tests_score_scale_must_be_two_numbers_low_to_high(tmp_path: Path, scale: str, words: str) -> None:
    imim = (PROGRAMMES_DIR / "imim.toml").read_text("utf-8")
    assert "scores = [0, 9]\n" in imim
    with pytest.raises(ProgrammeDefinitionError, match=words) as info:
        load_programme_file(write(tmp_path, imim.replace("scores = [0, 9]\n", f"scores = {scale}\n", 1)))
    assert info.value.key == "imim.english_tests[0].scores"
