"""Everything the bot does on Discord for mediation, and the deadlines of a ticket.

A ticket lives in its own private channel. Why a private channel in a "Mediation" category,
not a private thread: a private thread is visible to everyone holding Manage Threads on its
parent channel (moderators who are not mediators, for instance), needs a parent channel
people can see, and cannot keep a named mediator out. A channel with explicit overwrites
says exactly who reads it: @everyone denied, the Mediator role, the requester and the bot
allowed, a mediator named as a party denied by a member overwrite, and an invited party
added only once they accept. Locking it at the close is one overwrite per person, and the
channel keeps its history for the transcript.

The database is the truth: opening a space is undone entirely when a step fails, and the
steps after a close (note, lock, log, DM) are best effort, reported to the mediator.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import discord
from discord.utils import format_dt

from cogs.mediation import service
from cogs.mediation.rules import Person, TranscriptEntry, render_transcript, resolve_parties
from cogs.mediation.service import TranscriptPost
from cogs.mediation.views import (
    alert_embed,
    alert_view,
    checkin_message,
    closed_message,
    invitation_message,
    panel_message,
    summary_embed,
)
from gromada import guild_config
from gromada.commands import mention
from gromada.errors import DiscordRefused, NotConfigured
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild, language_for_member
from gromada.messaging import dm, member_of, post_to
from gromada.scheduler import now
from gromada.ui import mention_only, truncate
from models.core import BindingKind, Timer
from models.mediation import MediationPanel, PartyStatus, Ticket, TicketStatus

log = logging.getLogger(__name__)
REASON = "Gromada mediation"

BOT_ACCESS = discord.PermissionOverwrite(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    manage_channels=True,
    manage_permissions=True,
    manage_messages=True,
)
PERSON_ACCESS = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, read_message_history=True, attach_files=True, embed_links=True
)
READ_ONLY = discord.PermissionOverwrite(view_channel=True, send_messages=False, read_message_history=True)
HIDDEN = discord.PermissionOverwrite(view_channel=False)
# The mediators' log and category: the Mediator role reads and writes there.
MEDIATORS_ACCESS = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)


@dataclass(frozen=True)
class Places:
    mediator_role: discord.Role
    log_channel: discord.TextChannel
    category: discord.CategoryChannel | None


async def places(guild: discord.Guild) -> Places:
    """The Mediator role, the mediators' log and the category (NotConfigured without the first two)."""
    role = guild.get_role(await service.mediator_role_id(guild.id) or 0)
    log_channel = guild.get_channel(await guild_config.binding(guild.id, BindingKind.CHANNEL, "mediation_log") or 0)
    category = guild.get_channel(await guild_config.binding(guild.id, BindingKind.CATEGORY, "mediation") or 0)
    if role is None or not isinstance(log_channel, discord.TextChannel):
        raise NotConfigured()
    return Places(role, log_channel, category if isinstance(category, discord.CategoryChannel) else None)


def active_mediators(role: discord.Role) -> list[discord.Member]:
    return [member for member in role.members if not member.bot]


def people_of(guild: discord.Guild) -> list[Person]:
    return [
        Person(member.id, tuple(name for name in (member.name, member.global_name, member.nick) if name))
        for member in guild.members
        if not member.bot
    ]


# ---------------------------------------------------------------- setting up


async def set_up(bot: discord.Client, guild: discord.Guild, report) -> None:
    """Quickstart's step: let mediators into their log and category; post the panel once."""
    role = guild.get_role(await service.mediator_role_id(guild.id) or 0)
    moderator = guild.get_role(await guild_config.binding(guild.id, BindingKind.ROLE, "moderator") or 0)
    for kind, key in ((BindingKind.CHANNEL, "mediation_log"), (BindingKind.CATEGORY, "mediation")):
        place = guild.get_channel(await guild_config.binding(guild.id, kind, key) or 0)
        if role is None or place is None or place.overwrites_for(role).view_channel:
            continue
        overwrites = dict(place.overwrites)
        overwrites[role] = MEDIATORS_ACCESS
        # Transcripts are confidential: mediators only (quickstart lets moderators into
        # every staff channel; this one is narrowed the first time it is set up).
        overwrites.pop(moderator, None)
        await place.edit(overwrites=overwrites, reason=REASON)
    channel = guild.get_channel(await guild_config.binding(guild.id, BindingKind.CHANNEL, "mediation") or 0)
    if not isinstance(channel, discord.TextChannel):
        return
    existing = await service.panel_of(guild.id)
    if existing is not None and await _panel_exists(guild, existing):
        report.reused.append(_("the mediation panel"))
        return
    await post_panel(bot, guild, channel)
    report.created.append(_("the mediation panel in #{channel}", channel=channel.name))


