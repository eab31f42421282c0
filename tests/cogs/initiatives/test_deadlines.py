"""Time moving forward: expiry of the support window, inactivity warning and archive, restarts."""

from datetime import timedelta

import discord

from cogs.initiatives import service
from cogs.initiatives.views import PROPOSE_COOLDOWN
from gromada.bot import create_bot
from gromada.scheduler import now
from models.core import Timer
from models.initiatives import Initiative, InitiativeStatus
from tests.cogs.initiatives.helpers import field, open_initiative
from tests.helpers import answer_lost, deadline_failures, refusal, shown, wait_out

DAY = 86400


async def test_proposal_without_enough_support_expires_and_supporters_are_told(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    channels_before = {c.id for c in server.discord_guild().channels}

    await server.env.advance_time(13 * DAY)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED
    await server.env.advance_time(DAY + 1)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.EXPIRED
    card = server.card(initiative)
    assert field(card, "Status") == "expired"
    assert not card.components, "an expired proposal cannot be supported"
    notice = server.proposals.last_message
    assert "has expired" in notice.content
    assert server.member.mention in notice.content and server.supporters[0].mention in notice.content
    assert {c.id for c in server.discord_guild().channels} == channels_before


async def test_support_button_survives_a_restart(server, settings):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")

    await server.env.restart_bot(create_bot(settings))
    await server.supporters[1].click(server.card(initiative), label="Support")

    assert server.text_channel(initiative.slug) is not None
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_expiry_deadline_survives_a_restart(server, settings):
    _, initiative = await server.propose()

    await server.env.restart_bot(create_bot(settings))
    await server.env.advance_time(15 * DAY)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.EXPIRED


async def test_silent_channel_is_warned_after_30_days_then_archived_7_days_later(server):
    initiative, channel = await open_initiative(server)

    await server.env.advance_time(30 * DAY + 60)

    assert "nobody has written here for 30 days" in channel.last_message.content
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    await server.env.advance_time(7 * DAY + 60)

    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.ARCHIVED
    discord_channel = server.discord_guild().get_channel(channel.id)
    assert discord_channel.category.name == "Initiatives archive"
    assert "archived after 37 days" in channel.last_message.content


async def test_a_polish_server_hears_expiry_in_words_that_agree_with_the_threshold(server):
    await server.admin.slash(server.general, "setup language", language="pl")
    await server.propose()

    await server.env.advance_time(14 * DAY + 1)

    assert "nie zebrała na czas poparcia 3 osób, więc wygasła" in server.proposals.last_message.content


async def test_a_russian_server_is_warned_and_archived_in_words_that_agree_with_the_days(server):
    _, channel = await open_initiative(server)
    await server.admin.slash(server.general, "setup language", language="ru")

    await server.env.advance_time(30 * DAY + 60)
    warning = channel.last_message.content
    await server.env.advance_time(7 * DAY + 60)

    assert "здесь никто не писал уже 30 дней. Если в течение 7 дней не появится" in warning
    assert "Инициатива ушла в архив после 37 дней без сообщений." in channel.last_message.content


async def test_a_message_after_the_warning_keeps_the_channel_open(server):
    initiative, channel = await open_initiative(server)
    await server.env.advance_time(30 * DAY + 60)

    await server.member.send(channel, "Still here! Planting on Saturday.")
    await server.env.advance_time(8 * DAY)

    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.ACTIVE
    assert server.discord_guild().get_channel(channel.id).category.name == "Initiatives"
    # Thirty quiet days after that message, the warning comes again.
    await server.env.advance_time(23 * DAY)
    assert "nobody has written here" in channel.last_message.content


async def test_activity_is_written_at_most_hourly(server):
    initiative, channel = await open_initiative(server)
    await server.env.advance_time(2 * 3600)

    await server.member.send(channel, "first")
    written = (await Initiative.get(id=initiative.pk)).last_activity_at
    await server.env.advance_time(60)
    await server.member.send(channel, "second, a minute later")

    assert (await Initiative.get(id=initiative.pk)).last_activity_at == written
    assert written > initiative.last_activity_at + timedelta(hours=1)


async def test_activity_is_tracked_after_a_restart(server, settings):
    initiative, channel = await open_initiative(server)
    await server.env.advance_time(20 * DAY)

    await server.env.restart_bot(create_bot(settings))
    await server.member.send(channel, "Back from holidays.")
    await server.env.advance_time(11 * DAY)

    assert "nobody has written here" not in (channel.last_message.content or "")
    await server.env.advance_time(20 * DAY)
    assert "nobody has written here" in channel.last_message.content
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_a_proposal_that_reached_the_threshold_does_not_expire_while_waiting_for_retry(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)
    failed = await server.supporters[1].click(server.card(initiative), label="Support")
    refusal(server.env, failed)

    await server.env.advance_time(15 * DAY)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED
    await server.supporters[0].click(server.card(initiative), label="Retry opening the channel")
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_withdrawing_after_the_window_is_refused_so_the_proposal_cannot_get_stuck(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)
    refusal(server.env, await server.supporters[1].click(server.card(initiative), label="Support"))
    await server.env.advance_time(15 * DAY)

    late = await server.supporters[1].click(server.card(initiative), label="Withdraw support")

    assert "support window for this proposal has ended" in refusal(server.env, late)
    await server.supporters[1].click(server.card(initiative), label="Retry opening the channel")
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_lost_deadlines_are_armed_again_at_a_restart(server, settings):
    initiative, channel = await open_initiative(server)
    await wait_out(server.env, PROPOSE_COOLDOWN)
    _, proposal = await server.propose(title="Repair café")
    # The bot stopped between each change and arming its deadline.
    await Timer.filter(ref_id__in=[initiative.pk, proposal.pk]).delete()

    await server.env.restart_bot(create_bot(settings))

    # Each is armed at its own moment, not at once: the proposal keeps its window.
    initiative, proposal = await Initiative.get(id=initiative.pk), await Initiative.get(id=proposal.pk)
    armed = await Timer.filter(ref_id__in=[initiative.pk, proposal.pk]).order_by("kind")
    assert [(timer.kind, timer.due_at) for timer in armed] == [
        (service.EXPIRE_TIMER, proposal.support_until),
        (service.INACTIVITY_TIMER, initiative.last_activity_at + service.INACTIVITY_WARNING),
    ]
    await server.env.advance_time(DAY)
    assert (await Initiative.get(id=proposal.pk)).status == InitiativeStatus.PROPOSED
    await server.env.advance_time(14 * DAY)
    assert (await Initiative.get(id=proposal.pk)).status == InitiativeStatus.EXPIRED
    await server.env.advance_time(16 * DAY)

    assert "nobody has written here for 30 days" in channel.last_message.content


async def test_supporters_are_told_of_the_expiry_even_when_discord_first_refuses(server, caplog):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("POST", f"/channels/{server.proposals.id}/messages", status=500)

    await server.env.advance_time(14 * DAY + 1)
    assert "has expired" not in (server.proposals.last_message.content or "")
    await server.env.advance_time(61)  # the deadline's retry

    notices = [m for m in server.proposals.history() if "has expired" in (m.content or "")]
    assert len(notices) == 1 and server.supporters[0].mention in notices[0].content
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.EXPIRED
    assert field(server.card(initiative), "Status") == "expired"
    # The deadline met the injected failure once, and nothing else went wrong.
    [failure] = deadline_failures(caplog)
    assert isinstance(failure, discord.HTTPException) and failure.status == 500
    assert server.env.errors == []


async def test_a_proposal_whose_card_was_never_posted_expires_and_frees_its_title(server, settings):
    # The bot stopped after storing the proposal and before its card was posted: nobody can
    # see or support it, and it held its title, so proposing it again was refused.
    proposal = service.validate_proposal("Community garden", "Grow vegetables.", "Seeds.", "Ask the landlord.")
    stored = await service.create_proposal(server.guild.id, server.member.id, proposal, server.proposals.id, now())
    messages_before = len(server.proposals.history())

    await server.env.restart_bot(create_bot(settings))
    await server.env.advance_time(1)

    assert (await Initiative.get(id=stored.pk)).status == InitiativeStatus.EXPIRED
    # Nobody saw it, so nobody is thanked for supporting it.
    assert len(server.proposals.history()) == messages_before
    await wait_out(server.env, PROPOSE_COOLDOWN)
    _, again = await server.propose(title="Community garden")
    assert again.pk != stored.pk and again.status == InitiativeStatus.PROPOSED
    assert server.card(again) is not None
    assert server.env.errors == []


async def test_a_failed_card_post_leaves_no_proposal_behind(server):
    server.env.inject_error("POST", f"/channels/{server.proposals.id}/messages", status=500)

    result, _ = await server.propose()
    await server.env.advance_time(15 * DAY)

    assert "Discord refused" in refusal(server.env, result)
    assert await Initiative.all().count() == 0
    assert await Timer.filter(kind=service.EXPIRE_TIMER).count() == 0
    _, again = await server.propose()
    assert server.card(again) is not None


async def test_a_card_posted_though_the_call_failed_keeps_its_proposal(server, monkeypatch):
    answer_lost(monkeypatch, "POST", f"/channels/{server.proposals.id}/messages")

    result, initiative = await server.propose()

    assert "Your proposal is posted" in shown(result)
    [card] = [message for message in server.proposals.history() if message.embeds]
    assert initiative is not None and initiative.card_message_id == card.id
    assert await Timer.filter(kind=service.EXPIRE_TIMER, ref_id=initiative.pk).count() == 1
    # Its buttons lead to the proposal, not to "no longer exists".
    supported = await server.supporters[0].click(card, label="Support")
    assert "no longer exists" not in shown(supported)
    assert server.supporters[0].id in await service.member_ids(initiative.pk)
    assert server.env.errors == []


async def test_a_card_left_behind_by_a_discarded_proposal_is_removed_at_the_first_click(server, monkeypatch):
    # The card was posted though the call failed, and the search for it failed too: the
    # proposal was discarded while its card stayed, with buttons that lead nowhere.
    answer_lost(monkeypatch, "POST", f"/channels/{server.proposals.id}/messages")
    server.env.inject_error("GET", f"/channels/{server.proposals.id}/messages*", status=500)

    result, initiative = await server.propose()

    assert "Discord refused to post the proposal's card" in refusal(server.env, result)
    assert initiative is None
    [orphan] = [message for message in server.proposals.history() if message.embeds]
    assert orphan.components

    clicked = await server.supporters[0].click(orphan, label="Support")

    assert refusal(server.env, clicked) == "This proposal no longer exists, so I removed its card."
    assert [message for message in server.proposals.history() if message.embeds] == []
    assert await Initiative.all().count() == 0
    # Proposing it again works, with a card whose buttons count.
    await wait_out(server.env, PROPOSE_COOLDOWN)
    _, again = await server.propose()
    supported = await server.supporters[0].click(server.card(again), label="Support")
    assert "your support counts" in shown(supported)


async def test_a_never_posted_proposal_expires_even_where_its_proposer_alone_reaches_the_threshold(server, settings):
    # With a threshold of 1 the proposer's own support would be enough, but nobody ever saw
    # the proposal: it expires rather than hold its title, waiting for an opening nobody asks for.
    await server.admin.slash(server.general, "setup option", key="initiatives_threshold", value="1")
    proposal = service.validate_proposal("Tool library", "Lend tools.", "A shelf.", "Ask the school.")
    stored = await service.create_proposal(server.guild.id, server.member.id, proposal, server.proposals.id, now())

    await server.env.restart_bot(create_bot(settings))
    await server.env.advance_time(1)

    assert (await Initiative.get(id=stored.pk)).status == InitiativeStatus.EXPIRED
    assert server.text_channel(stored.slug) is None


async def test_a_lost_inactivity_deadline_is_armed_again_from_the_last_message_and_the_warning(server, settings):
    initiative, channel = await open_initiative(server)
    await server.env.advance_time(2 * DAY)
    await server.member.send(channel, "Seeds are ordered.")
    spoken = (await Initiative.get(id=initiative.pk)).last_activity_at
    assert spoken > initiative.last_activity_at
    # The bot stopped before arming the deadline, once after the message and once after the warning.
    await Timer.filter(ref_id=initiative.pk, kind=service.INACTIVITY_TIMER).delete()

    await server.env.restart_bot(create_bot(settings))
    [armed] = await Timer.filter(ref_id=initiative.pk, kind=service.INACTIVITY_TIMER)
    assert armed.due_at == spoken + service.INACTIVITY_WARNING

    await server.env.advance_time(31 * DAY)
    warned_at = (await Initiative.get(id=initiative.pk)).inactivity_warned_at
    assert "nobody has written here for 30 days" in channel.last_message.content
    await Timer.filter(ref_id=initiative.pk, kind=service.INACTIVITY_TIMER).delete()
    await server.env.restart_bot(create_bot(settings))

    [armed] = await Timer.filter(ref_id=initiative.pk, kind=service.INACTIVITY_TIMER)
    assert armed.due_at == warned_at + service.INACTIVITY_GRACE
    await server.env.advance_time(7 * DAY + 60)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ARCHIVED
