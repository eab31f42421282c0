"""Temporary bans lifted by the scheduler; Discord failing in the middle of an action."""

import asyncio
import logging

import pytest
from tortoise.exceptions import IntegrityError

from cogs.moderation import service
from gromada.bot import create_bot
from models.core import Timer, TimerStatus
from models.moderation import CaseAction, CaseStatus
from tests.cogs.moderation.helpers import cases, field, moderation_server
from tests.helpers import dms, refusal, shown


async def test_temporary_ban_is_lifted_at_expiry_and_logged(server, simcord_env):
    result = await server.moderator.slash(
        server.general, "mod ban", member=server.member, reason="Cool down", duration="2d"
    )
    assert "The ban will be lifted" in shown(result)
    assert "until" in dms(server.member)[0]

    await simcord_env.advance_time(2 * 86400 - 60)
    assert server.guild.get_ban(server.member) is not None

    await simcord_env.advance_time(120)

    assert server.guild.get_ban(server.member) is None
    ban, unban = await cases(server.guild.id)
    assert ban.status == CaseStatus.ENDED
    assert (unban.action, unban.moderator_id, unban.related_number) == (CaseAction.UNBAN, None, 1)
    last = server.log_embeds()[-1]
    assert last.title == "Case #2 · Unban"
    assert field(last, "Moderator") == "Gromada (automatic)"
    assert field(last, "Reason") == "The temporary ban of case #1 expired."


async def test_temporary_ban_survives_a_restart_and_is_lifted_once(server, simcord_env, settings):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="Cool down", duration="1d")

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(86400 + 60)
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(86400)

    assert server.guild.get_ban(server.member) is None
    assert [case.action for case in await cases(server.guild.id)] == [CaseAction.BAN, CaseAction.UNBAN]
    assert [embed.title for embed in server.log_embeds()] == ["Case #1 · Ban", "Case #2 · Unban"]


async def test_unban_by_hand_cancels_the_expiry(server, simcord_env):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    await server.moderator.slash(server.general, "mod unban", user=server.member.user, reason="Forgiven")

    await simcord_env.advance_time(2 * 86400)

    assert [case.action for case in await cases(server.guild.id)] == [CaseAction.BAN, CaseAction.UNBAN]
    [timer] = await Timer.filter(kind="moderation.unban")
    assert timer.status == TimerStatus.CANCELLED


async def test_a_new_ban_replaces_the_earlier_temporary_one(server, simcord_env):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    await server.moderator.slash(server.general, "mod ban", member=server.member.user, reason="For good now")

    await simcord_env.advance_time(2 * 86400)

    assert server.guild.get_ban(server.member) is not None
    first, second = await cases(server.guild.id)
    assert (first.status, second.status, second.expires_at) == (CaseStatus.ENDED, CaseStatus.ACTIVE, None)


async def test_a_failed_dm_does_not_fail_the_case(server, simcord_env):
    simcord_env.inject_error("POST", server.dm_path(server.member), status=403, code=50007, message="Cannot send")

    result = await server.moderator.slash(server.general, "mod kick", member=server.member, reason="Ads")

    assert "Case #1" in shown(result)
    assert "I could not tell them by DM" in shown(result)
    assert server.member.id not in server.guild.member_ids()
    [case] = await cases(server.guild.id)
    assert case.dm_delivered is False
    assert field(server.log_embeds()[0], "Told by DM") == "no, the DM could not be delivered"


async def test_a_refused_ban_leaves_no_case_and_takes_the_dm_back(server, simcord_env):
    simcord_env.inject_error("PUT", f"/guilds/{server.guild.id}/bans/*", status=500)

    result = await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")

    assert "Nothing was recorded; you can try again." in refusal(simcord_env, result)
    assert server.guild.get_ban(server.member) is None
    assert await cases(server.guild.id) == []
    assert await Timer.filter(kind="moderation.unban").count() == 0
    assert dms(server.member) == []  # the "you were banned" DM was deleted again
    assert server.log_embeds() == []

    # Trying again works and takes number 1.
    retry = await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x")
    assert "Case #1" in shown(retry)
    assert server.guild.get_ban(server.member) is not None


