"""Meetings: planning with an agenda, RSVPs with counts, reminders, minutes, decisions by poll."""

from datetime import UTC, datetime, timedelta

from models.meetings import AgendaItem, Answer, ItemSource, Meeting, Rsvp
from models.polls import Poll
from tests.cogs.initiatives.helpers import InitiativeServer
from tests.helpers import dms, forged_select, quickstarted, refusal, shown, speaking

START = datetime(2026, 1, 15, 18, tzinfo=UTC)


async def advance_to(env, moment: datetime) -> None:
    await env.advance_time((moment - env.now()).total_seconds())


def meeting_card(server, meeting: Meeting):
    return next(m for m in server.guild.channels["activities"].history() if m.id == meeting.message_id)


def modal_defaults(result) -> dict[str, str]:
    """The text inputs of a modal the bot showed, by custom_id, with what they are filled with."""
    found = {}

    def walk(nodes):
        for node in nodes:
            if node.get("type") == 4:
                found[node["custom_id"]] = node.get("value") or ""
            walk(node.get("components") or [])
            if node.get("component"):
                walk([node["component"]])

    walk(result.modal["components"])
    return found


async def plan(server, **options):
    defaults = {"title": "Monthly animation meeting", "start": "2026-01-15 18:00", "place": "Library"}
    return await server.admin.slash(server.general, "meeting plan", **(defaults | options))


async def test_a_meeting_with_an_agenda_from_open_initiatives_polls_and_free_items(simcord_env):
    server = await quickstarted(simcord_env, server_class=InitiativeServer)
    _result, garden = await server.propose(title="Community garden")
    await server.admin.slash(
        server.general, "poll create", question="Buy a second freezer?", options="yes; no", duration="7d"
    )

    planned = await plan(server, agenda="Garden rota; Summer fair", include_open=True)

    assert "**Monthly animation meeting** is planned" in shown(planned)
    meeting = await Meeting.get(title="Monthly animation meeting")
    items = await AgendaItem.filter(meeting_id=meeting.pk).order_by("position")
    assert [(item.text, item.source, item.source_ref) for item in items][:2] == [
        ("Community garden", ItemSource.INITIATIVE, garden.pk),
        ("Buy a second freezer?", ItemSource.POLL, (await Poll.get(question="Buy a second freezer?")).pk),
    ]
    assert [(item.text, item.source) for item in items][1:] == [
        ("Buy a second freezer?", ItemSource.POLL),
        ("Garden rota", ItemSource.FREE),
        ("Summer fair", ItemSource.FREE),
    ]
    card = meeting_card(server, meeting)
    agenda = next(field.value for field in card.embeds[0].fields if field.name == "Agenda")
    assert "1. Community garden (initiative)" in agenda and "2. Buy a second freezer? (open poll)" in agenda
    assert "4. Summer fair" in agenda
    refused = await server.member.slash(server.general, "meeting plan", title="Mine", start="2026-01-20 18:00")
    assert "Only meeting coordinators" in refusal(simcord_env, refused)


async def test_rsvp_counts_and_reminders_reach_those_coming(simcord_env):
    server = await quickstarted(simcord_env)
    maybe = server.add_member("mira")
    await simcord_env.settle()
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    card = meeting_card(server, meeting)

    coming = await server.member.click(card, custom_id=f"meetings:coming:{meeting.pk}")
    await maybe.click(card, custom_id=f"meetings:maybe:{meeting.pk}")
    await server.admin.click(card, custom_id=f"meetings:not_coming:{meeting.pk}")
    await server.admin.click(card, custom_id=f"meetings:coming:{meeting.pk}")
    await simcord_env.advance_time(5)

    assert "You are coming to **Monthly animation meeting**" in shown(coming)
    labels = [button.label for row in meeting_card(server, meeting).components for button in row.children]
    assert labels[:3] == ["Coming · 2", "Maybe · 1", "Not coming · 0"]
    assert await Rsvp.filter(meeting_id=meeting.pk, answer=Answer.COMING).count() == 2
    await advance_to(simcord_env, START - timedelta(minutes=30))

    assert len([text for text in dms(server.member) if "Reminder: **Monthly animation meeting**" in text]) == 1
    assert len([text for text in dms(server.member) if "starts <t:" in text]) == 1
    assert not [text for text in dms(maybe) if "Monthly animation meeting" in text]


