"""/privacy forget: confirmation, erasure or pseudonyms everywhere, what stays and why."""

import asyncio

import discord

from cogs.privacy import service
from cogs.purchases import service as purchases
from gromada.bot import create_bot
from models.mediation import Ticket, TicketParty
from models.privacy import pseudonym_tag
from models.purchases import Bill, OrderLine
from models.volunteers import ApprovalRequest, SeatStatus, VolunteerRole, VolunteerSeat, WaitlistEntry
from tests.cogs.mediation.helpers import mediation_server
from tests.cogs.privacy.helpers import closed_ticket, exported_file, mark_paid, purchase_with_orders, tables_holding
from tests.cogs.volunteers.helpers import create_role, holders
from tests.helpers import last_dm, refusal, shown, speaking


async def test_forget_leaves_no_trace_and_others_records_stay_consistent(simcord_env):
    server = await mediation_server(simcord_env)
    member, other = server.requester, server.other_party
    ticket = await closed_ticket(server)
    purchase = await purchase_with_orders(server, "Apples", {member.id: "2", other.id: "3"})
    await mark_paid(server, purchase, member.id)
    before = await purchases.ledger(server.guild.id, purchase.pk)
    others_bill = await Bill.get(purchase_id=purchase.pk, user_id=other.id)
    assert await tables_holding(member.id)

    preview = await member.slash(server.general, "privacy forget")
    assert preview.ephemeral and "Forget me on this server?" in shown(preview)
    assert "These stay for now" not in shown(preview)
    done = await member.click(preview.response, label="Forget me")

    assert "Done." in shown(done) and "instead of you" in shown(done)
    assert await tables_holding(member.id) == {}
    after = await purchases.ledger(server.guild.id, purchase.pk)
    assert (after.billed, after.paid, after.outstanding) == (before.billed, before.paid, before.outstanding)
    assert sorted(bill.total for bill in after.bills) == sorted(bill.total for bill in before.bills)
    assert (await Bill.get(id=others_bill.pk)).total == others_bill.total
    kept = await Ticket.get(id=ticket.pk)
    assert kept.requester_id < 0 and kept.what_happened == "" and kept.hoped_outcome == ""
    assert "former member #" in kept.transcript and "let us find a fair split" in kept.transcript
    # One pseudonym across tables: the ledger still groups the former member's rows.
    [line] = await OrderLine.filter(purchase_id=purchase.pk, user_id__lt=0)
    assert (await Bill.get(purchase_id=purchase.pk, user_id=line.user_id)).paid_at is not None
    # The other party still finds the ticket in their own export.
    await other.slash(server.general, "privacy export")
    _, data = await exported_file(other)
    assert data["features"]["mediation"]["mediation_party"][0]["ticket"]["id"] == ticket.pk


async def test_what_cannot_be_erased_is_said_and_kept(simcord_env):
    server = await mediation_server(simcord_env)
    member = server.requester
    unpaid = await purchase_with_orders(server, "Pears", {member.id: "1"})
    paid = await purchase_with_orders(server, "Apples", {member.id: "2"})
    await mark_paid(server, paid, member.id)
    await server.request()
    open_ticket = await Ticket.get(requester_id=member.id)

    preview = await member.slash(server.general, "privacy forget")
    assert "These stay for now" in shown(preview)
    assert "bill that is not paid yet" in shown(preview) and "mediation you take part in is still open" in shown(
        preview
    )
    done = await member.click(preview.response, label="Forget me")

    report = shown(done)
    # One bill (its order line stays with it) is one record.
    assert "Not erased yet, and why" in report and "- 1 record: You have a bill that is not paid yet" in report
    assert (await Bill.get(purchase_id=unpaid.pk)).user_id == member.id
    assert (await Bill.get(purchase_id=paid.pk)).user_id < 0
    assert (await Ticket.get(id=open_ticket.pk)).requester_id == member.id
    assert set(await tables_holding(member.id)) == {"purchase_bill", "purchase_order_line", "mediation_ticket"}