async def test_a_failing_mod_log_keeps_the_case_and_says_so(server, simcord_env):
    simcord_env.inject_error("POST", f"/channels/{server.mod_log.id}/messages", status=500)

    result = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="x")

    assert "I could not post this case in the mod-log channel" in shown(result)
    [case] = await cases(server.guild.id)
    assert case.log_message_id is None
    # /mod reason posts the missing entry.
    await server.moderator.slash(server.general, "mod reason", number=1, text="Rude to a newcomer")
    assert field(server.log_embeds()[-1], "Reason") == "Rude to a newcomer"


async def test_unban_failing_at_expiry_is_retried(server, simcord_env):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1h")
    simcord_env.inject_error("DELETE", f"/guilds/{server.guild.id}/bans/*", status=500)

    await simcord_env.advance_time(3600 + 5)
    assert server.guild.get_ban(server.member) is not None
    assert len(await cases(server.guild.id)) == 1

    await simcord_env.advance_time(120)  # the scheduler's first retry
    assert server.guild.get_ban(server.member) is None
    assert [case.action for case in await cases(server.guild.id)] == [CaseAction.BAN, CaseAction.UNBAN]


async def test_lifting_the_same_ban_twice_at_once_records_one_unban(server, simcord_env):
    from cogs.moderation import flows

    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    [ban] = await cases(server.guild.id)

    await asyncio.gather(
        flows.lift_expired_ban(simcord_env.bot, ban.pk), flows.lift_expired_ban(simcord_env.bot, ban.pk)
    )

    assert [case.action for case in await cases(server.guild.id)] == [CaseAction.BAN, CaseAction.UNBAN]
    assert server.guild.get_ban(server.member) is None


async def test_a_ban_whose_timer_was_lost_is_armed_again_at_start(server, simcord_env, settings):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    # The timer gave up (or was never written): only the case knows the ban must end.
    await Timer.filter(kind="moderation.unban").update(status=TimerStatus.FAILED)

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(86400 + 60)

    assert server.guild.get_ban(server.member) is None
    assert [case.action for case in await cases(server.guild.id)] == [CaseAction.BAN, CaseAction.UNBAN]


async def test_reason_posts_a_new_log_entry_when_the_old_one_was_deleted(server, simcord_env):
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="spam")
    channel = simcord_env.bot.get_channel(server.mod_log.id)
    await channel.get_partial_message(server.mod_log.last_message.id).delete()
    await simcord_env.settle()

    result = await server.moderator.slash(server.general, "mod reason", number=1, text="Spam links")

    assert "Case #1 now has the new reason." in shown(result)
    [embed] = server.log_embeds()
    assert field(embed, "Reason") == "Spam links"
    [case] = await cases(server.guild.id)
    assert case.log_message_id == server.mod_log.last_message.id


async def test_a_refused_kick_or_timeout_leaves_no_case(server, simcord_env):
    simcord_env.inject_error("DELETE", f"/guilds/{server.guild.id}/members/*", status=500)
    kicked = await server.moderator.slash(server.general, "mod kick", member=server.member, reason="x")

    simcord_env.inject_error("PATCH", f"/guilds/{server.guild.id}/members/*", status=500)
    timed_out = await server.moderator.slash(
        server.general, "mod timeout", member=server.member, duration="1h", reason="x"
    )

    assert "Nothing was recorded" in refusal(simcord_env, kicked)
    assert "Nothing was recorded" in refusal(simcord_env, timed_out)
    assert server.member.id in server.guild.member_ids()
    assert not server.guild.me.guild.get_member(server.member.id).is_timed_out()
    assert await cases(server.guild.id) == []
    assert dms(server.member) == []


async def test_a_refused_unban_leaves_the_ban_in_force_and_records_nothing(server, simcord_env):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    simcord_env.inject_error("DELETE", f"/guilds/{server.guild.id}/bans/*", status=500)

    result = await server.moderator.slash(server.general, "mod unban", user=server.member.user, reason="Forgiven")

    assert "Nothing was recorded" in refusal(simcord_env, result)
    assert server.guild.get_ban(server.member) is not None
    [ban] = await cases(server.guild.id)
    assert (ban.action, ban.status) == (CaseAction.BAN, CaseStatus.ACTIVE)
    assert await Timer.filter(kind="moderation.unban", status=TimerStatus.PENDING).count() == 1
    assert [embed.title for embed in server.log_embeds()] == ["Case #1 · Ban"]


