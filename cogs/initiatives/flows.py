"""The Discord side of initiatives: cards, channels, categories, permissions, staff notices, deadlines.

Each flow changes the database first with a conditional update and undoes it when Discord
refuses, so the card, the channel and the database always tell the same story.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import discord

from cogs.initiatives import service, views
from cogs.initiatives.rules import overflow_name, unique_name
from cogs.setup.flows import BOT_CHANNEL_ACCESS
from gromada import guild_config
from gromada.checks import is_moderator
from gromada.commands import mention
from gromada.errors import Conflict, DiscordRefused, GromadaError, InvalidInput, LimitReached, NotConfigured, NotFound
from gromada.i18n import N_, Plural, _, _n, use_locale
from gromada.ids import MAX_ID
from gromada.interactions import language_for_guild
from gromada.messaging import member_of, post_to, purpose_channel
from gromada.scheduler import now
from gromada.ui import NO_MENTIONS, mention_only, truncate
from models.core import BindingKind, Timer
from models.initiatives import Initiative, InitiativeNeed, InitiativeStatus
from models.privacy import is_pseudonym

log = logging.getLogger(__name__)

# Discord's limits: channels in one category, and channels (categories included) in a server.
CATEGORY_LIMIT = 50
SERVER_CHANNEL_LIMIT = 500
MAX_OVERFLOW_CATEGORIES = 10
# Discord's answers when those limits are hit.
MAX_GUILD_CHANNELS_CODE = 30013
CATEGORY_FULL_MARKER = "CHANNEL_PARENT_MAX_CHANNELS"
INVALID_FORM_BODY_CODE = 50035
REASON = "Gromada initiatives"

MEMBER_ACCESS = discord.PermissionOverwrite(send_messages=True, send_messages_in_threads=True)
LEAD_ACCESS = discord.PermissionOverwrite(
    send_messages=True, send_messages_in_threads=True, manage_messages=True, pin_messages=True
)
READ_ONLY = discord.PermissionOverwrite(
    view_channel=True,
    read_message_history=True,
    send_messages=False,
    send_messages_in_threads=False,
    create_public_threads=False,
    create_private_threads=False,
)

_card_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

# How far back a card whose post failed is looked for (the proposals channel is not a chat).
CARD_LOOKBACK = 50
CARD_NOT_POSTED = N_("Discord refused to post the proposal's card, so the proposal was not saved. Please try again.")


class ServerFull(LimitReached):
    default_message = N_(
        "The server has reached Discord's limit of 500 channels, so I cannot open this channel. "
        "Staff have been told; your support is kept."
    )


# ---------------------------------------------------------------- the activity index


def watch(bot: discord.Client, channel_id: int, initiative_id: int | None) -> None:
    """Keep the cog's channel → initiative index (for on_message) in step."""
    cog = bot.get_cog("InitiativesCog")
    if cog is None or cog.active_channels is None:
        return  # not loaded yet: it is read from the database on the first message
    if initiative_id is None:
        cog.active_channels.pop(channel_id, None)
    else:
        cog.active_channels[channel_id] = initiative_id


# ---------------------------------------------------------------- proposals and their cards


async def proposals_channel(guild: discord.Guild) -> discord.TextChannel:
    channel = await purpose_channel(guild, "initiatives")
    if not isinstance(channel, discord.TextChannel):
        raise NotConfigured()
    return channel


async def propose(
    bot: discord.Client,
    guild: discord.Guild,
    proposer: discord.abc.User,
    proposal: service.Proposal,
    *,
    origin: str | None = None,
) -> tuple[Initiative, discord.TextChannel | None]:
    """Post the proposal's card and arm its support window; with a threshold of one (the proposer
    alone is enough) open its channel at once. The channel is None while support is gathered.

    `origin` is a line above the card saying where the proposal comes from (a survey's results);
    the card is redrawn through its embed only, so the line stays."""
    initiative = await _post_proposal(bot, guild, proposer, proposal, origin)
    if await service.ready_to_open(initiative.pk, now()):
        return initiative, await open_space(bot, initiative.pk)
    return initiative, None


