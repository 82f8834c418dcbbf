"""The tables. Dates are ISO dates; marks are floats with one decimal; codes are text."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints so Alembic batch migrations can drop and recreate them on SQLite.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table(model: type[Base]) -> Table:
    """A model's table, for Core statements on many rows at once (the bulk import, the export's reads)."""
    return Base.metadata.tables[model.__tablename__]


class Programme(Base):
    __tablename__ = "programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Cohort(Base):
    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("programme_id", "start_year", name="programme_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    start_year: Mapped[int] = mapped_column(Integer)
    programme: Mapped[Programme] = relationship()


class Student(Base):
    __tablename__ = "student"
    __table_args__ = (
        UniqueConstraint("programme_id", "student_number", name="programme_number"),
        CheckConstraint("status IN ('active', 'graduated', 'stopped')", name="status"),
        Index("ix_student_cohort", "cohort_id"),
        # The dashboard's grouping and "where students are" read only this (services/dashboard.py).
        Index("ix_student_dashboard", "status", "programme_id", "cohort_id", "ec_earned", "removed_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    student_number: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    specialization: Mapped[str | None] = mapped_column(String(50))
    tuition_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    enrolled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Cached EC earned (kept by the services on every change): the list must not recompute it.
    ec_earned: Mapped[int] = mapped_column(Integer, default=0)
    # IMIM only
    year1_university: Mapped[str | None] = mapped_column(String(50))
    year2_university: Mapped[str | None] = mapped_column(String(50))
    english_test: Mapped[str | None] = mapped_column(String(20))
    english_overall: Mapped[float | None] = mapped_column(Float)
    english_lowest_section: Mapped[float | None] = mapped_column(Float)
    participation_fee_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set when the coordinator removes the student: every record stays, and sessions made by
    # store.sessions leave the student out of every query until they are restored.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cohort: Mapped[Cohort] = relationship()
    programme: Mapped[Programme] = relationship()


class Course(Base):
    __tablename__ = "course"
    __table_args__ = (UniqueConstraint("programme_id", "code", name="programme_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    ec: Mapped[int] = mapped_column(Integer)
    component: Mapped[str] = mapped_column(String(50))
    specialization: Mapped[str | None] = mapped_column(String(50))
    # False for an optional course from outside the programme's list (needs a credit form).
    in_programme: Mapped[bool] = mapped_column(Boolean, default=True)


class CourseResult(Base):
    """One attempt at a course's exam. A row without grade is a registration (e.g. the resit)."""

    __tablename__ = "course_result"
    __table_args__ = (
        UniqueConstraint("student_id", "course_id", "attempt", name="student_course_attempt"),
        CheckConstraint("grade IS NULL OR (grade >= 1.0 AND grade <= 10.0)", name="grade_range"),
        CheckConstraint("NOT (no_show AND grade IS NOT NULL)", name="grade_or_no_show"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    exam_date: Mapped[date | None] = mapped_column(Date)
    grade: Mapped[float | None] = mapped_column(Float)
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_on: Mapped[date | None] = mapped_column(Date)  # when the grade was registered
    course: Mapped[Course] = relationship()


class OptionalCourseApproval(Base):
    __tablename__ = "optional_course_approval"
    __table_args__ = (
        UniqueConstraint("student_id", "course_id", name="student_course"),
        CheckConstraint("status IN ('requested', 'approved', 'rejected')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    status: Mapped[str] = mapped_column(String(10), default="requested")
    decided_on: Mapped[date | None] = mapped_column(Date)
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    credit_form_received: Mapped[bool] = mapped_column(Boolean, default=False)
    course: Mapped[Course] = relationship()


class Internship(Base):
    __tablename__ = "internship"
    __table_args__ = (
        UniqueConstraint("student_id", "kind", name="student_kind"),
        CheckConstraint("kind IN ('minor', 'major')", name="kind"),
        CheckConstraint("part_time_percent BETWEEN 10 AND 100", name="part_time"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(5))
    # The register entries chosen (services/hosts.py, services/people.py). The text columns below are their names,
    # ranks, UMC and country as the register has them, kept in step by the register's services so
    # that the list, the attention list and the export read one row; while nobody is chosen they
    # hold what was typed alone.
    host_id: Mapped[int | None] = mapped_column(ForeignKey("host_organisation.id"), index=True)
    daily_supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    second_supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(300), default="")
    is_umc: Mapped[bool] = mapped_column(Boolean, default=False)
    country: Mapped[str] = mapped_column(String(100), default="Netherlands")
    travel_code: Mapped[str | None] = mapped_column(String(10))
    international_office_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    approval_status: Mapped[str] = mapped_column(String(20), default="not requested")
    approval_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    part_time_percent: Mapped[int] = mapped_column(Integer, default=100)
    daily_supervisor: Mapped[str] = mapped_column(String(200), default="")
    daily_supervisor_rank: Mapped[str | None] = mapped_column(String(10))
    second_supervisor: Mapped[str] = mapped_column(String(200), default="")
    second_supervisor_rank: Mapped[str | None] = mapped_column(String(10))
    assessor: Mapped[str] = mapped_column(String(200), default="")
    assessor_rank: Mapped[str | None] = mapped_column(String(10))
    assessor_location: Mapped[str | None] = mapped_column(String(10))  # VUmc or AMC
    practical_mark: Mapped[float | None] = mapped_column(Float)
    supervisor_report_mark: Mapped[float | None] = mapped_column(Float)
    assessor_report_mark: Mapped[float | None] = mapped_column(Float)
    presentation_mark: Mapped[float | None] = mapped_column(Float)
    marks_registered_on: Mapped[date | None] = mapped_column(Date)
    interruptions: Mapped[list[Interruption]] = relationship(
        cascade="all, delete-orphan", order_by="Interruption.start_date"
    )


class Interruption(Base):
    __tablename__ = "interruption"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    internship_id: Mapped[int] = mapped_column(ForeignKey("internship.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class LiteratureStudy(Base):
    __tablename__ = "literature_study"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), unique=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    supervisor: Mapped[str] = mapped_column(String(200), default="")
    assessor: Mapped[str] = mapped_column(String(200), default="")
    assessor_rank: Mapped[str | None] = mapped_column(String(10))
    approval_status: Mapped[str] = mapped_column(String(20), default="not requested")
    approval_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    outline_mark: Mapped[float | None] = mapped_column(Float)
    supervisor_report_mark: Mapped[float | None] = mapped_column(Float)
    assessor_report_mark: Mapped[float | None] = mapped_column(Float)
    presentation_mark: Mapped[float | None] = mapped_column(Float)
    marks_registered_on: Mapped[date | None] = mapped_column(Date)


class PortfolioItem(Base):
    """Something the coordinator chases: internship portfolio, survey outline, Academic Core work.

    `component` is the programme component key (minor_internship, literature_study, ...).
    """

    __tablename__ = "portfolio_item"
    __table_args__ = (
        UniqueConstraint("student_id", "component", "kind", name="student_component_kind"),
        # The "what is overdue" query: open items by student and due date (performance.md s.4).
        # Partial on a server too: the migrations that make these indexes (0001, 0007) say
        # `postgresql_where`; said here it made SQLAlchemy import the whole PostgreSQL dialect (asyncpg,
        # asyncio: ~50 ms) at every start on a file (tests/store/test_partial_indexes.py).
        Index(
            "ix_portfolio_open_due",
            "student_id",
            "due_date",
            sqlite_where=text("received_date IS NULL"),
        ),
        Index(
            "ix_portfolio_open_by_due",
            "due_date",
            sqlite_where=text("received_date IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    component: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    received_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Mentor(Base):
    __tablename__ = "mentor"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")


class MentorMeeting(Base):
    __tablename__ = "mentor_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class GraduationPlan(Base):
    __tablename__ = "graduation_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), unique=True)
    planned_year: Mapped[int] = mapped_column(Integer)
    planned_month: Mapped[int] = mapped_column(Integer)
    ceremony_year: Mapped[int | None] = mapped_column(Integer)
    ceremony_month: Mapped[int | None] = mapped_column(Integer)
    attends_ceremony: Mapped[bool | None] = mapped_column(Boolean)
    graduated_on: Mapped[date | None] = mapped_column(Date)


class Readiness(Base):
    """A student's graduation verdict as the rules last worked it out (services/verdicts.py keeps it in
    step with every change): the attention list reads it instead of evaluating thousands of records."""

    __tablename__ = "readiness"
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), primary_key=True)
    blockers: Mapped[str] = mapped_column(Text)  # one per line; "" when ready
    # The days the verdict holds on, [holds_from, holds_until): a planned mentor meeting counts from its day.
    holds_from: Mapped[date | None] = mapped_column(Date)
    holds_until: Mapped[date | None] = mapped_column(Date)
    rules: Mapped[str] = mapped_column(String(16))  # which programme rules it was worked out with


class GraduationDeadline(Base):
    """The programme's own submission deadline per graduation month (the coordinator's schedule)."""

    __tablename__ = "graduation_deadline"
    __table_args__ = (UniqueConstraint("programme_id", "year", "month", name="programme_month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[date] = mapped_column(Date)


class RestoreGeneration(Base):
    """A server database's restore generation (one row; an SQLite file keeps it in PRAGMA user_version)."""

    __tablename__ = "restore_generation"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, server_default="0")


class HostOrganisation(Base):
    """Where internships are done: one entry per organisation and department (the host register)."""

    __tablename__ = "host_organisation"
    __table_args__ = (CheckConstraint("umc IS NULL OR umc IN ('VUmc', 'AMC', 'other')", name="umc"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="Netherlands")
    umc: Mapped[str | None] = mapped_column(String(10))  # None: not a university medical center
    notes: Mapped[str] = mapped_column(Text, default="")


class Person(Base):
    """A supervisor, assessor or mentor (the people register): chosen by id in every role."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[str | None] = mapped_column(String(10))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class SpecializationPreference(Base):
    """A PM student's ranking of the specializations (choice 1 is the one wanted most)."""

    __tablename__ = "specialization_preference"
    __table_args__ = (
        UniqueConstraint("student_id", "choice", name="student_choice"),
        UniqueConstraint("student_id", "specialization", name="preference_student_specialization"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int] = mapped_column(Integer)
    specialization: Mapped[str] = mapped_column(String(50))


class WaitingListEntry(Base):
    """A student waiting for a place in a specialization they prefer to the one they have; lower
    `position` moves up first."""

    __tablename__ = "waiting_list_entry"
    __table_args__ = (
        UniqueConstraint("student_id", "specialization", name="waiting_student_specialization"),
        Index("ix_waiting_cohort_spec", "cohort_id", "specialization", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    specialization: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")


class AllocationRun(Base):
    """One "Allocate" of a cohort's specializations: the rule, its seed, why each student got what
    they got, and what was there before (so it can be taken back in one step)."""

    __tablename__ = "allocation_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(50))
    seed: Mapped[int] = mapped_column(Integer)
    explanations: Mapped[str] = mapped_column(Text)  # JSON: student id -> sentence
    before: Mapped[str] = mapped_column(Text)  # JSON: specializations and waiting lists before
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class Attachment(Base):
    """A document attached to a portfolio item, a Literature Study or a mentor meeting. The file
    itself is content-addressed by its SHA-256 (services/attachments.py says where it is kept)."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint("target IN ('portfolio_item', 'literature_study', 'mentor_meeting')", name="target"),
        Index("ix_attachment_target", "target", "target_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    attached_at: Mapped[datetime] = mapped_column(DateTime)
    attached_by: Mapped[str] = mapped_column(String(100))


class DocumentContent(Base):
    """The bytes of attached documents in a server database (PostgreSQL), where there is no folder
    next to the database; an SQLite database keeps them in its documents folder instead."""

    __tablename__ = "document_content"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEntry(Base):
    """Who changed what, when. No foreign key to student: the trail outlives a removal."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_student", "student_id", "at"),
        # The last reminder about each item (services/reminders.py `last_reminders`): reminder rows only.
        Index(
            "ix_audit_reminder",
            "student_id",
            "field",
            "at",
            sqlite_where=text("action = 'reminder'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    os_user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    student_id: Mapped[int | None] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