async def _panel_exists(guild: discord.Guild, panel: MediationPanel) -> bool:
    channel = guild.get_channel(panel.channel_id)
    if channel is None:
        return False
    try:
        await channel.fetch_message(panel.message_id)
    except discord.NotFound:
        return False
    return True


async def post_panel(bot: discord.Client, guild: discord.Guild, channel: discord.TextChannel) -> discord.Message:
    """The Request mediation panel, in the server's language (raises if Discord refuses)."""
    with use_locale(await language_for_guild(bot, guild.id)):
        message = await channel.send(**panel_message())
    await service.remember_panel(guild.id, channel.id, message.id)
    return message


# ---------------------------------------------------------------- opening


async def request_mediation(
    bot: discord.Client, guild: discord.Guild, requester: discord.Member, form: service.RequestForm
) -> tuple[Ticket, bool]:
    """Open a ticket; the ticket, and whether anyone holds the Mediator role to take it
    (if nobody does, the staff are told)."""
    ticket = await open_request(bot, guild, requester, form)
    where = await places(guild)
    if active_mediators(where.mediator_role):
        return ticket, True
    await alert_staff_no_mediator(bot, guild, ticket)
    return ticket, False


async def open_request(
    bot: discord.Client, guild: discord.Guild, requester: discord.Member, form: service.RequestForm
) -> Ticket:
    """Create the space, then the row, then the card and alert; undo all of it on failure."""
    opened_at = now()
    where = await places(guild)
    await service.check_can_request(guild.id, requester.id, opened_at)
    named = resolve_parties(form.parties, people_of(guild))
    # A mediator named as a party is kept out by a member overwrite (it beats the role's).
    hide_from = []
    if await service.NAMED_MEDIATORS_HIDDEN.get(guild.id):
        members = [guild.get_member(user_id) for user_id in named if user_id != requester.id]
        hide_from = [member for member in members if member is not None and where.mediator_role in member.roles]
    overwrites = {
        guild.default_role: HIDDEN,
        guild.me: BOT_ACCESS,
        where.mediator_role: PERSON_ACCESS,
        requester: PERSON_ACCESS,
        **{member: HIDDEN for member in hide_from},
    }
    number = await service.ticket_count(guild.id) + 1
    try:
        channel = await guild.create_text_channel(
            f"mediation-{number}", category=where.category, overwrites=overwrites, reason=REASON
        )
    except discord.HTTPException as error:
        log.warning("could not create a mediation space: %s", error)
        raise DiscordRefused(N_("I could not open a private space right now. Please try again in a moment.")) from None
    ticket = None
    try:
        ticket = await service.open_ticket(guild.id, requester.id, channel.id, form, named, opened_at)
        await channel.send(
            _(
                "{requester}, this is your private mediation space. Only you, the mediators and I can see it.",
                requester=requester.mention,
            ),
            embed=summary_embed(ticket, guild),
            allowed_mentions=mention_only(requester),
        )
        await post_alert(bot, guild, ticket, where)
        await _arm_claim_reminder(bot, ticket, opened_at)
    except Exception as error:
        if ticket is not None:
            await bot.timers.cancel(service.UNCLAIMED_TIMER, ticket.pk)
            await service.discard_ticket(ticket.pk)
        await _delete_quietly(channel)
        if isinstance(error, discord.HTTPException):
            log.warning("mediation space %s rolled back: %s", channel.id, error)
            raise DiscordRefused(
                N_("I could not open a private space right now. Please try again in a moment.")
            ) from None
        raise
    return ticket


async def _delete_quietly(channel: discord.abc.GuildChannel) -> None:
    try:
        await channel.delete(reason=REASON)
    except discord.HTTPException:
        log.warning("could not remove the mediation channel %s after a failure", channel.id, exc_info=True)


async def alert_staff_no_mediator(bot: discord.Client, guild: discord.Guild, ticket: Ticket) -> None:
    """Nobody holds the Mediator role: the moderators hear about it in the staff log."""
    role = await guild_config.role_shown(guild.id, "mediator")
    await post_to(
        bot,
        guild,
        "mod_log",
        lambda: _(
            "A member asked for mediation (ticket #{id}), but nobody holds the {role} role. "
            "Please give the role to someone trusted.",
            id=ticket.pk,
            role=role,
        ),
    )