async def _post_proposal(
    bot: discord.Client,
    guild: discord.Guild,
    proposer: discord.abc.User,
    proposal: service.Proposal,
    origin: str | None = None,
) -> Initiative:
    channel = await proposals_channel(guild)
    await _initiative_category(guild)  # refuse now rather than when the threshold is reached
    initiative = await service.create_proposal(guild.id, proposer.id, proposal, channel.id, now())
    with use_locale(await language_for_guild(bot, guild.id)):
        embed = views.proposal_embed(initiative, 1)
        view = views.proposal_view(initiative, 1)
    try:
        message = await channel.send(content=origin, embed=embed, view=view, allowed_mentions=NO_MENTIONS)
    except Exception as error:
        # A failed call may still have posted the card (Discord's answer lost on the way
        # back): discarding the proposal then would leave a card whose buttons lead nowhere.
        message = await _posted_card(channel, initiative.pk)
        if message is None:
            # Not posted: nobody has seen the proposal, so it must not stay behind holding its title.
            await service.discard(initiative.pk)
            if isinstance(error, discord.HTTPException):
                raise DiscordRefused(CARD_NOT_POSTED) from error
            raise
        log.warning("initiatives: the card of %s was posted though the call failed: %s", initiative.pk, error)
    await service.set_card(initiative.pk, message.id)
    initiative.card_message_id = message.id
    await bot.timers.schedule(service.EXPIRE_TIMER, initiative.support_until, ref_id=initiative.pk, guild_id=guild.id)
    return initiative


async def support(
    bot: discord.Client, initiative_id: int, user_id: int
) -> tuple[service.Support, discord.TextChannel | None]:
    """Count someone's support; at the threshold open the channel, otherwise redraw the card.

    The channel is None when it is not open (yet, or another click is opening it right now).
    """
    outcome = await service.support(initiative_id, user_id, now())
    if outcome.ready:
        channel = await open_space(bot, initiative_id)
        if channel is not None:
            return outcome, channel
    await refresh_card(bot, initiative_id)
    return outcome, None


async def withdraw_proposal(bot: discord.Client, initiative_id: int, user_id: int) -> Initiative:
    """The proposer takes their proposal back: its deadline goes, and the card says so.

    Supporters are not pinged: the card they supported shows what happened.
    """
    initiative = await service.withdraw_proposal(initiative_id, user_id, now())
    await bot.timers.cancel(service.EXPIRE_TIMER, initiative_id)
    await refresh_card(bot, initiative_id)
    return initiative


def _is_card_of(message: discord.Message, initiative_id: int) -> bool:
    """Whether `message` is the bot's card of this proposal (it carries the proposal's Support button)."""
    if message.guild is None or message.author.id != message.guild.me.id:
        return False
    support = views.SupportButton.custom_id_for(initiative_id)
    return any(getattr(item, "custom_id", None) == support for row in message.components for item in row.children)


async def _posted_card(channel: discord.TextChannel, initiative_id: int) -> discord.Message | None:
    """The proposal's card if Discord posted it, among the channel's latest messages; None if not
    found (or if Discord cannot be asked either)."""
    try:
        async for message in channel.history(limit=CARD_LOOKBACK):
            if _is_card_of(message, initiative_id):
                return message
    except discord.HTTPException:
        log.warning("initiatives: could not look for the card of %s", initiative_id, exc_info=True)
    return None


async def remove_orphan_card(interaction: discord.Interaction, initiative_id: int) -> bool:
    """Delete the clicked card when its proposal does not exist (anywhere); whether it was deleted.

    Only the bot's own card of that very proposal is deleted: a click's custom_id is whatever
    the client sends, but the message it comes with is Discord's, with its real buttons.
    """
    card = interaction.message
    if card is None or not _is_card_of(card, initiative_id) or not 1 <= initiative_id <= MAX_ID:
        return False  # not this proposal's card, or an id no proposal can have (forged)
    if await Initiative.exists(id=initiative_id):
        return False
    try:
        await card.delete()
    except discord.HTTPException:
        log.warning("initiatives: could not delete the card of the missing proposal %s", initiative_id, exc_info=True)
        return False
    log.info("initiatives: deleted the card of the missing proposal %s", initiative_id)
    return True


