"""/poll results, remind, export and /decisions."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from datetime import timedelta

import discord

from cogs.polls import service
from cogs.polls import views as polls_views
from cogs.polls.chart import bar_chart
from cogs.polls.cog import RESULTS_COOLDOWN
from cogs.polls.views import reminder_batches
from gromada.bot import create_bot
from models.polls import Decision, Poll, PollStatus
from tests.cogs.polls.helpers import open_poll, results_message
from tests.helpers import Server, quickstarted, refusal, shown, speaking, wait_out


async def test_remind_pings_only_eligible_members_who_have_not_voted(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    role = guild.roles["Member"]
    voted = guild.add_member(simcord_env.create_user("voted"), roles=[role])
    waiting = guild.add_member(simcord_env.create_user("waiting"), roles=[role])
    await simcord_env.settle()
    poll, message = await open_poll(server, eligible_role=role)
    await voted.click(message, label="Park")

    result = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)

    assert "Reminded 1 member who has not voted." in shown(result)
    reminder = server.general.last_message
    assert reminder.content.startswith("Reminder: poll #")
    assert f"<@{waiting.id}>" in reminder.content
    assert f"<@{voted.id}>" not in reminder.content and f"<@{server.member.id}>" not in reminder.content
    # Exactly the waiting member may be pinged: no roles, no everyone.
    request = next(r for r in reversed(simcord_env.http_requests) if r.method == "POST" and "Reminder" in str(r.json))
    mentions = request.json["allowed_mentions"]
    assert [int(user) for user in mentions["users"]] == [waiting.id]
    assert mentions.get("parse", []) == []


async def test_remind_is_for_the_creator_or_staff(simcord_env):
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server)

    result = await server.member.slash(server.general, "poll remind", poll_id=poll.pk)

    assert "Only the poll's creator or a moderator" in refusal(simcord_env, result)


async def test_after_a_restart_polls_still_see_every_member(simcord_env, settings):
    # The bot's member cache is empty after a restart until the server's members are fetched:
    # the electorate and the list of non-voters must not be read from an empty cache.
    server = await quickstarted(simcord_env)
    before, _message = await open_poll(server)

    await simcord_env.restart_bot(create_bot(settings))
    after, _message = await open_poll(server, question="And after the restart?")
    reminded = await server.admin.slash(server.general, "poll remind", poll_id=before.pk)

    assert after.pk != before.pk and before.electorate_size >= 2
    assert after.electorate_size == before.electorate_size
    assert f"Reminded {before.electorate_size} members who have not voted." in shown(reminded)


def reminders_in(channel) -> list:
    return [message for message in channel.history() if message.content.startswith("Reminder: poll #")]


async def test_a_poll_gets_at_most_one_reminder_in_12_hours_even_across_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server)

    first = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)
    reminded_at = (await Poll.get(id=poll.pk)).reminded_at
    await simcord_env.advance_time(3600)
    again = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)
    await simcord_env.restart_bot(create_bot(settings))
    after_restart = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)

    assert f"Reminded {poll.electorate_size} members who have not voted." in shown(first)
    next_allowed = f"<t:{int((reminded_at + timedelta(hours=12)).timestamp())}:R>"
    for refused in (again, after_restart):
        text = refusal(simcord_env, refused)
        assert f"Poll #{poll.pk} already had a reminder" in text
        assert f"The next reminder is possible {next_allowed}." in text
    assert len(reminders_in(server.general)) == 1
    assert (await Poll.get(id=poll.pk)).reminded_at == reminded_at

    await simcord_env.advance_time(11 * 3600)
    allowed = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)

    assert f"Reminded {poll.electorate_size} members who have not voted." in shown(allowed)
    assert len(reminders_in(server.general)) == 2


async def test_two_reminders_asked_at_once_send_one(simcord_env):
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server)
    moment = discord.utils.utcnow()

    outcomes = await asyncio.gather(*(service.claim_reminder(poll.pk, moment) for _ in range(2)))

    assert sorted(outcomes, key=lambda outcome: outcome is not None) == [None, moment + timedelta(hours=12)]


async def test_a_reminder_discord_refused_can_be_asked_for_again(simcord_env):
    server = await quickstarted(simcord_env)
    poll, _message = await open_poll(server)
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=500)

    failed = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)
    retried = await server.admin.slash(server.general, "poll remind", poll_id=poll.pk)

    assert "I could not post the reminder" in refusal(simcord_env, failed)
    assert f"Reminded {poll.electorate_size} members who have not voted." in shown(retried)
    assert len(reminders_in(server.general)) == 1


def test_reminder_batches_stay_within_the_message_limit():
    header = "Reminder: poll #1 “Where?” closes soon. Not voted yet:"
    users = [10**18 + n for n in range(500)]

    batches = reminder_batches(header, users)

    assert sum(len(batch) for batch in batches) == 500
    assert [user for batch in batches for user in batch] == users
    for batch in batches:
        text = header + "\n" + " ".join(f"<@{user}>" for user in batch)
        assert len(text) <= 2000
    assert len(batches) > 1


async def test_results_while_open_and_hidden(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    hidden, hidden_message = await open_poll(server, question="Secret till the end?", hide_results=True)
    await server.member.click(message, label="Park")
    await server.member.click(hidden_message, label="Park")

    standings = await server.member.slash(server.general, "poll results", poll_id=poll.pk)
    await wait_out(simcord_env, RESULTS_COOLDOWN)
    refused = await server.member.slash(server.general, "poll results", poll_id=hidden.pk)

    assert standings.ephemeral
    assert "**Park**: 1 (100%)" in standings.response.embeds[0].description
    assert "The poll is still open." in standings.response.embeds[0].description
    assert standings.response.attachments[0].filename == "results.png"
    assert "hidden until it closes" in refusal(simcord_env, refused)
    # The hidden poll's public message shows turnout, not the tally.
    assert "Park**: 1" not in hidden_message.embeds[0].description


async def test_an_open_poll_has_a_leader_and_only_a_closed_one_a_decision(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, options="Yes; No")
    await server.member.click(message, label="Yes")
    consent, consent_message = await open_poll(server, question="Adopt the statute?", kind="consent", options=None)
    await server.member.click(consent_message, label="Agree")

    standings = await server.member.slash(server.general, "poll results", poll_id=poll.pk)
    await wait_out(simcord_env, RESULTS_COOLDOWN)
    with speaking(monkeypatch, server.member, "pl"):
        polish = await server.member.slash(server.general, "poll results", poll_id=poll.pk)
        await wait_out(simcord_env, RESULTS_COOLDOWN)
        consent_standings = await server.member.slash(server.general, "poll results", poll_id=consent.pk)
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    text = standings.response.embeds[0].description
    assert text.startswith("Leading: **Yes**") and "Decision" not in text
    assert polish.response.embeds[0].description.startswith("Prowadzi: **Yes**")
    assert "Decyzja" not in polish.response.embeds[0].description
    assert consent_standings.response.embeds[0].description.startswith("Na razie nikt nie zgłosił weta.")
    assert "Przyjęte" not in consent_standings.response.embeds[0].description
    closed = results_message(server, await Poll.get(id=poll.pk))
    assert closed.embeds[0].description.startswith("Decision: **Yes**")


async def test_export_is_for_staff_and_has_no_identities_when_anonymous(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    anonymous, anonymous_message = await open_poll(server, question="Anon?", anonymous=True)
    await server.member.click(message, label="Park")
    await server.member.click(anonymous_message, label="Café")

    refused = await server.member.slash(server.general, "poll export", poll_id=poll.pk)
    open_export = await server.admin.slash(server.general, "poll export", poll_id=poll.pk)
    anonymous_export = await server.admin.slash(server.general, "poll export", poll_id=anonymous.pk)

    assert "Only moderators" in refusal(simcord_env, refused)
    open_csv = (await open_export.response.attachments[0].read()).decode()
    assert f"{poll.pk},{server.member.id},Park," in open_csv
    anonymous_csv = (await anonymous_export.response.attachments[0].read()).decode()
    assert anonymous_csv.splitlines()[0] == "poll_id,ballot,count"
    assert f"{anonymous.pk},Café,1" in anonymous_csv
    assert str(server.member.id) not in anonymous_csv


async def test_export_writes_a_multiple_choice_as_a_list_and_a_ranking_in_order(simcord_env):
    server = await quickstarted(simcord_env)
    multi, multi_message = await open_poll(server, kind="multi", options="Soup; Salad; Cake", max_choices=2)
    ranked, ranked_message = await open_poll(server, question="Which first?", kind="ranked")
    await server.member.select(multi_message, ["0", "2"], custom_id=f"poll:multi:{multi.pk}")
    flow = await server.member.click(ranked_message, label="Rank the options")
    for label in ("Park", "Library"):
        flow = await server.member.select(
            flow.response, [str(ranked.options.index(label))], custom_id="poll:ranking:choose"
        )
    await server.member.click(flow.response, label="Submit ranking")

    async def exported(poll) -> list[list[str]]:
        result = await server.admin.slash(server.general, "poll export", poll_id=poll.pk)
        data = await result.response.attachments[0].read()
        return list(csv.reader(io.StringIO(data.decode("utf-8"))))

    (_header, multi_row), (_header, ranked_row) = await exported(multi), await exported(ranked)
    # A multiple-choice ballot is a list of its choices; a ranking reads from first to last.
    assert multi_row[:3] == [str(multi.pk), str(server.member.id), "Soup; Cake"]
    assert ranked_row[:3] == [str(ranked.pk), str(server.member.id), "Park > Library"]


async def test_export_shows_typed_formulas_as_text_in_a_spreadsheet(simcord_env):
    # A reason or an option label starting with "=" would run as a formula when staff open
    # the file in a spreadsheet; the export must carry it as text (a leading apostrophe).
    server = await quickstarted(simcord_env)
    formula = '=HYPERLINK("http://x","y")'
    consent, consent_message = await open_poll(server, kind="consent", options=None)
    anonymous, anonymous_message = await open_poll(server, kind="consent", options=None, anonymous=True)
    labelled, labelled_message = await open_poll(server, question="Dues?", options="=1+1; @here; Park")
    for message in (consent_message, anonymous_message):
        modal = await server.member.click(message, label="Object")
        await server.member.submit_modal(modal, {"reason": formula})
    await server.member.click(labelled_message, label="=1+1")

    async def exported(poll) -> list[list[str]]:
        result = await server.admin.slash(server.general, "poll export", poll_id=poll.pk)
        data = await result.response.attachments[0].read()
        return list(csv.reader(io.StringIO(data.decode("utf-8"))))

    open_rows, anonymous_rows, labelled_rows = [await exported(poll) for poll in (consent, anonymous, labelled)]

    # The headers name each column, for staff reading the file in a spreadsheet.
    assert open_rows[0] == ["poll_id", "voter_id", "ballot", "reason", "cast_at", "updated_at"]
    assert anonymous_rows[0] == ["poll_id", "ballot", "count"]
    assert anonymous_rows[-3:-1] == [[], ["poll_id", "option", "reason"]]
    assert open_rows[1][2:4] == ["Object", "'" + formula]
    assert anonymous_rows[-1] == [str(anonymous.pk), "Object", "'" + formula]
    assert labelled_rows[1][2] == "'=1+1"
    cells = [cell for rows in (open_rows, anonymous_rows, labelled_rows) for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


async def test_decision_log_newest_first_with_search_and_pages(simcord_env):
    server = await quickstarted(simcord_env)
    for number in range(14):
        poll, message = await open_poll(server, question=f"Budget item {number:02d} " + "x" * 90)
        await server.member.click(message, label="Park")
        await server.admin.slash(server.general, "poll close", poll_id=poll.pk)
        await simcord_env.advance_time(60)
    other, _ = await open_poll(server, question="Paint the door green?")
    await server.admin.slash(server.general, "poll close", poll_id=other.pk)

    log = await server.member.slash(server.general, "decisions")
    found = await server.member.slash(server.general, "decisions", search="door")
    missing = await server.member.slash(server.general, "decisions", search="rocket")

    first_page = shown(log)
    assert first_page.index("Paint the door green?") < first_page.index("Budget item 13")
    assert "Page 1 of 2" in first_page
    second = await server.member.click(log.response, label="Next")
    assert "Budget item 00" in shown(second)
    assert "Paint the door green?" in shown(found) and "Budget" not in shown(found)
    assert "No decision matches" in refusal(simcord_env, missing)
    # The decisions channel got a line for each decision, linking to the results.
    decisions = next(c for c in server.guild.me.guild.text_channels if c.name == "decisions")
    assert "Decided (poll #" in decisions.last_message.content


async def test_the_decision_log_names_the_month_of_each_decision(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, question="Paint the door green?")
    await server.member.click(message, label="Park")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    with speaking(monkeypatch, server.member, "ru"):
        log = await server.member.slash(server.general, "decisions")

    decided = int((await Decision.get(poll_id=poll.pk)).decided_at.timestamp())
    assert f"#{poll.pk} · <t:{decided}:D> · **Paint the door green?** — выбрано: Park" in shown(log)


async def test_unknown_poll_is_not_found(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(server.general, "poll close", poll_id=999)

    assert "There is no poll #999" in refusal(simcord_env, result)
    assert await Poll.all().count() == 0


async def test_a_poll_of_another_server_cannot_be_reached_by_its_number(simcord_env):
    server = await quickstarted(simcord_env)
    other = Server(simcord_env)
    await simcord_env.settle()
    poll, _message = await open_poll(server)

    closing = await other.admin.slash(other.general, "poll close", poll_id=poll.pk)
    peeking = await other.admin.slash(other.general, "poll results", poll_id=poll.pk)

    assert f"There is no poll #{poll.pk} on this server" in refusal(simcord_env, closing)
    assert f"There is no poll #{poll.pk} on this server" in refusal(simcord_env, peeking)
    assert (await Poll.get(id=poll.pk)).status == PollStatus.OPEN


async def test_results_charts_are_drawn_off_the_event_loop(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await server.member.click(message, label="Park")
    loop_thread = threading.get_ident()
    drawn_in: list[int] = []

    def drawing(*args):
        drawn_in.append(threading.get_ident())
        return bar_chart(*args)

    monkeypatch.setattr(polls_views, "bar_chart", drawing)
    standings = await server.member.slash(server.general, "poll results", poll_id=poll.pk)
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    assert standings.response.attachments[0].filename == "results.png"
    assert (await Poll.get(id=poll.pk)).results_message_id
    assert len(drawn_in) == 2 and loop_thread not in drawn_in
