"""Who may act on whom: each refusal is ephemeral, says why, and changes nothing."""

import discord
import pytest
from simcord.interactions import OptionError
from tortoise.exceptions import IntegrityError

from cogs.moderation import service
from tests.cogs.moderation.helpers import cases, field
from tests.helpers import dms, refusal, shown, speaking


async def test_plain_member_cannot_moderate(server, simcord_env):
    result = await server.member.slash(server.general, "mod warn", member=server.buddy, reason="x")

    assert "Only moderators can do that" in refusal(simcord_env, result)
    assert "Timeout Members" in refusal(simcord_env, result)
    assert await cases(server.guild.id) == []


async def test_kick_permission_alone_allows_kicking_but_not_banning(server, simcord_env):
    kickers = server.guild.create_role("Kickers", permissions=discord.Permissions(kick_members=True))
    kicker = server.guild.add_member(simcord_env.create_user("kasia"), roles=[kickers])
    await simcord_env.settle()
    # Above the member, so only the missing permission can stop the ban.
    await simcord_env.bot.get_guild(server.guild.id).get_role(kickers.id).edit(position=5)
    await simcord_env.settle()

    refused = await kicker.slash(server.general, "mod ban", member=server.member, reason="x")
    assert "Ban Members" in refusal(simcord_env, refused)
    assert server.guild.get_ban(server.member) is None

    await kicker.slash(server.general, "mod kick", member=server.member, reason="Spam")
    assert server.member.id not in server.guild.member_ids()


async def test_nobody_acts_on_themselves(server, simcord_env):
    result = await server.moderator.slash(server.general, "mod kick", member=server.moderator, reason="x")

    assert "You cannot take moderation action on yourself." in refusal(simcord_env, result)
    assert server.moderator.id in server.guild.member_ids()


async def test_nobody_acts_on_the_bot(server, simcord_env):
    bot = _handle(simcord_env, server, simcord_env.bot.user.id)
    result = await server.moderator.slash(server.general, "mod ban", member=bot, reason="x")

    assert "I will not take moderation action on myself." in refusal(simcord_env, result)


async def test_nobody_acts_on_the_owner(server, simcord_env):
    owner = _handle(simcord_env, server, server.guild.me.guild.owner_id)
    result = await server.moderator.slash(server.general, "mod warn", member=owner, reason="x")

    assert "Nobody can take moderation action on the server owner." in refusal(simcord_env, result)


async def test_moderator_cannot_act_on_an_equal_or_higher_role(server, simcord_env):
    colleague = server.guild.add_member(simcord_env.create_user("olek_mod"), roles=[server.guild.roles["Moderator"]])
    await simcord_env.settle()

    result = await server.moderator.slash(server.general, "mod timeout", member=colleague, duration="1h", reason="x")

    assert "highest role is not below yours" in refusal(simcord_env, result)
    assert not server.guild.me.guild.get_member(colleague.id).is_timed_out()


async def test_bot_refuses_members_above_its_own_role(server, simcord_env):
    # An admin whose role stands above the bot's: Discord would refuse, the bot says why first.
    guild = simcord_env.bot.get_guild(server.guild.id)
    high = server.guild.create_role("Elders", position=guild.me.top_role.position + 1)
    elder = server.guild.add_member(simcord_env.create_user("stary"), roles=[high])
    await simcord_env.settle()
    owner = _handle(simcord_env, server, guild.owner_id)

    result = await owner.slash(server.general, "mod kick", member=elder, reason="x")

    assert "not below mine" in refusal(simcord_env, result)
    assert elder.id in server.guild.member_ids()


async def test_bad_duration_is_explained(server, simcord_env):
    result = await server.moderator.slash(
        server.general, "mod timeout", member=server.member, duration="forever", reason="x"
    )

    assert "is not a duration" in refusal(simcord_env, result)
    result = await server.moderator.slash(
        server.general, "mod timeout", member=server.member, duration="30d", reason="x"
    )
    assert "The duration must be between" in refusal(simcord_env, result)


async def test_a_plain_members_duration_is_never_read(server, simcord_env, monkeypatch):
    # Who asks is checked first: a hostile duration from a non-moderator gets the same
    # refusal as any other, in their language, and never reaches the duration parser.
    hostile = "1d " * 2000 + "!"
    with speaking(monkeypatch, server.member, "pl"):
        timeout = await server.member.slash(
            server.general, "mod timeout", member=server.buddy, duration=hostile, reason="x"
        )
        ban = await server.member.slash(server.general, "mod ban", member=server.buddy, duration=hostile, reason="x")

    for result in (timeout, ban):
        assert "Tylko moderatorzy mogą to zrobić" in refusal(simcord_env, result)
    assert not server.guild.me.guild.get_member(server.buddy.id).is_timed_out()
    assert server.guild.get_ban(server.buddy) is None
    assert await cases(server.guild.id) == []


