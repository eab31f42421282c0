"""Every refusal says exactly what went wrong and what to do, in the reader's language."""

from datetime import timedelta

import pytest

from cogs.initiatives import flows, service
from gromada.errors import Conflict
from gromada.scheduler import now
from models.initiatives import Initiative, InitiativeMember, InitiativeNeed, InitiativeStatus
from tests.cogs.initiatives.helpers import field, open_initiative
from tests.helpers import command_mention, deadline_failures, refusal, shown, speaking

DAY = 86400


async def test_joining_and_leaving_refusals_name_the_reason(server, monkeypatch):
    initiative, channel = await open_initiative(server)
    welcome = channel.pinned_messages()[0]
    outsider, member = server.supporters[2], server.supporters[0]

    not_in = await outsider.click(welcome, label="Leave")
    with speaking(monkeypatch, member, "pl"):
        twice = await member.click(welcome, label="Join")
    lead_leaving = await server.member.click(welcome, label="Leave")

    assert refusal(server.env, not_in) == "You are not a member of this initiative."
    assert refusal(server.env, twice) == "Już należysz do tej inicjatywy."
    handover = await command_mention(server.env, "initiative handover")
    assert refusal(server.env, lead_leaving) == (
        "You lead this initiative, so you cannot leave it. "
        f"Hand it over with {handover}, or archive it when it is done."
    )

    await server.member.slash(channel, "initiative archive")
    archived_join = await outsider.click(channel.pinned_messages()[0], label="Join")
    archived_again = await server.member.slash(channel, "initiative archive")
    await server.member.slash(channel, "initiative reopen")
    with speaking(monkeypatch, server.member, "pl"):
        reopened_again = await server.member.slash(channel, "initiative reopen")

    assert refusal(server.env, archived_join) == "This initiative is archived; it cannot take new members now."
    assert refusal(server.env, archived_again) == "This initiative is already archived."
    assert refusal(server.env, reopened_again) == "Ta inicjatywa nie jest w archiwum."
    assert outsider.id not in set(await service.member_ids(initiative.pk))


async def test_a_progress_note_fills_at_most_1500_characters(server, monkeypatch):
    initiative, channel = await open_initiative(server)
    longest = "Soil delivered. " * 93 + "Done at six."
    assert len(longest) == 1500

    blank = await server.member.slash(channel, "initiative update", status="in_progress", note="  ")
    with speaking(monkeypatch, server.member, "pl"):
        too_long = await server.member.slash(channel, "initiative update", status="done", note=longest + "!")
    kept = await server.member.slash(channel, "initiative update", status="in_progress", note=longest)

    assert refusal(server.env, blank) == "Write a short note about the progress."
    assert refusal(server.env, too_long) == "Notatka może mieć najwyżej 1500 znaków."
    assert longest in shown(kept)
    assert (await Initiative.get(id=initiative.pk)).last_note == longest


async def test_a_call_for_help_fills_at_most_1000_characters(server, monkeypatch):
    initiative, channel = await open_initiative(server)
    longest = "A van on Saturday. " * 52 + "Twelve to go"
    assert len(longest) == 1000

    blank = await server.member.slash(channel, "initiative need", text=" \u200b ")
    too_long = await server.member.slash(channel, "initiative need", text=longest + "!")
    with speaking(monkeypatch, server.member, "pl"):
        too_long_in_polish = await server.member.slash(channel, "initiative need", text=longest + "!")
    posted = await server.member.slash(channel, "initiative need", text=longest)

    assert refusal(server.env, blank) == "Say what help you need."
    assert refusal(server.env, too_long) == "The call for help must stay within 1000 characters."
    assert refusal(server.env, too_long_in_polish) == "Prośba o pomoc może mieć najwyżej 1000 znaków."
    assert "call for help is posted" in shown(posted)
    assert [need.text for need in await InitiativeNeed.filter(initiative_id=initiative.pk)] == [longest]


async def test_an_archived_initiative_says_to_reopen_it_first(server, monkeypatch):
    initiative, channel = await open_initiative(server)
    await server.member.slash(channel, "initiative need", text="Someone with a van")
    call = server.proposals.last_message
    await server.member.slash(channel, "initiative archive")

    update = await server.member.slash(channel, "initiative update", status="done", note="Finished.")
    need = await server.member.slash(channel, "initiative need", text="More hands")
    handover = await server.member.slash(channel, "initiative handover", member=server.supporters[0])
    with speaking(monkeypatch, server.supporters[2], "pl"):
        helping = await server.supporters[2].click(call, label="I can help")

    for refused in (update, need, handover):
        assert refusal(server.env, refused) == "This initiative is archived. Reopen it first."
    assert refusal(server.env, helping) == "Ta inicjatywa jest w archiwum, więc teraz nie szuka pomocy."
    assert (await Initiative.get(id=initiative.pk)).last_note is None
    assert await InitiativeNeed.filter(initiative_id=initiative.pk).count() == 1


async def test_handing_over_to_whoever_leads_already_is_explained(server, monkeypatch):
    initiative, channel = await open_initiative(server)

    with speaking(monkeypatch, server.member, "pl"):
        themselves = await server.member.slash(channel, "initiative handover", member=server.member)
    by_staff = await server.admin.slash(channel, "initiative handover", member=server.member)
    elsewhere = await server.member.slash(server.general, "initiative update", status="done", note="x")

    assert refusal(server.env, themselves) == "Już prowadzisz tę inicjatywę."
    assert refusal(server.env, by_staff) == "That member already leads this initiative."
    assert refusal(server.env, elsewhere) == "Use this command inside an initiative's channel."
    assert await service.lead_of(initiative.pk) == server.member.id


