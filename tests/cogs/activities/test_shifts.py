"""Planning an activity, joining it from its card, seats, the Discord event and refusals."""

import asyncio
from datetime import UTC, datetime

import discord
import pytest

from cogs.activities import flows
from gromada import guild_config
from gromada.errors import Conflict
from models.activities import ActivityOccurrence, ActivitySeries, ActivitySignup
from tests.cogs.activities.helpers import advance_to, card_of, cards, days_ahead, events, plan, seats_field
from tests.helpers import quickstarted, refusal, shown


async def test_a_coordinator_plans_an_activity_and_members_fill_its_seats(simcord_env):
    server = await quickstarted(simcord_env)
    people = [server.add_member(name) for name in ("ola", "piotr")]
    await simcord_env.settle()

    created = await plan(server, "Distribution day", days_ahead(simcord_env, 5), seats=2, place="Community hall")

    assert "**Distribution day** is planned" in shown(created)
    card = cards(server)[-1]
    assert card.embeds[0].title == "Distribution day"
    assert seats_field(card) == "0 of 2"
    occurrence = await ActivityOccurrence.get(title="Distribution day")
    assert card.id == occurrence.message_id

    joined = await people[0].click(card, label="Join")
    assert "You joined **Distribution day**" in shown(joined)
    await people[1].click(card, label="Join")
    await simcord_env.advance_time(5)

    card = card_of(server, occurrence)
    assert seats_field(card) == "2 of 2"
    assert {signup.user_id for signup in await ActivitySignup.filter(occurrence_id=occurrence.pk)} == {
        people[0].id,
        people[1].id,
    }
    late = await server.member.click(card, label="Join")
    assert refusal(simcord_env, late) == "Every seat of **Distribution day** on that date is taken."
    # The date is mirrored as a Discord Scheduled Event at the same time and place.
    (event,) = events(server)
    assert event.name == "Distribution day"
    assert event.entity_metadata == {"location": "Community hall"}
    assert (await ActivityOccurrence.get(id=occurrence.pk)).event_id == event.id


async def test_two_members_racing_for_the_last_seat_end_with_one_in_it(simcord_env):
    server = await quickstarted(simcord_env)
    first, second = server.add_member("ada"), server.add_member("bea")
    await simcord_env.settle()
    await plan(server, "Watering", days_ahead(simcord_env, 3), seats=1)
    occurrence = await ActivityOccurrence.get(title="Watering")

    # Both press Join at the same moment (SimCord runs one click at a time, so the two joins
    # race through what the button runs).
    outcomes = await asyncio.gather(
        *(flows.join_for(simcord_env.bot, server.discord_member(actor), occurrence.pk) for actor in (first, second)),
        return_exceptions=True,
    )

    assert sum(isinstance(outcome, str) and "You joined" in outcome for outcome in outcomes) == 1
    (refused,) = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert isinstance(refused, Conflict) and "Every seat" in str(refused)
    assert await ActivitySignup.filter(occurrence_id=occurrence.pk).count() == 1
    late = await server.member.click(cards(server)[-1], label="Join")
    assert "Every seat of **Watering**" in refusal(simcord_env, late)


async def test_only_coordinators_plan_and_a_coordinator_role_can(simcord_env):
    server = await quickstarted(simcord_env)
    coordinators = server.guild.create_role("Shift leads")
    lead = server.add_member("lena", coordinators)
    await simcord_env.settle()

    refused = await server.member.slash(
        server.general, "activity create", title="Tidy-up", start=days_ahead(simcord_env, 2), duration="1h", seats=2
    )
    assert "Only activity coordinators" in refusal(simcord_env, refused)
    await server.admin.slash(server.general, "setup role", purpose="activity_coordinator", role=coordinators)
    allowed = await lead.slash(
        server.general, "activity create", title="Tidy-up", start=days_ahead(simcord_env, 2), duration="1h", seats=2
    )

    assert "**Tidy-up** is planned" in shown(allowed)
    assert await ActivitySeries.filter(title="Tidy-up").count() == 1


async def test_bad_input_is_refused_and_nothing_is_created(simcord_env):
    server = await quickstarted(simcord_env)

    cases = {
        "not a date and time": {"start": "next saturday"},
        "The start has passed": {"start": "2025-12-31 10:00"},
        "is not a date": {"repeat": "weekly", "until": "soon"},
        "between 15 minutes and 24 hours": {"duration": "5m"},
    }
    for expected, changes in cases.items():
        options = {"title": "Bake sale", "start": days_ahead(simcord_env, 2), "duration": "2h", "seats": 2} | changes
        result = await server.admin.slash(server.general, "activity create", **options)
        assert expected in refusal(simcord_env, result), expected
    # A series' end, word for word.
    series_cases = {
        "A repeating activity needs the date it repeats until.": {},
        "The series must end after its first date.": {"until": "2026-01-09"},
        "A series can run for at most two years.": {"until": "2028-01-12"},
        "An activity can be planned up to a year ahead.": {"start": "2027-01-10 10:00", "repeat": "none"},
    }
    for expected, changes in series_cases.items():
        options = {"title": "Bake sale", "start": "2026-01-10 10:00", "duration": "2h", "seats": 2, "repeat": "weekly"}
        result = await server.admin.slash(server.general, "activity create", **(options | changes))
        assert refusal(simcord_env, result) == expected
    assert not await ActivitySeries.exists()
    assert cards(server) == []


