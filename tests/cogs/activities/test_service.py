"""The activities service against the database, where no click reaches the case."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cogs.activities import service
from gromada.errors import Conflict, InvalidInput, NotAllowed
from models.activities import (
    ActivityOccurrence,
    ActivitySeries,
    ActivitySignup,
    ActivitySubscription,
    Repeat,
)

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
GUILD = 1


async def make_series(title: str, repeat: Repeat = Repeat.WEEKLY, until: str | None = "2026-03-28", seats: int = 2):
    fields = service.ActivityFields(
        title=title,
        start_local="2026-01-03 10:00",
        duration=timedelta(hours=2),
        seats=seats,
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


@pytest.mark.parametrize(
    "changes",
    [{"seats": 1}, {"seats": 50}, {"duration": timedelta(minutes=15)}, {"duration": timedelta(hours=24)}],
)
def test_seats_and_length_at_their_bounds_are_accepted(changes):
    fields = service.ActivityFields(
        title="Bake sale", start_local="2026-01-03 10:00", duration=timedelta(hours=2), seats=2, timezone="UTC"
    )

    planned = service.plan(replace(fields, **changes), NOW)

    assert replace(fields, **changes) == planned.fields


async def test_a_deadline_acts_once_and_only_for_its_own_date(database):
    series = await make_series("Storeroom shift")
    first, second = (await service.extend(series, NOW))[:2]

    claimed = await service.claim(first.pk, service.DAY_TIMER)
    again = await service.claim(first.pk, service.DAY_TIMER)

    assert claimed is not None and claimed.pk == first.pk
    assert again is None
    assert (await ActivityOccurrence.get(id=second.pk)).reminded_day is False
    assert (await service.claim(second.pk, service.DAY_TIMER)).pk == second.pk


async def test_joining_every_date_twice_is_refused_word_for_word(database):
    series = await make_series("Storeroom shift")
    await service.extend(series, NOW)
    await service.join_series(series, 5, set(), NOW)

    with pytest.raises(Conflict) as refused:
        await service.join_series(series, 5, set(), NOW)

    assert refused.value.render("en") == "You already joined every date of **Storeroom shift**."
    assert await ActivitySubscription.filter(series_id=series.pk, user_id=5).count() == 1


async def test_a_moved_date_is_not_created_again_at_its_old_time(database):
    series = await make_series("Storeroom shift")
    created = await service.extend(series, NOW)
    moved = await service.occurrence(created[1].pk)
    old_start = moved.starts_at
    await service.edit_occurrence(moved, {"start": "2026-01-11 10:00"}, NOW)

    later = await service.extend(await ActivitySeries.get(id=series.pk), NOW + timedelta(days=14))

    assert later and old_start not in [date_.starts_at for date_ in later]
    assert not await ActivityOccurrence.filter(series_id=series.pk, starts_at=old_start).exists()


async def test_regulars_beyond_the_seats_of_a_new_date_wait_in_order(database):
    series = await make_series("Storeroom shift", seats=2)
    for user_id in (31, 32, 33):
        await ActivitySubscription.create(series_id=series.pk, guild_id=GUILD, user_id=user_id, joined_at=NOW)
    first = (await service.extend(series, NOW))[0]

    seated = await service.seat_subscribers(first, NOW)

    assert seated == 2
    assert sorted(await ActivitySignup.filter(occurrence_id=first.pk).values_list("user_id", flat=True)) == [31, 32]


async def test_a_member_who_leaves_keeps_the_dates_they_took_part_in(database):
    series = await make_series("Storeroom shift")
    first, second = (await service.extend(series, NOW))[:2]
    for date_ in (first, second):
        await service.join(await service.occurrence(date_.pk), 5, set(), NOW)
    after_first = first.ends_at + timedelta(hours=1)

    freed = await service.forget_member(GUILD, 5, after_first)

    assert freed == [second.pk]
    assert await ActivitySignup.filter(user_id=5).values_list("occurrence_id", flat=True) == [first.pk]
    assert await service.certificate_line(GUILD, 5, after_first) == "Took part in 1 activity (2 h)"


async def test_a_new_place_of_one_date_is_cut_at_200_characters(database):
    series = await make_series("Storeroom shift")
    date_ = await service.occurrence((await service.extend(series, NOW))[0].pk)

    await service.edit_occurrence(date_, {"place": "p" * 250}, NOW)

    assert (await ActivityOccurrence.get(id=date_.pk)).place == "p" * 200


async def test_no_show_can_be_marked_from_the_moment_the_date_starts(database):
    series = await make_series("Storeroom shift")
    date_ = await service.occurrence((await service.extend(series, NOW))[0].pk)
    await service.join(date_, 5, set(), NOW)

    await service.mark_no_show(date_, 5, 7, date_.starts_at)

    signup = await ActivitySignup.get(occurrence_id=date_.pk, user_id=5)
    assert signup.no_show is True and signup.marked_by == 7


async def test_a_date_counts_for_the_certificate_the_moment_it_ends(database):
    series = await make_series("Storeroom shift")
    date_ = await service.occurrence((await service.extend(series, NOW))[0].pk)
    await service.join(date_, 5, set(), NOW)

    assert await service.certificate_line(GUILD, 5, date_.ends_at - timedelta(seconds=1)) is None
    assert await service.certificate_line(GUILD, 5, date_.ends_at) == "Took part in 1 activity (2 h)"


async def test_a_cancelled_date_awaits_no_reminder(database):
    series = await make_series("Storeroom shift")
    first, second = (await service.extend(series, NOW))[:2]
    await service.cancel_occurrence(first)

    for name in service.OCCURRENCE_TIMERS:
        awaited = {date_.pk for date_ in await service.awaiting(name, NOW)}
        assert second.pk in awaited and first.pk not in awaited


async def test_the_certificate_counts_several_activities_in_the_plural(database):
    series = await make_series("Storeroom shift")
    first, second = (await service.extend(series, NOW))[:2]
    for date_ in (first, second):
        await service.join(await service.occurrence(date_.pk), 5, set(), NOW)

    assert await service.certificate_line(GUILD, 5, second.ends_at) == "Took part in 2 activities (4 h)"


async def test_a_member_who_leaves_drops_out_of_every_series_and_the_other_regulars_stay(database):
    series = await make_series("Storeroom shift", seats=3)
    await service.extend(series, NOW)
    for regular in (5, 6):
        await service.join_series(series, regular, set(), NOW)

    await service.forget_member(GUILD, 5, NOW)

    assert await ActivitySubscription.filter(series_id=series.pk).values_list("user_id", flat=True) == [6]


async def test_a_date_cannot_be_joined_from_the_moment_it_starts(database):
    series = await make_series("Storeroom shift")
    date_ = await service.occurrence((await service.extend(series, NOW))[0].pk)

    with pytest.raises(Conflict) as refused:
        await service.join(date_, 5, set(), date_.starts_at)

    assert refused.value.render("en") == "**Storeroom shift** has already started."
    assert not await ActivitySignup.exists(occurrence_id=date_.pk)


async def test_a_date_for_a_role_names_the_role_it_needs(database):
    series = await make_series("Storeroom shift")
    await ActivitySeries.filter(id=series.pk).update(required_role_id=4321)
    date_ = await service.occurrence((await service.extend(series, NOW))[0].pk)

    with pytest.raises(NotAllowed) as refused:
        await service.join(date_, 5, {99}, NOW)

    assert refused.value.render("en") == "To join **Storeroom shift** you need the role <@&4321>."


async def test_a_moved_date_is_asked_about_again_and_cannot_land_on_another_date(database):
    series = await make_series("Storeroom shift")
    first, second = (await service.extend(series, NOW))[:2]
    await ActivityOccurrence.filter(id=first.pk).update(reminded_day=True, reminded_hour=True, called=True)

    await service.edit_occurrence(await service.occurrence(first.pk), {"start": "2026-01-04 10:00"}, NOW)

    moved = await ActivityOccurrence.get(id=first.pk)
    assert (moved.reminded_day, moved.reminded_hour, moved.called) == (False, False, False)
    with pytest.raises(Conflict) as refused:
        await service.edit_occurrence(await service.occurrence(first.pk), {"start": "2026-01-10 10:00"}, NOW)
    assert refused.value.render("en") == "The series already has a date at that time."
    assert (await ActivityOccurrence.get(id=second.pk)).starts_at == datetime(2026, 1, 10, 10, tzinfo=UTC)
