"""Every action end to end: the case, the mod-log embed, the DM and the reply."""

from models.moderation import CaseAction, CaseStatus
from tests.cogs.moderation.helpers import cases, field
from tests.helpers import dms, shown


async def test_warn_records_a_case_logs_it_and_tells_the_member(server):
    result = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam in #general")

    assert result.ephemeral
    assert f"Case #1: {server.member.mention} was warned." in shown(result)
    [case] = await cases(server.guild.id)
    assert (case.number, case.action, case.target_id, case.moderator_id) == (
        1,
        CaseAction.WARN,
        server.member.id,
        server.moderator.id,
    )
    assert case.reason == "Spam in #general" and case.dm_delivered is True
    [embed] = server.log_embeds()
    assert embed.title == "Case #1 · Warning"
    assert field(embed, "Reason") == "Spam in #general"
    assert server.moderator.mention in field(embed, "Moderator")
    assert case.log_message_id == server.mod_log.last_message.id
    [dm] = dms(server.member)
    assert "You received a warning from the moderators of Spółdzielnia Gromada." in dm
    assert "Reason: Spam in #general" in dm


async def test_timeout_uses_discords_native_timeout(server, simcord_env):
    result = await server.moderator.slash(
        server.general, "mod timeout", member=server.member, duration="36h", reason="Heated thread"
    )

    assert "Case #1" in shown(result) and "is timed out until" in shown(result)
    member = server.guild.me.guild.get_member(server.member.id)
    assert member.is_timed_out()
    [case] = await cases(server.guild.id)
    assert case.action == CaseAction.TIMEOUT
    assert round((case.expires_at - case.created_at).total_seconds()) == 36 * 3600
    assert member.timed_out_until == case.expires_at
    assert server.log_embeds()[0].title == "Case #1 · Timeout"
    assert "You were timed out on Spółdzielnia Gromada until" in dms(server.member)[0]


async def test_kick_tells_the_member_before_removing_them(server):
    result = await server.moderator.slash(server.general, "mod kick", member=server.member, reason="Ads")

    assert f"Case #1: {server.member.mention} was kicked." in shown(result)
    assert server.member.id not in server.guild.member_ids()
    [dm] = dms(server.member)
    assert "You were removed from Spółdzielnia Gromada" in dm and "Reason: Ads" in dm
    assert server.log_embeds()[0].title == "Case #1 · Kick"


async def test_ban_and_unban(server):
    result = await server.moderator.slash(
        server.general, "mod ban", member=server.member, reason="Harassment", delete_days=1
    )

    assert f"Case #1: {server.member.mention} was banned." in shown(result)
    assert server.guild.get_ban(server.member) is not None
    assert "You were banned from Spółdzielnia Gromada." in dms(server.member)[0]

    result = await server.moderator.slash(server.general, "mod unban", user=server.member.user, reason="Apologised")

    assert f"Case #2: {server.member.mention} was unbanned." in shown(result)
    assert server.guild.get_ban(server.member) is None
    ban, unban = await cases(server.guild.id)
    assert (ban.action, ban.status) == (CaseAction.BAN, CaseStatus.ENDED)
    assert (unban.action, unban.related_number) == (CaseAction.UNBAN, 1)
    assert [embed.title for embed in server.log_embeds()] == ["Case #1 · Ban", "Case #2 · Unban"]


async def test_ban_someone_who_already_left(server, simcord_env):
    stranger = simcord_env.create_user("troll")

    result = await server.moderator.slash(server.general, "mod ban", member=stranger, reason="Raid account")

    assert "Case #1" in shown(result)
    assert server.guild.get_ban(stranger) is not None
    [case] = await cases(server.guild.id)
    assert case.dm_delivered is None


async def test_unban_of_someone_not_banned_is_refused(server, simcord_env):
    from tests.helpers import refusal

    stranger = simcord_env.create_user("innocent")

    result = await server.moderator.slash(server.general, "mod unban", user=stranger, reason="?")

    assert "innocent is not banned on this server." in refusal(simcord_env, result)
    assert await cases(server.guild.id) == []


async def test_note_is_never_shown_to_the_member(server):
    result = await server.moderator.slash(server.general, "mod note", member=server.member, text="Seems new, be kind")

    assert "note about" in shown(result) and "They will not see it." in shown(result)
    assert dms(server.member) == []
    [case] = await cases(server.guild.id)
    assert case.action == CaseAction.NOTE and case.dm_delivered is None
    assert server.log_embeds()[0].title == "Case #1 · Note"


async def test_case_numbers_count_up_per_server(server, simcord_env):
    other = simcord_env.create_guild("Other")
    await simcord_env.settle()
    for reason in ("one", "two", "three"):
        await server.moderator.slash(server.general, "mod note", member=server.member, text=reason)

    assert [case.number for case in await cases(server.guild.id)] == [1, 2, 3]
    assert await cases(other.id) == []