async def test_a_required_role_is_needed_to_join(simcord_env):
    server = await quickstarted(simcord_env)
    drivers = server.guild.create_role("Drivers")
    driver = server.add_member("dora", drivers)
    await simcord_env.settle()
    await plan(server, "Van run", days_ahead(simcord_env, 2), seats=2, required_role=drivers)
    card = cards(server)[-1]

    refused = await server.member.click(card, label="Join")
    joined = await driver.click(card, label="Join")

    assert "you need the role" in refusal(simcord_env, refused)
    assert "You joined **Van run**" in shown(joined)


async def test_leaving_frees_the_seat(simcord_env):
    server = await quickstarted(simcord_env)
    staying = server.add_member("stasia")
    await simcord_env.settle()
    await plan(server, "Soup kitchen", days_ahead(simcord_env, 2), seats=2)
    card = cards(server)[-1]
    await staying.click(card, label="Join")
    await server.member.click(card, label="Join")

    left = await server.member.click(card, label="Leave")
    again = await server.member.click(card, label="Leave")

    assert "You left **Soup kitchen**" in shown(left)
    assert refusal(simcord_env, again) == "You have not joined **Soup kitchen** on that date."
    # The one who stays keeps their seat.
    occurrence = await ActivityOccurrence.get(title="Soup kitchen")
    assert [signup.user_id for signup in await ActivitySignup.filter(occurrence_id=occurrence.pk)] == [staying.id]
    await simcord_env.advance_time(5)
    assert seats_field(card_of(server, occurrence)) == "1 of 2"
    assert "You joined" in shown(await server.admin.click(card, label="Join"))


