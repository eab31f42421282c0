"""Restarts, Discord failing in the middle, and newcomers racing for the same buddies."""

import asyncio

import discord

from cogs.onboarding import flows, service
from gromada.bot import create_bot
from models.core import Timer, TimerStatus
from models.onboarding import BuddySlot, Journey, JourneyStatus, Step
from tests.cogs.onboarding.helpers import introduce, walk_values
from tests.helpers import shown

MINUTE = 60


async def test_buttons_keep_working_after_a_restart(simcord_env, server, settings):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await newcomer.click(thread.history()[-1], label="Next")

    await simcord_env.restart_bot(create_bot(settings))
    await walk_values(newcomer, thread)
    await simcord_env.restart_bot(create_bot(settings))
    await introduce(newcomer, thread)
    await simcord_env.restart_bot(create_bot(settings))

    journey = await Journey.get(user_id=newcomer.id)
    buddy = next(buddy for buddy in server.buddies if buddy.id == journey.buddy_id)
    # The bot still knows the thread after the restart: the buddy's message counts.
    await buddy.send(thread, "Hello there!")
    assert (await BuddySlot.get(journey_id=journey.pk)).spoke_at is not None
    await buddy.click(thread.history()[-2], label="Welcome complete")
    assert (await Journey.get(user_id=newcomer.id)).step == Step.COMPLETED
    assert "Member" in {role.name for role in server.discord_member(newcomer).roles}


async def test_thread_creation_failing_is_retried(simcord_env, server):
    simcord_env.inject_error("POST", "/channels/*/threads", status=403, code=50013, message="Missing Permissions")

    newcomer = await server.join("nowa")

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.thread_id is None and journey.step == Step.JOINED
    assert server.channel("welcome").threads == []
    assert "Newcomer" in {role.name for role in server.discord_member(newcomer).roles}
    retry = await Timer.get(kind=service.OPEN_THREAD_TIMER, ref_id=journey.pk)
    assert retry.status == TimerStatus.PENDING

    await simcord_env.advance_time(2 * MINUTE)

    thread = server.thread_of(newcomer)
    assert f"<@{newcomer.id}>" in thread.history()[-1].content
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.thread_id == thread.id and journey.step_message_id == thread.history()[-1].id
    assert len(server.channel("welcome").threads) == 1


async def test_first_message_failing_keeps_the_thread_and_posts_later(simcord_env, server):
    simcord_env.inject_error("POST", "/channels/*/messages", status=403, code=50013, message="Missing Permissions")

    newcomer = await server.join("nowa")

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.thread_id is not None and journey.step_message_id is None
    await simcord_env.advance_time(2 * MINUTE)

    # The same thread, now with the first step; no second thread was opened.
    threads = server.channel("welcome").threads
    assert [thread.id for thread in threads] == [journey.thread_id]
    thread = server.thread_of(newcomer)
    assert thread.history()[-1].embeds and (await Journey.get(user_id=newcomer.id)).step_message_id


