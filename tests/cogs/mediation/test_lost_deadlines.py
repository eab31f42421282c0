"""Deadlines lost when the bot stopped between a ticket's change and writing its timer.

Each test deletes the timer row the stop would have left unwritten, restarts the bot and
checks the deadline still comes, at its time, and only as often as it should.
"""

from datetime import timedelta

from cogs.mediation import service
from gromada import guild_config
from gromada.bot import create_bot
from models.core import Timer, TimerStatus
from models.mediation import Ticket
from tests.cogs.mediation.helpers import mediation_server
from tests.cogs.mediation.test_close import close_ticket
from tests.helpers import dms, last_dm


def reminders(server) -> list:
    return [message for message in server.log.history() if "still waiting" in message.content]


async def test_a_lost_reminder_of_an_unclaimed_ticket_comes_after_a_restart(simcord_env, settings):
    server = await mediation_server(simcord_env)
    await guild_config.set_option(server.guild.id, "mediation_reminder_limit", "2")
    await server.request()
    ticket = await Ticket.get()
    # The bot stopped between posting the alert and writing the reminder.
    await Timer.filter(kind=service.UNCLAIMED_TIMER, ref_id=ticket.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(hours=11).total_seconds())
    assert reminders(server) == []
    await simcord_env.advance_time(timedelta(hours=1, seconds=1).total_seconds())
    assert len(reminders(server)) == 1

    # Lost again, now between a reminder and the next one: that one still comes a day later.
    await Timer.filter(kind=service.UNCLAIMED_TIMER, ref_id=ticket.pk, status=TimerStatus.PENDING).delete()
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(hours=23).total_seconds())
    assert len(reminders(server)) == 1
    await simcord_env.advance_time(timedelta(hours=1, seconds=1).total_seconds())
    assert len(reminders(server)) == 2

    # The server's limit reached: a start arms no more.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(days=3).total_seconds())
    assert len(reminders(server)) == 2
    assert not await Timer.filter(kind=service.UNCLAIMED_TIMER, status=TimerStatus.PENDING).exists()


async def test_a_reopened_ticket_whose_reminder_was_lost_is_reminded_from_the_reopening(simcord_env, settings):
    server = await mediation_server(simcord_env)
    await close_ticket(server)
    await simcord_env.advance_time(timedelta(days=14, seconds=1).total_seconds())
    await server.requester.user.click(last_dm(server.requester), label="Reopen")
    ticket = await Ticket.get()
    await Timer.filter(kind=service.UNCLAIMED_TIMER, ref_id=ticket.pk, status=TimerStatus.PENDING).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(hours=11).total_seconds())
    assert reminders(server) == []
    await simcord_env.advance_time(timedelta(hours=1, seconds=1).total_seconds())
    assert len(reminders(server)) == 1


async def test_a_lost_checkin_is_asked_once_after_a_restart(simcord_env, settings):
    server = await mediation_server(simcord_env)
    ticket = await close_ticket(server)
    # The bot stopped between closing the ticket and writing its check-in.
    await Timer.filter(kind=service.CHECKIN_TIMER, ref_id=ticket.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(days=13).total_seconds())
    assert not any("Does it still hold?" in text for text in dms(server.requester))
    await simcord_env.advance_time(timedelta(days=1, seconds=1).total_seconds())
    assert sum("Does it still hold?" in text for text in dms(server.requester)) == 1

    # Asked: a later start does not ask again.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(days=14).total_seconds())
    assert sum("Does it still hold?" in text for text in dms(server.requester)) == 1