async def test_a_case_number_beyond_the_database_column_is_refused_by_discord(server, simcord_env):
    # Case numbers are 32-bit: PostgreSQL fails on a larger one, which ended as an incident.
    await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam")

    with pytest.raises(OptionError, match="must be ≤ 2147483647"):
        await server.moderator.slash(server.general, "mod case", number=2**31)
    with pytest.raises(OptionError, match="must be ≤ 2147483647"):
        await server.moderator.slash(server.general, "mod reason", number=2**31, text="Changed")

    assert simcord_env.errors == []
    assert [case.reason for case in await cases(server.guild.id)] == ["Spam"]
    largest = await server.moderator.slash(server.general, "mod case", number=2**31 - 1)
    assert "#2147483647" in refusal(simcord_env, largest)


async def test_no_mod_log_channel_is_explained_before_acting(server, simcord_env):
    from gromada import guild_config
    from models.core import BindingKind, GuildBinding

    await GuildBinding.filter(guild_id=server.guild.id, kind=BindingKind.CHANNEL, purpose="mod_log").delete()
    guild_config.forget(server.guild.id)  # written behind the bot's back: it reads the rows again
    assert await guild_config.binding(server.guild.id, BindingKind.CHANNEL, "mod_log") is None

    result = await server.moderator.slash(server.general, "mod kick", member=server.member, reason="x")

    assert "There is no mod-log channel" in refusal(simcord_env, result)
    assert server.member.id in server.guild.member_ids()


def _handle(env, server, user_id: int):
    """The SimCord actor of a member by id (the owner, the bot)."""
    from simcord.actors import MemberActor
    from simcord.builders import UserHandle

    return MemberActor(env, server.guild, UserHandle(env, env.backend.get_user(user_id)))


async def test_moderator_acts_on_every_role_quickstart_puts_below_it(server, simcord_env):
    roles = server.guild.roles
    people = {
        name: server.guild.add_member(simcord_env.create_user(name.lower()), roles=[roles[name]])
        for name in ("Mediator", "Buddy", "Member", "Newcomer")
    }
    await simcord_env.settle()

    for person in people.values():
        await server.moderator.slash(server.general, "mod warn", member=person, reason="Be kind")

    assert {case.target_id for case in await cases(server.guild.id)} == {person.id for person in people.values()}


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_someone_not_on_the_server_is_named_as_such(server, simcord_env, monkeypatch, language):
    # Discord's user picker also offers people who are not (or no longer) members: discord.py
    # then has a user where the command takes a member.
    stranger = simcord_env.create_user("stranger")

    with speaking(monkeypatch, server.moderator, language):
        result = await server.moderator.slash(server.general, "mod warn", member=stranger, reason="Spam")

    expected = {
        "en": "That person is not a member of this server.",
        "pl": "Tej osoby nie ma na tym serwerze.",
    }[language]
    assert refusal(simcord_env, result) == expected
    assert await cases(server.guild.id) == []


async def test_a_reason_that_shows_nothing_is_asked_for(server, simcord_env, monkeypatch):
    blank = await server.moderator.slash(server.general, "mod warn", member=server.member, reason=" \u200b ")
    with speaking(monkeypatch, server.moderator, "pl"):
        blank_pl = await server.moderator.slash(server.general, "mod kick", member=server.member, reason="   ")

    assert refusal(simcord_env, blank) == "Please give a reason."
    assert refusal(simcord_env, blank_pl) == "Podaj powód."
    assert server.member.id in server.guild.member_ids()
    assert await cases(server.guild.id) == []
    assert dms(server.member) == []


async def test_a_reason_may_fill_the_log_field_but_not_one_character_more(server, simcord_env, monkeypatch):
    # The mod-log embed field holds 1,024 characters: 1,000 is the most a reason may have.
    longest = "Spam " * 199 + "Spam!"
    assert len(longest) == 1000
    kept = await server.moderator.slash(server.general, "mod warn", member=server.member, reason=longest)
    too_long = await server.moderator.slash(server.general, "mod warn", member=server.member, reason=longest + "!")
    with speaking(monkeypatch, server.moderator, "ru"):
        too_long_ru = await server.moderator.slash(server.general, "mod reason", number=1, text=longest + "!")

    assert "Case #1" in shown(kept)
    assert refusal(simcord_env, too_long) == "The reason is too long (at most 1000 characters)."
    assert refusal(simcord_env, too_long_ru) == "Причина слишком длинная (не больше 1000 символов)."
    assert [case.reason for case in await cases(server.guild.id)] == [longest]
    assert field(server.log_embeds()[0], "Reason") == longest


async def test_a_warning_whose_case_is_refused_sends_no_dm(server, simcord_env, monkeypatch):
    recorded = service._insert_numbered

    async def numbering_always_taken(*args, **kwargs):
        raise IntegrityError("case number taken")

    monkeypatch.setattr(service, "_insert_numbered", numbering_always_taken)
    refused = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam")

    assert "changed by someone else in the meantime" in refusal(simcord_env, refused)
    assert await cases(server.guild.id) == []
    assert dms(server.member) == []

    # Recorded on the next try: now the member is told, and the case says so.
    monkeypatch.setattr(service, "_insert_numbered", recorded)
    result = await server.moderator.slash(server.general, "mod warn", member=server.member, reason="Spam")

    assert "Case #1" in shown(result)
    [case] = await cases(server.guild.id)
    assert case.dm_delivered is True
    [dm] = dms(server.member)
    assert "Reason: Spam" in dm
    assert field(server.log_embeds()[-1], "Told by DM") == "yes"
