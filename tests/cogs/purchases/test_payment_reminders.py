"""Members with something still to pay are reminded by DM after a while, at most weekly, until paid."""

from datetime import timedelta

from cogs.purchases import service
from cogs.purchases.money import format_money
from gromada.bot import create_bot
from models.core import Timer, TimerStatus
from models.purchases import Bill
from tests.cogs.purchases.helpers import coop_server
from tests.cogs.purchases.test_payments import billed, pay
from tests.helpers import dms

DAY = 24 * 3600


def reminders(actor) -> list[str]:
    return [text for text in dms(actor) if "A reminder:" in text]


async def test_unpaid_members_are_reminded_weekly_until_they_pay_even_across_a_restart(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase = await billed(coop, {ania: "4", celina: "2", dmitrij: "1"})  # 10.00, 5.00, 2.50
    await pay(coop, purchase, dmitrij)
    await pay(coop, purchase, celina, "2")
    timer = await Timer.get(kind=service.PAYMENT_TIMER, ref_id=purchase.pk)
    await purchase.refresh_from_db()
    assert timer.due_at == purchase.closed_at + timedelta(days=7)  # the server's default

    await simcord_env.advance_time(6 * DAY)
    assert reminders(ania) == []
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(DAY + 60)

    [first] = reminders(ania)
    assert f"PLN\xa010.00 is still to pay for purchase #{purchase.pk}" in first
    assert "PLN\xa03.00 is still to pay" in reminders(celina)[0]  # what is left after a part
    assert reminders(dmitrij) == []  # paid
    await pay(coop, purchase, ania)
    await simcord_env.advance_time(7 * DAY + 60)

    assert len(reminders(ania)) == 1 and len(reminders(celina)) == 2
    await pay(coop, purchase, celina)
    await simcord_env.advance_time(7 * DAY + 60)
    assert len(reminders(celina)) == 2
    assert not await Timer.exists(kind=service.PAYMENT_TIMER, ref_id=purchase.pk, status=TimerStatus.PENDING)


async def test_a_server_can_turn_payment_reminders_off(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    await coop.admin.slash(coop.general, "setup option", key="purchases_payment_reminder", value="0s")
    purchase = await billed(coop, {ania: "1"})

    await simcord_env.advance_time(8 * DAY)

    assert reminders(ania) == []
    assert not await Timer.exists(kind=service.PAYMENT_TIMER, ref_id=purchase.pk)
    assert (await Bill.get(user_id=ania.id)).reminded_at is None


async def test_a_reminder_timer_lost_in_a_stop_is_armed_again_at_start_and_waits_for_its_time(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await billed(coop, {ania: "4", celina: "2"})  # 10.00, 5.00
    await pay(coop, purchase, celina)
    # As if the process had stopped after the bills went out, before the reminder was written.
    await simcord_env.bot.timers.cancel(service.PAYMENT_TIMER, purchase.pk)

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(DAY)

    assert reminders(ania) == []  # the server's seven days are not over
    [timer] = await Timer.filter(kind=service.PAYMENT_TIMER, ref_id=purchase.pk, status=TimerStatus.PENDING)
    await purchase.refresh_from_db()
    assert timer.due_at == purchase.closed_at + timedelta(days=7) and timer.guild_id == coop.guild.id
    await simcord_env.advance_time(6 * DAY + 60)
    [first] = reminders(ania)
    assert f"{format_money(1000, 'PLN', 'en')} is still to pay for purchase #{purchase.pk}" in first
    assert reminders(celina) == []  # paid


async def test_a_server_without_reminders_gets_no_timer_at_start(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    await coop.admin.slash(coop.general, "setup option", key="purchases_payment_reminder", value="0s")
    purchase = await billed(coop, {ania: "1"})

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(8 * DAY)

    assert not await Timer.exists(kind=service.PAYMENT_TIMER, ref_id=purchase.pk)
    assert reminders(ania) == []


async def test_each_purchase_reminds_of_its_own_bill_at_its_own_time(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    autumn = await billed(coop, {ania: "4"}, title="Autumn")  # 10.00
    await simcord_env.advance_time(3 * DAY)
    winter = await billed(coop, {ania: "2"}, title="Winter")  # 5.00

    await simcord_env.advance_time(4 * DAY + 60)

    [first] = reminders(ania)
    assert f"PLN\xa010.00 is still to pay for purchase #{autumn.pk}" in first
    assert (await Bill.get(purchase_id=winter.pk, user_id=ania.id)).reminded_at is None
    await simcord_env.advance_time(3 * DAY)
    assert len(reminders(ania)) == 2
    assert f"PLN\xa05.00 is still to pay for purchase #{winter.pk}" in reminders(ania)[1]
    await pay(coop, autumn, ania)
    await simcord_env.advance_time(4 * DAY + 60)  # autumn's second round finds it paid: no more rounds
    assert not await Timer.exists(kind=service.PAYMENT_TIMER, ref_id=autumn.pk, status=TimerStatus.PENDING)
    assert await Timer.exists(kind=service.PAYMENT_TIMER, ref_id=winter.pk, status=TimerStatus.PENDING)
    assert len(reminders(ania)) == 2
