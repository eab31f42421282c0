"""The Discord side of joint purchases: who may run them, the order card, closing and the bills by DM.

Closing writes the bills first (service.close_purchase); each is then claimed for sending once,
so a second close, a retried deadline or a restart never sends a bill twice. A refused DM
leaves the bill marked `failed`: it stays in the database and in /purchase mine. The card is a
mirror of the database, redrawn after every change (best effort: the next change redraws it).
"""

from __future__ import annotations

import logging
from functools import partial

import discord

from cogs.purchases import service, views
from gromada import guild_config
from gromada.checks import is_moderator, require_guild
from gromada.errors import DiscordRefused, InvalidInput, NotAllowed
from gromada.guild_config import Purpose, RoleShown
from gromada.i18n import N_, use_locale
from gromada.interactions import language_for_guild
from gromada.messaging import dm
from gromada.scheduler import now
from gromada.ui import paginate_lines
from models.core import BindingKind, Timer
from models.purchases import Bill, DeliveryStatus, Purchase, PurchaseStatus

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- who may run purchases


def _named_like(key: str, role: discord.Role) -> bool:
    return role.name.casefold() in service.catalogue_names(key)


async def holds(member: discord.Member, key: str) -> bool:
    """The role an admin bound for `key`, or else one named like the volunteer catalogue's entry."""
    bound = await guild_config.binding(member.guild.id, BindingKind.ROLE, key)
    if bound is not None:
        return member.get_role(bound) is not None
    return any(_named_like(key, role) for role in member.roles)


async def role_shown(guild: discord.Guild, purpose: Purpose) -> RoleShown:
    """The role a refusal names, found as `holds` finds it."""
    bound = await guild_config.binding(guild.id, BindingKind.ROLE, purpose.key)
    if bound is None:
        named = discord.utils.find(lambda role: _named_like(purpose.key, role), guild.roles)
        bound = named.id if named is not None else None
    return RoleShown(purpose, bound)


async def is_coordinator(member: discord.Member | discord.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    return await is_moderator(member) or await holds(member, service.COORDINATOR_PURPOSE.key)


async def is_treasurer(member: discord.Member | discord.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    return await is_moderator(member) or await holds(member, service.TREASURER_PURPOSE.key)


async def require_coordinator(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    if not await is_coordinator(member):
        raise NotAllowed(
            N_("Only order coordinators ({role}) or moderators can do that."),
            role=await role_shown(member.guild, service.COORDINATOR_PURPOSE),
        )
    return member


async def require_treasurer(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    if not await is_treasurer(member):
        raise NotAllowed(
            N_("Only the treasurer ({role}) or moderators can do that."),
            role=await role_shown(member.guild, service.TREASURER_PURPOSE),
        )
    return member


async def sees_names(member: discord.Member | discord.User) -> bool:
    """Who sees members' names in the ledger and may export it."""
    return await is_coordinator(member) or await is_treasurer(member)


# ---------------------------------------------------------------- the order card


async def publish(bot: discord.Client, purchase: Purchase, target: discord.TextChannel, by: discord.Member) -> None:
    """Post the order card in `target`, record where it is, and arm the deadline."""
    # The bot posts only where the coordinator could post themselves (not into staff channels).
    theirs = target.permissions_for(by)
    if not (theirs.view_channel and theirs.send_messages):
        raise NotAllowed(
            N_("You cannot post in {channel} yourself, so I will not post the card there for you."),
            channel=target.mention,
        )
    allowed = target.permissions_for(target.guild.me)
    if not (allowed.send_messages and allowed.embed_links):
        raise DiscordRefused(
            N_("I cannot post in {channel}: let me send messages and embed links there."), channel=target.mention
        )
    purchase.status = PurchaseStatus.OPEN  # as the card will show it
    with use_locale(await language_for_guild(bot, purchase.guild_id)):
        embed, view = await views.card_embed(bot, purchase), views.card_view(purchase)
    try:
        message = await target.send(embed=embed, view=view)
    except discord.HTTPException:
        raise DiscordRefused(
            N_("Discord did not accept the card in {channel}. Nothing was published; try again."),
            channel=target.mention,
        ) from None
    if not await service.mark_published(purchase.pk, target.id, message.id):
        await message.delete()  # someone else published it at the same moment
        raise InvalidInput(N_("Purchase #{id} is already published."), id=purchase.pk)
    await bot.timers.schedule(service.DEADLINE_TIMER, purchase.deadline, ref_id=purchase.pk, guild_id=purchase.guild_id)


async def refresh_card(bot: discord.Client, purchase_id: int) -> None:
    """Show current quantities on the published card (best effort: the database is the truth)."""
    purchase = await Purchase.get_or_none(id=purchase_id)
    if purchase is None or purchase.channel_id is None or purchase.message_id is None:
        return
    channel = bot.get_channel(purchase.channel_id)
    if channel is None:
        return
    with use_locale(await language_for_guild(bot, purchase.guild_id)):
        embed, view = await views.card_embed(bot, purchase), views.card_view(purchase)
    try:
        await channel.get_partial_message(purchase.message_id).edit(embed=embed, view=view)
    except discord.HTTPException:
        log.warning("could not refresh the card of purchase %s", purchase_id, exc_info=True)


# ---------------------------------------------------------------- closing


async def close_now(bot: discord.Client, purchase_id: int) -> None:
    """A coordinator closes before the deadline: its timer goes, the bills go out."""
    await bot.timers.cancel(service.DEADLINE_TIMER, purchase_id)
    await close_and_notify(bot, purchase_id)


async def close_and_notify(bot: discord.Client, purchase_id: int) -> bool:
    """Close (if still open) and deliver what is undelivered; True if this call closed it."""
    closed = await service.close_purchase(purchase_id, now())
    await deliver(bot, purchase_id)
    return closed


async def on_deadline(bot: discord.Client, timer: Timer) -> None:
    """The DEADLINE_TIMER handler: orders close, bills go out (or the rest of them, after a stop)."""
    await close_and_notify(bot, timer.ref_id)


async def deliver(bot: discord.Client, purchase_id: int) -> None:
    purchase = await Purchase.get_or_none(id=purchase_id)
    if purchase is None or purchase.status != PurchaseStatus.CLOSED:
        return
    for bill in await service.bills_of(purchase_id):
        if bill.delivery != DeliveryStatus.PENDING or not await service.claim_delivery(bill):
            continue
        lines = await service.cart(purchase, bill.user_id)
        render = partial(_bill_pages, purchase, bill, lines)
        if await dm(bot, bill.user_id, guild_id=purchase.guild_id, render=render) is None:
            await service.delivery_failed(bill)
    if await service.claim_supplier_list(purchase_id):
        items = await service.items_of(purchase_id)
        ordered = await service.ordered_quantities(purchase_id)
        await dm(
            bot,
            purchase.created_by,
            guild_id=purchase.guild_id,
            render=lambda: paginate_lines(views.supplier_list(purchase, items, ordered)),
        )
    await refresh_card(bot, purchase_id)


def _bill_pages(purchase: Purchase, bill: Bill, lines: list[service.CartLine]) -> list[str]:
    return paginate_lines(views.bill_text(purchase, bill, lines).split("\n"))
