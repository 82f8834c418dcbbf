"""registers of hosts and people, specialization preferences and allocation, attached documents;
the supervisors, assessors, mentors and hosts typed as text so far become register entries

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Every internship's host (with its department, country and UMC answer), every daily supervisor,
second supervisor and Amsterdam UMC assessor, every Literature Study supervisor and assessor and
every mentor becomes an entry of the host or people register, and the row points at it. Entries
with the same name and organisation (ignoring case and spacing) are one entry. Nothing is lost:
the text columns stay as they were, except where one person was recorded with different ranks or
e-mail addresses on different rows; then the entry takes the one of the most recent row, every
other value is written in the entry's notes, and each row whose rank changed gets an audit entry
naming the old and the new rank.

Alembic operations and SQLAlchemy Core only: the same script runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The ranks as they stood at this revision, low to high (written out: a migration must not change
# when domain/ranks.py does).
RANK_NAMES = {
    "phd": "PhD candidate",
    "postdoc": "Post-doc",
    "UD": "Assistant professor (UD)",
    "UHD": "Associate professor (UHD)",
    "HL": "Full professor",
}
UMC_ASSESSORS = "Amsterdam UMC"


def _tables() -> None:
    op.create_table(
        "host_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("umc", sa.String(length=10), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("umc IS NULL OR umc IN ('VUmc', 'AMC', 'other')", name=op.f("ck_host_organisation_umc")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_organisation")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.String(length=10), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_table(
        "specialization_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("specialization", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_specialization_preference_student_id_student"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_specialization_preference")),
        sa.UniqueConstraint("student_id", "choice", name="student_choice"),
        sa.UniqueConstraint("student_id", "specialization", name="preference_student_specialization"),
    )
    op.create_index(
        op.f("ix_specialization_preference_student_id"), "specialization_preference", ["student_id"], unique=False
    )
    op.create_table(
        "waiting_list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("specialization", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_waiting_list_entry_cohort_id_cohort")),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_waiting_list_entry_student_id_student"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_list_entry")),
        sa.UniqueConstraint("student_id", "specialization", name="waiting_student_specialization"),
    )
    op.create_index(
        "ix_waiting_cohort_spec", "waiting_list_entry", ["cohort_id", "specialization", "position"], unique=False
    )
    op.create_index(op.f("ix_waiting_list_entry_student_id"), "waiting_list_entry", ["student_id"], unique=False)
    op.create_table(
        "allocation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("os_user", sa.String(length=100), nullable=False),
        sa.Column("rule", sa.String(length=50), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("explanations", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_allocation_run_cohort_id_cohort")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_run")),
    )
    op.create_index(op.f("ix_allocation_run_cohort_id"), "allocation_run", ["cohort_id"], unique=False)
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("attached_at", sa.DateTime(), nullable=False),
        sa.Column("attached_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "target IN ('portfolio_item', 'literature_study', 'mentor_meeting')", name=op.f("ck_attachment_target")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_attachment_student_id_student"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index("ix_attachment_target", "attachment", ["target", "target_id"], unique=False)
    op.create_index(op.f("ix_attachment_sha256"), "attachment", ["sha256"], unique=False)
    op.create_index(op.f("ix_attachment_student_id"), "attachment", ["student_id"], unique=False)
    op.create_table(
        "document_content",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_document_content")),
    )


def _references() -> None:
    with op.batch_alter_table("internship", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("daily_supervisor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("second_supervisor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assessor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_internship_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_internship_daily_supervisor_id"), ["daily_supervisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_internship_second_supervisor_id"), ["second_supervisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_internship_assessor_id"), ["assessor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_internship_host_id_host_organisation"), "host_organisation", ["host_id"], ["id"]
        )
        for column in ("daily_supervisor_id", "second_supervisor_id", "assessor_id"):
            batch_op.create_foreign_key(batch_op.f(f"fk_internship_{column}_person"), "person", [column], ["id"])
    with op.batch_alter_table("literature_study", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supervisor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assessor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_literature_study_supervisor_id"), ["supervisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_literature_study_assessor_id"), ["assessor_id"], unique=False)
        for column in ("supervisor_id", "assessor_id"):
            batch_op.create_foreign_key(batch_op.f(f"fk_literature_study_{column}_person"), "person", [column], ["id"])
    with op.batch_alter_table("mentor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_mentor_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_mentor_person_id_person"), "person", ["person_id"], ["id"])


# -- the data -----------------------------------------------------------------------------------------

host_t = sa.table(
    "host_organisation",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("department", sa.String),
    sa.column("city", sa.String),
    sa.column("country", sa.String),
    sa.column("umc", sa.String),
    sa.column("notes", sa.Text),
)
person_t = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("rank", sa.String),
    sa.column("organisation", sa.String),
    sa.column("email", sa.String),
    sa.column("notes", sa.Text),
)
internship_t = sa.table(
    "internship",
    sa.column("id", sa.Integer),
    sa.column("student_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("host", sa.String),
    sa.column("department", sa.String),
    sa.column("country", sa.String),
    sa.column("is_umc", sa.Boolean),
    sa.column("daily_supervisor", sa.String),
    sa.column("daily_supervisor_rank", sa.String),
    sa.column("second_supervisor", sa.String),
    sa.column("second_supervisor_rank", sa.String),
    sa.column("assessor", sa.String),
    sa.column("assessor_rank", sa.String),
    sa.column("assessor_location", sa.String),
    sa.column("host_id", sa.Integer),
    sa.column("daily_supervisor_id", sa.Integer),
    sa.column("second_supervisor_id", sa.Integer),
    sa.column("assessor_id", sa.Integer),
)
literature_t = sa.table(
    "literature_study",
    sa.column("id", sa.Integer),
    sa.column("student_id", sa.Integer),
    sa.column("supervisor", sa.String),
    sa.column("assessor", sa.String),
    sa.column("assessor_rank", sa.String),
    sa.column("supervisor_id", sa.Integer),
    sa.column("assessor_id", sa.Integer),
)
mentor_t = sa.table(
    "mentor",
    sa.column("id", sa.Integer),
    sa.column("student_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("organisation", sa.String),
    sa.column("email", sa.String),
    sa.column("person_id", sa.Integer),
)
audit_t = sa.table(
    "audit_entry",
    sa.column("at", sa.DateTime),
    sa.column("os_user", sa.String),
    sa.column("action", sa.String),
    sa.column("student_id", sa.Integer),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("old_value", sa.Text),
    sa.column("new_value", sa.Text),
)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _key(name: str, organisation: str) -> tuple[str, str]:
    return _clean(name).casefold(), _clean(organisation).casefold()


class _People:
    """The people found so far, by name and organisation; each row that names one, in order."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], dict[str, object]] = {}

    def add(self, name: str, organisation: str, rank: str | None, email: str, where: str) -> tuple[str, str]:
        key = _key(name, organisation)
        entry = self.entries.setdefault(
            key, {"name": _clean(name), "organisation": _clean(organisation), "ranks": [], "emails": []}
        )
        if rank:
            entry["ranks"].append((rank, where))  # type: ignore[attr-defined]
        if email:
            entry["emails"].append((email.strip(), where))  # type: ignore[attr-defined]
        return key


