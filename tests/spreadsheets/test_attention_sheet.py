"""The Attention sheet's items are sorted on disk: the attention list's order, ties included."""

from __future__ import annotations

import random
from datetime import date, timedelta

from coordinator_app.domain.attention import AttentionItem, Urgency, sort_key
from coordinator_app.spreadsheets.attention_sheet import sorted_on_disk


def _items(seed: int, n: int) -> list[AttentionItem]:
    rnd = random.Random(seed)
    names = ["Ærø", "Zoë", "Åsa", "zoe", "Émile", "Øystein", "ß", "Ünal", "a", "Ω", "😀", ""]
    start = date(2025, 11, 24)
    return [
        AttentionItem(
            start + timedelta(days=rnd.randint(-40, 20)),
            rnd.randint(1, 50),
            rnd.choice(["s100", "s20", "S100", "s1ø", "s1o"]),
            rnd.choice(names) + " " + rnd.choice(names),
            rnd.choice(["PM", "IMIM"]),
            rnd.choice([2023, 2024]),
            rnd.choice(["Graduation", "Academic Core", "Minor internship", "Ærø"]),
            rnd.choice(["approval", "approval ", "Approval", "mentor meetings: 1 of 3 held", "é", "e\u0301"]),
            rnd.choice(list(Urgency)),
            rnd.choice(["overview", "internships"]),
            rnd.choice(["", "minor", "major"]),
            f"k:{i}",  # tells apart items whose sort keys are equal
        )
        for i in range(n)
    ]


def test_items_come_back_in_the_attention_lists_order() -> None:
    for seed in range(5):
        items = _items(seed, 400)
        # sorted() is stable: equal keys keep the order they came in, and so must the disk.
        assert list(sorted_on_disk(iter(items))) == sorted(items, key=sort_key)


def test_no_items_no_rows() -> None:
    assert list(sorted_on_disk([])) == []
