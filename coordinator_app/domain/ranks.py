"""Academic ranks, low to high; assessors must be at least assistant professor (UD)."""

from __future__ import annotations

RANKS: dict[str, str] = {
    "phd": "PhD candidate",
    "postdoc": "Post-doc",
    "UD": "Assistant professor (UD)",
    "UHD": "Associate professor (UHD)",
    "HL": "Full professor",
}
RANK_KEYS = tuple(RANKS)


def rank_at_least(rank: str | None, minimum: str) -> bool:
    if rank not in RANKS:
        return False
    return RANK_KEYS.index(rank) >= RANK_KEYS.index(minimum)