async def _arm_claim_reminder(bot: discord.Client, ticket: Ticket, waiting_since: datetime) -> None:
    """Remind the mediators when nobody claims the ticket within the server's delay."""
    delay = await service.CLAIM_REMINDER.get(ticket.guild_id)
    await bot.timers.schedule(
        service.UNCLAIMED_TIMER, waiting_since + delay, ref_id=ticket.pk, guild_id=ticket.guild_id
    )


# ---------------------------------------------------------------- the mediators' alert


def _pinging(role: discord.Role) -> discord.AllowedMentions:
    return discord.AllowedMentions(everyone=False, users=False, roles=[role])


async def post_alert(bot: discord.Client, guild: discord.Guild, ticket: Ticket, where: Places) -> None:
    with use_locale(await language_for_guild(bot, guild.id)):
        message = await where.log_channel.send(
            _("{role}: a new mediation request is waiting.", role=where.mediator_role.mention),
            embed=alert_embed(ticket),
            view=alert_view(ticket),
            allowed_mentions=_pinging(where.mediator_role),
        )
    await service.set_alert(ticket.pk, message.channel.id, message.id)


async def refresh_alert(bot: discord.Client, ticket: Ticket) -> None:
    """Show the ticket's current state on its alert (best effort: the database is the truth)."""
    channel = bot.get_channel(ticket.alert_channel_id or 0)
    if channel is None or ticket.alert_message_id is None:
        return
    with use_locale(await language_for_guild(bot, ticket.guild_id)):
        try:
            await channel.get_partial_message(ticket.alert_message_id).edit(
                embed=alert_embed(ticket), view=alert_view(ticket)
            )
        except discord.HTTPException:
            log.warning("could not update the alert of ticket %s", ticket.pk, exc_info=True)


async def _alert_again(bot: discord.Client, ticket: Ticket) -> None:
    """A ticket waits for a mediator again: a new alert (best effort) and its reminder."""
    guild = bot.get_guild(ticket.guild_id)
    try:
        await post_alert(bot, guild, ticket, await places(guild))
    except discord.HTTPException:
        log.warning("could not alert mediators about ticket %s", ticket.pk, exc_info=True)
    await _arm_claim_reminder(bot, ticket, now())


async def remind(bot: discord.Client, ticket: Ticket) -> None:
    guild = bot.get_guild(ticket.guild_id)
    if guild is None:
        return
    where = await places(guild)
    with use_locale(await language_for_guild(bot, guild.id)):
        text = _(
            "{role}: mediation request #{id} is still waiting for a mediator (requested {since}).",
            role=where.mediator_role.mention,
            id=ticket.pk,
            since=format_dt(ticket.created_at, "R"),
        )
    reference = None
    if ticket.alert_channel_id == where.log_channel.id and ticket.alert_message_id:
        reference = discord.MessageReference(
            message_id=ticket.alert_message_id, channel_id=where.log_channel.id, fail_if_not_exists=False
        )
    await where.log_channel.send(text, reference=reference, allowed_mentions=_pinging(where.mediator_role))


# ---------------------------------------------------------------- claiming and mediators leaving


async def claim(bot: discord.Client, ticket_id: int, mediator_id: int) -> Ticket:
    ticket = await service.claim(ticket_id, mediator_id, now())
    await bot.timers.cancel(service.UNCLAIMED_TIMER, ticket.pk)
    return ticket


async def announce_mediator(bot: discord.Client, ticket: Ticket) -> None:
    """Tell the requester (in their space, with a ping) who mediates now, and show it on the alert."""
    await post_in_space(
        bot,
        ticket,
        lambda: _(
            "<@{requester}>, <@{mediator}> is your mediator and will help you from here.",
            requester=ticket.requester_id,
            mediator=ticket.mediator_id,
        ),
        ping=[ticket.requester_id],
        language=await language_for_member(bot, ticket.requester_id, ticket.guild_id),
    )
    await refresh_alert(bot, ticket)


async def wait_for_mediator(bot: discord.Client, ticket: Ticket) -> None:
    """Back to unclaimed: re-enable Claim on the alert, alert again, re-arm the reminder."""
    await refresh_alert(bot, ticket)  # the old alert shows the ticket waits again
    await _alert_again(bot, ticket)


