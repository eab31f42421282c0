"""The private space of a ticket and everything the bot does on Discord for it.

Why a private channel in a "Mediation" category, not a private thread: a private thread
is visible to everyone holding Manage Threads on its parent channel (moderators who are not
mediators, for instance), needs a parent channel people can see, and cannot keep a named
mediator out. A channel with explicit overwrites says exactly who reads it: @everyone
denied, the Mediator role, the requester and the bot allowed, a mediator named as a party
denied by a member overwrite, and an invited party added only once they accept. Locking it
at the close is one overwrite per person, and the channel keeps its history for the
transcript.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from enum import Enum

import discord
from discord.utils import format_dt

from cogs.mediation import service
from cogs.mediation.rules import Person, TranscriptEntry, render_transcript, resolve_parties
from gromada import guild_config
from gromada.errors import DiscordRefused, NotConfigured
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild
from gromada.messaging import member_of, post_to
from gromada.scheduler import now
from gromada.ui import mention_only, truncate
from models.core import BindingKind
from models.mediation import Ticket, TicketStatus

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


@dataclass(frozen=True)
class Places:
    mediator_role: discord.Role
    log_channel: discord.TextChannel
    category: discord.CategoryChannel | None


async def places(guild: discord.Guild) -> Places:
    role = guild.get_role(await guild_config.binding(guild.id, BindingKind.ROLE, "mediator") or 0)
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


# ---------------------------------------------------------------- opening


async def open_request(interaction: discord.Interaction, form: service.RequestForm) -> Ticket:
    """Create the space, then the row, then the card and alert; undo all of it on failure."""
    guild = interaction.guild
    requester = interaction.user
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
    number = await Ticket.filter(guild_id=guild.id).count() + 1
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
        await post_alert(interaction.client, guild, ticket, where)
        delay = await service.CLAIM_REMINDER.get(guild.id)
        await interaction.client.timers.schedule(
            service.UNCLAIMED_TIMER, opened_at + delay, ref_id=ticket.pk, guild_id=guild.id
        )
    except Exception as error:
        if ticket is not None:
            await interaction.client.timers.cancel(service.UNCLAIMED_TIMER, ticket.pk)
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
    await post_to(
        bot,
        guild,
        "mod_log",
        lambda: _(
            "A member asked for mediation (ticket #{id}), but nobody holds the Mediator role. "
            "Please give the role to someone trusted.",
            id=ticket.pk,
        ),
    )


def summary_embed(ticket: Ticket, guild: discord.Guild) -> discord.Embed:
    embed = discord.Embed(title=_("Mediation request #{id}", id=ticket.pk), colour=discord.Colour.blurple())
    embed.add_field(name=_("What happened"), value=truncate(ticket.what_happened, 1024), inline=False)
    embed.add_field(name=_("Others involved"), value=truncate(ticket.parties_text or "-", 1024), inline=False)
    embed.add_field(name=_("Hoped outcome"), value=truncate(ticket.hoped_outcome, 1024), inline=False)
    return embed


# ---------------------------------------------------------------- the mediators' alert


def alert_embed(ticket: Ticket) -> discord.Embed:
    if ticket.status == TicketStatus.OPEN:
        state = _("Waiting for a mediator")
    elif ticket.status == TicketStatus.CLAIMED:
        state = _("Mediated by <@{mediator}>", mediator=ticket.mediator_id)
    else:
        state = _("Closed")
    embed = discord.Embed(
        title=_("Mediation request #{id}", id=ticket.pk),
        description=_(
            "Requested by <@{requester}> in <#{channel}>. If you are involved, leave it to another mediator.",
            requester=ticket.requester_id,
            channel=ticket.channel_id,
        ),
    )
    embed.add_field(name=_("Status"), value=state)
    return embed


async def post_alert(bot: discord.Client, guild: discord.Guild, ticket: Ticket, where: Places) -> None:
    from cogs.mediation.views import alert_view

    with use_locale(await language_for_guild(bot, guild.id)):
        message = await where.log_channel.send(
            _("{role}: a new mediation request is waiting.", role=where.mediator_role.mention),
            embed=alert_embed(ticket),
            view=alert_view(ticket),
            allowed_mentions=discord.AllowedMentions(everyone=False, users=False, roles=[where.mediator_role]),
        )
    await service.set_alert(ticket.pk, message.channel.id, message.id)


async def refresh_alert(bot: discord.Client, ticket: Ticket) -> None:
    """Show the ticket's current state on its alert (best effort: the database is the truth)."""
    from cogs.mediation.views import alert_view

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


async def remind(bot: discord.Client, ticket: Ticket) -> None:
    guild = bot.get_guild(ticket.guild_id)
    if guild is None:
        return
    where = await places(guild)
    with use_locale(await language_for_guild(bot, guild.id)):
        text = _(
            "{role}: mediation request #{id} is still waiting for a mediator (since {since}).",
            role=where.mediator_role.mention,
            id=ticket.pk,
            since=format_dt(ticket.created_at, "R"),
        )
    reference = None
    if ticket.alert_channel_id == where.log_channel.id and ticket.alert_message_id:
        reference = discord.MessageReference(
            message_id=ticket.alert_message_id, channel_id=where.log_channel.id, fail_if_not_exists=False
        )
    await where.log_channel.send(
        text,
        reference=reference,
        allowed_mentions=discord.AllowedMentions(everyone=False, users=False, roles=[where.mediator_role]),
    )


# ---------------------------------------------------------------- posting into the space


async def post_in_space(bot: discord.Client, ticket: Ticket, text: str, *, ping: list[int] = ()) -> None:
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


# ---------------------------------------------------------------- transcript


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


class TranscriptPost(Enum):
    POSTED = "posted"
    WITHHELD = "withheld"  # a mediator is a party: the shared log is no place for it
    FAILED = "failed"


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
                "with /ticket transcript.",
                id=ticket.pk,
                mediator=closed_by.mention,
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
