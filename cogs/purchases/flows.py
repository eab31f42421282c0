"""The Discord side of joint purchases: who may run them, the order card, closing and the bills by DM.

Closing writes the bills first (service.close_purchase); each is then claimed for sending once,
so a second close, a retried deadline or a restart never sends a bill twice. A refused DM
leaves the bill marked `failed`: it stays in the database and in /purchase mine. The card is a
mirror of the database: members' orders mark it for a redraw and the cog's CardRefresher edits
it at most once per REFRESH_INTERVAL (best effort: the next change redraws it).

A day before the deadline the card's channel hears which items are still short. When the
deadline finds ordered items short, the channel gets a prompt with a choice per item for the
coordinators; once every item has one (or DECISION_WINDOW passes and the rest are dropped)
the choices are applied: orders reopen once, or the purchase closes and the bills go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import discord

from cogs.purchases import service, views
from gromada import guild_config
from gromada.checks import is_moderator, require_guild
from gromada.errors import DiscordRefused, InvalidInput, NotAllowed
from gromada.guild_config import Purpose, RoleShown
from gromada.i18n import N_, use_locale
from gromada.interactions import language_for_guild
from gromada.messaging import dm, member_of
from gromada.replies import NO_MENTIONS
from gromada.scheduler import now
from gromada.ui import paginate_lines
from models.core import BindingKind, Timer
from models.purchases import Bill, DeliveryStatus, Purchase, PurchaseStatus, ShortChoice

# The order card is edited at most this often, however many orders arrive.
REFRESH_INTERVAL = timedelta(seconds=5)

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
    reminder_at = service.reminder_time(purchase.deadline, now())
    if not await service.mark_published(purchase.pk, target.id, message.id, reminder_at):
        await message.delete()  # someone else published it at the same moment
        raise InvalidInput(N_("Purchase #{id} is already published."), id=purchase.pk)
    await bot.timers.schedule(service.DEADLINE_TIMER, purchase.deadline, ref_id=purchase.pk, guild_id=purchase.guild_id)
    if reminder_at is not None:
        await bot.timers.schedule(service.REMINDER_TIMER, reminder_at, ref_id=purchase.pk, guild_id=purchase.guild_id)


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


def card_changed(bot: discord.Client, purchase_id: int) -> None:
    """A member's order changed the card: it is redrawn soon, once for a burst of orders."""
    bot.get_cog("PurchasesCog").refresher.poke(purchase_id)


class CardRefresher:
    """At most one edit of an order card per REFRESH_INTERVAL, however many orders arrive.

    An order marks its purchase; a flush (PurchasesCog.flush_cards, every REFRESH_INTERVAL
    while anything is marked) redraws a card once the interval has passed since it was marked,
    reading the database as it is then: every order before the edit is shown, and the orders
    after it mark the card again. Nothing runs while no order arrives.
    """

    def __init__(self, bot: discord.Client, on_dirty: Callable[[], None]) -> None:
        self.bot = bot
        self._on_dirty = on_dirty
        self._dirty_since: dict[int, float] = {}

    def poke(self, purchase_id: int) -> None:
        self._dirty_since.setdefault(purchase_id, now().timestamp())
        self._on_dirty()

    @property
    def pending(self) -> set[int]:
        return set(self._dirty_since)

    async def flush(self) -> None:
        for purchase_id, since in list(self._dirty_since.items()):
            # Half a second of slack: the loop's ticks and the interval are the same length.
            if now().timestamp() - since < REFRESH_INTERVAL.total_seconds() - 0.5:
                continue
            # Unmark before reading: an order committed from now on marks the card again.
            self._dirty_since.pop(purchase_id, None)
            await refresh_card(self.bot, purchase_id)


# ---------------------------------------------------------------- the day before: items still short