async def refresh_card(bot: discord.Client, initiative_id: int) -> None:
    """Redraw the proposal card from the database (serialised, so the last edit is the newest state)."""
    async with _card_locks[initiative_id]:
        initiative = await Initiative.get_or_none(id=initiative_id)
        if initiative is None or initiative.card_message_id is None:
            return
        channel = bot.get_channel(initiative.card_channel_id)
        if channel is None:
            return
        supporters = await service.count_members(initiative_id)
        with use_locale(await language_for_guild(bot, initiative.guild_id)):
            embed = views.proposal_embed(initiative, supporters)
            view = views.proposal_view(initiative, supporters)
        try:
            await channel.get_partial_message(initiative.card_message_id).edit(embed=embed, view=view)
        except discord.HTTPException:
            # The card is a mirror of the database; the next change redraws it.
            log.warning("initiatives: could not redraw card of %s", initiative_id, exc_info=True)


async def expire(bot: discord.Client, timer: Timer) -> None:
    """The support window ended (the EXPIRE_TIMER deadline): below the threshold → supporters told, expired.

    The supporters are told first: if Discord refuses, nothing has changed and the deadline's
    retry tells them and expires the proposal then.
    """
    initiative_id = timer.ref_id
    initiative = await service.expiring(initiative_id, now())
    if initiative is None:
        return
    channel = bot.get_channel(initiative.card_channel_id)
    # A proposal whose card was never posted (the bot stopped in between) was seen by nobody:
    # it expires without a notice.
    if channel is not None and initiative.card_message_id is not None:
        supporters = await service.member_ids(initiative_id)
        with use_locale(await language_for_guild(bot, initiative.guild_id)):
            text = _n(
                "The proposal “{title}” did not reach {n} supporter in time, so it has expired. "
                "Thank you for your support: {supporters}",
                "The proposal “{title}” did not reach {n} supporters in time, so it has expired. "
                "Thank you for your support: {supporters}",
                initiative.threshold,
                title=initiative.title,
                supporters=views.mentions(supporters),
            )
        users = [discord.Object(user_id) for user_id in supporters[:100]]
        await channel.send(truncate(text, 2000), allowed_mentions=mention_only(*users))
    if await service.expire(initiative):
        await refresh_card(bot, initiative_id)


# ---------------------------------------------------------------- categories


def _find_category(guild: discord.Guild, name: str) -> discord.CategoryChannel | None:
    wanted = name.casefold()
    return discord.utils.find(lambda category: category.name.casefold() == wanted, guild.categories)


def _ensure_room(guild: discord.Guild, needed: int) -> None:
    if len(guild.channels) + needed > SERVER_CHANNEL_LIMIT:
        raise ServerFull()


async def _base_category(guild: discord.Guild, purpose: str) -> discord.CategoryChannel:
    category_id = await guild_config.binding(guild.id, BindingKind.CATEGORY, purpose)
    category = guild.get_channel(category_id) if category_id else None
    if not isinstance(category, discord.CategoryChannel):
        raise NotConfigured()
    return category


async def _initiative_category(guild: discord.Guild) -> discord.CategoryChannel:
    return await _base_category(guild, "initiatives")


async def category_with_room(
    guild: discord.Guild, purpose: str, skip: frozenset[int] = frozenset()
) -> discord.CategoryChannel:
    """The first category of the purpose with room: "Initiatives", then "Initiatives 2"… (made if missing)."""
    base = await _base_category(guild, purpose)
    for number in range(1, MAX_OVERFLOW_CATEGORIES + 1):
        category = base if number == 1 else _find_category(guild, overflow_name(base.name, number))
        if category is None:
            _ensure_room(guild, 2)  # the category and the channel that goes into it
            return await guild.create_category(
                overflow_name(base.name, number),
                overwrites=base.overwrites,
                position=base.position + number - 1,
                reason=REASON,
            )
        if category.id not in skip and len(category.channels) < CATEGORY_LIMIT:
            return category
    raise LimitReached(
        Plural(
            "The {n} initiative category is full. Ask staff to archive or delete old channels.",
            "All {n} initiative categories are full. Ask staff to archive or delete old channels.",
            MAX_OVERFLOW_CATEGORIES,
        )
    )


def _category_full(error: discord.HTTPException) -> bool:
    return error.code == INVALID_FORM_BODY_CODE and CATEGORY_FULL_MARKER in str(error)


