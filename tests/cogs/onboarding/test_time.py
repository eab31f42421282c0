"""Deadlines on the bot clock: the idle reminder and the silent buddy's replacement."""

from gromada.bot import create_bot
from models.onboarding import BuddySlot, Journey
from tests.cogs.onboarding.helpers import introduce, onboarding_server, ready_for_a_buddy, walk_values
from tests.helpers import refusal

HOUR = 3600


def reminders(thread) -> list[str]:
    return [message.content for message in thread.history() if "gentle reminder" in message.content]


async def test_idle_newcomer_gets_one_reminder_after_24_hours(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)

    await simcord_env.advance_time(23 * HOUR)
    assert reminders(thread) == []
    await simcord_env.advance_time(2 * HOUR)
    assert reminders(thread) == [
        f"Hi <@{newcomer.id}>! Just a gentle reminder: your welcome is waiting for you above, whenever you are ready."
    ]
    assert simcord_env.backend.get_message(thread.id, thread.history()[-1].id).ping_user_ids == [newcomer.id]

    await simcord_env.advance_time(72 * HOUR)
    assert len(reminders(thread)) == 1


async def test_activity_pushes_the_reminder_back(simcord_env, server, settings):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)

    await simcord_env.advance_time(20 * HOUR)
    await newcomer.click(thread.history()[-1], label="Next")
    # The bot restarts in between: the deadline is a row, not a job in memory.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(10 * HOUR)
    assert reminders(thread) == []

    await simcord_env.advance_time(15 * HOUR)
    assert len(reminders(thread)) == 1


async def test_silent_buddy_is_replaced_after_48_hours(simcord_env, server):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    first, matched_at = await Journey.get(user_id=newcomer.id).values_list("buddy_id", "matched_at")
    first_buddy, second_buddy = sorted(server.buddies, key=lambda buddy: buddy.id != first)

    await simcord_env.advance_time(47 * HOUR)
    assert (await Journey.get(user_id=newcomer.id)).buddy_id == first_buddy.id
    await simcord_env.advance_time(2 * HOUR)

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.buddy_id == second_buddy.id
    assert journey.matched_at == matched_at  # the funnel counts the wait for the first buddy
    assert await BuddySlot.filter(buddy_id=first_buddy.id).count() == 0
    ping = next(m for m in reversed(thread.history()) if f"<@{second_buddy.id}>, you are the buddy" in m.content)
    assert simcord_env.backend.get_message(thread.id, ping.id).ping_user_ids == [second_buddy.id]
    assert second_buddy.id in simcord_env.backend.get_channel(thread.id).thread_members
    told = first_buddy.user.dm_channel.last_message
    assert "another buddy is now welcoming" in told.content and "thank you for being a buddy" in told.content

    # The new buddy's sign-off button works; the old one's no longer does.
    result = await first_buddy.click(ping, label="Welcome complete")
    assert "Only the newcomer's buddy" in refusal(simcord_env, result)


async def test_buddy_who_wrote_in_the_thread_stays(simcord_env, server):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    buddy = next(buddy for buddy in server.buddies if buddy.id == journey.buddy_id)

    await simcord_env.advance_time(30 * HOUR)
    await buddy.send(thread, "Hi! Welcome, happy to meet you.")
    await simcord_env.advance_time(30 * HOUR)

    assert (await Journey.get(user_id=newcomer.id)).buddy_id == buddy.id
    assert (await BuddySlot.get(buddy_id=buddy.id)).spoke_at is not None
    assert buddy.user.dm_channel.last_message is None


async def test_silent_buddy_with_nobody_to_take_over_is_not_told_of_a_replacement(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    (buddy,) = server.buddies

    await simcord_env.advance_time(49 * HOUR)

    assert (await Journey.get(user_id=newcomer.id)).buddy_id is None
    assert f"No buddy is free to welcome <@{newcomer.id}>" in server.channel("mod-log").last_message.content
    assert "Someone from the team will come to you soon" in thread.history()[-1].content
    told = buddy.user.dm_channel.last_message.content
    assert "the onboarding team now looks after" in told and "another buddy" not in told


async def test_each_newcomer_is_reminded_on_their_own_clock(simcord_env, server):
    early = await server.join("wczesna")
    await simcord_env.advance_time(12 * HOUR)
    late = await server.join("pozna")

    await simcord_env.advance_time(13 * HOUR)
    assert (len(reminders(server.thread_of(early))), len(reminders(server.thread_of(late)))) == (1, 0)
    await simcord_env.advance_time(12 * HOUR)
    assert (len(reminders(server.thread_of(early))), len(reminders(server.thread_of(late)))) == (1, 1)


async def test_an_introduction_pushes_the_reminder_back(simcord_env):
    server = await onboarding_server(simcord_env, buddies=0)
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)

    await simcord_env.advance_time(20 * HOUR)
    await introduce(newcomer, thread)
    await simcord_env.advance_time(10 * HOUR)
    assert reminders(thread) == []

    await simcord_env.advance_time(15 * HOUR)
    assert len(reminders(thread)) == 1


async def test_a_buddy_who_wrote_to_one_newcomer_is_still_checked_for_the_other(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    (buddy,) = server.buddies
    greeted, greeted_thread = await ready_for_a_buddy(server, "przywitana")
    forgotten, _ = await ready_for_a_buddy(server, "zapomniana")

    await simcord_env.advance_time(30 * HOUR)
    await buddy.send(greeted_thread, "Hi! Welcome.")
    await simcord_env.advance_time(19 * HOUR)

    assert (await Journey.get(user_id=greeted.id)).buddy_id == buddy.id
    assert (await Journey.get(user_id=forgotten.id)).buddy_id is None
    assert f"<@{forgotten.id}>" in buddy.user.dm_channel.last_message.content


async def test_a_newcomers_own_message_pushes_the_reminder_back(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)

    await simcord_env.advance_time(20 * HOUR)
    await newcomer.send(thread, "Hello, I will be back tonight.")
    await simcord_env.advance_time(10 * HOUR)
    assert reminders(thread) == []

    await simcord_env.advance_time(15 * HOUR)
    assert len(reminders(thread)) == 1


async def test_a_silent_buddy_who_came_after_the_team_was_told_brings_the_team_back(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    (buddy,) = server.buddies
    await buddy.slash(server.general, "buddy available", state="off")
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    await buddy.slash(server.general, "buddy available", state="on")
    assert (await Journey.get(user_id=newcomer.id)).buddy_id == buddy.id

    await simcord_env.advance_time(49 * HOUR)

    # The team was told when nobody was free; the buddy who came since is gone, so it is told again.
    calls = [
        m for m in server.channel("mod-log").history() if f"No buddy is free to welcome <@{newcomer.id}>" in m.content
    ]
    assert len(calls) == 2
    assert "Someone from the team will come to you soon" in thread.history()[-1].content
