"""Weighted final marks for internships and the Literature Study."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import round_half_up, validate_mark

# How the record names each mark (MarkResult.missing holds the keys).
MARK_NAMES = {
    "practical": "practical work",
    "outline": "research outline",
    "presentation": "oral presentation",
    "supervisor_report": "report (supervisor)",
    "assessor_report": "report (assessor)",
}


def report_mean(supervisor: float | None, assessor: float | None) -> float | None:
    """The written report mark: the mean of the supervisor's and the second assessor's marks."""
    if supervisor is None or assessor is None:
        return None
    return (supervisor + assessor) / 2


@dataclass(frozen=True)
class MarkResult:
    report: float | None  # the mean of both report marks, unrounded
    final: float | None  # rounded half up to one decimal
    missing: tuple[str, ...]  # names of the marks still missing
    pass_mark: float  # the programme's (resources/programmes/*.toml)

    def passed(self) -> bool:
        return self.final is not None and self.final >= self.pass_mark


def weighted_mark(
    weights: dict[str, float],
    pass_mark: float,
    parts: dict[str, float | None],
    supervisor_report: float | None,
    assessor_report: float | None,
) -> MarkResult:
    """final = sum(weight x part) with report = mean(supervisor, assessor), one decimal half up.

    `weights` has a "report" key; `parts` holds every other weighted part.
    """
    for name, value in (*parts.items(), ("supervisor_report", supervisor_report), ("assessor_report", assessor_report)):
        validate_mark(value, name)
    report = report_mean(supervisor_report, assessor_report)
    missing = [name for name, value in parts.items() if value is None]
    if supervisor_report is None:
        missing.append("supervisor_report")
    if assessor_report is None:
        missing.append("assessor_report")
    if missing:
        return MarkResult(report, None, tuple(missing), pass_mark)
    values = {name: value for name, value in (*parts.items(), ("report", report)) if value is not None}
    unknown = set(weights) - set(values)
    if unknown:
        raise DomainError(
            f"No mark for the weighted part{'' if len(unknown) == 1 else 's'} {', '.join(sorted(unknown))}."
        )
    total = sum(weights[name] * values[name] for name in weights)
    # A weighted mean of marks in 1..10 stays in 1..10; clamp away float dust at the edges.
    final = min(10.0, max(1.0, round_half_up(round(total, 9))))
    return MarkResult(report, final, (), pass_mark)


def internship_mark(
    weights: dict[str, float],
    pass_mark: float,
    practical: float | None,
    supervisor_report: float | None,
    assessor_report: float | None,
    presentation: float | None,
) -> MarkResult:
    """0.4 x practical work + 0.4 x written report + 0.2 x oral presentation (weights from data)."""
    return weighted_mark(
        weights, pass_mark, {"practical": practical, "presentation": presentation}, supervisor_report, assessor_report
    )


def literature_mark(
    weights: dict[str, float],
    pass_mark: float,
    outline: float | None,
    supervisor_report: float | None,
    assessor_report: float | None,
    presentation: float | None,
) -> MarkResult:
    """0.1 x research outline + 0.7 x report + 0.2 x oral presentation (weights from data)."""
    return weighted_mark(
        weights, pass_mark, {"outline": outline, "presentation": presentation}, supervisor_report, assessor_report
    )
