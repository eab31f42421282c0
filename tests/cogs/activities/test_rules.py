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
