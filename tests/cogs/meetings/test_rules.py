"""Pure rules: the agenda typed as one line, the reminders still ahead."""

from datetime import UTC, datetime, timedelta

import pytest

from cogs.meetings.rules import MAX_ITEM, free_items, reminder_moments

START = datetime(2026, 3, 10, 18, tzinfo=UTC)


def test_agenda_items_are_split_at_semicolons_and_tidied():
    typed = "  Budget 2026 ;Garden\n  rota;; ;\u200b; Any   other business  "

    assert free_items(typed) == ["Budget 2026", "Garden rota", "Any other business"]


@pytest.mark.parametrize("typed", [None, "", " ; ;; "])
def test_an_agenda_with_nothing_written_has_no_items(typed):
    assert free_items(typed) == []


def test_an_item_is_kept_whole_up_to_200_characters_and_cut_there():
    exact = "a" * MAX_ITEM
    longer = "b" * (MAX_ITEM + 1)

    assert MAX_ITEM == 200
    assert free_items(f"{exact};{longer}") == [exact, "b" * 200]


def test_both_reminders_are_ahead_of_a_meeting_planned_days_before():
    assert reminder_moments(START, START - timedelta(days=3)) == {
        "day": START - timedelta(hours=24),
        "hour": START - timedelta(hours=1),
    }


def test_a_reminder_already_past_is_skipped():
    # Planned 5 hours ahead: only the hour reminder is still to come.
    assert reminder_moments(START, START - timedelta(hours=5)) == {"hour": START - timedelta(hours=1)}
    assert reminder_moments(START, START - timedelta(minutes=30)) == {}


def test_a_reminder_due_this_very_instant_counts_as_past():
    assert reminder_moments(START, START - timedelta(hours=24)) == {"hour": START - timedelta(hours=1)}
    assert reminder_moments(START, START - timedelta(hours=24, seconds=1)) == {
        "day": START - timedelta(hours=24),
        "hour": START - timedelta(hours=1),
    }