async def on_reminder(bot: discord.Client, timer: Timer) -> None:
    """The REMINDER_TIMER handler: one message in the card's channel listing the items still short."""
    purchase = await service.claim_reminder(timer.ref_id, now())
    if purchase is None:
        return  # sent already, or orders have ended
    short = await service.short_items(purchase.pk)
    channel = bot.get_channel(purchase.channel_id) if purchase.channel_id else None
    if not short or channel is None:
        return
    with use_locale(await language_for_guild(bot, purchase.guild_id)):
        text = views.short_reminder(bot, purchase, short)
    try:
        await channel.send(text, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        await service.reminder_not_sent(purchase.pk, timer.due_at)
        raise  # the timer tries again


# ---------------------------------------------------------------- the deadline


async def on_deadline(bot: discord.Client, timer: Timer) -> None:
    """The DEADLINE_TIMER handler: orders end; bills go out, or coordinators choose for short items.

    It also finishes sending bills written before a stop (cog.ensure_deadlines arms it for that).
    """
    await end_orders(bot, timer.ref_id)


async def end_orders(bot: discord.Client, purchase_id: int) -> service.OrdersEnded | None:
    outcome = await service.end_orders(purchase_id, now())
    if outcome == service.OrdersEnded.DECIDING:
        await ask_for_choices(bot, purchase_id)
        await refresh_card(bot, purchase_id)
    await deliver(bot, purchase_id)
    return outcome


async def close_now(bot: discord.Client, purchase_id: int) -> service.OrdersEnded | None:
    """A coordinator ends orders before the deadline: its timers go, then as at the deadline."""
    await bot.timers.cancel(service.DEADLINE_TIMER, purchase_id)
    await bot.timers.cancel(service.REMINDER_TIMER, purchase_id)
    return await end_orders(bot, purchase_id)


async def _card_channel(bot: discord.Client, purchase: Purchase) -> discord.abc.Messageable | None:
    return bot.get_channel(purchase.channel_id) if purchase.channel_id else None


async def ask_for_choices(bot: discord.Client, purchase_id: int) -> None:
    """Arm the decision deadline, then post the choice per short item in the card's channel."""
    purchase = await Purchase.get(id=purchase_id)
    await bot.timers.schedule(
        service.DECISION_TIMER, purchase.decide_by, ref_id=purchase.pk, guild_id=purchase.guild_id
    )
    short = await service.undecided(purchase.pk)
    channel = await _card_channel(bot, purchase)
    if channel is None:
        log.warning("purchase %s has no channel to ask about its short items", purchase.pk)
        return
    mentions = discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(purchase.created_by)])
    with use_locale(await language_for_guild(bot, purchase.guild_id)):
        prompts = [
            views.choice_prompt(bot, purchase, short[start : start + views.CHOICES_PER_MESSAGE], first=start == 0)
            for start in range(0, len(short), views.CHOICES_PER_MESSAGE)
        ]
    try:
        for text, view in prompts:
            await channel.send(text, view=view, allowed_mentions=mentions)
    except discord.HTTPException:
        # The decision deadline still drops them; nothing is billed for an item nobody chose.
        log.warning("could not ask about the short items of purchase %s", purchase.pk, exc_info=True)


async def record_choice(interaction: discord.Interaction, item_id: int, choice: ShortChoice) -> None:
    """A coordinator chose for one short item: the prompt shows it; the last choice applies them all."""
    item = await service.choose(guild_id=interaction.guild_id, item_id=item_id, choice=choice, now=now())
    purchase_id = item.purchase_id
    applied = await _apply(interaction.client, purchase_id)
    purchase = await Purchase.get(id=purchase_id)
    rows = await service.with_orders(purchase_id, views.items_on_prompt(interaction.message))
    text, view = views.choice_prompt(interaction.client, purchase, rows, first=True, by=interaction.user.id)
    await interaction.response.edit_message(content=text, view=view, allowed_mentions=NO_MENTIONS)
    if applied is not None:
        await announce_applied(interaction.client, purchase_id, applied)