async def test_forget_deletes_waitlist_places_and_pending_requests_instead_of_pseudonymising_them(simcord_env):
    server = await mediation_server(simcord_env)
    forgotten, holder, next_in_line = server.requester, server.outsider, server.other_party
    await create_role(server, "Driver", 1)
    await create_role(server, "Keeper", 1, approval="coordinator")
    for person in (holder, forgotten, next_in_line):
        await person.slash(server.general, "volunteer claim", role="Driver")
    asked = await forgotten.slash(server.general, "volunteer claim", role="Keeper")
    assert "went to the coordinators" in shown(asked)
    request_card = server.channel("mod-log").last_message
    driver = await VolunteerRole.get(name="Driver")
    assert [e.user_id for e in await WaitlistEntry.filter(role_id=driver.pk).order_by("id")] == [
        forgotten.id,
        next_in_line.id,
    ]

    preview = await forgotten.slash(server.general, "privacy forget")
    done = await forgotten.click(preview.response, label="Forget me")

    assert "Done." in shown(done)
    assert await tables_holding(forgotten.id) == {}
    # Deleted, not kept under a pseudonym: a place in a queue and a request are about the person.
    assert [e.user_id for e in await WaitlistEntry.filter(role_id=driver.pk)] == [next_in_line.id]
    assert not await ApprovalRequest.exists()
    # So the seat, when it frees, goes to the next real person in line.
    await holder.slash(server.general, "volunteer release", role="Driver")
    seat = await VolunteerSeat.get(role_id=driver.pk)
    assert (seat.user_id, seat.status) == (next_in_line.id, SeatStatus.OFFERED)
    assert "Accept it within 48 hours" in last_dm(next_in_line).content
    # And the coordinators' card of the forgotten request decides nothing any more.
    moderator = server.guild.add_member(simcord_env.create_user("mod"), roles=[server.guild.roles["Moderator"]])
    await simcord_env.settle()
    stale = await moderator.click(request_card, label="Approve")
    assert "That request no longer exists" in refusal(simcord_env, stale)
    assert holders(server, "Keeper") == set()


async def test_cancel_erases_nothing(simcord_env):
    server = await mediation_server(simcord_env)
    member = server.requester
    await purchase_with_orders(server, "Apples", {member.id: "2"})
    preview = await member.slash(server.general, "privacy forget")

    cancelled = await member.click(preview.response, label="Cancel")

    assert "Nothing was erased" in shown(cancelled)
    assert (await Bill.get()).user_id == member.id


async def test_confirmation_still_works_after_a_restart(simcord_env, settings):
    server = await mediation_server(simcord_env)
    member = server.requester
    await purchase_with_orders(server, "Apples", {member.id: "2", server.outsider.id: "1"})
    for bill in await Bill.all():
        await mark_paid(server, await bill.purchase, bill.user_id)
    preview = await member.slash(server.general, "privacy forget")

    await simcord_env.restart_bot(create_bot(settings))
    done = await member.click(preview.response, label="Forget me")

    assert "Done." in shown(done)
    assert await tables_holding(member.id) == {}
    assert await Bill.filter(user_id=server.outsider.id).count() == 1


async def test_two_forgets_at_once_leave_no_trace_and_one_pseudonym_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs the two forgets' transactions
    # one after the other, so there the second simply finds nothing left to forget.
    server = await mediation_server(simcord_env)
    member, other = server.requester, server.other_party
    ticket = await closed_ticket(server)
    purchase = await purchase_with_orders(server, "Apples", {member.id: "2", other.id: "3"})
    await mark_paid(server, purchase, member.id)
    parties = await TicketParty.all().count()

    reports = await asyncio.gather(
        service.forget(server.guild.id, member.id), service.forget(server.guild.id, member.id)
    )

    assert await tables_holding(member.id) == {}
    assert sum(report.pseudonymised for report in reports) >= 1
    assert await Bill.filter(purchase_id=purchase.pk).count() == 2
    assert await TicketParty.all().count() == parties
    # Whichever forget got there first, the former member is one pseudonym everywhere: in the
    # ticket, in the transcript that quotes them, and in the ledger.
    kept = await Ticket.get(id=ticket.pk)
    pseudonym = kept.requester_id
    assert pseudonym < 0
    assert f"former member #{pseudonym_tag(pseudonym)}" in kept.transcript
    assert {bill.user_id for bill in await Bill.filter(user_id__lt=0)} == {pseudonym}
    assert {line.user_id for line in await OrderLine.filter(user_id__lt=0)} == {pseudonym}


async def test_forget_speaks_polish(simcord_env, monkeypatch):
    server = await mediation_server(simcord_env)
    member = server.requester
    await purchase_with_orders(server, "Gruszki", {member.id: "1"})

    with speaking(monkeypatch, member, "pl"):
        preview = await member.slash(server.general, "privacy forget")
        asked = shown(preview)
        done = await member.click(preview.response, label="Zapomnij o mnie")

    assert "Zapomnieć o Tobie na tym serwerze?" in asked
    assert "- 1 wpis: Masz nieopłacony rachunek" in asked
    assert "Usunięto 1 wpis o Tobie." in shown(done) and "zamiast Ciebie" not in shown(done)
    assert "Czego jeszcze nie usunięto i dlaczego" in shown(done)