async def release(bot: discord.Client, guild_id: int, mediator_id: int, reason: str) -> None:
    """A mediator is gone: their tickets wait for someone else, and the requester knows."""
    for ticket in await service.release_mediator(guild_id, mediator_id, now()):
        await post_in_space(bot, ticket, lambda: _(reason) + " " + _("Another mediator will take over soon."))
        if bot.get_guild(guild_id) is not None:
            await wait_for_mediator(bot, ticket)


# ---------------------------------------------------------------- the space


async def post_in_space(
    bot: discord.Client,
    ticket: Ticket,
    render: Callable[[], str],
    *,
    ping: Sequence[int] = (),
    language: str | None = None,
) -> None:
    """Post in the ticket's space, worded in the server's language unless `language` is given (best effort)."""
    with use_locale(language or await language_for_guild(bot, ticket.guild_id)):
        text = render()
    channel = bot.get_channel(ticket.channel_id)
    if channel is None:
        return
    users = [discord.Object(user_id) for user_id in ping]
    try:
        await channel.send(text, allowed_mentions=mention_only(*users))
    except discord.HTTPException:
        log.warning("could not post in mediation space %s", ticket.channel_id, exc_info=True)


async def set_access(
    bot: discord.Client, ticket: Ticket, user_id: int, overwrite: discord.PermissionOverwrite | None
) -> None:
    """Let one person in (or lock them to reading); raises DiscordRefused if Discord says no."""
    channel = bot.get_channel(ticket.channel_id)
    guild = bot.get_guild(ticket.guild_id)
    member = await member_of(guild, user_id)
    if channel is None or member is None:
        raise NotConfigured(N_("The mediation space or the member is no longer on the server."))
    try:
        await channel.set_permissions(member, overwrite=overwrite, reason=REASON)
    except discord.HTTPException as error:
        log.warning("could not change access to %s: %s", channel.id, error)
        raise DiscordRefused() from None


async def hide_until_accepted(bot: discord.Client, ticket: Ticket, member: discord.Member) -> bool:
    """Keep a mediator invited as a party out of the space until they accept.

    The Mediator role lets every mediator read every space, so without a member overwrite
    an invited mediator would read it before consenting, and after declining. Returns
    whether an overwrite was added (to remove again if the invitation is withdrawn).
    """
    channel = bot.get_channel(ticket.channel_id)
    if channel is None:
        raise NotConfigured(N_("The mediation space or the member is no longer on the server."))
    where = await places(channel.guild)
    if where.mediator_role not in member.roles or channel.overwrites_for(member).view_channel is False:
        return False
    try:
        await channel.set_permissions(member, overwrite=HIDDEN, reason=REASON)
    except discord.HTTPException as error:
        log.warning("could not hide %s from %s: %s", channel.id, member.id, error)
        raise DiscordRefused() from None
    return True


async def show_again(bot: discord.Client, ticket: Ticket, member: discord.Member) -> None:
    """Undo hide_until_accepted for a withdrawn invitation (best effort)."""
    channel = bot.get_channel(ticket.channel_id)
    if channel is None:
        return
    try:
        await channel.set_permissions(member, overwrite=None, reason=REASON)
    except discord.HTTPException:
        log.warning("could not restore %s's access to %s", member.id, channel.id, exc_info=True)


async def lock_space(bot: discord.Client, ticket: Ticket, people: list[int]) -> bool:
    """After the close everyone may read the space but nobody writes in it."""
    channel = bot.get_channel(ticket.channel_id)
    if channel is None:
        return False
    guild = channel.guild
    where = await places(guild)
    try:
        for user_id in people:
            member = await member_of(guild, user_id)
            if member is not None:
                await channel.set_permissions(member, overwrite=READ_ONLY, reason=REASON)
        await channel.set_permissions(where.mediator_role, overwrite=READ_ONLY, reason=REASON)
    except discord.HTTPException:
        log.warning("could not lock mediation space %s", channel.id, exc_info=True)
        return False
    return True


async def unlock_space(bot: discord.Client, ticket: Ticket, people: list[int]) -> None:
    channel = bot.get_channel(ticket.channel_id)
    if channel is None:
        raise NotConfigured(N_("The mediation space no longer exists; please ask for mediation again."))
    where = await places(channel.guild)
    try:
        await channel.set_permissions(where.mediator_role, overwrite=PERSON_ACCESS, reason=REASON)
        for user_id in people:
            member = await member_of(channel.guild, user_id)
            if member is not None:
                await channel.set_permissions(member, overwrite=PERSON_ACCESS, reason=REASON)
    except discord.HTTPException:
        log.warning("could not unlock mediation space %s", channel.id, exc_info=True)
        raise DiscordRefused() from None


