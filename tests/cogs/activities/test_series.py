"""Repeating activities: dates on a rolling window in the server's clock, across a DST change."""

import asyncio
from datetime import UTC, datetime

from cogs.activities import flows
from gromada.errors import Conflict
from models.activities import ActivityOccurrence, ActivitySeries, ActivitySignup, ActivitySubscription, OccurrenceStatus
from tests.cogs.activities.helpers import advance_to, card_of, cards, events, plan, seats_field
from tests.helpers import quickstarted, refusal, shown, speaking


async def starts(title: str) -> list[datetime]:
    return [o.starts_at for o in await ActivityOccurrence.filter(title=title).order_by("starts_at")]


async def test_a_weekly_series_keeps_ten_oclock_local_across_the_spring_clock_change(simcord_env):
    server = await quickstarted(simcord_env)
    result = await server.admin.slash(server.general, "setup option", key="timezone", value="Europe/Warsaw")
    assert "timezone is now Europe/Warsaw" in shown(result)

    # Clocks in Warsaw go forward on 29 March 2026: 10:00 is 09:00 UTC before, 08:00 UTC after.
    await plan(
        server, "Garden watering", "2026-03-21 10:00", seats=2, repeat="weekly", until="2026-04-11", duration="1h"
    )
    # Only the dates within the window exist: the first, four weeks before its others.
    assert await starts("Garden watering") == [datetime(2026, 3, 21, 9, tzinfo=UTC)]

    await advance_to(simcord_env, datetime(2026, 3, 20, tzinfo=UTC))

    assert await starts("Garden watering") == [
        datetime(2026, 3, 21, 9, tzinfo=UTC),
        datetime(2026, 3, 28, 9, tzinfo=UTC),
        datetime(2026, 4, 4, 8, tzinfo=UTC),
        datetime(2026, 4, 11, 8, tzinfo=UTC),
    ]
    # Each date has its card and its Discord event, and nothing is created past the last date.
    assert len(cards(server)) == 4
    assert sorted(event.scheduled_start_time[:16] for event in events(server)) == [
        "2026-03-21T09:00",
        "2026-03-28T09:00",
        "2026-04-04T08:00",
        "2026-04-11T08:00",
    ]
    await advance_to(simcord_env, datetime(2026, 5, 1, tzinfo=UTC))
    assert len(await starts("Garden watering")) == 4


async def test_joining_the_whole_series_takes_a_seat_in_dates_to_come(simcord_env):
    server = await quickstarted(simcord_env)
    regular = server.add_member("rysia")
    await simcord_env.settle()
    await plan(server, "Storeroom shift", "2026-01-03 10:00", seats=1, repeat="weekly", until="2026-03-28")
    first_card = cards(server)[0]
    taken_first = server.add_member("tomek")
    await simcord_env.settle()
    await taken_first.click(first_card, label="Join")
    # The second date they joined already; a one-off activity of the same week too.
    await regular.click(cards(server)[1], label="Join")
    await plan(server, "Bake sale", "2026-01-04 10:00", seats=2)
    await regular.click(cards(server)[-1], label="Join")
    bake_sale = await ActivityOccurrence.get(title="Bake sale")

    joined = await regular.click(first_card, label="Join every date")

    assert "You joined every date of **Storeroom shift**" in shown(joined)
    assert "1 date is full already" in shown(joined)
    series = await ActivitySeries.get(title="Storeroom shift")
    assert await ActivitySubscription.exists(series_id=series.pk, user_id=regular.id)
    before = await ActivityOccurrence.filter(series_id=series.pk).count()
    await advance_to(simcord_env, datetime(2026, 2, 14, tzinfo=UTC))

    dates = await ActivityOccurrence.filter(series_id=series.pk).order_by("starts_at")
    assert len(dates) > before
    newest = dates[-1]
    assert await ActivitySignup.exists(occurrence_id=newest.pk, user_id=regular.id)
    await simcord_env.advance_time(5)
    assert seats_field(card_of(server, newest)) == "1 of 1"

    left = await regular.click(card_of(server, newest), label="Leave every date")
    assert "You left every date to come" in shown(left)
    assert not await ActivitySignup.exists(occurrence_id=newest.pk, user_id=regular.id)
    assert not await ActivitySubscription.exists(series_id=series.pk, user_id=regular.id)
    assert await ActivitySignup.exists(occurrence_id=bake_sale.pk, user_id=regular.id)
    again = await regular.click(card_of(server, newest), label="Leave every date")
    assert refusal(simcord_env, again) == "You have not joined any date of **Storeroom shift**."


