"""The activities service against the database, where no click reaches the case."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cogs.activities import service
from gromada.errors import InvalidInput
from models.activities import ActivityOccurrence, ActivitySeries, Repeat

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
GUILD = 1


async def make_series(title: str, repeat: Repeat = Repeat.WEEKLY, until: str | None = "2026-03-28"):
    fields = service.ActivityFields(
        title=title,
        start_local="2026-01-03 10:00",
        duration=timedelta(hours=2),
        seats=2,
        timezone="UTC",
        repeat=repeat,
        until=until if repeat != Repeat.NONE else None,
    )
    return await service.create_series(GUILD, service.plan(fields, NOW), creator_id=7, now=NOW)


async def test_dates_already_created_are_skipped_and_the_later_ones_still_made(database):
    series = await make_series("Storeroom shift")
    first = [date_.starts_at for date_ in await service.extend(series, NOW)]
    assert first[0] == datetime(2026, 1, 3, 10, tzinfo=UTC)
    # The dates were created but their window check stopped before it noted the last one (or
    # a second check started from the same point): the next check meets them again.
    await ActivitySeries.filter(id=series.pk).update(created_through=None)
    series = await ActivitySeries.get(id=series.pk)

    later = await service.extend(series, NOW + timedelta(days=14))

    assert [date_.starts_at for date_ in later] == [first[-1] + timedelta(weeks=1), first[-1] + timedelta(weeks=2)]
    stored = [date_.starts_at for date_ in await ActivityOccurrence.filter(series_id=series.pk).order_by("starts_at")]
    assert stored == first + [date_.starts_at for date_ in later]
    assert (await ActivitySeries.get(id=series.pk)).created_through == later[-1].starts_at


async def test_a_one_off_activity_cannot_be_joined_as_a_series(database):
    # Its card has no "Join every date" button; the service refuses it anyway.
    series = await make_series("Bake sale", repeat=Repeat.NONE)

    with pytest.raises(InvalidInput) as refused:
        await service.join_series(series, 5, set(), NOW)

    assert refused.value.render("en") == "**Bake sale** does not repeat: join its date."


@pytest.mark.parametrize(
    ("changes", "refused"),
    [
        ({"seats": 0}, "Seats must be between 1 and 50."),
        ({"seats": 51}, "Seats must be between 1 and 50."),
        ({"duration": timedelta(minutes=14)}, "An activity lasts between 15 minutes and 24 hours."),
        ({"duration": timedelta(hours=24, minutes=1)}, "An activity lasts between 15 minutes and 24 hours."),
    ],
)
def test_seats_and_length_out_of_bounds_are_refused(changes, refused):
    # The command's own limits come first; the service refuses what gets past them anyway.
    fields = service.ActivityFields(
        title="Bake sale", start_local="2026-01-03 10:00", duration=timedelta(hours=2), seats=2, timezone="UTC"
    )

    with pytest.raises(InvalidInput) as error:
        service.plan(replace(fields, **changes), NOW)

    assert error.value.render("en") == refused


async def test_a_deadline_acts_once_and_only_for_its_own_date(database):
    series = await make_series("Storeroom shift")
    first, second = (await service.extend(series, NOW))[:2]

    claimed = await service.claim(first.pk, service.DAY_TIMER)
    again = await service.claim(first.pk, service.DAY_TIMER)

    assert claimed is not None and claimed.pk == first.pk
    assert again is None
    assert (await ActivityOccurrence.get(id=second.pk)).reminded_day is False
    assert (await service.claim(second.pk, service.DAY_TIMER)).pk == second.pk