# ---------------------------------------------------------------- invitations


async def send_invitation(
    bot: discord.Client,
    ticket: Ticket,
    mediator: discord.Member,
    member: discord.Member,
    party_id: int,
    previous: PartyStatus | None,
) -> None:
    """Deliver a recorded invitation: keep an invited mediator out until they accept, then DM it.

    When Discord refuses either step the invitation is withdrawn (the party row as it was),
    and a refused DM is a clear error for the mediator.
    """
    try:
        hidden = await hide_until_accepted(bot, ticket, member)
    except Exception:
        await service.withdraw_invitation(party_id, previous)
        raise
    sent = await dm(bot, member.id, guild_id=ticket.guild_id, render=lambda: invitation_message(mediator, party_id))
    if sent is None:
        await service.withdraw_invitation(party_id, previous)
        if hidden:
            await show_again(bot, ticket, member)
        raise DiscordRefused(
            N_("I could not send {member} a direct message, so they were not invited. Ask them to open their DMs."),
            member=member.mention,
        )


async def answer_invitation(bot: discord.Client, party_id: int, user_id: int, accept: bool) -> Ticket:
    """Record the answer; someone who accepts is let into the space (if Discord refuses, the
    answer is undone and the buttons stay, so they can try again)."""
    ticket, party = await service.answer_invitation(party_id, user_id, accept)
    if accept:
        try:
            await set_access(bot, ticket, user_id, PERSON_ACCESS)
        except Exception:
            await service.revert_acceptance(party.pk)
            raise
    return ticket


async def tell_space_about_answer(bot: discord.Client, ticket: Ticket, user_id: int, accept: bool) -> None:
    def render() -> str:
        if accept:
            return _("<@{user}> accepted the invitation and joined this space.", user=user_id)
        return _("<@{user}> declined the invitation.", user=user_id)

    await post_in_space(bot, ticket, render)


# ---------------------------------------------------------------- closing, transcript, reopening


@dataclass(frozen=True)
class Closed:
    """A closed ticket and how far the best-effort steps after the close got."""

    ticket: Ticket
    transcript: TranscriptPost
    locked: bool
    told: bool


async def close_ticket(bot: discord.Client, ticket: Ticket, mediator: discord.Member, outcome: str) -> Closed:
    """Close with the outcome and the transcript, and ask about the agreement later.

    The database holds the outcome and the transcript; the note in the space, the lock,
    the log post, the requester's DM with the rating and the alert are best effort, and
    what did not work is in the returned Closed.
    """
    closed_at = now()
    channel = bot.get_channel(ticket.channel_id)
    language = await language_for_guild(bot, ticket.guild_id)
    transcript = await collect_transcript(channel, ticket, language) if channel is not None else ""
    ticket = await service.close(ticket.pk, mediator.id, outcome, transcript, closed_at)
    await bot.timers.cancel(service.UNCLAIMED_TIMER, ticket.pk)
    delay = await service.CHECKIN_AFTER.get(ticket.guild_id)
    await bot.timers.schedule(service.CHECKIN_TIMER, closed_at + delay, ref_id=ticket.pk, guild_id=ticket.guild_id)

    await post_in_space(
        bot,
        ticket,
        lambda: _("This mediation is closed. Outcome: {outcome}", outcome=truncate(ticket.outcome, 1800)),
        language=language,
    )
    locked = await lock_space(bot, ticket, await service.people_in_space(ticket))
    posted = await post_transcript(bot, ticket, mediator)
    told = await dm(
        bot, ticket.requester_id, guild_id=ticket.guild_id, render=lambda: closed_message(ticket, mediator.guild.name)
    )
    await refresh_alert(bot, ticket)
    return Closed(ticket, posted, locked, told is not None)


async def collect_transcript(channel: discord.TextChannel, ticket: Ticket, locale: str) -> str:
    entries = []
    async for message in channel.history(limit=None, oldest_first=True):
        content = message.content
        if not content and message.embeds:
            content = " | ".join(part for embed in message.embeds for part in (embed.title, embed.description) if part)
        entries.append(
            TranscriptEntry(
                author=f"{message.author.display_name} ({message.author.id})",
                at=message.created_at,
                content=content,
                attachments=tuple(f"{a.filename} ({a.url})" for a in message.attachments),
            )
        )
    with use_locale(locale):
        return render_transcript(_("Transcript of mediation #{id}", id=ticket.pk), entries, _("attachment"))