async def test_minutes_are_posted_under_the_card_and_kept(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    await advance_to(simcord_env, START + timedelta(hours=1))

    form = await server.admin.slash(server.general, "meeting minutes", meeting=str(meeting.pk))
    done = await server.admin.submit_modal(form, {"minutes": "We agreed on a garden rota. Ola leads."})

    assert "posted under its card" in shown(done)
    stored = await Meeting.get(id=meeting.pk)
    assert stored.minutes == "We agreed on a garden rota. Ola leads." and stored.minutes_by == server.admin.id
    posted = next(m for m in server.guild.channels["activities"].history() if m.id == stored.minutes_message_id)
    assert "We agreed on a garden rota" in posted.content
    assert posted.reference.message_id == meeting.message_id
    await simcord_env.advance_time(5)
    fields = {field.name: field.value for field in meeting_card(server, meeting).embeds[0].fields}
    assert str(stored.minutes_message_id) in fields["Minutes"]
    listed = await server.member.slash(server.general, "meeting list")
    assert "**Monthly animation meeting**" in shown(listed) and "minutes kept" in shown(listed)


async def test_decide_by_poll_creates_a_prefilled_poll_linked_back_with_its_result(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, agenda="Garden rota; Summer fair")
    meeting = await Meeting.get(title="Monthly animation meeting")
    fair = await AgendaItem.get(meeting_id=meeting.pk, text="Summer fair")
    card = meeting_card(server, meeting)

    refused = await server.member.select(card, [str(fair.pk)], custom_id=f"meetings:decide:{meeting.pk}")
    assert "Only meeting coordinators" in refusal(simcord_env, refused)
    form = await server.admin.select(card, [str(fair.pk)], custom_id=f"meetings:decide:{meeting.pk}")
    assert modal_defaults(form) == {"question": "Summer fair", "options": "Yes; No; Abstain", "duration": "3d"}
    done = await server.admin.submit_modal(
        form, {"question": "Hold the summer fair in June?", "options": "Yes; No; Abstain", "duration": "1d"}
    )

    poll = await Poll.get(question="Hold the summer fair in June?")
    assert f"Poll #{poll.pk}" in shown(done)
    assert (await AgendaItem.get(id=fair.pk)).decision_poll == poll.pk
    decisions = server.guild.channels["decisions"]
    assert any(m.id == poll.message_id for m in decisions.history())
    await simcord_env.advance_time(5)
    agenda = next(f.value for f in meeting_card(server, meeting).embeds[0].fields if f.name == "Agenda")
    assert f"put to poll [#{poll.pk}]" in agenda and "voting is open" in agenda

    poll_message = next(m for m in decisions.history() if m.id == poll.message_id)
    await server.member.click(poll_message, label="Yes")
    await server.admin.click(poll_message, label="Yes")
    await simcord_env.advance_time(24 * 3600 + 120)

    agenda = next(f.value for f in meeting_card(server, meeting).embeds[0].fields if f.name == "Agenda")
    assert f"decided by poll [#{poll.pk}]" in agenda and ": Yes" in agenda
    # The item decided is no longer offered; the others still are.
    select = next(
        child for row in meeting_card(server, meeting).components for child in row.children if child.type.value == 3
    )
    assert [option.value for option in select.options] == [
        str((await AgendaItem.get(meeting_id=meeting.pk, text="Garden rota")).pk)
    ]


async def test_rsvps_are_exported_and_forgotten_and_the_minutes_stay(simcord_env):
    from tests.cogs.privacy.helpers import exported_file, tables_holding

    server = await quickstarted(simcord_env)
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    await server.member.click(meeting_card(server, meeting), custom_id=f"meetings:coming:{meeting.pk}")

    await server.member.slash(server.general, "privacy export")
    text, data = await exported_file(server.member)
    assert "Meetings: 1 record" in text
    assert data["features"]["meetings"]["meeting_rsvp"][0]["meeting"]["title"] == "Monthly animation meeting"

    preview = await server.member.slash(server.general, "privacy forget")
    await server.member.click(preview.response, label="Forget me")
    assert await tables_holding(server.member.id) == {}
    assert await Meeting.exists(id=meeting.pk)


def scheduled(server) -> list:
    return list(server.env.backend.get_guild(server.guild.id).scheduled_events.values())


async def test_a_meeting_is_a_discord_event_and_cancelling_tells_those_coming(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    (event,) = scheduled(server)
    assert event.name == "Monthly animation meeting" and event.scheduled_start_time.startswith("2026-01-15T18:00")
    await server.member.click(meeting_card(server, meeting), custom_id=f"meetings:coming:{meeting.pk}")

    refused = await server.member.slash(server.general, "meeting cancel", meeting=str(meeting.pk))
    cancelled = await server.admin.slash(server.general, "meeting cancel", meeting=str(meeting.pk))

    assert "Only meeting coordinators" in refusal(simcord_env, refused)
    assert "is cancelled. Those coming were told." in shown(cancelled)
    assert "is cancelled" in server.member.user.dm_channel.last_message.content
    assert scheduled(server)[0].status == 4
    await simcord_env.advance_time(5)
    card = meeting_card(server, meeting)
    assert card.embeds[0].title == "Cancelled: Monthly animation meeting" and not card.components
    await advance_to(simcord_env, START)
    assert not [text for text in dms(server.member) if "Reminder:" in text]


async def test_a_reminder_after_a_restart_reaches_those_coming_once(simcord_env, settings):
    from gromada.bot import create_bot

    server = await quickstarted(simcord_env)
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    await server.member.click(meeting_card(server, meeting), custom_id=f"meetings:coming:{meeting.pk}")

    await simcord_env.restart_bot(create_bot(settings))
    await advance_to(simcord_env, START - timedelta(hours=20))
    await simcord_env.restart_bot(create_bot(settings))
    await advance_to(simcord_env, START - timedelta(hours=2))

    assert len([text for text in dms(server.member) if "Reminder: **Monthly animation meeting**" in text]) == 1


async def test_a_card_that_cannot_be_posted_leaves_no_meeting(simcord_env):
    server = await quickstarted(simcord_env)
    channel = server.guild.channels["activities"]
    simcord_env.inject_error("POST", f"/channels/{channel.id}/messages", status=500)

    result = await plan(server)

    assert "could not post the meeting" in refusal(simcord_env, result)
    assert not await Meeting.exists()
    assert scheduled(server) == []


async def test_an_agenda_item_becomes_an_initiative_proposal_linked_back(simcord_env):
    from models.initiatives import Initiative

    server = await quickstarted(simcord_env)
    await plan(server, agenda="Tool library; Summer fair")
    meeting = await Meeting.get(title="Monthly animation meeting")
    tools = await AgendaItem.get(meeting_id=meeting.pk, text="Tool library")
    card = meeting_card(server, meeting)

    form = await server.admin.select(card, [str(tools.pk)], custom_id=f"meetings:propose:{meeting.pk}")
    assert modal_defaults(form)["title"] == "Tool library"
    done = await server.admin.submit_modal(
        form,
        {
            "title": "Tool library",
            "goal": "Lend drills and ladders to neighbours.",
            "needs": "A shelf and a sign-out sheet.",
            "first_step": "Ask who has tools to give.",
        },
    )

    assert "is proposed as an initiative" in shown(done)
    initiative = await Initiative.get(title="Tool library")
    assert initiative.proposer_id == server.admin.id
    assert (await AgendaItem.get(id=tools.pk)).proposed_initiative == initiative.pk
    assert any(m.id == initiative.card_message_id for m in server.guild.channels["initiatives"].history())
    await simcord_env.advance_time(5)
    agenda = next(f.value for f in meeting_card(server, meeting).embeds[0].fields if f.name == "Agenda")
    assert "→ proposed as an initiative: [Tool library](" in agenda


async def test_typed_text_is_cleaned_before_it_is_checked_and_stored(simcord_env):
    server = await quickstarted(simcord_env)
    invisible = "\u200b\u2060 \ufeff"

    refused = await plan(server, title=invisible)
    assert "needs a title" in refusal(simcord_env, refused)
    assert not await Meeting.exists()

    await plan(
        server,
        title=f"{invisible}Animation{invisible}",
        place="\u200bLibrary ",
        agenda=f"Rota; {invisible}; \u200bFair",
    )
    meeting = await Meeting.get()
    assert (meeting.title, meeting.place) == ("Animation", "Library")
    items = await AgendaItem.filter(meeting_id=meeting.pk).order_by("position")
    assert [item.text for item in items] == ["Rota", "Fair"]

    await advance_to(simcord_env, START + timedelta(hours=1))
    form = await server.admin.slash(server.general, "meeting minutes", meeting=str(meeting.pk))
    empty = await server.admin.submit_modal(form, {"minutes": invisible})
    assert "Write the minutes first" in refusal(simcord_env, empty)
    form = await server.admin.slash(server.general, "meeting minutes", meeting=str(meeting.pk))
    await server.admin.submit_modal(form, {"minutes": f"{invisible}We agreed.\u200b"})
    assert (await Meeting.get()).minutes == "We agreed."


async def test_the_meeting_picker_names_the_month(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    await plan(server)

    with speaking(monkeypatch, server.admin, "ru"):
        offered = await server.admin.autocomplete(server.general, "meeting minutes", "meeting", "")

    assert [choice["name"] for choice in offered] == ["Monthly animation meeting · 15 января 2026\u202fг. 18:00"]


async def test_the_summary_counts_a_meeting_once_for_whoever_planned_it_and_is_coming(simcord_env):
    from tests.cogs.privacy.helpers import exported_file

    server = await quickstarted(simcord_env)
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    await server.admin.click(meeting_card(server, meeting), custom_id=f"meetings:coming:{meeting.pk}")

    await server.admin.slash(server.general, "privacy export")
    text, data = await exported_file(server.admin)

    assert len(data["features"]["meetings"]["meeting"]) == 1 and len(data["features"]["meetings"]["meeting_rsvp"]) == 1
    assert "Meetings: 1 record" in text


async def test_reminders_lost_before_a_restart_are_armed_again_and_a_sent_one_is_not(simcord_env, settings):
    from gromada.bot import create_bot
    from models.core import Timer, TimerStatus

    server = await quickstarted(simcord_env)
    await plan(server)
    meeting = await Meeting.get(title="Monthly animation meeting")
    await server.member.click(meeting_card(server, meeting), custom_id=f"meetings:coming:{meeting.pk}")
    await advance_to(simcord_env, START - timedelta(hours=20))
    # The day's reminder went; then the hour's timer is lost (the process stopped before arming it).
    await Timer.filter(ref_id=meeting.pk, kind__startswith="meetings.", status=TimerStatus.PENDING).delete()

    await simcord_env.restart_bot(create_bot(settings))

    pending = await Timer.filter(ref_id=meeting.pk, kind__startswith="meetings.", status=TimerStatus.PENDING)
    assert [(timer.due_at) for timer in pending] == [START - timedelta(hours=1)]
    await advance_to(simcord_env, START - timedelta(minutes=30))
    texts = dms(server.member)
    assert len([text for text in texts if "Reminder: **Monthly animation meeting**" in text]) == 1
    assert len([text for text in texts if "**Monthly animation meeting** on" in text and "starts <t:" in text]) == 1


async def test_a_card_picks_only_its_own_meetings_items(simcord_env):
    """A card's select lists its meeting's items; a client may still send another meeting's."""
    server = await quickstarted(simcord_env)
    await plan(server, agenda="Garden rota")
    await plan(server, title="Fair committee", start="2026-01-20 18:00", agenda="Summer fair")
    rota_meeting = await Meeting.get(title="Monthly animation meeting")
    fair = await AgendaItem.get(text="Summer fair")

    for action in ("decide", "propose"):
        forged = await forged_select(server, server.admin, f"meetings:{action}:{rota_meeting.pk}", [str(fair.pk)])
        assert forged.modal is None, action
        assert refusal(simcord_env, forged) == "That agenda item no longer exists.", action

    # Through its own card the item opens its form as before.
    fair_card = meeting_card(server, await Meeting.get(title="Fair committee"))
    form = await server.admin.select(fair_card, [str(fair.pk)], custom_id=f"meetings:decide:{fair.meeting_id}")
    assert modal_defaults(form)["question"] == "Summer fair"
    assert (await AgendaItem.get(id=fair.pk)).decision_poll is None
