"""The coordinator's words for stored field names, kept once: the record's forms name an edit with
them (Edit > Undo "change tuition paid to yes") and the record's History names a change with them.

A name without an entry is already plain words once its underscores are spaces ("first name")."""

from __future__ import annotations

STUDENT = {
    "student_number": "student number",
    "first_name": "first name",
    "last_name": "last name",
    "email": "e-mail",
    "status": "status",
    "specialization": "specialization",
    "tuition_paid": "tuition paid",
    "enrolled": "enrolled",
    "notes": "notes",
    "ec_earned": "EC earned",
    # IMIM's admission fields
    "year1_university": "university of year 1",
    "year2_university": "university of year 2",
    "english_test": "English test",
    "english_overall": "English overall score",
    "english_lowest_section": "English lowest section",
    "participation_fee_paid": "participation fee",
}

INTERNSHIP = {
    "is_umc": "UMC",
    "travel_code": "travel code",
    "approval_status": "approval",
    "international_office_notified": "International Office notified",
    "part_time_percent": "part-time",
}

LITERATURE_STUDY = {
    "assessor_rank": "assessor rank",
    "approval_status": "approval",
    "approval_date": "approval date",
    "outline_mark": "research outline mark",
    "supervisor_report_mark": "report mark (supervisor)",
    "assessor_report_mark": "report mark (UMC assessor)",
    "presentation_mark": "presentation mark",
}

# By the entity an audit entry names (the same field may be worded differently per record part).
_BY_ENTITY = {"student": STUDENT, "internship": INTERNSHIP, "literature_study": LITERATURE_STUDY}


def field_label(entity: str, name: str) -> str:
    """A field of `entity` ("student", "internship", "literature_study") in the coordinator's words."""
    return _BY_ENTITY.get(entity, {}).get(name) or name.replace("_", " ")


def changed_label(entity: str, what: str) -> str:
    """What an audit entry changed, as the History shows it: the field in the coordinator's words
    after whatever names the part ("major approval_status" -> "major approval")."""
    part, _, name = what.rpartition(" ")
    label = field_label(entity, name)
    return f"{part.replace('_', ' ')} {label}" if part else label
