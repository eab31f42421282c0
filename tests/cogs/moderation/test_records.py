"""History, single cases, editing reasons, the escalation hint, concurrent numbering, languages."""

import asyncio

import discord

from cogs.moderation import flows, service
from models.moderation import CaseAction, CaseCounter, CaseStatus, ModCase
from tests.cogs.moderation.helpers import cases, field, moderation_server
from tests.helpers import dms, refusal, shown, speaking


async def test_history_is_paginated_and_shows_notes_to_staff_only(server, simcord_env):
    now = discord.utils.utcnow()
    for index in range(60):
        await service.record_case(
            server.guild.id,
            CaseAction.NOTE if index % 2 else CaseAction.WARN,
            target_id=server.member.id,
            moderator_id=server.moderator.id,
            reason=f"reason number {index} " + "x" * 40,
            now=now,
        )

    result = await server.moderator.slash(server.general, "mod history", member=server.member)

    assert result.ephemeral
    first_page = result.response.content
    assert "60 cases" in first_page and "Page 1 of" in first_page and "Note" in first_page
    turned = await server.moderator.click(result.response, label="Next")
    assert "Page 2 of" in turned.response.content

    own = await server.member.slash(server.general, "mod history", member=server.member)
    assert "30 cases" in own.response.content and "Note" not in own.response.content
    # Members are not told which moderator acted on them (staff are).
    assert server.moderator.mention in first_page
    assert server.moderator.mention not in own.response.content and "by " not in own.response.content


async def test_members_cannot_read_others_history(server, simcord_env):
    result = await server.member.slash(server.general, "mod history", member=server.buddy)

    assert "You can see only your own moderation history" in refusal(simcord_env, result)


async def test_empty_history(server):
    result = await server.moderator.slash(server.general, "mod history", member=server.buddy)

    assert "has no moderation cases" in shown(result)


async def test_case_shows_one_case_and_unknown_numbers_are_explained(server, simcord_env):
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam")

    result = await server.moderator.slash(server.general, "mod case", number=1)
    assert result.response.embeds[0].title == "Case #1 · Warning"

    missing = await server.moderator.slash(server.general, "mod case", number=7)
    assert "There is no case #7 on this server." in refusal(simcord_env, missing)


async def test_reason_edits_the_case_and_its_log_entry(server):
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="spam")
    log_message = server.mod_log.last_message

    result = await server.moderator.slash(server.general, "mod reason", number=1, text="Spam links in #general")

    assert "Case #1 now has the new reason." in shown(result)
    [case] = await cases(server.guild.id)
    assert case.reason == "Spam links in #general" and case.reason_edited_by == server.moderator.id
    [embed] = server.log_embeds()  # edited in place, not posted again
    assert server.mod_log.last_message.id == log_message.id
    assert field(embed, "Reason") == "Spam links in #general"
    assert embed.footer.text == "Reason edited"


async def test_third_warning_within_30_days_alerts_the_moderator(server, simcord_env):
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="first")
    await simcord_env.advance_time(31 * 86400)
    second = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="second")
    third = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="third")
    assert "warning number" not in shown(second) and "warning number" not in shown(third)

    fourth = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="fourth")

    assert "This is warning number 3" in shown(fourth)
    assert "No automatic action was taken" in shown(fourth)
    assert "first" in shown(fourth) and "fourth" in shown(fourth)  # the history follows
    assert server.member.id in server.guild.member_ids()


async def test_concurrent_actions_get_distinct_consecutive_numbers_on_postgres(server):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of actions recorded in quick succession, not a race.
    now = discord.utils.utcnow()

    created = await asyncio.gather(
        *(
            service.record_case(
                server.guild.id, CaseAction.NOTE, target_id=server.member.id, moderator_id=1, reason=str(i), now=now
            )
            for i in range(12)
        )
    )

    assert sorted(case.number for case in created) == list(range(1, 13))


async def test_dm_reaches_the_member_in_their_language(server, monkeypatch):
    with speaking(monkeypatch, server.member, "pl"):
        await server.member.slash(server.general, "mod history", member=server.member)

    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam")

    [dm] = dms(server.member)
    assert "Otrzymujesz ostrzeżenie" in dm and "Powód: Spam" in dm


async def test_mod_log_speaks_the_servers_language(server):
    await server.admin.slash(server.general, "setup language", language="pl")

    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="Spam", duration="2d")

    [embed] = server.log_embeds()
    assert embed.title == "Sprawa #1 · Ban"
    assert field(embed, "Powód") == "Spam"
    assert field(embed, "Powiadomienie w wiadomości prywatnej") == "tak"