async def _place(guild: discord.Guild, purpose: str, action) -> discord.CategoryChannel:
    """Run `action(category)` in a category with room, moving on when Discord says one is full."""
    skip: set[int] = set()
    while True:
        category = await category_with_room(guild, purpose, frozenset(skip))
        try:
            await action(category)
        except discord.HTTPException as error:
            if error.code == MAX_GUILD_CHANNELS_CODE:
                raise ServerFull() from error
            if _category_full(error) and category.id not in skip:
                skip.add(category.id)
                continue
            raise
        return category


async def _report_server_full(bot: discord.Client, guild: discord.Guild, initiative: Initiative) -> None:
    await post_to(
        bot,
        guild,
        "mod_log",
        lambda: _(
            "The initiative “{title}” has enough supporters, but the server has reached Discord's limit of "
            "500 channels. Delete or merge unused channels, then press Retry on its card: {link}",
            title=initiative.title,
            link=views.card_link(initiative),
        ),
    )


# ---------------------------------------------------------------- permissions


def channel_overwrites(
    guild: discord.Guild, member_ids: list[int], lead_id: int | None, *, archived: bool, moderator_id: int | None
) -> dict:
    """Everyone reads; members write; the lead also manages messages and pins. Archived: all read-only.

    A forgotten member (a pseudonym, not a Discord id) is counted but gets no overwrite.
    """
    overwrites: dict = {guild.default_role: READ_ONLY, guild.me: BOT_CHANNEL_ACCESS}
    moderator = guild.get_role(moderator_id) if moderator_id else None
    if moderator is not None:
        overwrites[moderator] = discord.PermissionOverwrite(view_channel=True, manage_messages=True)
    if archived:
        return overwrites
    for user_id in member_ids:
        if is_pseudonym(user_id):
            continue
        # An overwrite needs only the id: no lookup (and no fetch for a member not in the cache).
        target = discord.Object(user_id, type=discord.Member)
        overwrites[target] = _access(user_id, lead_id)
    return overwrites


def _access(user_id: int, lead_id: int | None) -> discord.PermissionOverwrite:
    return LEAD_ACCESS if user_id == lead_id else MEMBER_ACCESS


async def _overwrites(guild: discord.Guild, initiative: Initiative, *, archived: bool) -> dict:
    moderator_id = await guild_config.binding(guild.id, BindingKind.ROLE, "moderator")
    members = await service.member_ids(initiative.pk)
    lead = await service.lead_of(initiative.pk)
    return channel_overwrites(guild, members, lead, archived=archived, moderator_id=moderator_id)


# ---------------------------------------------------------------- opening the channel


async def open_space(bot: discord.Client, initiative_id: int) -> discord.TextChannel | None:
    """Create the channel once the threshold is reached. None: another click is already opening it
    (or, when this attempt was slow enough to count as interrupted, opened it meanwhile).

    On failure the proposal goes back to "proposed" with its supporters, the card shows
    Retry, staff are told, and the person who clicked sees why.
    """
    claimed_at = now()
    if not await service.claim_opening(initiative_id, claimed_at):
        return None
    initiative = await service.get(initiative_id)
    guild = bot.get_guild(initiative.guild_id)
    channel: discord.TextChannel | None = None
    try:
        if guild is None:
            raise NotConfigured()
        channel = await _create_channel(guild, initiative)
        if not await service.holds_opening(initiative_id, claimed_at):
            # Overtaken while Discord held the creation: the welcome, which pings every
            # supporter, is not posted into a channel that is about to go. (An overtaking in
            # the moment after this check still posts it; mark_open below removes the channel.)
            await _remove_half_opened(channel)
            return None
        members = await service.member_ids(initiative_id)
        lead = await service.lead_of(initiative_id)
        with use_locale(await language_for_guild(bot, guild.id)):
            text, embed = views.welcome_text(initiative, lead, members), views.welcome_embed(initiative)
            view = views.welcome_view(initiative_id)
        welcome = await channel.send(
            text,
            embed=embed,
            view=view,
            allowed_mentions=mention_only(*[discord.Object(user_id) for user_id in members[:100]]),
        )
        await welcome.pin(reason=REASON)
    except (discord.HTTPException, GromadaError) as error:
        await _undo_opening(bot, guild, initiative, channel, error)
        raise _opening_refusal(error) from error
    if not await service.mark_open(initiative_id, channel.id, welcome.id, now()):
        # This attempt took so long that it counted as interrupted: a Retry opened the channel
        # meanwhile, or the proposer withdrew. Its channel would be a second one nobody uses.
        await _remove_half_opened(channel)
        return None
    watch(bot, channel.id, initiative_id)
    # Armed before anything else can fail: the channel is open and must be watched for inactivity.
    await bot.timers.schedule(
        service.INACTIVITY_TIMER, now() + service.INACTIVITY_WARNING, ref_id=initiative_id, guild_id=guild.id
    )
    # Someone may have supported between the snapshot above and the claim: give them access too.
    await _sync_member_access(guild, channel, await service.get(initiative_id))
    await refresh_card(bot, initiative_id)
    return channel


