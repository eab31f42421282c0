"""Single-choice polls end to end: voting, changing, refusals, the tally refresh, closing."""

from __future__ import annotations

import asyncio
import time

import discord

from cogs.polls import flows, service
from gromada.bot import create_bot
from models.core import Timer, TimerStatus
from models.polls import Decision, DecisionOutcome, Poll, PollBallot, PollStatus
from tests.cogs.polls.helpers import member_server, open_poll, poll_message, results_message
from tests.helpers import command_mention, deadline_failures, quickstarted, refusal, shown


async def test_member_votes_changes_and_keeps_their_vote(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)

    first = await server.member.click(message, label="Park")
    again = await server.member.click(message, label="Park")
    changed = await server.member.click(message, label="Café")

    assert first.ephemeral and "Your vote is recorded: **Park**" in shown(first)
    assert "your vote stays as it is" in shown(again)
    assert "Your vote is changed to: **Café**" in shown(changed)
    ballots = await PollBallot.filter(poll_id=poll.pk)
    assert [(b.voter_id, b.choices) for b in ballots] == [(server.member.id, [2])]


async def test_poll_message_shows_question_deadline_and_electorate(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="36h")

    embed = message.embeds[0]
    assert embed.title == "Where do we meet?"
    assert f"<t:{int(poll.closes_at.timestamp())}:R>" in embed.description
    # The electorate: the owner, the admin and the member (bots never vote).
    assert poll.electorate_size == 3
    assert "Voted: 0 of 3 eligible members" in embed.description
    assert all(item.custom_id.startswith("poll:") for row in message.components for item in row.children)
    assert (poll.closes_at - poll.created_at).total_seconds() == 36 * 3600


async def test_tally_is_refreshed_once_for_a_burst_of_votes(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    voters = [guild.add_member(simcord_env.create_user(f"voter{i}")) for i in range(6)]
    await simcord_env.settle()
    poll, message = await open_poll(server)
    edits_before = _poll_edits(simcord_env, poll)

    for voter in voters:
        await voter.click(message, label="Library")
    assert _poll_edits(simcord_env, poll) == edits_before  # nothing yet: coalesced
    await simcord_env.advance_time(6)

    assert _poll_edits(simcord_env, poll) == edits_before + 1
    assert "**Library**: 6 (100%)" in poll_message(server, poll).embeds[0].description
    assert "Voted: 6 of 9" in poll_message(server, poll).embeds[0].description
    # With nothing left to show the flush stops, and the next vote starts it again.
    cog = simcord_env.bot.get_cog("PollsCog")
    assert not cog.flush_tallies.is_running()
    await server.member.click(message, label="Park")
    assert cog.flush_tallies.is_running()
    await simcord_env.advance_time(6)
    assert _poll_edits(simcord_env, poll) == edits_before + 2
    assert not cog.flush_tallies.is_running()
    assert "Voted: 7 of 9" in poll_message(server, poll).embeds[0].description


def _poll_edits(env, poll: Poll) -> int:
    return sum(1 for request in env.http_requests if request.method == "PATCH" and str(poll.message_id) in request.path)


async def test_deadline_closes_the_poll_with_results_chart_and_decision(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="2h")
    await server.member.click(message, label="Park")
    await server.admin.click(message, label="Park")

    await simcord_env.advance_time(3600)
    assert (await Poll.get(id=poll.pk)).status == PollStatus.OPEN
    await simcord_env.advance_time(3601)

    closed = await Poll.get(id=poll.pk)
    assert closed.status == PollStatus.CLOSED
    results = results_message(server, closed)
    text = results.embeds[0].description
    assert "Decision: **Park**" in text
    assert "**Park**: 2 (100%)" in text
    assert "Turnout: 2 of 3 eligible members (67%)" in text
    assert results.attachments[0].filename == "results.png"
    decision = await Decision.get(poll_id=poll.pk)
    assert decision.outcome == DecisionOutcome.WINNER and decision.winners == "Park"
    # The poll's buttons are disabled.
    buttons = [item for row in poll_message(server, poll).components for item in row.children]
    assert buttons and all(button.disabled for button in buttons)


async def test_late_vote_after_close_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    # Closed in the database, the buttons not yet disabled (the announcement is on its way).
    assert await service.close_poll(poll.pk, discord.utils.utcnow())

    result = await server.member.click(message, label="Park")

    assert "This poll is closed" in refusal(simcord_env, result)
    assert not await PollBallot.exists(poll_id=poll.pk)


async def test_vote_between_deadline_and_timer_is_refused(simcord_env, settings):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="1h")
    # The timer is lost (as if the scheduler were late); the deadline alone refuses votes.
    await Timer.filter(ref_id=poll.pk, kind=service.CLOSE_TIMER).update(status=TimerStatus.CANCELLED)
    await simcord_env.advance_time(3601)

    result = await server.member.click(message, label="Park")

    assert "This poll is closed" in refusal(simcord_env, result)


