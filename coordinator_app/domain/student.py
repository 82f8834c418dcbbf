"""A student's whole record as plain data, and everything the rules conclude from it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from coordinator_app.domain.academic_core import AcademicCoreStatus, academic_core_status, first_year_assignments_due
from coordinator_app.domain.flags import (
    Flag,
    OpenRegistration,
    assessor_rank_flag,
    graduation_month_passed_flag,
    imim_flags,
    missing_result_flags,
    past_nominal_end_flag,
    programme_end,
    same_person_flag,
)
from coordinator_app.domain.grades import Grade, format_mark
from coordinator_app.domain.graduation import GraduationFacts, Readiness, readiness, submission_deadline
from coordinator_app.domain.internships import (
    InternshipFacts,
    Period,
    Schedule,
    approval_valid,
    approval_warnings,
    portfolio_due_dates,
    schedule,
    umc_rule_violated,
)
from coordinator_app.domain.marks import MARK_NAMES, MarkResult, internship_mark, literature_mark
from coordinator_app.domain.programme import PortfolioRule, Programme
from coordinator_app.domain.progress import (
    ComponentProgress,
    OptionalCourse,
    StudentProgressFacts,
    component_progress,
    compulsory_passed,
    total_ec,
)
from coordinator_app.domain.ranks import RANKS, rank_at_least

ACADEMIC_CORE_ITEMS = (
    ("first_year_assignments", "First-year assignments"),
    ("cv_assignment", "CV / resume assignment"),
    ("final_portfolio", "Final portfolio meeting"),
)
# What a new student starts with, whether added in the window or imported from a list: active,
# enrolled, nothing paid yet, no EC.
NEW_STUDENT_DEFAULTS = {
    "status": "active",
    "tuition_paid": False,
    "enrolled": True,
    "ec_earned": 0,
    "participation_fee_paid": False,
    "notes": "",
}


@dataclass(frozen=True)
class ItemSnapshot:
    kind: str
    name: str
    due: date | None
    received: date | None


@dataclass(frozen=True)
class InternshipSnapshot:
    kind: str  # "minor" | "major"
    start: date | None = None
    part_time_percent: int = 100
    interruptions: tuple[Period, ...] = ()
    is_umc: bool = False
    country: str | None = "Netherlands"
    travel_code: str | None = None
    approval_status: str = "not requested"
    assessor_rank: str | None = None
    practical: float | None = None
    supervisor_report: float | None = None
    assessor_report: float | None = None
    presentation: float | None = None
    marks_registered_on: date | None = None
    portfolio: tuple[ItemSnapshot, ...] = ()


@dataclass(frozen=True)
class LiteratureSnapshot:
    start: date | None = None
    approval_status: str = "not requested"
    assessor_rank: str | None = None
    outline: float | None = None
    supervisor_report: float | None = None
    assessor_report: float | None = None
    presentation: float | None = None
    marks_registered_on: date | None = None
    portfolio: tuple[ItemSnapshot, ...] = ()
    supervisor: str = ""
    assessor: str = ""


@dataclass(frozen=True)
class StudentSnapshot:
    cohort_year: int
    status: str = "active"
    specialization: str | None = None
    tuition_paid: bool = False
    enrolled: bool = True
    results: dict[str, list[Grade]] = field(default_factory=dict)
    last_grade_registered: date | None = None
    optional_courses: tuple[OptionalCourse, ...] = ()
    internships: dict[str, InternshipSnapshot] = field(default_factory=dict)
    literature: LiteratureSnapshot | None = None
    mentor_meetings: tuple[date, ...] = ()
    academic_core_items: tuple[ItemSnapshot, ...] = ()
    graduation: tuple[int, int] | None = None  # planned (year, month)
    year1_university: str | None = None
    year2_university: str | None = None
    english_test: str | None = None
    english_overall: float | None = None
    english_lowest_section: float | None = None
    participation_fee_paid: bool = False
    open_registrations: tuple[OpenRegistration, ...] = ()  # exams registered, no result yet


@dataclass(frozen=True)
class InternshipEvaluation:
    kind: str
    name: str
    schedule: Schedule | None
    mark: MarkResult
    portfolio_complete: bool
    approval_valid: bool
    warnings: tuple[str, ...]
    assessor_rank_recorded: bool = True
    approval_status: str = "not requested"

    @property
    def complete(self) -> bool:
        return self.portfolio_complete and self.mark.passed()

    @property
    def approval_label(self) -> str:
        """How the record states the approval: never "valid" while the assessor's rank is unknown."""
        if not self.approval_valid:
            return "no valid approval"
        return "approval valid" if self.assessor_rank_recorded else "approved, assessor's rank not recorded"