async def mediator_is_party(guild: discord.Guild, ticket: Ticket, where: Places) -> bool:
    """Whether someone named or invited in the ticket holds the Mediator role, and so
    reads the mediators' log (the space itself is hidden from them)."""
    for user_id in await service.party_ids(ticket):
        member = await member_of(guild, user_id)
        if member is not None and where.mediator_role in member.roles:
            return True
    return False


async def post_transcript(bot: discord.Client, ticket: Ticket, closed_by: discord.abc.User) -> TranscriptPost:
    guild = bot.get_guild(ticket.guild_id)
    where = await places(guild)
    withheld = await mediator_is_party(guild, ticket, where)
    with use_locale(await language_for_guild(bot, guild.id)):
        if withheld:
            text = _(
                "Mediation #{id} was closed by {mediator}. A mediator is a party to it, so its outcome and "
                "transcript are not posted here: a mediator who is not involved finds them in its space "
                "with {command}.",
                id=ticket.pk,
                mediator=closed_by.mention,
                command=mention(bot, "ticket transcript"),
            )
        else:
            text = _(
                "Mediation #{id} was closed by {mediator}.\n**Outcome:** {outcome}",
                id=ticket.pk,
                mediator=closed_by.mention,
                outcome=truncate(ticket.outcome or "", 1500),
            )
    kwargs = {}
    if not withheld:
        transcript = io.BytesIO((ticket.transcript or "").encode("utf-8"))
        kwargs["file"] = discord.File(transcript, filename=f"mediation-{ticket.pk}.txt")
    try:
        await where.log_channel.send(truncate(text, 2000), **kwargs)
    except discord.HTTPException:
        log.warning("could not post the transcript of ticket %s", ticket.pk, exc_info=True)
        return TranscriptPost.FAILED
    return TranscriptPost.WITHHELD if withheld else TranscriptPost.POSTED


async def reopen_ticket(bot: discord.Client, ticket_id: int, user_id: int) -> Ticket:
    """The requester says the agreement did not hold: the space opens again and waits for a mediator."""
    ticket = await service.reopen(ticket_id, user_id, now())
    try:
        await unlock_space(bot, ticket, await service.people_in_space(ticket))
    except Exception:
        await service.undo_reopen(ticket)
        raise
    await bot.timers.cancel(service.CHECKIN_TIMER, ticket.pk)
    await post_in_space(
        bot,
        ticket,
        lambda: _("<@{requester}> reopened this mediation: the agreement did not hold.", requester=ticket.requester_id),
    )
    await _alert_again(bot, ticket)
    return await service.get_ticket(ticket.pk)


# ---------------------------------------------------------------- deadlines


async def on_unclaimed(bot: discord.Client, timer: Timer) -> None:
    """12 h unclaimed: remind the mediators, then every 24 h, up to the limit."""
    ticket = await Ticket.get_or_none(id=timer.ref_id)
    if ticket is None or ticket.status != TicketStatus.OPEN:
        return
    limit = await service.REMINDER_LIMIT.get(ticket.guild_id)
    if ticket.reminders_sent >= limit:
        return
    if not await service.take_reminder(ticket):
        return
    try:
        await remind(bot, ticket)
    except Exception:
        await service.give_back_reminder(ticket)
        raise  # the timer retries
    if ticket.reminders_sent + 1 < limit:
        await bot.timers.schedule(
            service.UNCLAIMED_TIMER, now() + service.REMINDER_INTERVAL, ref_id=ticket.pk, guild_id=ticket.guild_id
        )


async def on_checkin(bot: discord.Client, timer: Timer) -> None:
    """Some time after the close: does the agreement hold? (Reopen if not.)"""
    ticket = await Ticket.get_or_none(id=timer.ref_id)
    if ticket is None or not await service.mark_checkin_asked(ticket.pk):
        return  # reopened, answered, or asked already
    guild = bot.get_guild(ticket.guild_id)
    server = guild.name if guild else ""
    await dm(bot, ticket.requester_id, guild_id=ticket.guild_id, render=lambda: checkin_message(ticket, server))