async def test_a_start_queries_the_database_as_often_with_30_temporary_bans_as_with_3(
    server, simcord_env, settings, caplog
):
    # Every running ban's timer is confirmed at start (a lost one is armed again): that must
    # not cost a query per ban, or a start with thousands of them takes seconds.
    async def ban(count: int) -> None:
        for _ in range(count):
            user = simcord_env.create_user(f"banned{len(simcord_env.backend.users)}")
            await server.moderator.slash(server.general, "mod ban", member=user, reason="x", duration="7d")

    async def statements_at_a_restart() -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            await simcord_env.restart_bot(create_bot(settings))
        return sum(1 for record in caplog.records if record.name == "tortoise.db_client")

    await ban(3)
    with_3 = await statements_at_a_restart()
    await ban(27)
    with_30 = await statements_at_a_restart()

    assert with_30 == with_3
    assert await Timer.filter(kind="moderation.unban", status=TimerStatus.PENDING).count() == 30


async def test_each_temporary_ban_is_lifted_at_its_own_time(server, simcord_env):
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1h")
    await server.moderator.slash(server.general, "mod ban", member=server.buddy, reason="y", duration="2h")

    await simcord_env.advance_time(3600 + 60)

    assert server.guild.get_ban(server.member) is None
    assert server.guild.get_ban(server.buddy) is not None
    statuses = [(case.target_id, case.action, case.status) for case in await cases(server.guild.id)]
    assert statuses == [
        (server.member.id, CaseAction.BAN, CaseStatus.ENDED),
        (server.buddy.id, CaseAction.BAN, CaseStatus.ACTIVE),
        (server.member.id, CaseAction.UNBAN, CaseStatus.RECORDED),
    ]

    await simcord_env.advance_time(3600)

    assert server.guild.get_ban(server.buddy) is None
    *_, last = await cases(server.guild.id)
    assert (last.action, last.target_id, last.related_number) == (CaseAction.UNBAN, server.buddy.id, 2)


async def test_an_unban_ends_only_that_persons_ban_on_that_server(server, simcord_env):
    other = await moderation_server(simcord_env)
    there = other.guild.add_member(server.member.user)
    await simcord_env.settle()
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    await server.moderator.slash(server.general, "mod ban", member=server.buddy, reason="x", duration="1d")
    await other.moderator.slash(other.general, "mod ban", member=there, reason="x", duration="1d")

    await server.moderator.slash(server.general, "mod unban", user=server.member.user, reason="Forgiven")

    [ban_there] = await cases(other.guild.id)
    assert ban_there.status == CaseStatus.ACTIVE
    assert other.guild.get_ban(there) is not None
    buddy_ban = (await cases(server.guild.id))[1]
    assert (buddy_ban.target_id, buddy_ban.status) == (server.buddy.id, CaseStatus.ACTIVE)

    await simcord_env.advance_time(86400 + 60)

    # Both bans still in force ended at their expiry, each with its unban on record.
    assert other.guild.get_ban(there) is None
    assert server.guild.get_ban(server.buddy) is None
    assert [(case.action, case.related_number) for case in await cases(other.guild.id)] == [
        (CaseAction.BAN, None),
        (CaseAction.UNBAN, 1),
    ]
    assert [(case.action, case.target_id) for case in await cases(server.guild.id)][-1] == (
        CaseAction.UNBAN,
        server.buddy.id,
    )


async def test_a_ban_made_permanent_as_its_timer_fires_stays(server, simcord_env):
    from cogs.moderation import flows

    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    await server.moderator.slash(server.general, "mod ban", member=server.member.user, reason="For good now")
    first, _ = await cases(server.guild.id)

    # The first ban's timer was already running when the moderator replaced the ban.
    await flows.lift_expired_ban(simcord_env.bot, first.pk)

    assert server.guild.get_ban(server.member) is not None
    assert [(case.action, case.status) for case in await cases(server.guild.id)] == [
        (CaseAction.BAN, CaseStatus.ENDED),
        (CaseAction.BAN, CaseStatus.ACTIVE),
    ]


