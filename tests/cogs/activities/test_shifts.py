"""Planning an activity, joining it from its card, seats, the Discord event and refusals."""

import asyncio

from models.activities import ActivityOccurrence, ActivitySeries, ActivitySignup
from tests.cogs.activities.helpers import card_of, cards, days_ahead, events, plan, seats_field
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
    assert "Every seat of **Distribution day**" in refusal(simcord_env, late)
    # The date is mirrored as a Discord Scheduled Event at the same time and place.
    (event,) = events(server)
    assert event.name == "Distribution day"
    assert event.entity_metadata == {"location": "Community hall"}
    assert (await ActivityOccurrence.get(id=occurrence.pk)).event_id == event.id
