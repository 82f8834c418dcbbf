"""The HTML the documents are written in: the subset Qt's rich text lays out (tables, bold, colour).

Every text from the database goes through `esc`; markup is made only here and in the document
modules, from `Raw` pieces.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from coordinator_app.domain.grades import format_mark

MUTED = "#5f6368"
BAD = "#b3261e"
GOOD = "#2e7d32"
HEAD_BACKGROUND = "#eef1f5"
RULE = "#c7ccd1"

STYLE = f"""
body {{ font-size: 9.5pt; }}
h1 {{ font-size: 16pt; margin-bottom: 2pt; }}
h2 {{ font-size: 12pt; margin-top: 16pt; margin-bottom: 4pt; }}
h3 {{ font-size: 10.5pt; margin-top: 10pt; margin-bottom: 3pt; }}
p {{ margin-top: 2pt; margin-bottom: 2pt; }}
th {{ background-color: {HEAD_BACKGROUND}; text-align: left; font-weight: bold; }}
td, th {{ border-bottom: 0.5px solid {RULE}; }}
.muted {{ color: {MUTED}; }}
.bad {{ color: {BAD}; }}
.good {{ color: {GOOD}; }}
.number {{ text-align: right; }}
"""


@dataclass(frozen=True)
class Raw:
    """Markup made here, not escaped again."""

    markup: str


Cell = str | int | Raw | None


def esc(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return value.markup
    return html.escape(str(value))


def day(value: date | None) -> str:
    """Dates as Dutch coordinators write them, as the window shows them: 24-11-2025."""
    return "" if value is None else f"{value:%d-%m-%Y}"


def mark(value: float | None) -> str:
    """A mark: the domain's one decimal, rounded half up (7.25 -> 7.3)."""
    return format_mark(value)


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def bold(value: Cell) -> Raw:
    return Raw(f"<b>{esc(value)}</b>")


def coloured(value: Cell, css_class: str) -> Raw:
    return Raw(f'<span class="{css_class}">{esc(value)}</span>')


def heading(level: int, text: str) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def paragraph(*parts: Cell, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{''.join(esc(p) for p in parts)}</p>"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[int] | None = None,
    numeric: Iterable[int] = (),
    whole: Iterable[int] = (),
) -> str:
    """A full-width table; `widths` in percent per column, `numeric` columns aligned right, `whole`
    columns never broken over lines (dates: "31-12-2025", never "31-12-202 / 5"). The header row
    repeats on every page the table runs onto."""
    right, unbroken = set(numeric), set(whole) | set(numeric)
    # Qt's rich text reads a column's width from its cells (it has no <col>): the header row sets them.
    sized = list(widths) if widths else []

    def cells(values: Sequence[Cell], tag: str) -> str:
        out = []
        for i, v in enumerate(values):
            attributes = " align=right" if i in right else ""
            if i in unbroken:
                attributes += f' style="white-space: nowrap; border-bottom: 0.5px solid {RULE}"'
            if tag == "th" and i < len(sized):
                attributes += f' width="{sized[i]}%"'
            out.append(f"<{tag}{attributes}>{esc(v)}</{tag}>")
        return "".join(out)

    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    return (
        f'<table width="100%" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{cells(headers, 'th')}</tr></thead><tbody>{body}</tbody></table>"
    )


def facts(pairs: Iterable[tuple[str, Cell]]) -> str:
    """Label and value, two to a row: the details at the head of a section. Empty values are left out."""
    shown = [(label, value) for label, value in pairs if value not in (None, "")]
    rows = []
    for i in range(0, len(shown), 2):
        pair = shown[i : i + 2]
        cells = "".join(
            f'<td width="17%" class="muted">{esc(label)}</td><td width="33%">{esc(value)}</td>' for label, value in pair
        )
        rows.append(f"<tr>{cells}</tr>")
    return f'<table width="100%" cellspacing="0" cellpadding="2">{"".join(rows)}</table>'


def bullet_list(items: Iterable[Cell], css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    lines = "".join(f"<li{attribute}>{esc(i)}</li>" for i in items)
    return f"<ul>{lines}</ul>" if lines else ""


def document(title: str, body: str) -> str:
    return f"<html><head><title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