async def test_buddy_ping_failing_frees_the_slot_and_retries(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    simcord_env.inject_error("POST", f"/channels/{thread.id}/messages", status=403, code=50013)

    result = await introduce(newcomer, thread)

    # The introduction went out and the newcomer's step moved on; only the buddy's ping failed.
    assert "Your introduction is posted" in shown(result)
    assert "Your introduction is posted" in thread.history()[-1].content
    assert server.channel("introductions").last_message is not None
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.step == Step.INTRODUCED and journey.buddy_id is None
    assert await BuddySlot.all().count() == 0
    await simcord_env.advance_time(2 * MINUTE)
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.step == Step.MATCHED and await BuddySlot.filter(journey_id=journey.pk).count() == 1
    assert f"<@{journey.buddy_id}>, you are the buddy" in thread.history()[-1].content


async def test_two_newcomers_at_once_get_different_buddies(simcord_env, server):
    for buddy in server.buddies:
        await buddy.slash(server.general, "buddy capacity", newcomers=1)
        await buddy.slash(server.general, "buddy available", state="off")
    # Both join in the same moment, then both introduce themselves while no buddy is free.
    first = server.guild.add_member(simcord_env.create_user("pierwsza"))
    second = server.guild.add_member(simcord_env.create_user("druga"))
    await simcord_env.settle()
    for person in (first, second):
        await walk_values(person, server.thread_of(person))
        await introduce(person, server.thread_of(person))
    journeys = [await Journey.get(user_id=person.id) for person in (first, second)]
    assert [journey.buddy_id for journey in journeys] == [None, None]
    for buddy in server.buddies:
        await service.set_available(server.guild.id, buddy.id, True)

    # Both buddies become free at once and both newcomers are matched concurrently.
    guild = simcord_env.bot.get_guild(server.guild.id)
    await asyncio.gather(*(flows.find_buddy(simcord_env.bot, journey, guild) for journey in journeys))
    await simcord_env.settle()

    buddies = [(await Journey.get(user_id=person.id)).buddy_id for person in (first, second)]
    assert sorted(buddies) == sorted(buddy.id for buddy in server.buddies)
    for buddy in server.buddies:
        assert await BuddySlot.filter(buddy_id=buddy.id).count() == 1


async def test_two_searches_for_one_newcomer_at_once_bring_one_buddy_and_no_alarm(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    journey = await Journey.get(user_id=newcomer.id)
    introduction = await service.check_introduction(
        journey, "I bake bread.", "", "Polish", discord.utils.utcnow(), fallback_language="en"
    )
    await service.mark_introduced(journey, introduction, discord.utils.utcnow())

    # The introduction's own search and a buddy turning on reach the same newcomer at once.
    guild = simcord_env.bot.get_guild(server.guild.id)
    searches = [await Journey.get(id=journey.pk) for _ in range(2)]
    await asyncio.gather(*(flows.find_buddy(simcord_env.bot, search, guild) for search in searches))
    await simcord_env.settle()

    said = [message.content for message in thread.history()]
    assert sum("you are the buddy of" in text for text in said) == 1
    assert not any("All our buddies are busy" in text for text in said)
    assert not any("No buddy is free" in message.content for message in server.channel("mod-log").history())
    assert await BuddySlot.filter(journey_id=journey.pk).count() == 1


async def test_a_buddy_who_leaves_as_they_are_brought_in_leaves_the_newcomer_to_the_next(
    simcord_env, server, monkeypatch
):
    bring_in = flows._introduce_buddy
    left = []

    async def leaving_at_once(bot, journey, guild, slot):
        await bring_in(bot, journey, guild, slot)
        if not left:  # the first buddy's leave arrives before their coming is recorded
            left.append(slot.buddy_id)
            await flows.on_leave(bot, guild.get_member(slot.buddy_id))

    monkeypatch.setattr(flows, "_introduce_buddy", leaving_at_once)
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    await introduce(newcomer, thread)

    journey = await Journey.get(user_id=newcomer.id)
    (gone,) = left
    staying = next(buddy for buddy in server.buddies if buddy.id != gone)
    assert journey.buddy_id == staying.id
    shown_status = shown(await newcomer.slash(server.general, "onboarding status"))
    assert f"Buddy: <@{staying.id}>" in shown_status and f"<@{gone}>" not in shown_status
    ping = next(m for m in reversed(thread.history()) if f"<@{staying.id}>, you are the buddy" in m.content)
    await staying.click(ping, label="Welcome complete")
    assert (await Journey.get(user_id=newcomer.id)).status == JourneyStatus.COMPLETED


async def test_concurrent_matching_never_overbooks(simcord_env, server):
    """The service itself, many newcomers at once, straight at the database."""
    guild_id = server.guild.id
    holders = [buddy.id for buddy in server.buddies]
    now = discord.utils.utcnow()
    journeys = []
    for user_id in range(1, 7):
        journey, _ = await service.start_journey(guild_id, user_id, now)
        await Journey.filter(id=journey.pk).update(step=Step.INTRODUCED, introduced_at=now)
        journeys.append(await Journey.get(id=journey.pk))

    slots = await asyncio.gather(*(service.assign_buddy(j, holders, 2, now) for j in journeys))

    assigned = [slot for slot in slots if slot is not None]
    assert len(assigned) == 4  # two buddies with two slots each
    for buddy_id in holders:
        assert await BuddySlot.filter(buddy_id=buddy_id).count() == 2
    assert len({slot.journey_id for slot in assigned}) == 4
