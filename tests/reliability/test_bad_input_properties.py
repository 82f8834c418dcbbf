"""Arbitrary text into every parser and form field: a correct value, or a DomainError naming the field.

Never any other exception: that would reach the coordinator as a crash dialog instead of a
message next to the field they typed in. Example counts per parser are in EXAMPLES (and in
docs/reliability.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import parse_grade
from coordinator_app.domain.people import parse_date, validate_email, validate_name, validate_student_number
from coordinator_app.services.internships import (
    INTERNSHIP_FIELDS,
    LITERATURE_FIELDS,
    update_internship,
    update_literature_study,
)
from coordinator_app.services.lookup import parse_cohort
from coordinator_app.services.students import NewStudent, add_student, editable_fields, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

# Hundreds of generated inputs per parser and form field, each through the service that saves it.
pytestmark = pytest.mark.slow

EXAMPLES = {"domain": 500, "field": 40}

# Plain arbitrary text, plus text shaped like what each field expects so the accepting branches
# are exercised too (digits of any script, separators, decimal commas, e-mail-like, dates).
DIGITS = st.characters(categories=["Nd", "No"])
shaped = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("0123456789.,-/ nsNS%"), max_size=12),
    st.text(alphabet=DIGITS, min_size=1, max_size=10),
    st.from_regex(r"\A[0-9]{1,2}[.,][0-9]{1,3}\Z"),
    st.from_regex(r"\A[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}\Z"),
    st.from_regex(r"\A[sS]?[0-9]{4,11}\Z"),
    st.from_regex(r"\A[^@\s]{1,8}@[^@\s]{1,8}\.[a-z]{1,4}\Z"),
    st.sampled_from(
        [
            "yes",
            "no",
            "ja",
            "nee",
            "NS",
            "approved",
            "requested",
            "green",
            "VUmc",
            "AMC",
            "TOEFL",
            "100%",
            "50",
            " 7,5 ",
            "10.0",
            "1e1",
            "nan",
            "inf",
            "-0",
            "²⁰²⁴",
            "٢٠٢٤",
            "2024-2025",
        ]
    ),
)


def _fails_with_field(call: Callable[[], Any], field: str | set[str]) -> Any:
    """Run `call`; a DomainError must name `field`; returns the value or None when rejected."""
    fields = {field} if isinstance(field, str) else field
    try:
        return call()
    except DomainError as exc:
        assert exc.field in fields, f"rejected, but the message names {exc.field!r} instead of {fields}: {exc}"
        assert exc.message and "Traceback" not in exc.message
        return None


@settings(max_examples=EXAMPLES["domain"])
@given(shaped)
def test_parse_grade(text: str) -> None:
    grade = _fails_with_field(lambda: parse_grade(text, "grade"), "grade")
    if grade is None:
        return
    if grade.no_show:
        assert text.strip().upper() == "NS"
        return
    assert grade.value is not None and 1.0 <= grade.value <= 10.0
    assert round(grade.value, 1) == grade.value
    assert abs(float(text.strip().replace(",", ".")) - grade.value) < 1e-9


@settings(max_examples=EXAMPLES["domain"])
@given(shaped)
def test_parse_date(text: str) -> None:
    day = _fails_with_field(lambda: parse_date(text, "start_date"), "start_date")
    if day is None:
        return
    assert isinstance(day, date)
    head = text.strip().split(" ")[0].split("T")[0]
    numbers = [int(n) for n in re.split(r"[-/.]", head)]
    assert {day.day, day.month, day.year} <= set(numbers) | {day.day, day.month}  # year as typed
    assert day.year in numbers


@settings(max_examples=EXAMPLES["domain"])
@given(shaped)
def test_validate_student_number(text: str) -> None:
    number = _fails_with_field(lambda: validate_student_number(text), "student_number")
    if number is not None:
        assert number == text.strip() and re.fullmatch(r"[A-Za-z]?[0-9]{5,10}", number)


@settings(max_examples=EXAMPLES["domain"])
@given(shaped)
def test_validate_email(text: str) -> None:
    email = _fails_with_field(lambda: validate_email(text), "email")
    if email is not None:
        assert email == text.strip()
        assert email == "" or (
            email.count("@") == 1 and "." in email.split("@")[1] and not any(c.isspace() for c in email)
        )


@settings(max_examples=EXAMPLES["domain"])
@given(shaped)
def test_validate_name(text: str) -> None:
    name = _fails_with_field(lambda: validate_name(text, "last_name"), "last_name")
    if name is not None:
        assert name == " ".join(text.split()) and 0 < len(name) <= 100
        assert all(ord(c) >= 32 for c in name)


# str.isdigit() accepts superscript digits that int() refuses: "000⁴" once raised ValueError.
@settings(max_examples=EXAMPLES["domain"])
@example("000⁴")
@given(shaped)
def test_parse_cohort(text: str) -> None:
    year = _fails_with_field(lambda: parse_cohort(text), "cohort")
    if year is not None:
        head = text.strip().split("-")[0].split("/")[0]
        assert 1990 <= year <= 2100 and year == int("".join(str(unicodedata.decimal(c)) for c in head))


# --- form fields, through the services that save them --------------------------------------


@pytest.fixture(scope="module")
def form_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, int, int]]:
    ws = Workspace.open(tmp_path_factory.mktemp("forms") / "forms.sqlite")
    ws.today = date(2025, 11, 24)
    pm = add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
    imim = add_student(ws, NewStudent("IMIM", 2024, "s3100001", "Lars", "Eriksson"))
    yield ws, pm, imim
    ws.close()


def _stored(ws: Workspace, student_id: int, field: str) -> Any:
    from sqlalchemy import select

    with ws.read() as s:
        return s.scalar(select(getattr(m.Student, field)).where(m.Student.id == student_id))


STUDENT_FIELDS = sorted(
    set(
        editable_fields(
            __import__("coordinator_app.domain.programme_file", fromlist=["x"]).load_programmes(
                __import__("coordinator_app.paths", fromlist=["x"]).programmes_dir()
            )["IMIM"]
        )
    )
)


@pytest.mark.parametrize("field", STUDENT_FIELDS)
def test_every_student_form_field(form_workspace: tuple[Workspace, int, int], field: str) -> None:
    ws, _pm, imim = form_workspace

    @settings(max_examples=EXAMPLES["field"], suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(shaped)
    def check(text: str) -> None:
        result = _fails_with_field(lambda: update_student(ws, imim, **{field: text}), field)
        if result is None:
            return
        value = _stored(ws, imim, field)
        if field in ("first_name", "last_name"):
            assert value == " ".join(text.split())
        elif field in ("email", "student_number"):
            assert value == text.strip()
        elif field in ("tuition_paid", "enrolled", "participation_fee_paid"):
            assert value is (text.strip().lower() in ("yes", "ja", "true", "1", "y"))
        elif field in ("english_overall", "english_lowest_section"):
            assert value is None or 0 <= value <= 700
        elif field == "notes":
            assert value == text
        else:
            assert value is None or value == text

    check()


INTERNSHIP_CROSS_FIELD = {"approval_status": {"approval_status", "approval_date"}}


# A part-time percentage out of range once named "part_time" (the domain's word) instead of the
# form field "part_time_percent"; every form field must be named as the form knows it.
@pytest.mark.parametrize("field", sorted(INTERNSHIP_FIELDS))
def test_every_internship_form_field(form_workspace: tuple[Workspace, int, int], field: str) -> None:
    ws, pm, _imim = form_workspace

    @settings(max_examples=EXAMPLES["field"], suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @example("0")
    @given(shaped)
    def check(text: str) -> None:
        allowed = INTERNSHIP_CROSS_FIELD.get(field, {field})
        _fails_with_field(lambda: update_internship(ws, pm, "minor", **{field: text}), allowed)

    check()


@pytest.mark.parametrize("field", sorted(LITERATURE_FIELDS))
def test_every_literature_study_form_field(form_workspace: tuple[Workspace, int, int], field: str) -> None:
    ws, pm, _imim = form_workspace

    @settings(max_examples=EXAMPLES["field"], suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(shaped)
    def check(text: str) -> None:
        allowed = INTERNSHIP_CROSS_FIELD.get(field, {field})
        _fails_with_field(lambda: update_literature_study(ws, pm, **{field: text}), allowed)

    check()
