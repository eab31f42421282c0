"""History, single cases, editing reasons, the escalation hint, concurrent numbering, languages."""

import asyncio

import discord

from cogs.moderation import service
from models.moderation import CaseAction
from tests.cogs.moderation.helpers import cases, field
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
