"""Who may create a poll, and where: the whole electorate must be able to read it."""

from __future__ import annotations

import discord

from cogs.polls.cog import CREATE_COOLDOWN
from models.onboarding import Journey
from models.polls import Poll
from tests.cogs.polls.helpers import open_poll
from tests.helpers import quickstarted, refusal, shown, wait_out


async def newcomer_in_welcome_thread(server):
    """A newcomer who just joined and sits in their private welcome thread."""
    env = server.env
    newcomer = server.guild.add_member(env.create_user("nadia"))
    await env.settle()
    journey = await Journey.get(user_id=newcomer.id)
    thread = next(thread for thread in server.guild.channels["welcome"].threads if thread.id == journey.thread_id)
    # On Discord the first message's ping adds her to the thread; SimCord does not model that.
    env.backend.add_thread_member(thread.id, newcomer.id)
    return newcomer, thread


def posted_in(thread) -> list:
    return [
        message for message in thread.history() if message.embeds and "Poll #" in (message.embeds[0].footer.text or "")
    ]


async def test_a_newcomer_cannot_create_a_poll_by_default(simcord_env):
    server = await quickstarted(simcord_env)
    newcomer, thread = await newcomer_in_welcome_thread(server)

    result = await newcomer.slash(thread, "poll create", question="Pizza on Friday?", options="yes; no")

    assert "Only members and moderators can create polls on this server" in refusal(simcord_env, result)
    assert await Poll.all().count() == 0


async def test_a_poll_is_refused_where_the_electorate_cannot_read_it(simcord_env):
    server = await quickstarted(simcord_env)
    newcomer, thread = await newcomer_in_welcome_thread(server)
    opened = await server.admin.slash(server.general, "setup option", key="polls_creators", value="everyone")
    decisions = server.guild.channels["decisions"]

    result = await newcomer.slash(thread, "poll create", question="Pizza on Friday?", options="yes; no")

    assert "polls_creators is now everyone" in shown(opened)
    text = refusal(simcord_env, result)
    # Everyone on the server may vote, but only Nadia is in her thread (and the server's
    # owner, like anyone who may manage threads, sees every thread).
    guild = server.guild.me.guild
    electors = [member for member in guild.members if not member.bot]
    blind = [member for member in electors if member.id not in (newcomer.id, guild.owner_id)]
    assert len(blind) >= 2
    assert f"{len(blind)} eligible members cannot read this channel" in text
    assert f"Create the poll in <#{decisions.id}>, which every eligible member can read." in text
    assert await Poll.all().count() == 0
    assert posted_in(thread) == []

    # Where everyone can read, the same newcomer's poll opens for the whole server.
    created = await newcomer.slash(decisions, "poll create", question="Pizza on Friday?", options="yes; no")

    assert f"is open for {len(electors)} eligible members" in shown(created)


async def test_members_create_polls_and_moderators_only_when_the_server_says_so(simcord_env):
    server = await quickstarted(simcord_env)
    member = server.guild.add_member(simcord_env.create_user("marta"), roles=[server.guild.roles["Member"]])
    await simcord_env.settle()

    allowed = await member.slash(server.general, "poll create", question="Paint the door?", options="green; red")
    await server.admin.slash(server.general, "setup option", key="polls_creators", value="moderators")
    await wait_out(simcord_env, CREATE_COOLDOWN)  # the refusal asked about is the setting, not the cooldown
    refused = await member.slash(server.general, "poll create", question="Paint it again?", options="green; red")
    poll, _message = await open_poll(server, question="Staff may still ask?")

    wrong = await server.admin.slash(server.general, "setup option", key="polls_creators", value="sometimes")

    assert "is open for" in shown(allowed)
    assert "“sometimes” is not one of: members, everyone, moderators." in refusal(simcord_env, wrong)
    assert "Only moderators can create polls on this server." in refusal(simcord_env, refused)
    assert [row.question for row in await Poll.all().order_by("id")] == ["Paint the door?", poll.question]


async def test_a_poll_for_a_role_whose_members_cannot_see_the_channel_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    board, members = guild.roles["Board"], guild.roles["Member"]
    guild.add_member(simcord_env.create_user("marta"), roles=[members])
    hidden = discord.PermissionOverwrite(view_channel=False)
    seen = discord.PermissionOverwrite(view_channel=True)
    board_room = guild.create_text_channel(
        "board-room", overwrites={guild.roles["@everyone"]: hidden, board: seen, guild.me: seen}
    )
    await simcord_env.settle()

    for_members = await server.admin.slash(
        board_room, "poll create", question="Q?", options="a; b", eligible_role=members
    )
    for_the_board = await server.admin.slash(
        board_room, "poll create", question="Q?", options="a; b", eligible_role=board
    )

    decisions = guild.channels["decisions"]
    assert f"Create the poll in <#{decisions.id}>" in refusal(simcord_env, for_members)
    assert "is open for 1 eligible member" in shown(for_the_board)
    assert await Poll.all().count() == 1