async def test_joining_twice_is_refused_and_keeps_one_seat(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Watering", days_ahead(simcord_env, 3), seats=2)
    occurrence = await ActivityOccurrence.get(title="Watering")
    member = server.discord_member(server.member)

    # A double click: both presses race through what the button runs.
    outcomes = await asyncio.gather(
        *(flows.join_for(simcord_env.bot, member, occurrence.pk) for _ in range(2)), return_exceptions=True
    )
    again = await server.member.click(cards(server)[-1], label="Join")

    (refused,) = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert isinstance(refused, Conflict)
    assert refused.render("en") == "You already joined **Watering** on that date."
    assert refusal(simcord_env, again) == "You already joined **Watering** on that date."
    assert await ActivitySignup.filter(occurrence_id=occurrence.pk).count() == 1


async def test_leaving_once_the_activity_started_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Soup kitchen", "2026-01-10 10:00", seats=2, duration="3h")
    occurrence = await ActivityOccurrence.get(title="Soup kitchen")
    await server.member.click(card_of(server, occurrence), label="Join")
    await advance_to(simcord_env, datetime(2026, 1, 10, 11, tzinfo=UTC))

    late = await server.member.click(card_of(server, occurrence), label="Leave")

    assert refusal(simcord_env, late) == "**Soup kitchen** has already started."
    assert await ActivitySignup.exists(occurrence_id=occurrence.pk, user_id=server.member.id)


@pytest.mark.parametrize(("missing", "label"), [("manage_events", "Manage Events"), ("create_events", "Create Events")])
async def test_without_an_events_permission_the_activity_works_and_setup_says_what_is_missing(
    simcord_env, missing, label
):
    server = await quickstarted(simcord_env)
    permissions = discord.Permissions.all()
    permissions.administrator = False
    setattr(permissions, missing, False)
    server.set_bot_permissions(permissions)
    await simcord_env.settle()

    created = await plan(server, "Leaflets", days_ahead(simcord_env, 4), seats=2)

    assert "give me the Create Events and Manage Events permissions" in shown(created)
    assert events(server) == []
    occurrence = await ActivityOccurrence.get(title="Leaflets")
    assert occurrence.event_id is None
    assert "You joined" in shown(await server.member.click(cards(server)[-1], label="Join"))
    setup = await server.admin.slash(server.general, "setup show")
    attention = next(field for field in setup.response.embeds[0].fields if field.name == "Needs your attention")
    assert attention.value == f"I am missing the {label} permission."


async def test_a_card_that_cannot_be_posted_leaves_no_activity(simcord_env):
    server = await quickstarted(simcord_env)
    channel = server.guild.channels["activities"]
    simcord_env.inject_error("POST", f"/channels/{channel.id}/messages", status=500)

    result = await plan(server, "Cleanup", days_ahead(simcord_env, 4), seats=2)

    assert "could not post the activity" in refusal(simcord_env, result)
    assert not await ActivitySeries.exists()
    assert not await ActivityOccurrence.exists()
    assert events(server) == []


async def test_a_refused_discord_event_does_not_stop_the_activity(simcord_env):
    server = await quickstarted(simcord_env)
    simcord_env.inject_error("POST", f"/guilds/{server.guild.id}/scheduled-events", status=500)

    created = await plan(server, "Bike repair", days_ahead(simcord_env, 4), seats=2)

    assert "**Bike repair** is planned" in shown(created)
    assert (await ActivityOccurrence.get(title="Bike repair")).event_id is None
    assert "You joined" in shown(await server.member.click(cards(server)[-1], label="Join"))


async def test_editing_a_date_moves_its_card_and_discord_event(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Pantry", "2026-01-10 10:00", seats=2, place="Shed")
    occurrence = await ActivityOccurrence.get(title="Pantry")

    edited = await server.admin.slash(
        server.general, "activity edit", activity=str(occurrence.pk), start="2026-01-11 12:00", place="Hall"
    )

    assert "now starts" in shown(edited)
    (event,) = events(server)
    assert event.scheduled_start_time.startswith("2026-01-11T12:00")
    # It keeps its two hours.
    assert event.scheduled_end_time.startswith("2026-01-11T14:00")
    assert (await ActivityOccurrence.get(id=occurrence.pk)).ends_at == datetime(2026, 1, 11, 14, tzinfo=UTC)
    assert event.entity_metadata == {"location": "Hall"}
    await simcord_env.advance_time(5)
    card = card_of(server, occurrence)
    assert "<t:1768132800:F>" in card.embeds[0].fields[0].value
    assert next(f.value for f in card.embeds[0].fields if f.name == "Place") == "Hall"


async def test_the_list_pages_through_upcoming_activities(simcord_env):
    server = await quickstarted(simcord_env)
    for number in range(30):
        await plan(
            server,
            f"Shift number {number:02d} with a long enough title to fill pages",
            days_ahead(simcord_env, 2 + number),
            seats=2,
        )
    await server.member.click(cards(server)[0], label="Join")

    result = await server.member.slash(server.general, "activity list")

    first = result.response
    lines = first.content.splitlines()
    # Each line: title · date · seats taken · link to the card.
    assert [line.split(" · ")[0::2] for line in lines[1:3]] == [
        ["**Shift number 00 with a long enough title to fill pages**", "1 of 2"],
        ["**Shift number 01 with a long enough title to fill pages**", "0 of 2"],
    ]
    assert "Page 1 of" in first.content
    following = await server.member.click(first, label="Next")
    assert "Page 2 of" in shown(following)


async def test_the_time_zone_must_be_a_real_one(simcord_env):
    server = await quickstarted(simcord_env)

    refused = await server.admin.slash(server.general, "setup option", key="timezone", value="Mars/Olympus")

    assert "is not a time zone" in refusal(simcord_env, refused)
    assert await guild_config.TIMEZONE.get(server.guild.id) == "UTC"


async def test_an_activity_in_a_voice_channel_makes_a_voice_event(simcord_env):
    server = await quickstarted(simcord_env)
    voice = server.guild.create_voice_channel("Meeting room")
    await simcord_env.settle()

    await plan(server, "Call with the farm", days_ahead(simcord_env, 3), seats=5, place_channel=voice)

    (event,) = events(server)
    assert event.channel_id == voice.id and event.entity_type == 2
    card = cards(server)[-1]
    assert next(f.value for f in card.embeds[0].fields if f.name == "Place") == f"<#{voice.id}>"


async def test_typed_text_is_cleaned_before_it_is_checked_and_stored(simcord_env):
    server = await quickstarted(simcord_env)
    invisible = "\u200b\u2060 \ufeff"

    refused = await plan(server, invisible, days_ahead(simcord_env, 2))
    assert refusal(simcord_env, refused) == "The activity needs a title."
    assert not await ActivitySeries.exists()

    await plan(
        server,
        f"{invisible}Soup  kitchen{invisible}",
        days_ahead(simcord_env, 2),
        place=f"{invisible}Community  hall\u200b",
        description=f"{invisible}Bring an apron.{invisible}",
    )
    series = await ActivitySeries.get()
    assert (series.title, series.place, series.description) == ("Soup kitchen", "Community hall", "Bring an apron.")
    occurrence = await ActivityOccurrence.get()
    await server.admin.slash(
        server.general, "activity edit", activity=str(occurrence.pk), title=invisible, place=" Yard\u200b"
    )
    occurrence = await ActivityOccurrence.get()
    assert (occurrence.title, occurrence.place) == ("Soup kitchen", "Yard")
    await server.admin.slash(server.general, "activity edit", activity=str(occurrence.pk), title="Soup  kitchen  two")
    assert (await ActivityOccurrence.get()).title == "Soup kitchen two"
    # 60 letters typed that normalise to 120 characters (क़ is written as क and a dot): cut at 100.
    await server.admin.slash(server.general, "activity edit", activity=str(occurrence.pk), title="\u0958" * 60)
    assert (await ActivityOccurrence.get()).title == "\u0915\u093c" * 50