async def on_decision_deadline(bot: discord.Client, timer: Timer) -> None:
    """The DECISION_TIMER handler: short items nobody chose for are dropped, and the choices applied."""
    purchase = await Purchase.get_or_none(id=timer.ref_id)
    if purchase is None or purchase.status != PurchaseStatus.DECIDING:
        return
    dropped = await service.drop_undecided(purchase.pk)
    applied = await _apply(bot, purchase.pk)
    if applied is not None:
        await announce_applied(bot, purchase.pk, applied, timed_out=dropped)


async def _apply(bot: discord.Client, purchase_id: int) -> service.Applied | None:
    purchase = await Purchase.get(id=purchase_id)
    extension = await service.EXTENSION.get(purchase.guild_id)
    applied = await service.apply_choices(purchase_id, now(), extension)
    if applied is not None:
        await bot.timers.cancel(service.DECISION_TIMER, purchase_id)
        if applied.deadline is not None:
            await bot.timers.schedule(
                service.DEADLINE_TIMER, applied.deadline, ref_id=purchase_id, guild_id=purchase.guild_id
            )
        if applied.reminder_at is not None:
            await bot.timers.schedule(
                service.REMINDER_TIMER, applied.reminder_at, ref_id=purchase_id, guild_id=purchase.guild_id
            )
    return applied