async def test_history_names_the_month_of_each_date(server, monkeypatch):
    # 01/04/2026 is April in Warsaw and January in New York: every reader sees the month named.
    await server.moderator.slash(server.general, "mod timeout", member=server.member, duration="36h", reason="Heat")
    [case] = await cases(server.guild.id)

    with speaking(monkeypatch, server.moderator, "pl"):
        result = await server.moderator.slash(server.general, "mod history", member=server.member)

    opened, until = int(case.created_at.timestamp()), int(case.expires_at.timestamp())
    assert f"<t:{opened}:D>" in result.response.content
    assert f"do <t:{until}:D>" in result.response.content


async def test_each_server_sees_only_its_own_cases(server, simcord_env, monkeypatch):
    # The same person on two servers: one server's cases are no business of the other's.
    other = await moderation_server(simcord_env)
    there = other.guild.add_member(server.member.user)
    await simcord_env.settle()
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam here")

    with speaking(monkeypatch, other.moderator, "pl"):
        missing = await other.moderator.slash(other.general, "mod case", number=1)
    history_there = await other.moderator.slash(other.general, "mod history", member=there)
    edit_there = await other.moderator.slash(other.general, "mod reason", number=1, text="Rewritten elsewhere")

    assert refusal(simcord_env, missing) == "Na tym serwerze nie ma sprawy #1."
    assert shown(history_there) == f"{server.member.mention} has no moderation cases."
    assert refusal(simcord_env, edit_there) == "There is no case #1 on this server."
    [case] = await cases(server.guild.id)
    assert (case.reason, case.reason_edited_by) == ("Spam here", None)


async def test_history_shows_only_the_member_asked_about(server):
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam")

    result = await server.moderator.slash(server.general, "mod history", member=server.buddy)

    assert shown(result) == f"{server.buddy.mention} has no moderation cases."


async def test_escalation_follows_the_servers_own_threshold_and_window(server, simcord_env):
    await server.admin.slash(server.general, "setup option", key="moderation_escalation_warnings", value="2")
    await server.admin.slash(server.general, "setup option", key="moderation_escalation_window", value="2d")
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="first")
    await simcord_env.advance_time(3 * 86400)  # beyond this server's window of two days
    second = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="second")

    third = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="third")

    assert "warning number" not in shown(second)
    assert f"This is warning number 2 for {server.member.mention} within 2 days." in shown(third)


async def test_escalation_counts_only_this_members_warnings_on_this_server(server, simcord_env):
    other = await moderation_server(simcord_env)
    there = other.guild.add_member(server.member.user)
    await simcord_env.settle()
    for reason in ("elsewhere 1", "elsewhere 2"):
        await other.moderator.slash(other.general, "mod warn", member=there, reason=reason)
    for reason in ("note 1", "note 2"):  # notes are not warnings
        await server.moderator.slash(server.general, "mod note", member=server.buddy, text=reason)
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="the buddy's neighbour")
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="again")

    buddy_warned = await server.moderator.slash(server.general, "mod warn", member=server.buddy, reason="one")
    member_warned = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="third here")

    assert "warning number" not in shown(buddy_warned)
    assert "This is warning number 3" in shown(member_warned)
    assert "elsewhere" not in shown(member_warned)


async def test_a_reason_edited_while_the_ban_ends_leaves_the_ban_ended(server, simcord_env, monkeypatch):
    # Editing a reason writes the reason, not the whole case read a moment before: the
    # expiry that ends the ban in between must not be undone.
    await server.moderator.slash(server.general, "mod ban", member=server.member, reason="x", duration="1d")
    read_case = service.get_case

    async def case_read_just_before_the_expiry(guild_id, number):
        case = await read_case(guild_id, number)
        await flows.lift_expired_ban(simcord_env.bot, case.pk)  # the ban's timer, firing now
        return case

    monkeypatch.setattr(service, "get_case", case_read_just_before_the_expiry)
    await server.moderator.slash(server.general, "mod reason", number=1, text="Threats")

    ban, unban = await cases(server.guild.id)
    assert (ban.status, ban.reason, unban.action) == (CaseStatus.ENDED, "Threats", CaseAction.UNBAN)
    assert server.guild.get_ban(server.member) is None


async def test_a_number_taken_outside_the_counter_does_not_block_new_cases(server):
    # A restored backup or an import can hold the number the counter would give out next.
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="first")
    for number in (2, 3):
        await ModCase.create(
            guild_id=server.guild.id,
            number=number,
            action=CaseAction.NOTE,
            target_id=server.buddy.id,
            reason=f"imported {number}",
            created_at=discord.utils.utcnow(),
        )

    result = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="second")

    assert f"Case #4: {server.member.mention} was warned." in shown(result)
    assert [(case.number, case.reason) for case in await cases(server.guild.id)] == [
        (1, "first"),
        (2, "imported 2"),
        (3, "imported 3"),
        (4, "second"),
    ]
    assert await CaseCounter.get(guild_id=server.guild.id).values_list("last_number", flat=True) == 4
