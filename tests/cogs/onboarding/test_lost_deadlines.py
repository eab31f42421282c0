"""Deadlines lost when the bot stopped between a journey's change and writing its timer.

Each test deletes the timer row the stop would have left unwritten, restarts the bot and
checks the deadline still happens, once.
"""

from cogs.onboarding import service
from gromada.bot import create_bot
from models.core import Timer
from models.onboarding import BuddySlot, Journey, JourneyStatus, Step
from tests.cogs.onboarding.helpers import introduce, ready_for_a_buddy, walk_values
from tests.helpers import answer_lost, dms

MINUTE, HOUR = 60, 3600


def reminders(thread) -> list[str]:
    return [message.content for message in thread.history() if "gentle reminder" in message.content]


async def reminder_lost_then_restart(env, settings, newcomer_id: int, thread) -> None:
    """The reminder's timer was never written: after a restart the reminder still comes, not
    within 23 hours and once by 25 (its day after the journey's last change)."""
    journey = await Journey.get(user_id=newcomer_id)
    await Timer.filter(kind=service.REMIND_TIMER, ref_id=journey.pk).delete()
    await env.restart_bot(create_bot(settings))
    await env.advance_time(23 * HOUR)
    assert reminders(thread) == []
    await env.advance_time(2 * HOUR)
    assert len(reminders(thread)) == 1


async def test_a_lost_reminder_is_sent_once_after_a_restart(simcord_env, server, settings):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    # The bot stopped between opening the thread and writing the reminder.
    await reminder_lost_then_restart(simcord_env, settings, newcomer.id, thread)

    # Sent: another start arms nothing, and the newcomer is not reminded twice.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(48 * HOUR)
    assert len(reminders(thread)) == 1


async def test_a_lost_buddy_check_still_replaces_a_silent_buddy(simcord_env, server, settings):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    first = journey.buddy_id
    slot = await BuddySlot.get(journey_id=journey.pk)
    # The bot stopped between bringing the buddy in and writing the check on them.
    await Timer.filter(kind=service.BUDDY_CHECK_TIMER, ref_id=slot.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(47 * HOUR)
    assert (await Journey.get(user_id=newcomer.id)).buddy_id == first
    await simcord_env.advance_time(2 * HOUR)

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.buddy_id not in (None, first)
    assert f"<@{journey.buddy_id}>, you are the buddy" in thread.history()[-1].content


async def test_a_buddy_who_wrote_is_not_checked_again_after_a_restart(simcord_env, server, settings):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    buddy = next(buddy for buddy in server.buddies if buddy.id == journey.buddy_id)
    await buddy.send(thread, "Hello there!")
    slot = await BuddySlot.get(journey_id=journey.pk)
    await Timer.filter(kind=service.BUDDY_CHECK_TIMER, ref_id=slot.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(72 * HOUR)

    assert (await Journey.get(user_id=newcomer.id)).buddy_id == buddy.id
    assert not await Timer.filter(kind=service.BUDDY_CHECK_TIMER, ref_id=slot.pk).exists()


async def introduced_and_never_matched(env, server):
    """A newcomer whose buddy could not be brought in (Discord refused the thread post), and
    the bot stopped between giving the buddy's slot back and writing the retry."""
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    env.inject_error("POST", f"/channels/{thread.id}/messages", status=403, code=50013)
    await introduce(newcomer, thread)
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.step == Step.INTRODUCED and journey.buddy_id is None
    await Timer.filter(kind=service.MATCH_TIMER, ref_id=journey.pk).delete()
    return newcomer, thread, journey


async def test_a_lost_match_retry_still_brings_a_buddy_after_a_restart(simcord_env, server, settings):
    newcomer, thread, journey = await introduced_and_never_matched(simcord_env, server)

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * MINUTE)

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.step == Step.MATCHED and await BuddySlot.filter(journey_id=journey.pk).count() == 1
    assert f"<@{journey.buddy_id}>, you are the buddy" in thread.history()[-1].content


async def test_a_buddy_reserved_but_never_told_before_a_stop_is_brought_in_at_start(simcord_env, server, settings):
    from gromada.scheduler import now

    newcomer, thread, journey = await introduced_and_never_matched(simcord_env, server)
    # A later try reserved a buddy's slot, then the bot stopped before telling them in the thread.
    slot = await service.assign_buddy(journey, [buddy.id for buddy in server.buddies], 3, now())
    assert slot is not None and (await Journey.get(id=journey.pk)).buddy_id is None

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * MINUTE)

    journey = await Journey.get(id=journey.pk)
    assert journey.step == Step.MATCHED and journey.buddy_id is not None
    assert f"<@{journey.buddy_id}>, you are the buddy of <@{newcomer.id}>" in thread.history()[-1].content
    assert await BuddySlot.filter(journey_id=journey.pk).values_list("buddy_id", flat=True) == [journey.buddy_id]
    # Nobody is thanked for stepping aside: the reserved buddy never knew.
    assert not [text for buddy in server.buddies for text in dms(buddy) if "thank you for being a buddy" in text]