async def test_a_restart_arms_only_temporary_bans_still_in_force(server, simcord_env, settings):
    forever, lifted = server.member, server.buddy
    lost = server.add_member("lost_timer")
    await simcord_env.settle()
    await server.moderator.slash(server.general, "mod ban", member=forever, reason="x")
    await server.moderator.slash(server.general, "mod ban", member=lifted, reason="x", duration="1d")
    await server.moderator.slash(server.general, "mod unban", user=lifted.user, reason="Forgiven")
    await server.moderator.slash(server.general, "mod ban", member=lost, reason="x", duration="2d")
    await Timer.filter(kind="moderation.unban", ref_id=(await cases(server.guild.id))[-1].pk).update(
        status=TimerStatus.FAILED
    )

    await simcord_env.restart_bot(create_bot(settings))

    [armed] = await Timer.filter(kind="moderation.unban", status=TimerStatus.PENDING)
    assert armed.ref_id == (await cases(server.guild.id))[-1].pk
    await simcord_env.advance_time(2 * 86400 + 60)
    assert server.guild.get_ban(lost) is None
    assert server.guild.get_ban(forever) is not None
    assert server.guild.get_ban(lifted) is None


ACTIONS = {
    "timeout": {"duration": "1h"},
    "kick": {},
    "ban": {"duration": "1d"},
}


def acted_on(server, member) -> list[str]:
    """What Discord shows of a moderation action on the member."""
    shown_actions = []
    if member.id not in server.guild.member_ids():
        shown_actions.append("removed")
    elif server.guild.me.guild.get_member(member.id).is_timed_out():
        shown_actions.append("timed out")
    if server.guild.get_ban(member) is not None:
        shown_actions.append("banned")
    return shown_actions


@pytest.mark.parametrize("command", list(ACTIONS))
async def test_an_action_whose_case_is_refused_does_not_happen(server, simcord_env, monkeypatch, command):
    # The case comes first: when it cannot be recorded (a conflict), Discord is never asked,
    # so no action stands without its case.
    recorded = service._insert_numbered

    async def numbering_always_taken(*args, **kwargs):
        raise IntegrityError("case number taken")

    monkeypatch.setattr(service, "_insert_numbered", numbering_always_taken)
    refused = await server.moderator.slash(
        server.general, f"mod {command}", member=server.member, reason="Spam", **ACTIONS[command]
    )

    assert "changed by someone else in the meantime" in refusal(simcord_env, refused)
    assert acted_on(server, server.member) == []
    assert await cases(server.guild.id) == []
    assert dms(server.member) == []
    assert await Timer.filter(kind="moderation.unban").count() == 0

    monkeypatch.setattr(service, "_insert_numbered", recorded)
    result = await server.moderator.slash(
        server.general, f"mod {command}", member=server.member, reason="Spam", **ACTIONS[command]
    )
    assert "Case #1" in shown(result)
    assert acted_on(server, server.member) != []
    [case] = await cases(server.guild.id)
    assert case.dm_delivered is True


REFUSED_CALLS = {
    "timeout": ("PATCH", "/guilds/{guild}/members/{member}"),
    "kick": ("DELETE", "/guilds/{guild}/members/{member}"),
    "ban": ("PUT", "/guilds/{guild}/bans/{member}"),
}


@pytest.mark.parametrize("command", list(REFUSED_CALLS))
async def test_an_action_discord_refuses_after_its_case_gives_the_case_back(server, simcord_env, command):
    await server.moderator.slash(server.general, "mod warn", member=server.buddy, reason="Rude")
    method, path = REFUSED_CALLS[command]
    simcord_env.inject_error(method, path.format(guild=server.guild.id, member=server.member.id), status=500, times=1)

    result = await server.moderator.slash(
        server.general, f"mod {command}", member=server.member, reason="Spam", **ACTIONS[command]
    )

    assert "Nothing was recorded; you can try again." in refusal(simcord_env, result)
    assert acted_on(server, server.member) == []
    assert [case.target_id for case in await cases(server.guild.id)] == [server.buddy.id]
    assert dms(server.member) == []
    assert await Timer.filter(kind="moderation.unban").count() == 0
    assert [embed.title for embed in server.log_embeds()] == ["Case #1 · Warning"]

    # The number the refused action had reserved is given back: the retry takes it.
    retry = await server.moderator.slash(
        server.general, f"mod {command}", member=server.member, reason="Spam", **ACTIONS[command]
    )
    assert "Case #2" in shown(retry)
    assert acted_on(server, server.member) != []
    assert [case.number for case in await cases(server.guild.id)] == [1, 2]
