"""Allocating a cohort's specialization places by preference, and the waiting lists.

First choices first: in round 1 every student asks for their first choice; where more ask than
there are places, the tie-break order (the programme's rule: a lottery, or the results of the
compulsory courses and then a lottery) decides who gets in. Those left out ask for their second
choice in round 2 among the places still free, and so on. Nobody is ever given more places than a
specialization has free. A student left out of a specialization they ranked above the one they got
(or who got none) waits for it: its waiting list is ordered by how high they ranked it, then by
the same tie-break order, and moves up when a place frees.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import format_mark

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n: int) -> str:
    return ORDINALS.get(n, f"{n}th")


@dataclass(frozen=True)
class Applicant:
    student_id: int
    name: str
    preferences: tuple[str, ...]  # specialization keys, most wanted first
    score: float | None = None  # the tie-break measure where the rule has one (mean compulsory result)


@dataclass(frozen=True)
class Allocation:
    placed: dict[int, str]  # student id -> specialization key
    waiting: dict[str, tuple[int, ...]]  # specialization key -> student ids, first to move up first
    explanations: dict[int, str]  # student id -> why they got what they got
    order: tuple[int, ...]  # the tie-break order, first first
    seed: int


def validate_preferences(preferences: Sequence[str], known: Sequence[str]) -> tuple[str, ...]:
    """A student's ranking: each specialization at most once, only the programme's."""
    cleaned = tuple(p for p in preferences if p)
    unknown = [p for p in cleaned if p not in known]
    if unknown:
        raise DomainError(f"'{unknown[0]}' is not a specialization of this programme.", "preferences")
    if len(set(cleaned)) != len(cleaned):
        raise DomainError("Rank each specialization once.", "preferences")
    return cleaned


def tie_break_order(applicants: Sequence[Applicant], rule: str, seed: int) -> list[Applicant]:
    """Everyone in the order the programme's rule puts them (first = first served)."""
    rng = random.Random(seed)
    lottery = {a.student_id: rng.random() for a in sorted(applicants, key=lambda a: a.student_id)}
    if rule == "compulsory_results":
        return sorted(
            applicants,
            key=lambda a: (a.score is None, -(a.score or 0.0), lottery[a.student_id]),
        )
    return sorted(applicants, key=lambda a: lottery[a.student_id])


def allocate(
    applicants: Sequence[Applicant],
    free: Mapping[str, int],
    names: Mapping[str, str],
    rule: str,
    seed: int,
) -> Allocation:
    """Fill `free` places per specialization (already-placed students are not applicants)."""
    ordered = tie_break_order(applicants, rule, seed)
    position = {a.student_id: i for i, a in enumerate(ordered)}
    left = {key: max(0, int(n)) for key, n in free.items()}
    placed: dict[int, str] = {}
    got_in_round: dict[int, int] = {}
    lost: dict[int, list[tuple[int, str, int]]] = {}  # student -> (round, spec, asked)
    rounds = max((len(a.preferences) for a in applicants), default=0)
    for round_no in range(1, rounds + 1):
        asking: dict[str, list[Applicant]] = {}
        for a in ordered:
            if a.student_id not in placed and len(a.preferences) >= round_no:
                asking.setdefault(a.preferences[round_no - 1], []).append(a)
        for key, group in asking.items():
            places = left.get(key, 0)
            for a in group[:places]:
                placed[a.student_id] = key
                got_in_round[a.student_id] = round_no
            for a in group[places:]:
                lost.setdefault(a.student_id, []).append((round_no, key, len(group)))
            left[key] = max(0, places - len(group))
    waiting: dict[str, list[tuple[int, int, int]]] = {}
    for a in ordered:
        limit = got_in_round.get(a.student_id, len(a.preferences) + 1)
        for choice, key in enumerate(a.preferences[: limit - 1], start=1):
            waiting.setdefault(key, []).append((choice, position[a.student_id], a.student_id))
    lists = {key: tuple(sid for _c, _p, sid in sorted(rows)) for key, rows in waiting.items()}
    explanations = {
        a.student_id: _explain(a, placed.get(a.student_id), got_in_round, lost, position, lists, names, rule, free)
        for a in ordered
    }
    return Allocation(placed, lists, explanations, tuple(a.student_id for a in ordered), seed)


def _explain(
    a: Applicant,
    got: str | None,
    got_in_round: Mapping[int, int],
    lost: Mapping[int, list[tuple[int, str, int]]],
    position: Mapping[int, int],
    lists: Mapping[str, tuple[int, ...]],
    names: Mapping[str, str],
    rule: str,
    free: Mapping[str, int],
) -> str:
    if not a.preferences:
        return "No preferences given, so not allocated; rank the specializations and allocate again."
    basis = f"number {position[a.student_id] + 1} in the tie-break order"
    if rule == "compulsory_results":
        basis += (
            f" (mean compulsory result {format_mark(a.score)})"
            if a.score is not None
            else " (no compulsory results yet: after everyone with results)"
        )
    parts = []
    for round_no, key, asked in lost.get(a.student_id, []):
        places = free.get(key, 0)
        parts.append(
            f"{ordinal(round_no)} choice {names.get(key, key)}: {asked} asked for its {places} free "
            f"place{'s' if places != 1 else ''} in round {round_no} and you were not among the first"
        )
    waits = [
        f"{names.get(key, key)} (number {ids.index(a.student_id) + 1})"
        for key, ids in lists.items()
        if a.student_id in ids
    ]
    if got is not None:
        head = f"{ordinal(got_in_round[a.student_id])} choice {names.get(got, got)}: placed in round {got_in_round[a.student_id]}"
    else:
        head = "No place: every specialization you ranked was full"
    text = head + (" (" + "; ".join(parts) + ")" if parts else "") + f"; {basis}."
    if waits:
        text += " Waiting for " + ", ".join(waits) + "."
    return text