async def test_a_poll_whose_close_timer_was_lost_still_closes_after_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="1h")
    await server.member.click(message, label="Park")
    # The bot stopped between posting the poll and arming its deadline.
    await Timer.filter(ref_id=poll.pk, kind=service.CLOSE_TIMER).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(3601)

    closed = await Poll.get(id=poll.pk)
    assert closed.status == PollStatus.CLOSED
    assert "Decision: **Park**" in results_message(server, closed).embeds[0].description


async def test_results_that_failed_every_retry_are_posted_after_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="1h")
    await server.member.click(message, label="Park")
    await simcord_env.advance_time(3601)
    # Closed and logged, but the announcement gave up (its timer failed for good).
    await Poll.filter(id=poll.pk).update(results_message_id=None)
    await Timer.filter(ref_id=poll.pk, kind=service.CLOSE_TIMER).update(status=TimerStatus.FAILED)
    for old in [m for m in server.general.history() if m.embeds and m.embeds[0].title.startswith("Results")]:
        await simcord_env.bot.get_channel(server.general.id).get_partial_message(old.id).delete()
    await simcord_env.settle()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(1)

    closed = await Poll.get(id=poll.pk)
    assert closed.results_message_id is not None
    assert "Decision: **Park**" in results_message(server, closed).embeds[0].description
    assert await Decision.filter(poll_id=poll.pk).count() == 1


async def test_member_outside_the_electorate_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    buddy_role = guild.roles["Buddy"]
    buddy = guild.add_member(simcord_env.create_user("buddy"), roles=[buddy_role])
    await simcord_env.settle()
    poll, message = await open_poll(server, eligible_role=buddy_role)
    # Joined the role after the poll opened: the electorate is frozen.
    late = guild.add_member(simcord_env.create_user("late"), roles=[buddy_role])
    await simcord_env.settle()

    assert poll.electorate_size == 1
    ok = await buddy.click(message, label="Park")
    refused_member = await server.member.click(message, label="Park")
    refused_late = await late.click(message, label="Park")

    assert "Your vote is recorded" in shown(ok)
    assert "not in this poll's electorate" in refusal(simcord_env, refused_member)
    assert "not in this poll's electorate" in refusal(simcord_env, refused_late)
    assert await PollBallot.filter(poll_id=poll.pk).count() == 1


async def test_close_after_restart_counts_votes_from_before_and_after(simcord_env, settings):
    server = await quickstarted(simcord_env)
    other = server.guild.add_member(simcord_env.create_user("celina"))
    await simcord_env.settle()
    poll, message = await open_poll(server, duration="1d")
    await server.member.click(message, label="Library")

    await simcord_env.restart_bot(create_bot(settings))
    after = await other.click(message, label="Library")
    await server.admin.click(message, label="Café")
    await simcord_env.advance_time(86400 + 1)

    assert "Your vote is recorded" in shown(after)
    closed = await Poll.get(id=poll.pk)
    assert closed.status == PollStatus.CLOSED
    text = results_message(server, closed).embeds[0].description
    assert "**Library**: 2 (67%)" in text and "**Café**: 1 (33%)" in text
    assert await Decision.filter(poll_id=poll.pk).count() == 1