@dataclass(frozen=True)
class Evaluation:
    progress: tuple[ComponentProgress, ...]
    ec_total: int
    compulsory_passed: int
    internships: dict[str, InternshipEvaluation]
    literature_mark: MarkResult | None
    literature_complete: bool
    academic_core: AcademicCoreStatus | None
    readiness: Readiness
    warnings: tuple[str, ...]
    flags: tuple[Flag, ...] = ()  # what the warnings, `check` and the attention list share
    literature_missing: tuple[str, ...] = ()  # why the Literature Study is not complete yet
    literature_warnings: tuple[str, ...] = ()


def _portfolio_complete(items: tuple[ItemSnapshot, ...]) -> bool:
    """Only a complete portfolio leads to registration of the grade and credits."""
    return bool(items) and all(item.received is not None for item in items)


def internship_schedule(
    programme: Programme,
    kind: str,
    start: date,
    part_time_percent: int,
    interruptions: tuple[Period, ...] | list[Period],
) -> Schedule:
    rules = programme.internships
    assert rules is not None
    return schedule(start, rules.kinds[kind].ec, rules.ec_per_full_time_week, part_time_percent, list(interruptions))


def internship_due_dates(programme: Programme, plan: Schedule) -> dict[str, date]:
    assert programme.internships is not None
    return portfolio_due_dates(programme.internships.portfolio, plan)


def literature_schedule(programme: Programme, start: date) -> Schedule:
    rules = programme.literature_study
    assert rules is not None
    return schedule(start, rules.weeks * 1.0, 1.0)  # weeks x 1 "EC per week" = plain weeks


def literature_due_dates(programme: Programme, start: date) -> dict[str, date]:
    assert programme.literature_study is not None
    return portfolio_due_dates(programme.literature_study.portfolio, literature_schedule(programme, start))


def internship_stage(ev: InternshipEvaluation | None, as_of: date) -> str:
    """Where an internship is on `as_of`, as the cohort workbook's overview says it."""
    if ev is None:
        return "not planned"
    if ev.schedule is None or as_of < ev.schedule.start:
        return f"planned, approval {ev.approval_status}"
    if as_of <= ev.schedule.planned_end:
        return "running"
    return "complete" if ev.complete and ev.approval_valid else "ended, not complete"


def literature_stage(planned: bool, start: date | None, complete: bool, as_of: date) -> str:
    """Where the Literature Study is on `as_of`, as the cohort workbook's overview says it."""
    if not planned:
        return "not planned"
    if complete:
        return "complete"
    return "planned" if start is None or as_of < start else "started"


def academic_core_items(programme: Programme, cohort_year: int) -> list[tuple[str, str, date]]:
    """(kind, name, due date) of the Academic Core items every new student of the programme owes."""
    if programme.academic_core is None:
        return []
    due = academic_core_due_dates(programme, cohort_year, None)
    return [(kind, name, due[kind]) for kind, name in ACADEMIC_CORE_ITEMS]


def academic_core_due_dates(
    programme: Programme, cohort_year: int, graduation: tuple[int, int] | None, scheduled_deadline: date | None = None
) -> dict[str, date]:
    """First-year work by 1 September after year 1; the CV and final meeting by the graduation
    deadline when a month is planned, else by the nominal end of the programme."""
    rules = programme.academic_core
    assert rules is not None
    final = (
        submission_deadline(graduation[0], graduation[1], programme.graduation, scheduled_deadline)
        if graduation
        else programme_end(cohort_year, programme)
    )
    return {
        "first_year_assignments": first_year_assignments_due(cohort_year, rules),
        "cv_assignment": final,
        "final_portfolio": final,
    }