async def _create_channel(guild: discord.Guild, initiative: Initiative) -> discord.TextChannel:
    _ensure_room(guild, 1)
    name = unique_name(initiative.slug, {channel.name for channel in guild.channels})
    overwrites = await _overwrites(guild, initiative, archived=False)
    created: list[discord.TextChannel] = []

    async def create(category: discord.CategoryChannel) -> None:
        created.append(
            await guild.create_text_channel(
                name, category=category, overwrites=overwrites, topic=truncate(initiative.goal, 1024), reason=REASON
            )
        )

    await _place(guild, "initiatives", create)
    return created[0]


async def _remove_half_opened(channel: discord.TextChannel) -> None:
    try:
        await channel.delete(reason=REASON)
    except discord.HTTPException:
        log.warning("initiatives: could not remove half-opened channel %s", channel.id, exc_info=True)


async def _undo_opening(bot, guild, initiative: Initiative, channel, error: Exception) -> None:
    if channel is not None:
        await _remove_half_opened(channel)
    await service.release_opening(initiative.pk, str(error))
    await refresh_card(bot, initiative.pk)
    if guild is None:
        return
    if isinstance(error, ServerFull):
        await _report_server_full(bot, guild, initiative)
    else:
        await post_to(
            bot,
            guild,
            "mod_log",
            lambda: _(
                "I could not open the channel for the initiative “{title}”: {error}. "
                "Check my Manage Channels permission, then press Retry on its card: {link}",
                title=initiative.title,
                error=truncate(str(error), 300),
                link=views.card_link(initiative),
            ),
        )


def _opening_refusal(error: Exception) -> GromadaError:
    if isinstance(error, GromadaError):
        return error
    return DiscordRefused(
        N_(
            "Your support counts, but Discord refused to open the channel. "
            "Staff have been told; press Retry on the card a bit later."
        )
    )


async def _sync_member_access(guild: discord.Guild, channel: discord.TextChannel, initiative: Initiative) -> None:
    lead = await service.lead_of(initiative.pk)
    for user_id in await service.member_ids(initiative.pk):
        if is_pseudonym(user_id) or channel.overwrites_for(discord.Object(user_id)).send_messages is True:
            continue
        target = await member_of(guild, user_id) or discord.Object(user_id, type=discord.Member)
        await channel.set_permissions(target, overwrite=_access(user_id, lead), reason=REASON)


# ---------------------------------------------------------------- join and leave


def _channel_of(guild: discord.Guild, initiative: Initiative) -> discord.TextChannel:
    channel = guild.get_channel(initiative.channel_id) if initiative.channel_id else None
    if not isinstance(channel, discord.TextChannel):
        raise NotFound(N_("The initiative's channel is gone. Ask staff to check it."))
    return channel


async def join(guild: discord.Guild, initiative: Initiative, member: discord.Member) -> None:
    channel = _channel_of(guild, initiative)
    await service.join(initiative, member.id, now())
    try:
        await channel.set_permissions(member, overwrite=MEMBER_ACCESS, reason=REASON)
    except discord.HTTPException:
        await service.leave(initiative, member.id)
        raise


async def leave(guild: discord.Guild, initiative: Initiative, member: discord.Member) -> None:
    channel = _channel_of(guild, initiative)
    await service.leave(initiative, member.id)
    if initiative.status == InitiativeStatus.ACTIVE:
        try:
            await channel.set_permissions(member, overwrite=None, reason=REASON)
        except discord.HTTPException:
            await service.join(initiative, member.id, now())
            raise


# ---------------------------------------------------------------- archive and reopen


async def may_manage(member: discord.Member, initiative: Initiative) -> None:
    await service.require_lead(initiative, member.id, staff=await is_moderator(member))


# ---------------------------------------------------------------- handing the lead over