async def announce_applied(
    bot: discord.Client, purchase_id: int, applied: service.Applied, timed_out: list | None = None
) -> None:
    """Tell the channel what the choices did; on an extension, tell every buyer by DM; then bills, card."""
    purchase = await Purchase.get(id=purchase_id)
    items = await service.items_of(purchase_id)
    ordered = await service.ordered_quantities(purchase_id)
    channel = await _card_channel(bot, purchase)
    if channel is not None:
        with use_locale(await language_for_guild(bot, purchase.guild_id)):
            text = views.choices_applied(bot, purchase, items, ordered, timed_out or [])
        try:
            await channel.send(text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not announce the choices for purchase %s", purchase_id, exc_info=True)
    if applied.deadline is not None:
        still_short = await service.short_items(purchase_id)
        for user_id in await service.buyers(purchase_id):
            await dm(
                bot,
                user_id,
                guild_id=purchase.guild_id,
                render=partial(views.extension_notice, bot, purchase, still_short),
            )
    await deliver(bot, purchase_id)  # closed: bills out and the card redrawn
    if applied.deadline is not None:
        await refresh_card(bot, purchase_id)


# ---------------------------------------------------------------- closing


async def close_and_notify(bot: discord.Client, purchase_id: int) -> bool:
    """Close (if still open) and deliver what is undelivered; True if this call closed it."""
    closed = await service.close_purchase(purchase_id, now())
    await deliver(bot, purchase_id)
    return closed


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
    await plan_payment_reminders(bot, purchase)
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


# ---------------------------------------------------------------- short deliveries


async def record_arrival(
    bot: discord.Client, *, guild_id: int, purchase_id: int, item_name: str, quantity: str
) -> service.Arrival:
    """Record what arrived; tell every member whose bill moved, by DM, with their new bill."""
    rule = await service.SHORT_DELIVERY_RULE.get(guild_id)
    arrival = await service.record_arrival(
        guild_id=guild_id, purchase_id=purchase_id, item_name=item_name, quantity=quantity, rule=rule, now=now()
    )
    purchase = await Purchase.get(id=purchase_id)
    for change in arrival.changes:
        bill = await service.bill_of(purchase_id, change.user_id)
        lines = await service.cart(purchase, change.user_id)

        def render(change=change, bill=bill, lines=lines) -> list[str]:
            bill_lines = views.bill_text(purchase, bill, lines).split("\n")
            return paginate_lines(views.arrival_notice(purchase, arrival, change, bill_lines))

        await dm(bot, change.user_id, guild_id=guild_id, render=render)
    return arrival


# ---------------------------------------------------------------- pickup


async def member_names(bot: discord.Client, guild_id: int, user_ids) -> dict[int, str]:
    guild = bot.get_guild(guild_id)
    names = {}
    for user_id in user_ids:
        member = guild.get_member(user_id) if guild is not None else None
        names[user_id] = member.display_name if member is not None else str(user_id)
    return names


async def send_distribution(bot: discord.Client, user: discord.abc.User, dist: service.Distribution) -> bool:
    """The distribution lists by DM to the volunteer on duty, a page per point (more for long ones)."""
    purchase = dist.purchase
    ids = [handout.user_id for _point, handouts in dist.points for handout in handouts]
    names = await member_names(bot, purchase.guild_id, ids)

    def render() -> list[dict]:
        pages = []
        for point, handouts in dist.points:
            for start in range(0, max(len(handouts), 1), views.HANDOUTS_PER_MESSAGE):
                text, view = views.handout_page(
                    purchase, point, handouts[start : start + views.HANDOUTS_PER_MESSAGE], names
                )
                pages.append({"content": text, "view": view})
        pages += [{"content": page} for page in paginate_lines(views.not_collected_lines(dist))]
        return pages

    return await dm(bot, user.id, guild_id=purchase.guild_id, render=render) is not None


async def hand_over(interaction: discord.Interaction, choice_id: int) -> None:
    """A button on a distribution list (in a DM): the volunteer handed a member their part."""
    choice = await service.pickup_choice(choice_id)
    purchase = choice.purchase
    # Clicked in a DM: the clicker's roles are looked up on the purchase's server.
    member = await member_of(interaction.client.get_guild(purchase.guild_id), interaction.user.id)
    if member is None or not await sees_names(member):
        raise NotAllowed(N_("Only order coordinators, the treasurer or moderators can hand orders over."))
    await service.hand_over(choice_id=choice_id, by=interaction.user.id, now=now())
    dist = await service.distribution(purchase.guild_id, purchase.pk)
    on_page = set(views.handouts_on_page(interaction.message))
    point = choice.point
    handouts = [
        handout
        for listed, point_handouts in dist.points
        if listed.pk == point.pk
        for handout in point_handouts
        if handout.choice.pk in on_page
    ]
    names = await member_names(interaction.client, purchase.guild_id, [handout.user_id for handout in handouts])
    text, view = views.handout_page(purchase, point, handouts, names)
    await interaction.response.edit_message(content=text, view=view)


# ---------------------------------------------------------------- payment reminders


async def plan_payment_reminders(bot: discord.Client, purchase: Purchase) -> None:
    """Once bills are out, the first reminder for what is still unpaid (a server option; off at 0s)."""
    first = service.first_payment_reminder(purchase, await service.PAYMENT_REMINDER_AFTER.get(purchase.guild_id))
    if first is not None and await service.still_unpaid(purchase.pk):
        await bot.timers.ensure(service.PAYMENT_TIMER, first, ref_id=purchase.pk, guild_id=purchase.guild_id)


async def on_payment_reminder(bot: discord.Client, timer: Timer) -> None:
    """The PAYMENT_TIMER handler: a DM to each member with something still to pay (at most weekly),
    then the next round a week later while anything is unpaid."""
    purchase = await Purchase.get_or_none(id=timer.ref_id)
    if purchase is None:
        return
    # Armed at start for a timer lost in a stop: the first reminder still waits for its time.
    first = service.first_payment_reminder(purchase, await service.PAYMENT_REMINDER_AFTER.get(purchase.guild_id))
    if first is None:
        return  # the server turned reminders off
    if now() < first:
        await bot.timers.schedule(service.PAYMENT_TIMER, first, ref_id=purchase.pk, guild_id=purchase.guild_id)
        return
    for bill in await service.claim_payment_reminders(purchase.pk, now()):
        lines = await service.cart(purchase, bill.user_id)

        def render(bill=bill, lines=lines) -> list[str]:
            return paginate_lines(views.payment_reminder(bot, purchase, bill, lines))

        await dm(bot, bill.user_id, guild_id=purchase.guild_id, render=render)
    if await service.still_unpaid(purchase.pk):
        await bot.timers.schedule(
            service.PAYMENT_TIMER,
            now() + service.PAYMENT_REMINDER_EVERY,
            ref_id=purchase.pk,
            guild_id=purchase.guild_id,
        )
