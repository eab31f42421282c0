"""Keeping data no longer than needed: closed tickets, moderation notes, people who left."""

from datetime import timedelta
from itertools import pairwise

from gromada.bot import create_bot
from gromada.scheduler import now
from models.core import Timer, TimerStatus
from models.mediation import Ticket, TicketNote, TicketParty, TicketStatus
from models.moderation import CaseAction, ModCase
from models.onboarding import Journey
from models.privacy import Departure
from tests.cogs.mediation.helpers import mediation_server
from tests.cogs.privacy.helpers import closed_ticket
from tests.helpers import shown

DAY = 86400


async def set_option(server, key: str, value: str) -> None:
    result = await server.admin.slash(server.general, "setup option", key=key, value=value)
    assert "is now" in shown(result), shown(result)


async def test_closed_tickets_are_purged_after_the_retention_period_open_ones_stay(simcord_env):
    server = await mediation_server(simcord_env)
    await set_option(server, "privacy_mediation_retention", "3d")
    closed = await closed_ticket(server)
    await server.request(server.outsider)
    still_open = await Ticket.get(requester_id=server.outsider.id)

    await simcord_env.advance_time(2 * DAY)
    assert await Ticket.filter(id=closed.pk).exists()
    assert await TicketNote.filter(ticket_id=closed.pk).exists()

    assert any(f"mediation-{closed.pk}.txt" in names(m) for m in server.log.history())

    await simcord_env.advance_time(2 * DAY)
    assert not await Ticket.filter(id=closed.pk).exists()
    assert not await TicketNote.filter(ticket_id=closed.pk).exists()
    assert not await TicketParty.filter(ticket_id=closed.pk).exists()
    assert (await Ticket.get(id=still_open.pk)).status == TicketStatus.OPEN
    # Nothing of it is left on Discord either: its space, its alert, its transcript file.
    channel_ids = {channel.id for channel in server.guild.me.guild.channels}
    assert closed.channel_id not in channel_ids and still_open.channel_id in channel_ids
    log_ids = {message.id for message in server.log.history()}
    assert closed.alert_message_id not in log_ids and still_open.alert_message_id in log_ids
    assert not any(f"mediation-{closed.pk}.txt" in names(m) for m in server.log.history())


def names(message) -> list[str]:
    return [attachment.filename for attachment in message.attachments]


async def test_a_space_that_cannot_be_deleted_keeps_its_ticket_until_the_next_sweep(simcord_env):
    server = await mediation_server(simcord_env)
    await set_option(server, "privacy_mediation_retention", "1d")
    closed = await closed_ticket(server)
    simcord_env.inject_error("DELETE", f"/channels/{closed.channel_id}", status=500)

    # The daily sweep after the ticket is a day old meets the failing delete…
    await simcord_env.advance_time(2 * DAY + 60)
    assert await Ticket.filter(id=closed.pk).exists()

    # …and the next one finishes the job.
    await simcord_env.advance_time(DAY)
    assert not await Ticket.filter(id=closed.pk).exists()
    assert closed.channel_id not in {channel.id for channel in server.guild.me.guild.channels}


async def sweeps() -> tuple[list[Timer], list[Timer]]:
    """The retention sweeps that ran, in order, and the ones waiting."""
    rows = await Timer.filter(kind="privacy.retention").order_by("due_at", "id")
    ran = [row for row in rows if row.status == TimerStatus.DONE]
    return ran, [row for row in rows if row.status == TimerStatus.PENDING]


async def test_retention_sweep_survives_a_restart_and_runs_once_a_day(simcord_env, settings):
    server = await mediation_server(simcord_env)
    await set_option(server, "privacy_mediation_retention", "1d")
    closed = await closed_ticket(server)

    await simcord_env.restart_bot(create_bot(settings))
    ran, waiting = await sweeps()
    assert (len(ran), len(waiting)) == (0, 1)  # the restart armed no second sweep
    await simcord_env.advance_time(DAY + 60)
    ran, waiting = await sweeps()
    assert (len(ran), len(waiting)) == (1, 1)
    # The ticket closed after the first sweep was armed: a day old only at the next one.
    assert await Ticket.filter(id=closed.pk).exists()
    await simcord_env.advance_time(DAY)
    assert not await Ticket.filter(id=closed.pk).exists()
    await simcord_env.advance_time(DAY)

    ran, waiting = await sweeps()
    assert (len(ran), len(waiting)) == (3, 1)
    moments = [row.fired_at for row in ran] + [waiting[0].due_at]
    for earlier, later in pairwise(moments):
        assert timedelta(days=1) <= later - earlier < timedelta(days=1, minutes=1)