def _evaluate_internship(
    programme: Programme, snap: InternshipSnapshot, passed_compulsory: int
) -> InternshipEvaluation:
    rules = programme.internships
    assert rules is not None
    kind = rules.kinds[snap.kind]
    plan = (
        internship_schedule(programme, snap.kind, snap.start, snap.part_time_percent, snap.interruptions)
        if snap.start
        else None
    )
    mark = internship_mark(
        rules.mark, programme.pass_mark, snap.practical, snap.supervisor_report, snap.assessor_report, snap.presentation
    )
    facts = InternshipFacts(
        snap.kind, snap.country, snap.travel_code, snap.is_umc, snap.approval_status, snap.assessor_rank, snap.start
    )
    warnings = approval_warnings(
        facts, kind, rules.invalid_travel_codes, rules.consult_travel_codes, rules.assessor_min_rank, passed_compulsory
    )
    return InternshipEvaluation(
        snap.kind,
        kind.name,
        plan,
        mark,
        _portfolio_complete(snap.portfolio),
        approval_valid(facts, rules.invalid_travel_codes),
        tuple(warnings),
        assessor_rank_recorded=bool(snap.assessor_rank),
        approval_status=snap.approval_status,
    )


def internship_flags(programme: Programme, snap: InternshipSnapshot) -> list[Flag]:
    rules = programme.internships
    assert rules is not None
    kind = rules.kinds[snap.kind]
    flag = assessor_rank_flag(
        kind.name,
        "internships",
        snap.approval_status,
        snap.assessor_rank,
        rules.assessor_min_rank,
        snap.start,
        part=snap.kind,
    )
    return [flag] if flag else []


def literature_flags(programme: Programme, lit: LiteratureSnapshot) -> list[Flag]:
    rules = programme.literature_study
    assert rules is not None
    name = programme.component(rules.component).name
    flags = [
        assessor_rank_flag(
            name, "literature", lit.approval_status, lit.assessor_rank, rules.assessor_min_rank, lit.start
        ),
        same_person_flag(name, "literature", lit.supervisor, lit.assessor, lit.start),
    ]
    return [f for f in flags if f is not None]


def literature_missing(lit: LiteratureSnapshot, mark: MarkResult) -> list[str]:
    """What stands between the Literature Study and its 9 EC, in the coordinator's words."""
    missing = []
    if lit.approval_status != "approved":
        missing.append(f"Examination Board approval ({lit.approval_status})")
    missing += [f"{item.name} not received" for item in lit.portfolio if item.received is None]
    if not lit.portfolio:
        missing.append("the portfolio (set a start date)")
    if mark.final is None:
        missing.append("marks: " + ", ".join(MARK_NAMES.get(m, m.replace("_", " ")) for m in mark.missing))
    elif not mark.passed():
        missing.append(f"a pass: the mark is {format_mark(mark.final)}, below {format_mark(mark.pass_mark)}")
    return missing