async def test_same_member_clicking_fast_gets_one_ballot_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL, where it fails without the unique (poll, voter) and the
    # poll-row lock: on SQLite Tortoise runs the votes' transactions one after another, so there
    # it checks the outcome of repeated clicks, not a race.
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server)

    now = discord.utils.utcnow()
    outcomes = await asyncio.gather(
        *(service.cast_vote(poll, server.member.id, [option], now) for option in (0, 1, 2, 0, 1, 2))
    )

    assert outcomes.count(service.VoteOutcome.RECORDED) == 1
    assert await PollBallot.filter(poll_id=poll.pk, voter_id=server.member.id).count() == 1


async def test_close_by_command_and_deadline_together_announce_once(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="1h")
    await server.member.click(message, label="Park")

    bot = simcord_env.bot

    await asyncio.gather(
        flows.finish(bot, poll.pk), flows.finish(bot, poll.pk), service.close_poll(poll.pk, discord.utils.utcnow())
    )
    await simcord_env.advance_time(3601)

    results = [m for m in server.general.history() if m.embeds and m.embeds[0].title.startswith("Results")]
    assert len(results) == 1
    assert await Decision.filter(poll_id=poll.pk).count() == 1


async def test_only_creator_or_staff_can_close(simcord_env):
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server)

    result = await server.member.slash(server.general, "poll close", poll_id=poll.pk)

    assert "Only the poll's creator or a moderator" in refusal(simcord_env, result)
    assert (await Poll.get(id=poll.pk)).status == PollStatus.OPEN


async def test_failing_results_post_is_retried_and_state_stays_consistent(simcord_env, caplog):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, duration="1h")
    await server.member.click(message, label="Park")
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=500)

    await simcord_env.advance_time(3601)

    closed = await Poll.get(id=poll.pk)
    assert closed.status == PollStatus.CLOSED and closed.results_message_id is None
    assert await Decision.filter(poll_id=poll.pk).count() == 1
    # The scheduler retries a minute later; the post goes through, once.
    await simcord_env.advance_time(61)
    closed = await Poll.get(id=poll.pk)
    assert closed.results_message_id is not None
    assert "Decision: **Park**" in results_message(server, closed).embeds[0].description
    assert await Decision.filter(poll_id=poll.pk).count() == 1
    # The close met the injected failure once, and nothing else went wrong.
    [failure] = deadline_failures(caplog)
    assert isinstance(failure, discord.HTTPException) and failure.status == 500
    assert simcord_env.errors == []


async def test_poll_not_postable_leaves_nothing_behind(simcord_env):
    server = await quickstarted(simcord_env)
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=403)

    result = await server.admin.slash(server.general, "poll create", question="Q?", options="a; b")

    assert "could not post the poll" in refusal(simcord_env, result)
    assert await Poll.all().count() == 0


async def test_bad_input_is_refused_clearly(simcord_env):
    server = await quickstarted(simcord_env)

    one_option = await server.admin.slash(server.general, "poll create", question="Q?", options="only")
    bad_duration = await server.admin.slash(
        server.general, "poll create", question="Q?", options="a;b", duration="soon"
    )
    same = await server.admin.slash(server.general, "poll create", question="Q?", options="Yes; yes")

    assert "at least two options" in refusal(simcord_env, one_option)
    assert "is not a duration" in refusal(simcord_env, bad_duration)
    assert "Two options are the same" in refusal(simcord_env, same)
    assert await Poll.all().count() == 0


async def test_a_hostile_duration_is_refused_at_once(simcord_env):
    # Any member may open a poll. "1d 1d … !" as long as Discord allows once kept the
    # duration parser busy for longer than anyone would wait, and the whole bot with it.
    server = await member_server(simcord_env)
    hostile = "1d " * 2000 + "!"
    costs: dict[str, list[float]] = {"soon": [], hostile: []}
    answers = {}

    await server.member.slash(server.general, "poll create", question="Q?", options="a;b", duration="soon")
    for _ in range(3):  # after a first refusal has loaded what every later one reuses
        for duration, spent in costs.items():
            start = time.process_time()
            answers[duration] = await server.member.slash(
                server.general, "poll create", question="Q?", options="a;b", duration=duration
            )
            spent.append(time.process_time() - start)

    assert "“soon” is not a duration" in refusal(simcord_env, answers["soon"])
    assert "That is too long to be a duration. Write it like 90m, 36h, 3d or 1w." in refusal(
        simcord_env, answers[hostile]
    )
    # The same refused command, only the duration differs: the cheapest of three runs of
    # each, so a stray pause of the machine does not decide.
    plain, long = min(costs["soon"]), min(costs[hostile])
    assert long < 5 * plain, f"{long * 1e3:.1f} ms against {plain * 1e3:.1f} ms for a short bad duration"
    assert await Poll.all().count() == 0