async def test_moderation_notes_are_purged_after_their_period_other_cases_stay(simcord_env):
    server = await mediation_server(simcord_env)
    await set_option(server, "privacy_moderation_note_retention", "5d")
    moment = now()
    for number, action in enumerate((CaseAction.NOTE, CaseAction.WARN), start=1):
        await ModCase.create(
            guild_id=server.guild.id,
            number=number,
            action=action,
            target_id=server.member.id,
            moderator_id=server.admin.id,
            reason="Was rude in #general.",
            created_at=moment,
        )

    await simcord_env.advance_time(4 * DAY)
    assert await ModCase.filter(action=CaseAction.NOTE).count() == 1

    await simcord_env.advance_time(2 * DAY)
    assert [case.action for case in await ModCase.all()] == [CaseAction.WARN]


async def newcomer(server, name: str):
    actor = server.guild.add_member(server.env.create_user(name))
    await server.env.settle()
    assert await Journey.filter(user_id=actor.id).exists()
    return actor


async def test_onboarding_data_of_someone_who_left_is_deleted_after_the_grace_period(simcord_env, settings):
    server = await mediation_server(simcord_env)
    await set_option(server, "privacy_departure_grace", "3d")
    leaver = await newcomer(server, "ewa")
    stayer = await newcomer(server, "filip")
    threads = {journey.user_id: journey.thread_id for journey in await Journey.all()}
    assert all(threads.values())

    server.guild.remove_member(leaver)
    await simcord_env.settle()
    assert await Departure.filter(user_id=leaver.id).exists()
    await simcord_env.advance_time(2 * DAY)
    assert await Journey.filter(user_id=leaver.id).exists()
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(2 * DAY)

    assert not await Journey.filter(user_id=leaver.id).exists()
    assert not await Departure.filter(user_id=leaver.id).exists()
    assert await Journey.filter(user_id=stayer.id).exists()
    # Their welcome thread went with the data; the other newcomer's stays.
    guild = server.guild.me.guild
    assert guild.get_channel_or_thread(threads[leaver.id]) is None
    assert guild.get_channel_or_thread(threads[stayer.id]) is not None


async def test_coming_back_within_the_grace_period_keeps_the_journey(simcord_env):
    server = await mediation_server(simcord_env)
    await set_option(server, "privacy_departure_grace", "3d")
    leaver = await newcomer(server, "ewa")
    journey = await Journey.get(user_id=leaver.id)

    server.guild.remove_member(leaver)
    await simcord_env.settle()
    await simcord_env.advance_time(DAY)
    server.guild.add_member(leaver.user)
    await simcord_env.settle()
    await simcord_env.advance_time(5 * DAY)

    assert (await Journey.get(user_id=leaver.id)).pk == journey.pk
    assert not await Departure.all().exists()
    assert await Timer.filter(kind="privacy.departure", status=TimerStatus.CANCELLED).count() == 1


async def test_coming_back_after_a_restart_keeps_the_journey(simcord_env, settings):
    # Who left is kept in memory, checked on every join: a fresh start reads it again.
    server = await mediation_server(simcord_env)
    leaver = await newcomer(server, "ewa")
    journey = await Journey.get(user_id=leaver.id)
    server.guild.remove_member(leaver)
    await simcord_env.settle()

    await simcord_env.restart_bot(create_bot(settings))
    server.guild.add_member(leaver.user)
    await simcord_env.settle()

    assert (await Journey.get(user_id=leaver.id)).pk == journey.pk
    assert not await Departure.all().exists()
    assert await Timer.filter(kind="privacy.departure", status=TimerStatus.CANCELLED).count() == 1