async def test_a_lost_thread_retry_still_opens_the_thread_after_a_restart(simcord_env, server, settings):
    simcord_env.inject_error("POST", "/channels/*/threads", status=403, code=50013, message="Missing Permissions")
    newcomer = await server.join("nowa")
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.thread_id is None
    # The bot stopped before the retry of the refused thread was written.
    await Timer.filter(kind=service.OPEN_THREAD_TIMER, ref_id=journey.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * MINUTE)

    thread = server.thread_of(newcomer)
    assert f"<@{newcomer.id}>" in thread.history()[-1].content
    assert len(server.channel("welcome").threads) == 1
    # In place: another start opens no second thread.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * MINUTE)
    assert len(server.channel("welcome").threads) == 1


async def test_a_thread_opened_before_a_stop_is_kept_after_the_restart(simcord_env, server, settings):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    [step] = thread.history()
    # The bot stopped after Discord opened the thread and posted its step, before their ids were stored.
    await Journey.filter(user_id=newcomer.id).update(thread_id=None, step_message_id=None)

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * MINUTE)

    assert [kept.id for kept in server.channel("welcome").threads] == [thread.id]
    assert [message.id for message in thread.history()] == [step.id]
    journey = await Journey.get(user_id=newcomer.id)
    assert (journey.thread_id, journey.step_message_id) == (thread.id, step.id)
    # The newcomer goes on in it.
    await walk_values(newcomer, thread)
    assert (await Journey.get(user_id=newcomer.id)).step > journey.step


async def test_a_thread_whose_opening_seemed_to_fail_is_used_by_the_retry_after_a_restart(
    simcord_env, server, settings, monkeypatch
):
    answer_lost(monkeypatch, "POST", f"/channels/{server.channel('welcome').id}/threads")
    newcomer = await server.join("nowa")
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.thread_id is None
    [empty] = server.channel("welcome").threads
    assert empty.history() == []

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * MINUTE)

    assert [thread.id for thread in server.channel("welcome").threads] == [empty.id]
    [step] = empty.history()
    assert f"<@{newcomer.id}>" in step.content
    journey = await Journey.get(user_id=newcomer.id)
    assert (journey.status, journey.thread_id, journey.step_message_id) == (JourneyStatus.ACTIVE, empty.id, step.id)


async def test_a_lost_reminder_counts_from_the_newcomers_return(simcord_env, server, settings):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    server.guild.remove_member(newcomer)
    await simcord_env.settle()
    await simcord_env.advance_time(72 * HOUR)
    back = server.guild.add_member(newcomer.user)
    await simcord_env.settle()
    # The bot stopped between the return and writing the reminder.
    await reminder_lost_then_restart(simcord_env, settings, back.id, thread)


async def test_a_lost_buddy_check_keeps_the_servers_own_response_time(simcord_env, server, settings):
    await server.admin.slash(server.general, "setup option", key="onboarding_buddy_response", value="12h")
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    first = (await Journey.get(user_id=newcomer.id)).buddy_id
    slot = await BuddySlot.get(buddy_id=first)
    await Timer.filter(kind=service.BUDDY_CHECK_TIMER, ref_id=slot.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(11 * HOUR)
    assert (await Journey.get(user_id=newcomer.id)).buddy_id == first
    await simcord_env.advance_time(2 * HOUR)

    replacement = (await Journey.get(user_id=newcomer.id)).buddy_id
    assert replacement not in (None, first)
    assert f"<@{replacement}>, you are the buddy" in thread.history()[-1].content