def _chosen(values: list[tuple[str, str]], label: str) -> tuple[str | None, str]:
    """The value of the most recent row, and a note listing every other value found."""
    if not values:
        return None, ""
    latest = values[-1][0]
    others = sorted({(v, w) for v, w in values if v != latest})
    if not others:
        return latest, ""
    listed = "; ".join(f"{RANK_NAMES.get(v, v) if label == 'rank' else v} ({w})" for v, w in others)
    shown = RANK_NAMES.get(latest, latest) if label == "rank" else latest
    return latest, f"When the register was made, the {label} {shown} was kept; also recorded: {listed}."


def _organisation_of_assessor(location: str | None) -> str:
    return f"{UMC_ASSESSORS} ({location})" if location else UMC_ASSESSORS


def _migrate_data() -> None:
    bind = op.get_bind()
    internships = bind.execute(sa.select(internship_t).order_by(internship_t.c.id)).all()
    studies = bind.execute(sa.select(literature_t).order_by(literature_t.c.id)).all()
    mentors = bind.execute(sa.select(mentor_t).order_by(mentor_t.c.id)).all()

    hosts: dict[tuple[str, str], dict[str, object]] = {}
    people = _People()
    links: list[tuple[str, int, str, tuple[str, str]]] = []  # table, row id, column, person key
    host_links: list[tuple[int, tuple[str, str]]] = []
    for row in internships:
        where = f"{row.kind} internship of student {row.student_id}"
        host = _clean(row.host)
        if host:
            key = _key(host, row.department or "")
            hosts.setdefault(
                key,
                {
                    "name": host,
                    "department": _clean(row.department),
                    "country": _clean(row.country) or "Netherlands",
                    "umc": "other" if row.is_umc else None,
                },
            )
            host_links.append((row.id, key))
        for role, organisation in (
            ("daily_supervisor", host),
            ("second_supervisor", host),
            ("assessor", _organisation_of_assessor(row.assessor_location)),
        ):
            name = _clean(getattr(row, role))
            if name:
                key = people.add(name, organisation, getattr(row, f"{role}_rank"), "", where)
                links.append(("internship", row.id, role, key))
    for row in studies:
        where = f"Literature Study of student {row.student_id}"
        if _clean(row.supervisor):
            links.append(("literature_study", row.id, "supervisor", people.add(row.supervisor, "", None, "", where)))
        if _clean(row.assessor):
            key = people.add(row.assessor, UMC_ASSESSORS, row.assessor_rank, "", where)
            links.append(("literature_study", row.id, "assessor", key))
    for row in mentors:
        if _clean(row.name):
            key = people.add(
                row.name, row.organisation or "", None, row.email or "", f"mentor of student {row.student_id}"
            )
            links.append(("mentor", row.id, "person", key))

    host_ids = {}
    for key, values in hosts.items():
        host_ids[key] = bind.execute(
            sa.insert(host_t).values(city="", notes="", **values).returning(host_t.c.id)  # type: ignore[arg-type]
        ).scalar_one()
    person_ids: dict[tuple[str, str], int] = {}
    ranks: dict[tuple[str, str], str | None] = {}
    for key, entry in people.entries.items():
        rank, rank_note = _chosen(entry["ranks"], "rank")  # type: ignore[arg-type]
        email, email_note = _chosen(entry["emails"], "e-mail address")  # type: ignore[arg-type]
        ranks[key] = rank
        person_ids[key] = bind.execute(
            sa.insert(person_t)
            .values(
                name=entry["name"],
                organisation=entry["organisation"],
                rank=rank,
                email=email or "",
                notes=" ".join(n for n in (rank_note, email_note) if n),
            )
            .returning(person_t.c.id)
        ).scalar_one()

    for row_id, key in host_links:
        bind.execute(sa.update(internship_t).where(internship_t.c.id == row_id).values(host_id=host_ids[key]))
    now = datetime.now(UTC).replace(tzinfo=None)
    by_id = {
        "internship": {r.id: r for r in internships},
        "literature_study": {r.id: r for r in studies},
        "mentor": {r.id: r for r in mentors},
    }
    tables = {"internship": internship_t, "literature_study": literature_t, "mentor": mentor_t}
    for table_name, row_id, role, key in links:
        table = tables[table_name]
        values: dict[str, object] = {f"{role}_id": person_ids[key]}
        row = by_id[table_name][row_id]
        if table_name == "mentor" and people.entries[key]["emails"]:
            values["email"] = _chosen(people.entries[key]["emails"], "e-mail address")[0]  # type: ignore[arg-type]
        rank_column = f"{role}_rank"
        if rank_column in table.c and ranks[key] is not None and getattr(row, rank_column) != ranks[key]:
            old = getattr(row, rank_column)
            values[rank_column] = ranks[key]
            bind.execute(
                sa.insert(audit_t).values(
                    at=now,
                    os_user="upgrade",
                    action="people register made",
                    student_id=row.student_id,
                    entity=table_name,
                    entity_id=row_id,
                    field=rank_column,
                    old_value=old,
                    new_value=ranks[key],
                )
            )
        bind.execute(sa.update(table).where(table.c.id == row_id).values(**values))