async def test_poll_in_polish(simcord_env, monkeypatch):
    from tests.helpers import speaking

    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    with speaking(monkeypatch, server.member, "pl"):
        result = await server.member.click(message, label="Park")
    assert "Twój głos" in shown(result)
    assert (await PollBallot.get(poll_id=poll.pk, voter_id=server.member.id)).choices == [1]
    # The public poll message stays in the server's language, whoever voted.
    await simcord_env.advance_time(6)
    assert "Voted: 1 of 3 eligible members" in poll_message(server, poll).embeds[0].description


async def test_an_old_poll_message_gets_its_tally_through_the_vote_response(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await simcord_env.advance_time(2 * 3600)
    requests_before = len(simcord_env.http_requests)

    result = await server.member.click(message, label="Park")

    requests = simcord_env.http_requests[requests_before:]
    # No PATCH of the two-hour-old message: the click's own response (an update of the
    # message the button sits on) carried the new tally, and the confirmation followed.
    assert not [r for r in requests if r.method == "PATCH" and str(poll.message_id) in r.path]
    assert len(requests) == 2
    assert "Your vote is recorded: **Park**" in shown(result)
    assert result.followups[0].ephemeral
    assert "**Park**: 1 (100%)" in poll_message(server, poll).embeds[0].description
    # A second vote right after is confirmed with one call; its tally waits for the flush.
    again = len(simcord_env.http_requests)
    await server.admin.click(message, label="Café")
    assert len(simcord_env.http_requests) - again == 1


async def test_votes_racing_the_close_are_either_counted_or_refused_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of votes before or after a close, not a race.
    server = await quickstarted(simcord_env)
    guild = server.guild
    voters = [guild.add_member(simcord_env.create_user(f"racer{i}")) for i in range(8)]
    await simcord_env.settle()
    poll, _message = await open_poll(server)
    now = discord.utils.utcnow()

    outcomes = await asyncio.gather(
        *(service.cast_vote(poll, voter.id, [index % 3], now) for index, voter in enumerate(voters[:4])),
        service.close_poll(poll.pk, now),
        *(service.cast_vote(poll, voter.id, [index % 3], now) for index, voter in enumerate(voters[4:])),
        return_exceptions=True,
    )

    accepted = [o for o in outcomes if o == service.VoteOutcome.RECORDED]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all("closed" in str(error) for error in refused)
    assert len(accepted) + len(refused) == 8
    # Whatever the interleaving, the decision counted exactly the ballots that were accepted.
    decision = await Decision.get(poll_id=poll.pk)
    assert decision.turnout == len(accepted) == await PollBallot.filter(poll_id=poll.pk).count()


async def test_votes_not_yet_shown_at_a_restart_are_shown_after_it(simcord_env, settings):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await server.member.click(message, label="Café")

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(6)

    assert "**Café**: 1 (100%)" in poll_message(server, poll).embeds[0].description
    # The buttons of the old process still work in the new one.
    result = await server.admin.click(message, label="Library")
    assert "Your vote is recorded: **Library**" in shown(result)


async def test_close_command_whose_post_fails_can_be_retried(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await server.member.click(message, label="Park")
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=500)

    failed = await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    close = await command_mention(simcord_env, "poll close")
    assert f"could not post its results. Run {close} again" in refusal(simcord_env, failed)
    assert (await Poll.get(id=poll.pk)).status == PollStatus.CLOSED
    retried = await server.admin.slash(server.general, "poll close", poll_id=poll.pk)
    assert "the results are posted" in shown(retried)
    assert "Decision: **Park**" in results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    assert await Decision.filter(poll_id=poll.pk).count() == 1