async def test_a_failed_edit_after_the_erasure_loses_nothing_and_a_second_click_reports(simcord_env, incidents):
    server = await mediation_server(simcord_env)
    member = server.requester
    await purchase_with_orders(server, "Apples", {member.id: "2"})
    preview = await member.slash(server.general, "privacy forget")
    simcord_env.inject_error("PATCH", "/webhooks/*/messages/@original", status=500)

    failed = await member.click(preview.response, label="Forget me")
    assert "incident id" in shown(failed)
    [crash] = incidents.take()
    assert isinstance(crash, discord.HTTPException) and crash.status == 500
    assert set(await tables_holding(member.id)) == {"purchase_bill", "purchase_order_line"}
    again = await member.click(preview.response, label="Forget me")

    assert "Not erased yet, and why" in shown(again) and "- 1 record: You have a bill" in shown(again)


async def test_export_and_forget_stay_within_the_server(simcord_env):
    server = await mediation_server(simcord_env)
    member = server.requester
    elsewhere = simcord_env.create_guild("Other coop")
    elsewhere.add_member(member.user)
    await simcord_env.settle()
    here = await purchase_with_orders(server, "Apples", {member.id: "2"})
    await mark_paid(server, here, member.id)
    server.guild, home = elsewhere, server.guild  # the same helpers, on the other server
    there = await purchase_with_orders(server, "Pears", {member.id: "1"})
    await mark_paid(server, there, member.id)
    server.guild = home

    await member.slash(server.general, "privacy export")
    _, data = await exported_file(member)
    assert [bill["purchase"]["title"] for bill in data["features"]["purchases"]["purchase_bill"]] == ["Apples"]
    preview = await member.slash(server.general, "privacy forget")
    await member.click(preview.response, label="Forget me")

    assert (await Bill.get(purchase_id=here.pk)).user_id < 0
    assert (await Bill.get(purchase_id=there.pk)).user_id == member.id
    assert await OrderLine.filter(purchase_id=there.pk, user_id=member.id).exists()


async def test_a_paid_purchase_with_its_payment_is_one_record_in_the_report(simcord_env):
    server = await mediation_server(simcord_env)
    member = server.requester
    paid = await purchase_with_orders(server, "Apples", {member.id: "2"})
    await mark_paid(server, paid, member.id)

    preview = await member.slash(server.general, "privacy forget")
    done = await member.click(preview.response, label="Forget me")

    # The order line, the bill and the payment on the bill are three rows of one purchase.
    assert "1 record now shows “former member #" in shown(done)
    assert await tables_holding(member.id) == {}


async def test_reasons_kept_for_several_things_are_said_in_the_plural(simcord_env, monkeypatch):
    server = await mediation_server(simcord_env)
    member = server.requester
    for title in ("Pears", "Plums"):
        await purchase_with_orders(server, title, {member.id: "1"})

    preview = shown(await member.slash(server.general, "privacy forget"))
    assert "- 2 records: You have bills that are not paid yet: ask again once they are marked as paid." in preview

    with speaking(monkeypatch, member, "pl"):
        polish = shown(await member.slash(server.general, "privacy forget"))
    assert "- 2 wpisy: Masz nieopłacone rachunki: poproś ponownie, gdy zostaną oznaczone jako opłacone." in polish

    with speaking(monkeypatch, member, "ru"):
        russian = shown(await member.slash(server.general, "privacy forget"))
    assert "У вас есть неоплаченные счета: попросите снова, когда они будут отмечены как оплаченные." in russian


async def test_a_mediator_who_forgets_is_replaced_in_the_tickets_they_handled(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await closed_ticket(server)
    mira = server.mediators[0]

    preview = await mira.slash(server.general, "privacy forget")
    done = await mira.click(preview.response, label="Forget me")

    assert "instead of you" in shown(done)
    # Only their mediator's seat stays, until they step down from it.
    assert await tables_holding(mira.id) == {"volunteer_seat": ["user_id"]}
    # The ticket stays the requester's, with what they wrote.
    handled = await Ticket.get(id=ticket.pk)
    assert handled.mediator_id < 0 and handled.requester_id == server.requester.id
    assert handled.what_happened == "We argue about the garden shifts."