async def hand_over(
    bot: discord.Client, guild: discord.Guild, initiative: Initiative, person: discord.abc.User, by: discord.Member
) -> service.Handover:
    """Make `person` the lead (by the lead or staff): the channel's permissions follow, and the
    pinned welcome names them. If Discord refuses the permissions, the previous lead leads again."""
    if person.bot:
        raise InvalidInput(N_("A bot cannot lead an initiative."))
    new_lead = await member_of(guild, person.id)
    if new_lead is None:
        raise InvalidInput(N_("{member} is not a member of this server."), member=person.mention)
    channel = _channel_of(guild, initiative)
    handover = await service.hand_over(initiative, new_lead.id, by.id, now())
    had = channel.overwrites_for(new_lead)
    try:
        await channel.set_permissions(new_lead, overwrite=LEAD_ACCESS, reason=REASON)
        if handover.previous is not None and not is_pseudonym(handover.previous):
            previous = await member_of(guild, handover.previous) or discord.Object(
                handover.previous, type=discord.Member
            )
            await channel.set_permissions(previous, overwrite=MEMBER_ACCESS, reason=REASON)
    except discord.HTTPException as error:
        await service.undo_hand_over(initiative, handover)
        await _restore_access(channel, new_lead, had)
        raise DiscordRefused(
            N_(
                "Discord refused to change the channel's permissions, so the lead did not change. "
                "Please try again later."
            )
        ) from error
    await _refresh_welcome(bot, channel, initiative)
    return handover


async def _restore_access(
    channel: discord.TextChannel, member: discord.Member, had: discord.PermissionOverwrite
) -> None:
    """Give back the overwrite a member had, after a handover that Discord stopped half-way."""
    try:
        await channel.set_permissions(member, overwrite=None if had.is_empty() else had, reason=REASON)
    except discord.HTTPException:
        log.warning("initiatives: could not restore the access of %s in %s", member.id, channel.id, exc_info=True)


async def _refresh_welcome(bot: discord.Client, channel: discord.TextChannel, initiative: Initiative) -> None:
    """The pinned welcome names the lead and the members as they are now."""
    if initiative.welcome_message_id is None:
        return
    lead = await service.lead_of(initiative.pk)
    members = await service.member_ids(initiative.pk)
    with use_locale(await language_for_guild(bot, initiative.guild_id)):
        text = views.welcome_text(initiative, lead, members)
    try:
        await channel.get_partial_message(initiative.welcome_message_id).edit(content=text)
    except discord.HTTPException:
        # The permissions and the database already agree; the pin is only a mirror.
        log.warning("initiatives: could not update the welcome of %s", initiative.pk, exc_info=True)


async def archive(bot: discord.Client, guild: discord.Guild, initiative: Initiative) -> discord.TextChannel:
    channel = _channel_of(guild, initiative)
    if not await service.begin_archive(initiative, now()):
        raise Conflict(N_("This initiative is already archived."))
    try:
        await _move(guild, initiative, channel, archived=True)
    except (discord.HTTPException, GromadaError) as error:
        await service.undo_archive(initiative)
        raise _move_refusal(error) from error
    watch(bot, channel.id, None)
    await bot.timers.cancel(service.INACTIVITY_TIMER, initiative.pk)
    await refresh_card(bot, initiative.pk)
    return channel


async def reopen(bot: discord.Client, guild: discord.Guild, initiative: Initiative) -> discord.TextChannel:
    channel = _channel_of(guild, initiative)
    archived_at = initiative.archived_at
    if not await service.begin_reopen(initiative, now()):
        raise Conflict(N_("This initiative is not archived."))
    try:
        await _move(guild, initiative, channel, archived=False)
    except (discord.HTTPException, GromadaError) as error:
        await service.undo_reopen(initiative, archived_at)
        raise _move_refusal(error) from error
    watch(bot, channel.id, initiative.pk)
    await bot.timers.schedule(
        service.INACTIVITY_TIMER, now() + service.INACTIVITY_WARNING, ref_id=initiative.pk, guild_id=guild.id
    )
    await refresh_card(bot, initiative.pk)
    return channel