async def test_support_refusals_say_what_to_do_instead(server, monkeypatch):
    _, initiative = await server.propose()

    stranger = await server.supporters[0].click(server.card(initiative), label="Withdraw support")
    proposer = await server.member.click(server.card(initiative), label="Withdraw support")
    with speaking(monkeypatch, server.supporters[1], "pl"):
        not_theirs = await server.supporters[1].click(server.card(initiative), label="Withdraw proposal")

    assert refusal(server.env, stranger) == "You do not support this proposal."
    assert refusal(server.env, proposer) == (
        "You proposed this initiative, so you stay its first supporter. "
        "To take the proposal back, press Withdraw proposal."
    )
    assert refusal(server.env, not_theirs) == "Tę propozycję może wycofać tylko osoba, która ją zgłosiła."
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 1


async def test_withdrawing_a_proposal_that_changed_meanwhile_says_how(server):
    _, opened = await server.propose()
    asked_opened = await server.member.click(server.card(opened), label="Withdraw proposal")
    for supporter in server.supporters[:2]:
        await supporter.click(server.card(opened), label="Support")
    too_late = await server.member.click(asked_opened.response, label="Withdraw it")
    # A proposal with an hour to gather support, taken back as the hour ends.
    await server.admin.slash(server.general, "setup option", key="initiatives_support_window", value="1h")
    _, expired = await server.propose(actor=server.supporters[2], title="Repair café")
    await server.env.advance_time(55 * 60)
    asked_expired = await server.supporters[2].click(server.card(expired), label="Withdraw proposal")
    await server.env.advance_time(6 * 60)

    gone = await server.supporters[2].click(asked_expired.response, label="Withdraw it")

    handover = await command_mention(server.env, "initiative handover")
    assert refusal(server.env, too_late) == (
        f"This initiative already has its channel. To step back, hand it over with {handover}."
    )
    assert refusal(server.env, gone) == "This proposal has expired."
    assert (await Initiative.get(id=expired.pk)).status == InitiativeStatus.EXPIRED


# A card clicked a moment before it changed: the button still reaches the service.


async def test_withdrawing_support_from_a_proposal_no_longer_gathering_names_its_state(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    row = await Initiative.get(id=initiative.pk)
    moment = row.support_until - timedelta(days=1)

    assert await service.claim_opening(initiative.pk, moment)
    with pytest.raises(Conflict) as opening:
        await service.withdraw(initiative.pk, server.supporters[0].id, moment)
    await Initiative.filter(id=initiative.pk).update(status=InitiativeStatus.WITHDRAWN)
    with pytest.raises(Conflict) as withdrawn:
        await service.withdraw(initiative.pk, server.supporters[0].id, moment)
    await Initiative.filter(id=initiative.pk).update(status=InitiativeStatus.ACTIVE)
    with pytest.raises(Conflict) as opened:
        await service.withdraw(initiative.pk, server.supporters[0].id, moment)

    assert opening.value.render("en") == (
        "The channel for this initiative is being opened right now. Try again in a moment."
    )
    assert withdrawn.value.render("pl") == "Osoba, która zgłosiła tę propozycję, wycofała ją."
    assert opened.value.render("en") == "This initiative already has its channel; use Join there."
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 2


async def test_support_cannot_be_withdrawn_at_the_very_end_of_the_window(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    row = await Initiative.get(id=initiative.pk)

    with pytest.raises(Conflict) as ended:
        await service.withdraw(initiative.pk, server.supporters[0].id, row.support_until)

    assert ended.value.render("ru") == "Срок поддержки этого предложения истёк."
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 2


async def test_support_at_the_very_end_of_the_window_or_during_the_opening_is_refused(server):
    _, initiative = await server.propose()
    row = await Initiative.get(id=initiative.pk)

    with pytest.raises(Conflict) as ended:
        await service.support(initiative.pk, server.supporters[0].id, row.support_until)
    assert await service.claim_opening(initiative.pk, row.support_until - timedelta(days=1))
    with pytest.raises(Conflict) as opening:
        await service.support(initiative.pk, server.supporters[1].id, row.support_until - timedelta(days=1))

    assert ended.value.render("en") == "The support window for this proposal has ended."
    assert opening.value.render("pl") == "Kanał tej inicjatywy właśnie się otwiera. Spróbuj za chwilę."
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 1


async def test_an_opened_initiative_cannot_be_withdrawn_long_after_its_opening(server):
    # A card clicked long after the channel opened (a stale card, a slow connection).
    initiative, _ = await open_initiative(server)
    later = initiative.opened_at + timedelta(hours=1)

    with pytest.raises(Conflict):
        await service.withdraw_proposal(initiative.pk, server.member.id, later)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_a_failed_opening_asks_on_the_card_to_press_retry(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)

    refusal(server.env, await server.supporters[1].click(server.card(initiative), label="Support"))

    card = server.card(initiative)
    assert field(card, "The channel could not be opened") == "Press Retry to try again. Staff have been told why."
    await server.supporters[1].click(card, label="Retry opening the channel")
    assert "The channel could not be opened" not in {item.name for item in server.card(initiative).embeds[0].fields}


async def test_the_window_ending_during_an_interrupted_opening_waits_for_retry(server, caplog):
    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await service.support(initiative.pk, supporter.id, now())
    await server.env.advance_time(13 * DAY)
    # The opening was claimed, then the bot stopped before creating anything.
    assert await service.claim_opening(initiative.pk, now())

    await server.env.advance_time(DAY + 60)

    assert deadline_failures(caplog) == []
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.OPENING
    await flows.refresh_card(server.env.bot, initiative.pk)  # as the restart after the stop does
    await server.supporters[0].click(server.card(initiative), label="Retry opening the channel")
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
