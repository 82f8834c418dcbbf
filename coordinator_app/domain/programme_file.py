"""Read and validate a programme definition (resources/programmes/*.toml) into a Programme.

Every mistake names the file and the key, so whoever edits the data for a new academic year
sees what to correct.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, overload

from coordinator_app.domain.deadlines import deadline_problem, parse_month
from coordinator_app.domain.errors import DomainError, ProgrammeDefinitionError
from coordinator_app.domain.programme import (
    COMPONENT_KINDS,
    TIE_BREAKS,
    AcademicCoreRules,
    AllocationRules,
    Component,
    CourseDef,
    EnglishTest,
    GraduationRules,
    ImimRules,
    InternshipKind,
    InternshipRules,
    LiteratureStudyRules,
    PortfolioRule,
    Programme,
    Specialization,
)
from coordinator_app.domain.ranks import RANK_KEYS

DUE_RULE = re.compile(r"^(start|end)([+-]\d+)?$|^halfway$")

T = TypeVar("T")
D = TypeVar("D")


class _Reader:
    """Reads keys from a parsed TOML table, raising errors that name the file and the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def table(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> dict[str, Any] | None:
        value = data.get(key)
        if value is None:
            if required:
                raise ProgrammeDefinitionError(self.source, f"{path}{key}", "is missing")
            return None
        if not isinstance(value, dict):
            raise ProgrammeDefinitionError(self.source, f"{path}{key}", "must be a table")
        return value

    def tables(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None:
            if required:
                raise ProgrammeDefinitionError(self.source, f"{path}{key}", "is missing")
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ProgrammeDefinitionError(self.source, f"{path}{key}", "must be a list of tables")
        return value

    @overload
    def get(self, data: dict[str, Any], key: str, path: str, kind: type[T]) -> T: ...
    @overload
    def get(self, data: dict[str, Any], key: str, path: str, kind: type[T], default: D) -> T | D: ...
    @overload
    def get(self, data: dict[str, Any], key: str, path: str, kind: tuple[type[int], type[float]]) -> float: ...
    @overload
    def get(
        self, data: dict[str, Any], key: str, path: str, kind: tuple[type[int], type[float]], default: D
    ) -> float | D: ...
    def get(
        self, data: dict[str, Any], key: str, path: str, kind: type | tuple[type, ...], default: object = ...
    ) -> object:
        """`data[key]`, which must be of `kind` (a bool is not a number); `default` when it is missing, if
        given. A number (int or float) is typed float, as Python takes an int for a float."""
        if key not in data:
            if default is ...:
                raise ProgrammeDefinitionError(self.source, f"{path}{key}", "is missing")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a number field must not accept true/false.
        if isinstance(value, bool) and bool not in kinds:
            raise ProgrammeDefinitionError(self.source, f"{path}{key}", f"must be {_kind_name(kinds)}, not {value!r}")
        if not isinstance(value, kinds):
            raise ProgrammeDefinitionError(self.source, f"{path}{key}", f"must be {_kind_name(kinds)}, not {value!r}")
        return value

    def fail(self, key: str, problem: str) -> ProgrammeDefinitionError:
        return ProgrammeDefinitionError(self.source, key, problem)


def _deadline_schedule(r: _Reader, grad: dict[str, Any]) -> dict[tuple[int, int], date]:
    """[graduation.deadlines]: `2024-09 = 2024-09-16` per graduation month, each checked like a typed one."""
    raw = r.table(grad, "deadlines", "graduation.", required=False) or {}
    schedule: dict[tuple[int, int], date] = {}
    for key, value in raw.items():
        where = f"graduation.deadlines.{key}"
        if not re.fullmatch(r"\d{4}-\d{2}", key):
            raise r.fail(where, "must name a graduation month as yyyy-mm, like 2024-09")
        try:
            year, month = parse_month(key)
        except DomainError as exc:
            raise r.fail(where, exc.message) from exc
        if not isinstance(value, date) or isinstance(value, datetime):
            raise r.fail(where, f"must be a date like {year}-{month:02d}-16, not {value!r}")
        problem = deadline_problem(year, month, value)
        if problem:
            raise r.fail(where, problem)
        schedule[(year, month)] = value
    return schedule


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _valid_month_day(month: int, day: int) -> bool:
    try:
        date(2001, month, day)  # a non-leap year: 02-29 would fail every third year
    except ValueError:
        return False
    return True


def _rank(r: _Reader, data: dict[str, Any], key: str, path: str) -> str:
    value: str = r.get(data, key, path, str)
    if value not in RANK_KEYS:
        raise r.fail(f"{path}{key}", f"must be one of {', '.join(RANK_KEYS)}, not {value!r}")
    return value


def _portfolio(r: _Reader, rows: list[dict[str, Any]], path: str) -> tuple[PortfolioRule, ...]:
    rules = []
    for i, row in enumerate(rows):
        p = f"{path}[{i}]."
        due = r.get(row, "due", p, str)
        if not DUE_RULE.match(due):
            raise r.fail(f"{p}due", f"must be start+DAYS, halfway, end or end+DAYS, not {due!r}")
        rules.append(PortfolioRule(r.get(row, "kind", p, str), r.get(row, "name", p, str), due))
    return tuple(rules)


def _weights(r: _Reader, data: dict[str, Any], path: str, keys: tuple[str, ...]) -> dict[str, float]:
    weights = {k: float(r.get(data, k, path, (int, float))) for k in keys}
    if abs(sum(weights.values()) - 1.0) > 1e-9:
        raise r.fail(path.rstrip("."), f"weights must add up to 1, not {sum(weights.values()):g}")
    return weights


def _month_day(r: _Reader, data: dict[str, Any], key: str, path: str, default: str) -> tuple[int, int]:
    text = r.get(data, key, path, str, default)
    m = re.fullmatch(r"(\d\d)-(\d\d)", text)
    if not m or not _valid_month_day(int(m[1]), int(m[2])):
        raise r.fail(f"{path}{key}", f"must be a real date as MM-DD, not {text!r}")
    return int(m[1]), int(m[2])


def _scale(r: _Reader, data: dict[str, Any], key: str, path: str) -> tuple[float, float] | None:
    """`key = [lowest, highest]`: a test's score scale (absent: not checked)."""
    found = r.get(data, key, path, list, None)
    if found is None:
        return None
    if len(found) != 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in found):
        raise r.fail(f"{path}{key}", f"must be [lowest, highest], two numbers, not {found!r}")
    lowest, highest = float(found[0]), float(found[1])
    if lowest >= highest:
        raise r.fail(f"{path}{key}", f"must go from low to high, not {found!r}")
    return lowest, highest


def _ceremonies(r: _Reader, grad: dict[str, Any], ceremony_months: tuple[int, ...]) -> dict[int, int]:
    """[[graduation.ceremonies]] month = 1, graduation_months = [9, 10, 11, 12]: which ceremony
    each graduation month goes to. Every month once, every ceremony one of ceremony_months."""
    mapping: dict[int, int] = {}
    rows = r.tables(grad, "ceremonies", "graduation.", required=False)
    for i, row in enumerate(rows):
        cp = f"graduation.ceremonies[{i}]."
        month = r.get(row, "month", cp, int)
        if month not in ceremony_months:
            raise r.fail(
                f"{cp}month", f"must be one of graduation.ceremony_months {list(ceremony_months)}, not {month}"
            )
        for graduation_month in r.get(row, "graduation_months", cp, list):
            if (
                not isinstance(graduation_month, int)
                or isinstance(graduation_month, bool)
                or not 1 <= graduation_month <= 12
            ):
                raise r.fail(f"{cp}graduation_months", "must list months as numbers 1-12")
            if graduation_month in mapping:
                raise r.fail(f"{cp}graduation_months", f"names month {graduation_month} a second time")
            mapping[graduation_month] = month
    if rows and len(mapping) != 12:
        missing = ", ".join(str(mo) for mo in range(1, 13) if mo not in mapping)
        raise r.fail("graduation.ceremonies", f"must give every graduation month a ceremony; missing: {missing}")
    return mapping


def parse_programme(data: dict[str, Any], source: str) -> Programme:
    """Validate one parsed programme file; errors name `source` and the offending key."""
    r = _Reader(source)
    head = r.table(data, "programme", "")
    assert head is not None
    p = "programme."
    components = []
    for i, row in enumerate(r.tables(data, "components", "")):
        cp = f"components[{i}]."
        kind = r.get(row, "kind", cp, str)
        if kind not in COMPONENT_KINDS:
            raise r.fail(f"{cp}kind", f"must be one of {', '.join(sorted(COMPONENT_KINDS))}, not {kind!r}")
        components.append(
            Component(r.get(row, "key", cp, str), r.get(row, "name", cp, str), r.get(row, "ec", cp, int), kind)
        )
    keys = [c.key for c in components]
    if len(set(keys)) != len(keys):
        raise r.fail("components", "has a component key twice")
    total_ec = r.get(head, "total_ec", p, int)
    if sum(c.ec for c in components) != total_ec:
        raise r.fail(
            "components", f"EC add up to {sum(c.ec for c in components)}, but programme.total_ec is {total_ec}"
        )
    component_keys = {c.key for c in components}

    specializations = []
    for i, row in enumerate(r.tables(data, "specializations", "", required=False)):
        sp = f"specializations[{i}]."
        capacity = r.get(row, "capacity", sp, int)
        if capacity < 1:
            raise r.fail(f"{sp}capacity", "must be at least 1")
        specializations.append(Specialization(r.get(row, "key", sp, str), r.get(row, "name", sp, str), capacity))
    spec_keys = {s.key for s in specializations}
    allocation = None
    raw_allocation = r.table(data, "specialization_allocation", "", required=False)
    if raw_allocation is not None:
        rule = r.get(raw_allocation, "tie_break", "specialization_allocation.", str)
        if rule not in TIE_BREAKS:
            raise r.fail("specialization_allocation.tie_break", f"must be one of {', '.join(TIE_BREAKS)}, not {rule!r}")
        allocation = AllocationRules(rule)
    elif specializations:
        allocation = AllocationRules("lottery")

    courses = []
    for i, row in enumerate(r.tables(data, "courses", "")):
        cp = f"courses[{i}]."
        component = r.get(row, "component", cp, str)
        if component not in component_keys:
            raise r.fail(f"{cp}component", f"names no component: {component!r}")
        month = r.get(row, "month", cp, int, None)
        if month is not None and not 1 <= month <= 12:
            raise r.fail(f"{cp}month", f"must be 1-12, not {month}")
        spec = r.get(row, "specialization", cp, str, None)
        if spec is not None and spec not in spec_keys:
            raise r.fail(f"{cp}specialization", f"names no specialization: {spec!r}")
        courses.append(
            CourseDef(
                code=r.get(row, "code", cp, str),
                name=r.get(row, "name", cp, str),
                ec=r.get(row, "ec", cp, int),
                component=component,
                month=month,
                year=r.get(row, "year", cp, int, 1),
                resit_month=r.get(row, "resit_month", cp, int, None),
                specialization=spec,
            )
        )
    codes = [c.code for c in courses]
    if len(set(codes)) != len(codes):
        raise r.fail("courses", "has a course code twice")

    grad = r.table(data, "graduation", "")
    assert grad is not None
    for key in ("ceremony_months", "early_deadline_months"):
        months = r.get(grad, key, "graduation.", list)
        if not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 12 for x in months):
            raise r.fail(f"graduation.{key}", "must list months as numbers 1-12")
    if not grad.get("ceremony_months"):
        raise r.fail("graduation.ceremony_months", "must name at least one month")
    ceremony_months = tuple(r.get(grad, "ceremony_months", "graduation.", list))
    graduation = GraduationRules(
        ceremony_months=ceremony_months,
        marks_registered_weeks_before=r.get(grad, "marks_registered_weeks_before", "graduation.", int),
        early_deadline_months=tuple(r.get(grad, "early_deadline_months", "graduation.", list)),
        attendance_certificate_min_courses=r.get(grad, "attendance_certificate_min_courses", "graduation.", int),
        deadlines=_deadline_schedule(r, grad),
        ceremony_for_month=_ceremonies(r, grad, ceremony_months),
    )

    internships = None
    raw = r.table(data, "internships", "", required=False)
    if raw is not None:
        ip = "internships."
        kinds = {}
        for key in ("minor", "major"):
            k = r.table(raw, key, ip)
            assert k is not None
            kp = f"{ip}{key}."
            comp = r.get(k, "component", kp, str)
            if comp not in component_keys:
                raise r.fail(f"{kp}component", f"names no component: {comp!r}")
            kinds[key] = InternshipKind(
                key,
                comp,
                r.get(k, "name", kp, str),
                r.get(k, "ec", kp, int),
                r.get(k, "netherlands_only", kp, bool),
                r.get(k, "min_compulsory_courses_passed", kp, int),
            )
        mark = r.table(raw, "mark", ip)
        assert mark is not None
        ec_week = float(r.get(raw, "ec_per_full_time_week", ip, (int, float)))
        if ec_week <= 0:
            raise r.fail(f"{ip}ec_per_full_time_week", "must be more than 0")
        internships = InternshipRules(
            ec_per_full_time_week=ec_week,
            umc_required_in_at_least_one=r.get(raw, "umc_required_in_at_least_one", ip, bool),
            assessor_min_rank=_rank(r, raw, "assessor_min_rank", ip),
            invalid_travel_codes=tuple(r.get(raw, "invalid_travel_codes", ip, list)),
            consult_travel_codes=tuple(r.get(raw, "consult_travel_codes", ip, list)),
            kinds=kinds,
            portfolio=_portfolio(r, r.tables(raw, "portfolio", ip), f"{ip}portfolio"),
            mark=_weights(r, mark, f"{ip}mark.", ("practical", "report", "presentation")),
        )

    literature = None
    raw = r.table(data, "literature_study", "", required=False)
    if raw is not None:
        lp = "literature_study."
        mark = r.table(raw, "mark", lp)
        assert mark is not None
        comp = r.get(raw, "component", lp, str)
        if comp not in component_keys:
            raise r.fail(f"{lp}component", f"names no component: {comp!r}")
        literature = LiteratureStudyRules(
            component=comp,
            ec=r.get(raw, "ec", lp, int),
            weeks=r.get(raw, "weeks", lp, int),
            assessor_min_rank=_rank(r, raw, "assessor_min_rank", lp),
            portfolio=_portfolio(r, r.tables(raw, "portfolio", lp), f"{lp}portfolio"),
            mark=_weights(r, mark, f"{lp}mark.", ("outline", "report", "presentation")),
        )

    academic_core = None
    raw = r.table(data, "academic_core", "", required=False)
    if raw is not None:
        ap = "academic_core."
        due = r.get(raw, "first_year_assignments_due", ap, str)
        m = re.fullmatch(r"(\d\d)-(\d\d)", due)
        if not m or not _valid_month_day(int(m[1]), int(m[2])):
            raise r.fail(f"{ap}first_year_assignments_due", f"must be a real date as MM-DD, not {due!r}")
        comp = r.get(raw, "component", ap, str)
        if comp not in component_keys:
            raise r.fail(f"{ap}component", f"names no component: {comp!r}")
        academic_core = AcademicCoreRules(
            component=comp,
            ec=r.get(raw, "ec", ap, int),
            min_mentor_meetings=r.get(raw, "min_mentor_meetings", ap, int),
            first_year_assignments_due=(int(m[1]), int(m[2])),
        )

    imim = None
    raw = r.table(data, "imim", "", required=False)
    if raw is not None:
        mp = "imim."
        tests = {}
        for i, row in enumerate(r.tables(raw, "english_tests", mp)):
            tp = f"{mp}english_tests[{i}]."
            overall = r.get(row, "overall", tp, (int, float), None)
            section = r.get(row, "section", tp, (int, float), None)
            kind = r.get(row, "kind", tp, str)
            tests[kind] = EnglishTest(
                kind,
                r.get(row, "name", tp, str),
                None if overall is None else float(overall),
                None if section is None else float(section),
                _scale(r, row, "scores", tp),
                _scale(r, row, "section_scores", tp),
            )
        imim = ImimRules(
            year1_universities=tuple(r.get(raw, "year1_universities", mp, list)),
            year2_universities=tuple(r.get(raw, "year2_universities", mp, list)),
            year2_must_differ=r.get(raw, "year2_must_differ", mp, bool),
            participation_fee_required=r.get(raw, "participation_fee_required", mp, bool),
            english_tests=tests,
            year_starts=_month_day(r, raw, "year_starts", mp, "09-01"),
        )

    pass_mark = float(r.get(head, "pass_mark", p, (int, float)))
    if not 1.0 <= pass_mark <= 10.0:
        raise r.fail(f"{p}pass_mark", "must be between 1.0 and 10.0")
    programme = Programme(
        code=r.get(head, "code", p, str),
        name=r.get(head, "name", p, str),
        institution=r.get(head, "institution", p, str, ""),
        total_ec=total_ec,
        duration_years=r.get(head, "duration_years", p, int),
        pass_mark=pass_mark,
        first_cohort=r.get(head, "first_cohort", p, int),
        components=tuple(components),
        courses=tuple(courses),
        specializations=tuple(specializations),
        graduation=graduation,
        internships=internships,
        literature_study=literature,
        academic_core=academic_core,
        imim=imim,
        allocation=allocation,
        source=source,
        _courses_by_code={c.code: c for c in courses},
    )
    return programme


def load_programme_file(path: Path) -> Programme:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammeDefinitionError(path.name, "(file)", f"is not valid TOML: {exc}") from exc
    return parse_programme(data, path.name)


def load_programmes(folder: Path) -> dict[str, Programme]:
    """All programme files in `folder`, by code. Codes must be unique."""
    programmes: dict[str, Programme] = {}
    for path in sorted(folder.glob("*.toml")):
        programme = load_programme_file(path)
        if programme.code in programmes:
            raise ProgrammeDefinitionError(
                path.name, "programme.code", f"{programme.code!r} is used by another file too"
            )
        programmes[programme.code] = programme
    if not programmes:
        raise ProgrammeDefinitionError(str(folder), "(folder)", "holds no programme definitions (*.toml)")
    return programmes
