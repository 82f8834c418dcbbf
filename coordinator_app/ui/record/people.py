"""The people and host fields of the record tabs, with type-ahead over the registers: picking an
entry commits `<field>_id` (the entry chosen by id); a name typed and left commits the text, which
the service looks up or adds to the register."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.record.base import RecordContext
from coordinator_app.ui.register_picker import RegisterPicker, cache_of


def add_pickers(ctx: RecordContext, form: FieldForm, fields: dict[str, str]) -> list[RegisterPicker]:
    """Type-ahead on each text field of `form` named in `fields` (field -> "people" or "hosts")."""
    cache = cache_of(ctx.session)
    pickers = []
    for field, register in fields.items():
        edit = form.editors[field]
        assert isinstance(edit, QLineEdit)
        picker = RegisterPicker(edit, cache, register)
        picker.chosen.connect(lambda entry_id, field=field: form.committed.emit(f"{field}_id", entry_id))
        pickers.append(picker)
    return pickers
