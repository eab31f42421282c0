"""Reminders by DM, the call for people when seats are empty, and what happens afterwards."""

from datetime import UTC, datetime, timedelta

import cogs.volunteers.cog as volunteers_cog
from gromada.bot import create_bot
from models.activities import ActivityOccurrence, ActivitySignup, Report
from models.core import Timer, TimerStatus
from tests.cogs.activities.helpers import advance_to, card_of, cards, plan
from tests.helpers import deadline_failures, dms, quickstarted, refusal, shown

START = datetime(2026, 1, 10, 10, tzinfo=UTC)


async def test_reminders_reach_participants_once_even_after_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await plan(server, "Distribution day", "2026-01-10 10:00", seats=3, place="Hall")
    await server.member.click(cards(server)[-1], label="Join")

    await simcord_env.restart_bot(create_bot(settings))
    await advance_to(simcord_env, START - timedelta(hours=23))

    reminders = [text for text in dms(server.member) if "Reminder: you joined **Distribution day**" in text]
    assert len(reminders) == 1
    assert "Place: Hall" in reminders[0]
    await simcord_env.restart_bot(create_bot(settings))
    await advance_to(simcord_env, START - timedelta(minutes=30))

    texts = dms(server.member)
    assert len([text for text in texts if "Reminder: you joined" in text]) == 1
    assert len([text for text in texts if "starts <t:" in text]) == 1
    # Those who did not join hear nothing.
    assert not [text for text in dms(server.admin) if "Distribution day" in text]


