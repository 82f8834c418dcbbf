"""Seeing each other's work (issue 13, item 4): a window's change feed hears of a colleague's save within
2 seconds (LISTEN/NOTIFY on the server, PRAGMA data_version on a file), says which students and who,
and leaves out what its own workspace wrote."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from coordinator_app.services.change_feed import ChangeFeed, ColleagueChanges, feed_start
from coordinator_app.services.courses import record_grade
from coordinator_app.services.deadlines import set_deadline
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm

WITHIN_S = 2.0


@pytest.fixture
def pair(make_workspace: Callable[..., Workspace], programmes: dict[str, Any]) -> Iterator[tuple[Workspace, Workspace]]:
    mine = make_workspace()
    mine.user = "ben"
    colleague = Workspace.open(mine.location, programmes, daily_backup=False)
    colleague.today, colleague.user = mine.today, "anna"
    yield mine, colleague
    colleague.close()


def _next(feed: ChangeFeed, within: float = WITHIN_S) -> tuple[ColleagueChanges | None, float]:
    """The feed's next answer and how long it took to come (waiting at most `within` seconds)."""
    start = time.monotonic()
    deadline = start + within
    while (left := deadline - time.monotonic()) > 0:
        changes = feed.wait(left)
        if changes is not None:
            return changes, time.monotonic() - start
    return None, within


def test_a_colleagues_save_is_heard_within_two_seconds_naming_the_student_and_who(pair: Any) -> None:
    mine, colleague = pair
    first, second = add_pm(mine, "2712345"), add_pm(mine, "2712346")
    feed = ChangeFeed(mine)
    try:
        assert _next(feed, 0.3)[0] is None  # nothing happened yet
        record_grade(colleague, first, "PM-PERS", "7,5")
        update_student(colleague, second, notes="Called")
        changes, took = _next(feed)
        assert changes is not None and took < WITHIN_S
        assert changes.students == {first, second} and changes.users == ("anna",)
        assert "anna saved changes to 2 students" in changes.said()
        assert _next(feed, 0.3)[0] is None  # said once
    finally:
        feed.close()


def test_a_save_between_opening_and_the_feed_starting_is_heard(pair: Any) -> None:
    """The window reads where its feed starts when the database opens; its feed starts later, on its
    own thread. A colleague's save in between is reported, not taken as already seen (seen in CI as
    a restore test's missed backup under load)."""
    mine, colleague = pair
    sid = add_pm(mine)
    since = feed_start(mine)  # the database opens
    update_student(colleague, sid, notes="hers, before the feed runs")
    feed = ChangeFeed(mine, since)  # the feed's thread gets going
    try:
        changes, _ = _next(feed)
        assert changes is not None and changes.students == {sid} and changes.users == ("anna",)
    finally:
        feed.close()


def test_ones_own_saves_are_left_out(pair: Any) -> None:
    mine, colleague = pair
    sid = add_pm(mine)
    feed = ChangeFeed(mine)
    try:
        update_student(mine, sid, notes="mine")
        assert _next(feed, 0.6)[0] is None
        update_student(mine, sid, notes="mine again")
        update_student(colleague, sid, notes="hers")
        changes, _ = _next(feed)
        assert changes is not None and changes.students == {sid} and changes.users == ("anna",)
        assert changes.entries == 1
    finally:
        feed.close()


def test_a_change_to_every_student_asks_to_read_everything(pair: Any) -> None:
    mine, colleague = pair
    add_pm(mine)
    feed = ChangeFeed(mine)
    try:
        set_deadline(colleague, "PM", 2026, 1, date(2026, 1, 9))  # due dates of everyone planned then
        changes, _ = _next(feed)
        assert changes is not None and changes.students is None and "everything shown" in changes.said()
    finally:
        feed.close()