def evaluate(programme: Programme, snap: StudentSnapshot, as_of: date) -> Evaluation:
    """Everything the rules say about one student on `as_of`."""
    passed = compulsory_passed(programme, snap.results)
    internships = {k: _evaluate_internship(programme, s, passed) for k, s in snap.internships.items()}
    completed: dict[str, bool] = {}
    warnings: list[str] = []
    flags: list[Flag] = []
    if programme.internships:
        for key, kind in programme.internships.kinds.items():
            ev = internships.get(key)
            completed[kind.component] = ev is not None and ev.complete and ev.approval_valid
            if ev:
                own = internship_flags(programme, snap.internships[key])
                flags += own
                ev = internships[key] = replace(ev, warnings=ev.warnings + tuple(f.sentence for f in own))
                warnings.extend(ev.warnings)
                if ev.schedule and ev.schedule.start <= as_of and not ev.approval_valid:
                    warnings.append(f"The {ev.name.lower()} has started without a valid approval.")
        facts = [
            InternshipFacts(s.kind, s.country, s.travel_code, s.is_umc, s.approval_status, s.assessor_rank, s.start)
            for s in snap.internships.values()
        ]
        if programme.internships.umc_required_in_at_least_one and umc_rule_violated(facts):
            warnings.append("Neither internship is at a university medical center; at least one must be.")
    lit_mark = None
    lit_complete = False
    lit_missing: list[str] = []
    lit_warnings: list[str] = []
    if programme.literature_study and snap.literature:
        lit = snap.literature
        lit_mark = literature_mark(
            programme.literature_study.mark,
            programme.pass_mark,
            lit.outline,
            lit.supervisor_report,
            lit.assessor_report,
            lit.presentation,
        )
        lit_missing = literature_missing(lit, lit_mark)
        lit_complete = not lit_missing
        completed[programme.literature_study.component] = lit_complete
        min_rank = programme.literature_study.assessor_min_rank
        if lit.assessor_rank and not rank_at_least(lit.assessor_rank, min_rank):
            lit_warnings.append(
                f"The Literature Study assessor is {RANKS[lit.assessor_rank]}; at least {RANKS[min_rank]} is required."
            )
        own = literature_flags(programme, lit)
        flags += own
        lit_warnings += [f.sentence for f in own]
        warnings += lit_warnings
    core = None
    if programme.academic_core:
        received = {i.kind: i.received for i in snap.academic_core_items}
        core = academic_core_status(
            list(snap.mentor_meetings),
            as_of,
            programme.academic_core,
            received.get("first_year_assignments") is not None,
            received.get("final_portfolio") is not None,
        )
        completed[programme.academic_core.component] = core.complete
    progress = component_progress(
        programme, StudentProgressFacts(snap.results, snap.specialization, snap.optional_courses, completed)
    )
    if programme.specializations and snap.specialization is None and snap.status == "active":
        warnings.append("No specialization chosen yet.")
    extra: list[str] = []
    if programme.imim:
        own = imim_flags(
            programme.imim,
            snap.cohort_year,
            snap.year1_university,
            snap.year2_university,
            snap.english_test,
            snap.english_overall,
            snap.english_lowest_section,
            snap.participation_fee_paid,
        )
        flags += own
        extra = [f.what for f in own]  # each blocks the graduation too
        warnings.extend(f.sentence for f in own)
    later = missing_result_flags(snap.open_registrations, as_of)
    nominal = past_nominal_end_flag(snap.cohort_year, programme, snap.status, snap.graduation, as_of)
    later += [nominal] if nominal else []
    mark_dates = [
        d
        for d in (
            snap.last_grade_registered,
            *(s.marks_registered_on for s in snap.internships.values()),
            snap.literature.marks_registered_on if snap.literature else None,
        )
        if d is not None
    ]
    incomplete = tuple(p.name for p in progress if not p.complete)
    ready = readiness(
        GraduationFacts(
            total_ec(progress),
            programme.total_ec,
            incomplete,
            snap.graduation,
            max(mark_dates) if mark_dates else None,
            snap.tuition_paid,
            snap.enrolled,
            tuple(extra),
        ),
        programme.graduation,
    )
    passed_month = graduation_month_passed_flag(snap.graduation, ready, snap.status, as_of)
    later += [passed_month] if passed_month else []
    flags += later
    warnings += [f.sentence for f in later]
    return Evaluation(
        tuple(progress),
        total_ec(progress),
        passed,
        internships,
        lit_mark,
        lit_complete,
        core,
        ready,
        tuple(warnings),
        tuple(flags),
        tuple(lit_missing),
        tuple(lit_warnings),
    )


def verdict_holds(programme: Programme, snap: StudentSnapshot, as_of: date) -> tuple[date | None, date | None]:
    """The days [from, until) (None: no bound) on which `evaluate(programme, snap, day).readiness` and
    `.ec_total` are what they are on `as_of`. The day enters the verdict in one place only: a mentor
    meeting counts once it has happened, so the Academic Core (and with it the EC and readiness) can
    change on the day the last meeting needed takes place."""
    rules = programme.academic_core
    if rules is None or rules.min_mentor_meetings <= 0 or len(snap.mentor_meetings) < rules.min_mentor_meetings:
        return None, None
    enough_from = sorted(snap.mentor_meetings)[rules.min_mentor_meetings - 1]
    return (enough_from, None) if as_of >= enough_from else (None, enough_from)


def portfolio_rules_for(programme: Programme, component: str) -> tuple[PortfolioRule, ...]:
    if programme.internships and component in {k.component for k in programme.internships.kinds.values()}:
        return programme.internships.portfolio
    if programme.literature_study and component == programme.literature_study.component:
        return programme.literature_study.portfolio
    return ()
