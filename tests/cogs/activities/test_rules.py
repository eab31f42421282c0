"""Pure rules: local times in a zone, repeating dates, whether a date happened."""

from datetime import UTC, date, datetime, timedelta

import pytest

from cogs.activities import rules
from gromada.localtime import SkippedTime, to_utc
from models.activities import Repeat, Report


def test_a_skipped_local_time_is_refused_and_a_repeated_one_is_the_first():
    with pytest.raises(SkippedTime):
        to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Warsaw")
    # 02:30 happens twice on 25 October 2026 in Warsaw: the first is still summer time.
    assert to_utc(datetime(2026, 10, 25, 2, 30), "Europe/Warsaw") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_weekly_dates_keep_their_local_time_in_autumn_too():
    found = list(
        rules.starts(
            datetime(2026, 10, 17, 10),
            "Europe/Warsaw",
            Repeat.WEEKLY,
            date(2026, 10, 31),
            after=None,
            through=datetime(2027, 1, 1, tzinfo=UTC),
        )
    )
    assert found == [
        datetime(2026, 10, 17, 8, tzinfo=UTC),
        datetime(2026, 10, 24, 8, tzinfo=UTC),
        datetime(2026, 10, 31, 9, tzinfo=UTC),
    ]


def test_dates_after_one_already_created_and_up_to_the_window():
    first = datetime(2026, 1, 5, 18)
    after = datetime(2026, 1, 5, 18, tzinfo=UTC)
    found = list(
        rules.starts(first, "UTC", Repeat.BIWEEKLY, date(2026, 12, 31), after=after, through=after + timedelta(days=30))
    )
    assert found == [datetime(2026, 1, 19, 18, tzinfo=UTC), datetime(2026, 2, 2, 18, tzinfo=UTC)]


def test_a_monthly_series_on_the_31st_skips_shorter_months():
    found = list(
        rules.starts(
            datetime(2026, 1, 31, 9),
            "UTC",
            Repeat.MONTHLY,
            date(2026, 5, 31),
            after=None,
            through=datetime(2027, 1, 1, tzinfo=UTC),
        )
    )
    assert [moment.month for moment in found] == [1, 3, 5]


@pytest.mark.parametrize(
    ("reports", "expected"),
    [
        ([], True),
        ([None, None], True),
        ([Report.DONE, Report.NOT_HAPPENED], True),
        ([Report.NOT_HAPPENED, None], False),
        ([Report.NOT_HAPPENED, Report.NOT_HAPPENED, Report.DONE], False),
    ],
)
def test_a_date_happened_unless_most_who_answered_say_it_did_not(reports, expected):
    assert rules.happened(reports) is expected


def test_reminders_already_past_are_skipped_but_the_follow_up_always_comes():
    start = datetime(2026, 1, 10, 10, tzinfo=UTC)
    moments = rules.reminder_moments(start, start + timedelta(hours=2), start - timedelta(hours=30))
    assert set(moments) == {"day", "hour", "followup"}
    late = rules.reminder_moments(start, start + timedelta(hours=2), start + timedelta(hours=3))
    assert late == {"followup": start + timedelta(hours=3)}


def starts_in_utc(first: datetime, repeat: Repeat, until: date | None, *, after=None, through: datetime):
    return list(rules.starts(first, "UTC", repeat, until, after=after, through=through))


def test_a_monthly_series_comes_every_month():
    found = starts_in_utc(
        datetime(2026, 1, 15, 9), Repeat.MONTHLY, date(2026, 4, 30), through=datetime(2027, 1, 1, tzinfo=UTC)
    )

    assert [moment.date() for moment in found] == [
        date(2026, 1, 15),
        date(2026, 2, 15),
        date(2026, 3, 15),
        date(2026, 4, 15),
    ]


def test_a_series_without_an_end_runs_up_to_the_window():
    found = starts_in_utc(datetime(2026, 1, 5, 18), Repeat.WEEKLY, None, through=datetime(2026, 1, 20, tzinfo=UTC))

    assert found == [
        datetime(2026, 1, 5, 18, tzinfo=UTC),
        datetime(2026, 1, 12, 18, tzinfo=UTC),
        datetime(2026, 1, 19, 18, tzinfo=UTC),
    ]


def test_a_date_exactly_at_the_window_end_is_in_the_window():
    through = datetime(2026, 1, 12, 18, tzinfo=UTC)

    found = starts_in_utc(datetime(2026, 1, 5, 18), Repeat.WEEKLY, None, through=through)

    assert found == [datetime(2026, 1, 5, 18, tzinfo=UTC), through]


def test_a_single_date_is_given_once_and_not_again_after_it_was_created():
    first = datetime(2026, 1, 5, 18)
    created = datetime(2026, 1, 5, 18, tzinfo=UTC)
    far = datetime(2027, 1, 1, tzinfo=UTC)

    assert starts_in_utc(first, Repeat.NONE, None, through=far) == [created]
    assert starts_in_utc(first, Repeat.NONE, None, after=created - timedelta(minutes=1), through=far) == [created]
    assert starts_in_utc(first, Repeat.NONE, None, after=created, through=far) == []


def test_a_date_skipped_by_the_clock_change_is_left_out_and_the_series_goes_on():
    # Clocks in Warsaw jump from 02:00 to 03:00 on Sunday 29 March 2026: that Sunday has no 02:30.
    found = list(
        rules.starts(
            datetime(2026, 3, 22, 2, 30),
            "Europe/Warsaw",
            Repeat.WEEKLY,
            date(2026, 4, 12),
            after=None,
            through=datetime(2027, 1, 1, tzinfo=UTC),
        )
    )

    assert found == [
        datetime(2026, 3, 22, 1, 30, tzinfo=UTC),
        datetime(2026, 4, 5, 0, 30, tzinfo=UTC),
        datetime(2026, 4, 12, 0, 30, tzinfo=UTC),
    ]


def test_the_window_reaches_28_days_ahead_and_its_next_check_is_never_in_the_past():
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    far_date = now + timedelta(days=40)

    assert rules.window_end(now) == datetime(2026, 1, 29, 12, tzinfo=UTC)
    # The next date enters the window 28 days before it starts.
    assert rules.next_window_check(far_date, now) == now + timedelta(days=12)
    # One already inside the window (a check that came late) is created at once.
    assert rules.next_window_check(now + timedelta(days=3), now) == now


def test_a_reminder_due_this_very_instant_counts_as_past():
    start = datetime(2026, 1, 10, 10, tzinfo=UTC)
    end = start + timedelta(hours=2)

    # Exactly 24 hours before the start: the day reminder is past, as service.awaiting counts it.
    moments = rules.reminder_moments(start, end, start - timedelta(hours=24))

    assert moments == {"hour": start - timedelta(hours=1), "followup": end}


@pytest.mark.parametrize(("minutes", "shown"), [(0, 0.0), (30, 0.5), (90, 1.5), (100, 1.7), (125, 2.1)])
def test_minutes_are_shown_as_hours_to_one_decimal_place(minutes, shown):
    assert rules.hours(minutes) == shown