async def test_empty_seats_get_one_call_in_the_channel_two_days_before(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Van run", "2026-01-10 10:00", seats=3)
    await server.member.click(cards(server)[-1], label="Join")
    channel = server.guild.channels["activities"]

    await advance_to(simcord_env, START - timedelta(hours=47))

    calls = [message for message in channel.history() if "still needs" in (message.content or "")]
    assert len(calls) == 1
    assert "**Van run**" in calls[0].content and "still needs 2 people" in calls[0].content
    assert not calls[0].mentions and not calls[0].role_mentions and not calls[0].mention_everyone
    await advance_to(simcord_env, START - timedelta(hours=1))
    assert len([message for message in channel.history() if "still needs" in (message.content or "")]) == 1


async def test_a_full_activity_makes_no_call(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Small job", "2026-01-10 10:00", seats=1)
    await server.member.click(cards(server)[-1], label="Join")

    await advance_to(simcord_env, START - timedelta(hours=47))

    assert not [m for m in server.guild.channels["activities"].history() if "still needs" in (m.content or "")]
    occurrence = await ActivityOccurrence.get(title="Small job")
    assert await Timer.filter(kind="activities.call", ref_id=occurrence.pk, status=TimerStatus.DONE).exists()


async def test_afterwards_participants_say_whether_it_happened_and_it_counts(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    absentee = server.add_member("zosia")
    await simcord_env.settle()
    await plan(server, "Garden day", "2026-01-10 10:00", seats=3, duration="3h")
    card = cards(server)[-1]
    await server.member.click(card, label="Join")
    await absentee.click(card, label="Join")
    occurrence = await ActivityOccurrence.get(title="Garden day")

    early = await server.admin.slash(server.general, "activity absent", activity=str(occurrence.pk), member=absentee)
    assert refusal(simcord_env, early) == "You can mark who did not come once the activity has started."
    await advance_to(simcord_env, START + timedelta(hours=3, minutes=1))

    question = server.member.user.dm_channel.last_message
    assert "**Garden day**" in question.content and "Did it happen?" in question.content
    await simcord_env.advance_time(5)
    assert not card_of(server, occurrence).components  # nothing left to join
    answered = await server.member.user.click(question, label="It happened")
    assert "counts in your activities" in shown(answered)
    signup = await ActivitySignup.get(occurrence_id=occurrence.pk, user_id=server.member.id)
    assert signup.report == Report.DONE
    marked = await server.admin.slash(server.general, "activity absent", activity=str(occurrence.pk), member=absentee)
    assert "did not come to **Garden day**" in shown(marked)

    mine = shown(await server.member.slash(server.general, "activity mine"))
    theirs = shown(await absentee.slash(server.general, "activity mine"))
    assert "**Done**: 1 activity, 3 h" in mine
    assert "**Done**: 0 activities, 0 h" in theirs

    drawn = []
    original = volunteers_cog.render
    monkeypatch.setattr(volunteers_cog, "render", lambda text: drawn.append(text) or original(text))
    await server.admin.slash(server.general, "volunteer certificate", member=server.member)
    assert "Took part in 1 activity (3 h)" in drawn[-1].lines


async def test_a_polish_server_reads_its_card_and_call_in_polish(simcord_env):
    server = await quickstarted(simcord_env, "pl")
    await plan(server, "Dyżur w spiżarni", "2026-01-10 10:00", seats=5)

    card = cards(server)[-1]
    fields = {field.name: field.value for field in card.embeds[0].fields}
    assert fields["Miejsca"] == "0 z 5" and fields["Czas trwania"] == "2 godziny"
    await advance_to(simcord_env, START - timedelta(hours=47))

    call = next(m for m in server.guild.channels["działania"].history() if "potrzebuje" in (m.content or ""))
    assert "potrzebuje jeszcze 5 osób" in call.content


async def test_a_date_most_participants_say_did_not_happen_does_not_count(simcord_env):
    server = await quickstarted(simcord_env)
    others = [server.add_member("olek"), server.add_member("pola")]
    await simcord_env.settle()
    await plan(server, "Rained off", "2026-01-10 10:00", seats=3)
    for person in (server.member, *others):
        await person.click(cards(server)[-1], label="Join")
    await advance_to(simcord_env, START + timedelta(hours=2, minutes=1))

    await server.member.user.click(server.member.user.dm_channel.last_message, label="It happened")
    for person in others:
        answered = await person.user.click(person.user.dm_channel.last_message, label="It did not happen")
        assert "did not happen" in shown(answered)

    # Two of the three who answered say it did not happen: it counts for nobody.
    assert "**Done**: 0 activities, 0 h" in shown(await server.member.slash(server.general, "activity mine"))


async def test_deadlines_lost_before_a_restart_are_armed_again_at_their_moments(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await plan(server, "Distribution day", "2026-01-10 10:00", seats=3, duration="2h")
    await server.member.click(cards(server)[-1], label="Join")
    occurrence = await ActivityOccurrence.get(title="Distribution day")
    # As if the process stopped between saving the date and arming its timers.
    await Timer.filter(ref_id=occurrence.pk, kind__startswith="activities.").delete()

    await simcord_env.restart_bot(create_bot(settings))

    armed = {
        timer.kind: timer.due_at
        for timer in await Timer.filter(
            ref_id=occurrence.pk, kind__startswith="activities.", status=TimerStatus.PENDING
        )
    }
    assert armed == {
        "activities.call": START - timedelta(hours=48),
        "activities.remind_day": START - timedelta(hours=24),
        "activities.remind_hour": START - timedelta(hours=1),
        "activities.followup": START + timedelta(hours=2),
    }
    await advance_to(simcord_env, START - timedelta(minutes=30))
    assert len([text for text in dms(server.member) if "Reminder: you joined **Distribution day**" in text]) == 1


async def test_a_moved_date_reminds_and_asks_afterwards_at_its_new_time(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Distribution day", "2026-01-10 10:00", seats=3, duration="2h")
    await server.member.click(cards(server)[-1], label="Join")
    occurrence = await ActivityOccurrence.get(title="Distribution day")
    await advance_to(simcord_env, START - timedelta(minutes=30))
    assert len([text for text in dms(server.member) if "Reminder: you joined" in text]) == 1
    assert len([text for text in dms(server.member) if "starts <t:" in text]) == 1

    # Half an hour before, it is put off by two days.
    moved = await server.admin.slash(
        server.general, "activity edit", activity=str(occurrence.pk), start="2026-01-12 10:00"
    )
    assert "now starts" in shown(moved)
    await advance_to(simcord_env, START + timedelta(hours=23))

    # Nothing comes at the old moments: no question whether it happened after the old end.
    assert not [text for text in dms(server.member) if "Did it happen?" in text]
    assert len([text for text in dms(server.member) if "Reminder: you joined" in text]) == 1
    await advance_to(simcord_env, START + timedelta(days=2, minutes=-30))

    # Both reminders come again before the new start, and the question after the new end.
    assert len([text for text in dms(server.member) if "Reminder: you joined" in text]) == 2
    assert len([text for text in dms(server.member) if "starts <t:" in text]) == 2
    await advance_to(simcord_env, START + timedelta(days=2, hours=2, minutes=1))
    assert len([text for text in dms(server.member) if "Did it happen?" in text]) == 1


async def test_each_date_gets_its_own_reminders(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Distribution day", "2026-01-10 10:00", seats=3)
    await plan(server, "Leaflets", "2026-01-11 10:00", seats=3)
    for card in cards(server):
        await server.member.click(card, label="Join")

    await advance_to(simcord_env, START + timedelta(days=1, minutes=-30))

    for title in ("Distribution day", "Leaflets"):
        assert len([text for text in dms(server.member) if f"Reminder: you joined **{title}**" in text]) == 1
        assert len([text for text in dms(server.member) if f"**{title}**" in text and "starts <t:" in text]) == 1


async def test_a_short_activity_counts_its_minutes_to_the_tenth_of_an_hour(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Quick sort", "2026-01-10 10:00", seats=3, duration="26m")
    await server.member.click(cards(server)[-1], label="Join")
    await advance_to(simcord_env, START + timedelta(hours=1))

    mine = shown(await server.member.slash(server.general, "activity mine"))

    assert "**Done**: 1 activity, 0.4 h" in mine


async def test_a_call_the_channel_refused_is_posted_when_the_deadline_retries(simcord_env, caplog):
    server = await quickstarted(simcord_env)
    await plan(server, "Van run", "2026-01-10 10:00", seats=3)
    channel = server.guild.channels["activities"]
    await advance_to(simcord_env, START - timedelta(hours=48, minutes=1))
    simcord_env.inject_error(
        "POST", f"/channels/{channel.id}/messages", status=403, code=50013, message="Missing Permissions"
    )

    await advance_to(simcord_env, START - timedelta(hours=47, minutes=59, seconds=30))
    assert not [m for m in channel.history() if "still needs" in (m.content or "")]
    assert [str(error) for error in deadline_failures(caplog)] == ["I could not post in the activities channel."]

    # The failed attempt gave its claim back, so the retry a minute later posts the call.
    await advance_to(simcord_env, START - timedelta(hours=47, minutes=57))
    calls = [m for m in channel.history() if "still needs" in (m.content or "")]
    assert len(calls) == 1 and "still needs 3 people" in calls[0].content


async def test_a_restart_after_the_follow_up_went_out_writes_no_second_one(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await plan(server, "Garden day", "2026-01-10 10:00", seats=3, duration="2h")
    await server.member.click(cards(server)[-1], label="Join")
    occurrence = await ActivityOccurrence.get(title="Garden day")
    await advance_to(simcord_env, START + timedelta(hours=2, minutes=1))
    assert len([text for text in dms(server.member) if "Did it happen?" in text]) == 1

    await simcord_env.restart_bot(create_bot(settings))
    await advance_to(simcord_env, START + timedelta(hours=3))

    assert await Timer.filter(kind="activities.followup", ref_id=occurrence.pk).count() == 1
    assert len([text for text in dms(server.member) if "Did it happen?" in text]) == 1