async def test_cancelling_one_date_or_the_series(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Repair café", "2026-01-10 16:00", seats=3, repeat="weekly", until="2026-02-28")
    dates = await ActivityOccurrence.filter(title="Repair café").order_by("starts_at")
    await server.member.click(card_of(server, dates[0]), label="Join")

    one = await server.admin.slash(server.general, "activity cancel", activity=str(dates[0].pk))

    assert "Cancelled 1 date of **Repair café**" in shown(one)
    editing = await server.admin.slash(server.general, "activity edit", activity=str(dates[0].pk), place="Hall")
    assert refusal(simcord_env, editing) == "This date of **Repair café** is cancelled."
    assert (await ActivityOccurrence.get(id=dates[0].pk)).status == OccurrenceStatus.CANCELLED
    assert "is cancelled" in server.member.user.dm_channel.last_message.content
    await simcord_env.advance_time(5)
    card = card_of(server, dates[0])
    assert card.embeds[0].title == "Cancelled: Repair café" and not card.components
    event = next(e for e in events(server) if e.id == dates[0].event_id)
    assert event.status == 4  # cancelled on Discord too
    late = await server.admin.slash(server.general, "activity cancel", activity=str(dates[0].pk))
    assert "was already cancelled" in shown(late)

    rest = await server.admin.slash(server.general, "activity cancel", activity=str(dates[1].pk), scope="series")

    assert f"Cancelled {len(dates) - 1} dates" in shown(rest)
    assert not await ActivityOccurrence.filter(title="Repair café", status=OccurrenceStatus.SCHEDULED).exists()
    assert (await ActivitySeries.get(title="Repair café")).cancelled_at is not None
    await advance_to(simcord_env, datetime(2026, 2, 20, tzinfo=UTC))
    assert await ActivityOccurrence.filter(title="Repair café").count() == len(dates)


async def test_a_cancelled_series_cannot_be_joined_or_renamed_from_a_date_under_way(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Repair café", "2026-01-10 16:00", seats=3, repeat="weekly", until="2026-02-28", duration="3h")
    dates = await ActivityOccurrence.filter(title="Repair café").order_by("starts_at")
    await advance_to(simcord_env, datetime(2026, 1, 10, 17, tzinfo=UTC))
    await server.admin.slash(server.general, "activity cancel", activity=str(dates[1].pk), scope="series")
    await simcord_env.advance_time(5)

    # The date under way is not cancelled, so its card still has its buttons.
    joining = await server.member.click(card_of(server, dates[0]), label="Join every date")
    renaming = await server.admin.slash(
        server.general, "activity edit", activity=str(dates[0].pk), title="Repair evening", scope="series"
    )

    assert refusal(simcord_env, joining) == "**Repair café** is cancelled."
    assert refusal(simcord_env, renaming) == "**Repair café** is cancelled."
    assert not await ActivitySubscription.exists()
    assert not await ActivityOccurrence.filter(title="Repair evening").exists()


async def test_renaming_the_series_changes_every_date_to_come_and_their_events(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Pantry", "2026-01-10 10:00", seats=2, repeat="weekly", until="2026-01-24", place="Shed")
    dates = await ActivityOccurrence.filter(title="Pantry").order_by("starts_at")

    edited = await server.admin.slash(
        server.general, "activity edit", activity=str(dates[0].pk), place="Hall", title="Food pantry", scope="series"
    )
    moving = await server.admin.slash(
        server.general, "activity edit", activity=str(dates[0].pk), start="2026-01-11 10:00", scope="series"
    )

    nothing = await server.admin.slash(
        server.general, "activity edit", activity=str(dates[0].pk), title="\u200b", scope="series"
    )
    nothing_for_one = await server.admin.slash(
        server.general, "activity edit", activity=str(dates[1].pk), place="\u200b \u2060"
    )

    assert f"Changed {len(dates)} dates to come of **Food pantry**" in shown(edited)
    assert "A new start changes one date" in refusal(simcord_env, moving)
    assert refusal(simcord_env, nothing) == "Say what to change: a title, a place or a start."
    assert refusal(simcord_env, nothing_for_one) == "Say what to change: a title, a place or a start."
    assert {(o.title, o.place) for o in await ActivityOccurrence.filter(series_id=dates[0].series_id)} == {
        ("Food pantry", "Hall")
    }
    assert {(e.name, e.entity_metadata["location"]) for e in events(server)} == {("Food pantry", "Hall")}
    await simcord_env.advance_time(5)
    assert card_of(server, dates[-1]).embeds[0].title == "Food pantry"


async def test_someone_leaving_the_server_frees_their_seats_to_come(simcord_env):
    server = await quickstarted(simcord_env)
    leaving = server.add_member("wanda")
    await simcord_env.settle()
    await plan(server, "Van run", "2026-01-10 10:00", seats=1, repeat="weekly", until="2026-01-24")
    await leaving.click(cards(server)[0], label="Join every date")
    series = await ActivitySeries.get(title="Van run")

    server.guild.remove_member(leaving)
    await simcord_env.settle()
    await simcord_env.advance_time(5)

    assert not await ActivitySignup.filter(user_id=leaving.id).exists()
    assert not await ActivitySubscription.filter(series_id=series.pk).exists()
    assert seats_field(cards(server)[0]) == "0 of 1"
    assert "You joined" in shown(await server.member.click(cards(server)[0], label="Join"))


async def test_the_window_keeps_moving_after_a_restart(simcord_env, settings):
    from gromada.bot import create_bot

    server = await quickstarted(simcord_env)
    await plan(server, "Sunday soup", "2026-01-04 12:00", seats=4, repeat="weekly", until="2026-03-29")
    before = await starts("Sunday soup")

    await simcord_env.restart_bot(create_bot(settings))
    await advance_to(simcord_env, datetime(2026, 2, 15, tzinfo=UTC))

    after = await starts("Sunday soup")
    assert after[: len(before)] == before
    # The window reaches four weeks past midnight on 15 February: 15 March at noon is beyond it.
    assert after[-1] == datetime(2026, 3, 8, 12, tzinfo=UTC)
    assert len(after) == len(set(after))
    assert len(cards(server)) == len(after)


async def test_a_series_card_and_the_date_picker_name_the_month(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    await server.admin.slash(server.general, "setup option", key="timezone", value="Europe/Warsaw")
    await plan(server, "Pantry", "2026-01-10 10:00", seats=2, repeat="weekly", until="2026-01-24")

    repeats = next(field.value for field in cards(server)[0].embeds[0].fields if field.name == "Repeats")
    # Noon of the last day in Warsaw, shown as each reader's long date.
    noon = int(datetime(2026, 1, 24, 11, tzinfo=UTC).timestamp())
    assert repeats == f"every week until <t:{noon}:D>"

    with speaking(monkeypatch, server.admin, "pl"):
        offered = await server.admin.autocomplete(server.general, "activity cancel", "activity", "")
    assert [choice["name"] for choice in offered][:2] == [
        "Pantry · 10 stycznia 2026 10:00",
        "Pantry · 17 stycznia 2026 10:00",
    ]


async def test_joining_a_date_and_every_date_at_once_lists_no_date_as_full(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Van run", "2026-01-10 10:00", seats=2, repeat="weekly", until="2026-01-24")
    dates = await ActivityOccurrence.filter(title="Van run").order_by("starts_at")
    member = server.discord_member(server.member)

    # Join every date on one card and Join on another, pressed at the same moment: whichever
    # seats them in the first date, that date is not "full" for them.
    every, one = await asyncio.gather(
        flows.join_series_for(simcord_env.bot, member, dates[0].series_id),
        flows.join_for(simcord_env.bot, member, dates[0].pk),
        return_exceptions=True,
    )

    assert every == "You joined every date of **Van run**, those to come included."
    joined_first = isinstance(one, str) and "You joined **Van run**" in one
    assert joined_first or (
        isinstance(one, Conflict) and one.render("en") == "You already joined **Van run** on that date."
    )
    assert await ActivitySignup.filter(user_id=server.member.id).count() == len(dates)