def upgrade() -> None:
    _tables()
    _references()
    _migrate_data()


def downgrade() -> None:
    # The text columns always held the names, ranks and e-mail addresses: dropping the register
    # loses nothing the older schema can show.
    with op.batch_alter_table("mentor", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mentor_person_id_person"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_mentor_person_id"))
        batch_op.drop_column("person_id")
    with op.batch_alter_table("literature_study", schema=None) as batch_op:
        for column in ("supervisor_id", "assessor_id"):
            batch_op.drop_constraint(batch_op.f(f"fk_literature_study_{column}_person"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_literature_study_{column}"))
            batch_op.drop_column(column)
    with op.batch_alter_table("internship", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_internship_host_id_host_organisation"), type_="foreignkey")
        for column in ("daily_supervisor_id", "second_supervisor_id", "assessor_id"):
            batch_op.drop_constraint(batch_op.f(f"fk_internship_{column}_person"), type_="foreignkey")
        for column in ("host_id", "daily_supervisor_id", "second_supervisor_id", "assessor_id"):
            batch_op.drop_index(batch_op.f(f"ix_internship_{column}"))
            batch_op.drop_column(column)
    for table in (
        "document_content",
        "attachment",
        "allocation_run",
        "waiting_list_entry",
        "specialization_preference",
        "person",
        "host_organisation",
    ):
        op.drop_table(table)
