"""Anonymous polls: exact turnout, no double vote, and no table links a voter to a choice."""

from __future__ import annotations

import asyncio

import discord
from tortoise import connections

from cogs.polls import rules, service
from gromada.anonymity import participation_token
from gromada.error_handler import describe
from models.polls import Poll, PollAnonymousReason, PollParticipation
from tests.cogs.polls.helpers import open_poll, results_message
from tests.helpers import quickstarted, refusal, shown


async def all_rows() -> list[tuple[str, list[tuple]]]:
    """Every row of every table of the database, as a reader with full access would see it."""
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    if dialect == "sqlite":
        _count, tables = await connection.execute_query("SELECT name FROM sqlite_master WHERE type='table'")
        names = [row["name"] for row in tables]
    else:
        _count, tables = await connection.execute_query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        names = [row["tablename"] for row in tables]
    dump = []
    for name in names:
        _count, rows = await connection.execute_query(f'SELECT * FROM "{name}"')
        dump.append((name, [tuple(dict(row).values()) for row in rows]))
    return dump


async def test_anonymous_vote_counts_once_and_cannot_be_changed(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, anonymous=True)

    first = await server.member.click(message, label="Park")
    second = await server.member.click(message, label="Café")

    assert "Your anonymous vote is recorded: **Park**. It cannot be changed." in shown(first)
    assert "Anonymous votes cannot be changed" in refusal(simcord_env, second)
    assert await service.turnout(poll) == 1
    assert dict(await service.grouped_ballots(poll)) == {(1,): 1}


async def test_racing_anonymous_votes_of_one_member_count_once_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs the votes' transactions one
    # after another, so there this checks the outcome of fast repeated clicks, not a race.
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server, anonymous=True)
    now = discord.utils.utcnow()

    outcomes = await asyncio.gather(
        *(service.cast_vote(poll, server.member.id, [option], now) for option in (0, 1, 2, 1)),
        return_exceptions=True,
    )

    assert outcomes.count(service.VoteOutcome.RECORDED) == 1, outcomes
    refused = [outcome for outcome in outcomes if outcome != service.VoteOutcome.RECORDED]
    assert len(refused) == 3
    for error in refused:
        # What the one error path shows the person: the refusal in their language, never an
        # incident id (a raw IntegrityError from the unique token would be one).
        text, expected = describe(error)
        assert expected and text == "You have already voted. Anonymous votes cannot be changed.", (error, text)
        assert error.render("pl") == "Już zagłosowano. Głosów anonimowych nie można zmieniać."
    assert await PollParticipation.filter(poll_id=poll.pk).count() == 1
    assert sum((await service.grouped_ballots(poll)).values()) == 1


async def test_database_reader_cannot_find_who_voted_what(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    voters = [guild.add_member(simcord_env.create_user(f"anon{i}")) for i in range(3)]
    await simcord_env.settle()
    poll, message = await open_poll(server, anonymous=True, kind="consent", options=None)
    await voters[0].click(message, label="Agree")
    modal = await voters[1].click(message, label="Object")
    await voters[1].submit_modal(modal, {"reason": "Too expensive"})
    await voters[2].click(message, label="Abstain")
    secret = (await Poll.get(id=poll.pk)).secret
    assert secret

    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    closed = await Poll.get(id=poll.pk)
    text = results_message(server, closed).embeds[0].description
    assert "**Object**: Too expensive" in text and f"<@{voters[1].id}>" not in text
    assert closed.secret is None
    voter_ids = {str(voter.id) for voter in voters}
    for table, rows in await all_rows():
        for row in rows:
            cells = {str(cell) for cell in row}
            # Nowhere does a voter's id stand in a row with what they said.
            assert not (cells & voter_ids and "Too expensive" in cells), (table, row)
            if table == "poll_elector" or not (table.startswith("poll") or table == "timer"):
                # Who may vote is public; other features know members but nothing of polls.
                continue
            # The polls' own tables (and their deadlines) hold no voter id at all.
            assert not cells & voter_ids, (table, row)
    # The participation tokens are keyed by the poll's secret, and that key is stored
    # nowhere any more: nobody can recompute whose token is whose.
    tokens = set(await PollParticipation.filter(poll_id=poll.pk).values_list("token", flat=True))
    assert tokens == {participation_token(secret, poll.pk, voter.id) for voter in voters}
    for table, rows in await all_rows():
        for row in rows:
            assert not any(secret in str(cell) for cell in row), (table, row)
    # Turnout and tally stay checkable.
    assert "Turnout: 3 of 6 eligible members (50%)" in text
    assert "Passed by consent" in text


async def test_anonymous_reason_rows_are_rewritten_in_no_vote_order(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    voters = [guild.add_member(simcord_env.create_user(f"r{i}")) for i in range(4)]
    await simcord_env.settle()
    poll, _message = await open_poll(server, anonymous=True, kind="ranked", options="A; B; C")
    now = discord.utils.utcnow()
    for voter, ranking in zip(voters, ([2, 0], [0, 1], [2, 0], [1]), strict=True):
        await service.cast_vote(poll, voter.id, ranking, now)

    await service.close_poll(poll.pk, now)

    from models.polls import PollAnonymousCount

    rows = await PollAnonymousCount.filter(poll_id=poll.pk).order_by("id").values_list("choice_key", "count")
    # Stored sorted by content, not in the order the distinct ballots first appeared.
    assert rows == [("0>1", 1), ("1", 1), ("2>0", 2)]
    assert (await Poll.get(id=poll.pk)).secret is None


async def test_anonymous_reasons_are_stored_in_no_vote_order_after_close(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    objectors = [guild.add_member(simcord_env.create_user(f"o{i}")) for i in range(12)]
    await simcord_env.settle()
    poll, _message = await open_poll(server, anonymous=True, kind="consent", options=None)
    now = discord.utils.utcnow()
    # Someone who saw who voted when must not read the same order back from the stored rows.
    reasons = [f"Reason {n:02} of voter {objector.name}" for n, objector in enumerate(objectors)]
    for objector, reason in zip(objectors, reasons, strict=True):
        await service.cast_vote(poll, objector.id, [rules.OBJECT], now, reason)
    stored = await PollAnonymousReason.filter(poll_id=poll.pk).order_by("id").values_list("text", flat=True)
    assert stored == reasons  # while open, the rows are in the order of the votes

    closed = await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    assert closed.ephemeral
    stored = await PollAnonymousReason.filter(poll_id=poll.pk).order_by("id").values_list("text", flat=True)
    assert sorted(stored) == sorted(reasons)
    # A shuffle of twelve gives either order back once in 240 million closes.
    assert stored not in (reasons, reasons[::-1])


async def test_remind_works_for_anonymous_polls_while_open(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, anonymous=True)
    await server.member.click(message, label="Park")

    waiting = await service.non_voters(await Poll.get(id=poll.pk))

    assert server.member.id not in waiting and server.admin.id in waiting


async def test_anonymous_reasons_are_listed_by_content_not_by_the_order_of_votes(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, anonymous=True, kind="consent", options=None)
    for voter, reason in ((server.member, "Zebra crossing first"), (server.admin, "Apples are cheaper")):
        modal = await voter.click(message, label="Object")
        await voter.submit_modal(modal, {"reason": reason})

    standings = await server.admin.slash(server.general, "poll results", poll_id=poll.pk)

    text = standings.response.embeds[0].description
    assert text.index("Apples are cheaper") < text.index("Zebra crossing first")
