"""What a vote reads from memory (the open poll) never outweighs what the database says,
and a vote or a tally refresh stays a few statements however many have voted."""

from __future__ import annotations

import discord

from benchmarks.sql_count import counting_statements
from cogs.polls import service
from models.polls import Decision, PollBallot, PollElector
from tests.cogs.polls.helpers import open_poll, poll_message
from tests.helpers import quickstarted, refusal, shown


async def test_a_poll_closed_behind_the_bot_refuses_votes_it_had_in_memory(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await server.member.click(message, label="Park")  # the open poll is now read from memory
    # Closed in the database without this process being told (another process, say).
    assert await service.close_poll(poll.pk, discord.utils.utcnow())

    late = await server.admin.click(message, label="Café")
    change = await server.member.click(message, label="Library")

    assert "This poll is closed" in refusal(simcord_env, late)
    assert "This poll is closed" in refusal(simcord_env, change)
    ballots = await PollBallot.filter(poll_id=poll.pk).values_list("voter_id", "choices")
    assert ballots == [(server.member.id, [1])]
    assert (await Decision.get(poll_id=poll.pk)).turnout == 1


async def test_the_electorate_is_the_one_fixed_when_the_poll_opened(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    buddy_role = guild.roles["Buddy"]
    stays = guild.add_member(simcord_env.create_user("stays"), roles=[buddy_role])
    leaves = guild.add_member(simcord_env.create_user("leaves"), roles=[buddy_role])
    await simcord_env.settle()
    poll, message = await open_poll(server, eligible_role=buddy_role)
    await stays.click(message, label="Park")
    # The role changes hands after the poll opened: who may vote does not.
    await simcord_env.bot.get_guild(guild.id).get_member(leaves.id).remove_roles(discord.Object(buddy_role.id))
    joins = guild.add_member(simcord_env.create_user("joins"), roles=[buddy_role])
    await simcord_env.settle()

    still_elector = await leaves.click(message, label="Café")
    newcomer = await joins.click(message, label="Café")

    assert "Your vote is recorded: **Café**" in shown(still_elector)
    assert "not in this poll's electorate" in refusal(simcord_env, newcomer)
    assert sorted(await PollBallot.filter(poll_id=poll.pk).values_list("voter_id", flat=True)) == sorted(
        [stays.id, leaves.id]
    )


async def test_a_member_forgotten_on_request_no_longer_votes_as_themselves(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await server.member.click(message, label="Park")
    preview = await server.member.slash(server.general, "privacy forget")
    await server.member.click(preview.response, label="Forget me")

    again = await server.member.click(message, label="Café")

    # Their elector row and ballot now stand under a pseudonym: the ballot stays counted,
    # and the person cannot add a second one under their own id.
    assert "not in this poll's electorate" in refusal(simcord_env, again)
    assert not await PollElector.exists(poll_id=poll.pk, user_id=server.member.id)
    assert await PollBallot.filter(poll_id=poll.pk).values_list("choices", flat=True) == [[1]]


async def test_a_vote_and_a_tally_refresh_are_a_few_statements(simcord_env):
    server = await quickstarted(simcord_env)
    voters = [server.guild.add_member(simcord_env.create_user(f"voter{index}")) for index in range(6)]
    await simcord_env.settle()
    poll, message = await open_poll(server)
    await voters[0].click(message, label="Park")  # the poll is read once, then kept

    with counting_statements() as first:
        recorded = await voters[1].click(message, label="Library")
    with counting_statements() as second:
        changed = await voters[1].click(message, label="Café")
    for voter in voters[2:]:
        await voter.click(message, label="Park")
    with counting_statements() as refresh:
        await simcord_env.advance_time(6)

    assert "Your vote is recorded: **Library**" in shown(recorded)
    assert "Your vote is changed to: **Café**" in shown(changed)
    # A first click: the member's language and the ballot. A change: the ballot, looked at twice.
    assert len(first) <= 3, first.statements
    assert len(second) <= 3, second.statements
    # One aggregate query, whatever the number of ballots.
    assert len(refresh) == 1, refresh.statements
    assert "**Park**: 5 (83%)" in poll_message(server, poll).embeds[0].description