async def _move(guild: discord.Guild, initiative: Initiative, channel: discord.TextChannel, *, archived: bool) -> None:
    """Into the archive (read-only for all) or back (members write again), in a category with room."""
    overwrites = await _overwrites(guild, initiative, archived=archived)

    async def move(category: discord.CategoryChannel) -> None:
        await channel.edit(category=category, overwrites=overwrites, reason=REASON)

    await _place(guild, "initiatives_archive" if archived else "initiatives", move)


def _move_refusal(error: Exception) -> GromadaError:
    if isinstance(error, GromadaError):
        return error
    return DiscordRefused(N_("Discord refused to move the channel, so nothing changed. Please try again later."))


# ---------------------------------------------------------------- inactivity


async def check_inactivity(bot: discord.Client, timer: Timer) -> None:
    """The INACTIVITY_TIMER deadline: wait longer, warn, or archive (idempotent: re-reads the row)."""
    initiative_id = timer.ref_id
    initiative = await Initiative.get_or_none(id=initiative_id)
    if initiative is None or initiative.status != InitiativeStatus.ACTIVE:
        return
    guild = bot.get_guild(initiative.guild_id)
    if guild is None:
        return
    step = service.inactivity_step(
        initiative.last_activity_at or initiative.opened_at or now(), initiative.inactivity_warned_at, now()
    )
    if step.action == "archive":
        channel = await archive(bot, guild, initiative)
        with use_locale(await language_for_guild(bot, guild.id)):
            days = (service.INACTIVITY_WARNING + service.INACTIVITY_GRACE).days
            text = " ".join(
                (
                    _n(
                        "This initiative was archived after {n} day without messages.",
                        "This initiative was archived after {n} days without messages.",
                        days,
                    ),
                    _("The lead or staff can reopen it with {command}.", command=mention(bot, "initiative reopen")),
                )
            )
        await channel.send(text, allowed_mentions=NO_MENTIONS)
        return
    if step.action == "warn":
        channel = _channel_of(guild, initiative)
        lead = await service.lead_of(initiative_id)
        with use_locale(await language_for_guild(bot, guild.id)):
            text = " ".join(
                (
                    _n(
                        "{lead}, nobody has written here for {n} day.",
                        "{lead}, nobody has written here for {n} days.",
                        service.INACTIVITY_WARNING.days,
                        lead=views.person(lead),
                    ),
                    _n(
                        "Without a message in the next {n} day this initiative will be archived.",
                        "Without a message in the next {n} days this initiative will be archived.",
                        service.INACTIVITY_GRACE.days,
                    ),
                )
            )
        pinged = [discord.Object(lead)] if lead is not None and not is_pseudonym(lead) else []
        await channel.send(text, allowed_mentions=mention_only(*pinged))
        await service.mark_warned(initiative_id, now())
    await bot.timers.schedule(service.INACTIVITY_TIMER, step.next_check, ref_id=initiative_id, guild_id=guild.id)


# ---------------------------------------------------------------- calls for help


async def post_need(bot: discord.Client, guild: discord.Guild, initiative: Initiative, text: str) -> discord.Message:
    target = await proposals_channel(guild)
    need = await service.add_need(initiative, text, target.id, now())
    with use_locale(await language_for_guild(bot, guild.id)):
        content, view = views.need_text(initiative, need, []), views.need_view(need.pk)
    try:
        message = await target.send(content, view=view, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        await need.delete()
        raise
    need.message_id = message.id
    await need.save(update_fields=["message_id"])
    return message


async def announce_helper(bot: discord.Client, need: InitiativeNeed, helper_id: int) -> None:
    """List the helpers on the call, and tell the initiative's channel (where the lead works)."""
    initiative = need.initiative
    helpers = await service.helper_ids(need.pk)
    channel = bot.get_channel(need.channel_id)
    with use_locale(await language_for_guild(bot, initiative.guild_id)):
        content = views.need_text(initiative, need, helpers)
        notice = _("<@{helper}> offered to help with: {text}", helper=helper_id, text=truncate(need.text, 300))
    if channel is not None and need.message_id is not None:
        try:
            await channel.get_partial_message(need.message_id).edit(content=content)
        except discord.HTTPException:
            log.warning("initiatives: could not update call for help %s", need.pk, exc_info=True)
    space = bot.get_channel(initiative.channel_id) if initiative.channel_id else None
    if space is not None:
        try:
            await space.send(notice, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("initiatives: could not announce a helper in %s", space.id, exc_info=True)
