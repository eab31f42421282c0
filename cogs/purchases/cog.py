"""/purchase: open, item, publish, close, mine, paid, unpaid, ledger, export; the closing deadline."""

from __future__ import annotations

import asyncio
import io
import logging
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands, tasks

from cogs.purchases import catalogue, flows, service, views
from cogs.purchases.money import format_money
from gromada import cooldowns
from gromada.commands import mention
from gromada.errors import DiscordRefused, InvalidInput, NotAllowed
from gromada.feature import FeatureCog
from gromada.i18n import N_, _, _n
from gromada.ids import IdOption
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, paginate_lines, reply, truncate
from models.purchases import DeliveryStatus, PurchaseStatus

log = logging.getLogger(__name__)

EXPORT_COOLDOWN = cooldowns.export("purchase_export")


class PurchasesCog(FeatureCog):
    purchase = app_commands.Group(
        name="purchase", description="Joint purchases: order together, pay exactly", guild_only=True
    )
    pickup = app_commands.Group(name="pickup", description="Pickup points and who collects what", parent=purchase)
    supplier = app_commands.Group(name="supplier", description="Suppliers and their catalogues", parent=purchase)
    persistent_items = (
        views.OrderButton,
        views.ItemPick,
        views.LineRemove,
        views.ItemsPage,
        views.DropButton,
        views.ExtendButton,
        views.BuyButton,
        views.PickupSelect,
        views.HandedOverButton,
    )

    def __init__(self, bot) -> None:
        super().__init__(bot)
        # The bot's one coalescing refresher of order cards.
        self.refresher = flows.CardRefresher(bot, on_dirty=self._flush_soon)

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {
            service.DEADLINE_TIMER: partial(flows.on_deadline, self.bot),
            service.REMINDER_TIMER: partial(flows.on_reminder, self.bot),
            service.DECISION_TIMER: partial(flows.on_decision_deadline, self.bot),
            service.PAYMENT_TIMER: partial(flows.on_payment_reminder, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        # Every open purchase has its deadline (and its day-before reminder, if not sent) armed,
        # even if the process stopped between publishing the card and writing the timer.
        await self.bot.timers.ensure_all(
            service.DEADLINE_TIMER, service.open_purchases(), due=lambda purchase: purchase.deadline
        )
        await self.bot.timers.ensure_all(
            service.REMINDER_TIMER, service.reminders_to_send(), due=lambda purchase: purchase.reminder_at
        )
        # Waiting for choices about short items: the time to choose runs out even after a stop.
        await self.bot.timers.ensure_all(
            service.DECISION_TIMER, service.deciding_purchases(), due=lambda purchase: purchase.decide_by or now()
        )
        # Closed, but the process stopped before every bill went out: finish delivering now
        # (each process its own servers', so the deadline runs where the server's DMs are sent).
        await self.bot.timers.ensure_all(
            service.DEADLINE_TIMER, service.purchases_with_unsent_bills(), due=lambda purchase: now()
        )
        # Something unpaid: the reminders go on after a stop. The handler waits for the first one's time.
        await self.bot.timers.ensure_all(
            service.PAYMENT_TIMER, service.payment_reminders_to_plan(), due=lambda purchase: purchase.closed_at
        )

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.flush_cards.cancel()

    def _flush_soon(self) -> None:
        """Run the flush loop while some card has unshown orders, and only then (as polls do)."""
        if not self.flush_cards.is_running():
            self.flush_cards.start()

    @tasks.loop(seconds=flows.REFRESH_INTERVAL.total_seconds())
    async def flush_cards(self) -> None:
        """The one place order cards are edited for members' orders (coalesced, see CardRefresher)."""
        try:
            await self.refresher.flush()
        except Exception:
            # A database hiccup must not stop refreshing for good; the next round tries again.
            log.exception("refreshing order cards failed")
        if not self.refresher.pending:
            self.flush_cards.stop()

    @flush_cards.after_loop
    async def _resume_if_orders_arrived(self) -> None:
        # An order that came while the loop was stopping found it still running: start anew.
        if self.refresher.pending and not self.flush_cards.is_being_cancelled():
            asyncio.get_running_loop().call_soon(self._flush_soon)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Orders of the last seconds before a stop may not be on the card yet: redraw open cards once.
        for purchase in await service.open_purchases():
            self.refresher.poke(purchase.pk)

    # ------------------------------------------------------------ coordinators

    @purchase.command(name="open", description="Open a joint purchase (order coordinators)")
    @app_commands.describe(
        title="What is being bought together",
        deadline="When orders close: 3d, 36h, or a UTC date like 2026-12-01 18:00",
        supplier="Who sells it",
        delivery_fee="Delivery cost to share, e.g. 25,00",
        currency="Three-letter currency code (PLN if empty)",
    )
    async def open(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        deadline: str,
        supplier: app_commands.Range[str, 1, 100] | None = None,
        delivery_fee: str | None = None,
        currency: str = service.DEFAULT_CURRENCY,
    ) -> None:
        member = await flows.require_coordinator(interaction)
        purchase = await service.open_purchase(
            guild_id=interaction.guild_id,
            user_id=member.id,
            title=title,
            deadline=deadline,
            supplier=supplier,
            delivery_fee=delivery_fee,
            currency=currency,
            now=now(),
        )
        await reply(
            interaction,
            _(
                "Draft purchase **#{id}** “{title}” opened; orders close {deadline}. "
                "Add items with {add_item}, then {publish}.",
                id=purchase.pk,
                add_item=mention(self.bot, "purchase item"),
                publish=mention(self.bot, "purchase publish"),
                title=purchase.title,
                deadline=views.when(purchase.deadline),
            ),
        )

    @purchase.command(
        name="repeat", description="Open a purchase again from an earlier one or a supplier (order coordinators)"
    )
    @app_commands.describe(
        deadline="When orders close: 3d, 36h, or a UTC date like 2026-12-01 18:00",
        purchase="The earlier purchase whose items to offer again",
        supplier="Or the supplier whose catalogue to offer",
        title="A new title (the earlier one, or the supplier's name, if empty)",
        delivery_fee="Delivery cost to share, e.g. 25,00 (the earlier purchase's, or none, if empty)",
    )
    async def repeat(
        self,
        interaction: discord.Interaction,
        deadline: str,
        purchase: IdOption | None = None,
        supplier: app_commands.Range[str, 1, 100] | None = None,
        title: app_commands.Range[str, 1, 100] | None = None,
        delivery_fee: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        member = await flows.require_coordinator(interaction)
        repeated = await catalogue.repeat_purchase(
            guild_id=interaction.guild_id,
            user_id=member.id,
            deadline=deadline,
            now=now(),
            purchase_id=purchase,
            supplier_name=supplier,
            title=title,
            delivery_fee=delivery_fee,
        )
        row = repeated.purchase
        await reply(
            interaction,
            _n(
                "Draft purchase **#{id}** “{title}” opened from {source} with {n} item; orders close {deadline}. "
                "Add more with {add_item}, then {publish}.",
                "Draft purchase **#{id}** “{title}” opened from {source} with {n} items; orders close {deadline}. "
                "Add more with {add_item}, then {publish}.",
                repeated.items,
                id=row.pk,
                title=row.title,
                source=repeated.source,
                deadline=views.when(row.deadline),
                add_item=mention(self.bot, "purchase item"),
                publish=mention(self.bot, "purchase publish"),
            ),
        )

    @purchase.command(name="item", description="Add an item to a purchase (order coordinators)")
    @app_commands.describe(
        purchase="The purchase's number",
        name="The item",
        unit="Its unit: kg, piece, litre…",
        price="Price per unit, e.g. 4,50",
        bulk_min="Total quantity the supplier needs for this item",
        max_per_member="The most one member may order",
        shop_price="What a unit costs in a shop, to show what buying together saves",
    )
    async def item(
        self,
        interaction: discord.Interaction,
        purchase: IdOption,
        name: app_commands.Range[str, 1, 80],
        unit: app_commands.Range[str, 1, 20],
        price: str,
        bulk_min: str | None = None,
        max_per_member: str | None = None,
        shop_price: str | None = None,
    ) -> None:
        await flows.require_coordinator(interaction)
        item = await service.add_item(
            guild_id=interaction.guild_id,
            purchase_id=purchase,
            name=name,
            unit=unit,
            price=price,
            bulk_min=bulk_min,
            max_per_member=max_per_member,
            shop_price=shop_price,
        )
        row = await service.get_purchase(interaction.guild_id, purchase)
        await reply(
            interaction,
            _("Added to #{id}: {item}, {price}.", id=purchase, item=item.name, price=views.price(row, item)),
        )
        if row.status != PurchaseStatus.DRAFT:
            await flows.refresh_card(self.bot, row.pk)

    @purchase.command(name="publish", description="Post the order card so members can order (order coordinators)")
    @app_commands.describe(purchase="The purchase's number", channel="Where to post it (here if empty)")
    async def publish(
        self, interaction: discord.Interaction, purchase: IdOption, channel: discord.TextChannel | None = None
    ) -> None:
        coordinator = await flows.require_coordinator(interaction)
        row = await service.check_publishable(interaction.guild_id, purchase, now())
        target = channel or interaction.channel
        await flows.publish(self.bot, row, target, coordinator)
        await reply(
            interaction,
            _(
                "Purchase #{id} is open for orders in {channel} until {deadline}.",
                id=row.pk,
                channel=target.mention,
                deadline=views.when(row.deadline),
            ),
        )

    @purchase.command(name="close", description="Close orders now and send the bills (order coordinators)")
    @app_commands.describe(purchase="The purchase's number")
    async def close(self, interaction: discord.Interaction, purchase: IdOption) -> None:
        await flows.require_coordinator(interaction)
        row = await service.check_closable(interaction.guild_id, purchase)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await flows.close_now(self.bot, row.pk)
        if outcome == service.OrdersEnded.DECIDING:
            short = await service.undecided(row.pk)
            waiting = await service.get_purchase(row.guild_id, row.pk)
            prompt_channel = f"<#{row.channel_id}>"
            await reply(
                interaction,
                _n(
                    "Orders for purchase #{id} are closed. {n} item is short of its minimum: "
                    "choose for it in {channel} by {deadline}, or it is dropped.",
                    "Orders for purchase #{id} are closed. {n} items are short of their minimum: "
                    "choose for each in {channel} by {deadline}; those without a choice are dropped.",
                    len(short),
                    id=row.pk,
                    channel=prompt_channel,
                    deadline=views.when(waiting.decide_by),
                ),
            )
            return
        bills = await service.bills_of(row.pk)
        failed = sum(1 for bill in bills if bill.delivery == DeliveryStatus.FAILED)
        lines = [
            _n(
                "Purchase #{id} is closed: {n} bill written.",
                "Purchase #{id} is closed: {n} bills written.",
                len(bills),
                id=row.pk,
            )
        ]
        if failed:
            lines.append(
                _n(
                    "{n} member could not get a direct message; they see their bill with {command}.",
                    "{n} members could not get a direct message; they see their bill with {command}.",
                    failed,
                    command=mention(self.bot, "purchase mine"),
                )
            )
        # The coordinator who closes gets the supplier's list right here too (their DM may be closed).
        items = await service.items_of(row.pk)
        lines += ["", *views.supplier_list(row, items, await service.ordered_quantities(row.pk))]
        for page in paginate_lines(lines):
            await reply(interaction, page)

    @purchase.command(name="delivered", description="Record that less of an item arrived (order coordinators)")
    @app_commands.describe(
        purchase="The purchase's number",
        item="The item that arrived short",
        quantity="How much of it arrived in total, e.g. 8 or 7,5 (0 if nothing)",
    )
    async def delivered(
        self,
        interaction: discord.Interaction,
        purchase: IdOption,
        item: app_commands.Range[str, 1, 80],
        quantity: app_commands.Range[str, 1, 16],
    ) -> None:
        await flows.require_coordinator(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        arrival = await flows.record_arrival(
            self.bot, guild_id=interaction.guild_id, purchase_id=purchase, item_name=item, quantity=quantity
        )
        names = {change.user_id: f"<@{change.user_id}>" for change in arrival.changes}
        for page in paginate_lines(views.arrival_summary(arrival.purchase, arrival, names)):
            await reply(interaction, page)

    @delivered.autocomplete("item")
    async def _items(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        purchase_id = getattr(interaction.namespace, "purchase", None)
        if not isinstance(purchase_id, int):
            return []
        names = await service.item_names(interaction.guild_id, purchase_id, str(current or ""))
        return [app_commands.Choice(name=truncate(name, 100), value=name) for name in names]

    # ------------------------------------------------------------ pickup

    @pickup.command(name="add", description="Add a pickup point with its time slot (order coordinators)")
    @app_commands.describe(
        purchase="The purchase's number",
        place="Where members collect their orders",
        slot="When, e.g. Saturday 10:00–12:00",
    )
    async def pickup_add(
        self,
        interaction: discord.Interaction,
        purchase: IdOption,
        place: app_commands.Range[str, 1, 100],
        slot: app_commands.Range[str, 1, 100],
    ) -> None:
        await flows.require_coordinator(interaction)
        point = await service.add_pickup_point(
            guild_id=interaction.guild_id, purchase_id=purchase, place=place, slot=slot
        )
        await reply(
            interaction,
            _("Pickup point added to purchase #{id}: {point}.", id=purchase, point=views.pickup_text(point)),
        )

    @pickup.command(name="choose", description="Choose where you pick up your order")
    @app_commands.describe(purchase="The purchase's number", point="The pickup point")
    async def pickup_choose(self, interaction: discord.Interaction, purchase: IdOption, point: IdOption) -> None:
        chosen = await service.choose_pickup(
            guild_id=interaction.guild_id, purchase_id=purchase, point_id=point, user_id=interaction.user.id
        )
        await reply(interaction, _("Purchase #{id}: {point}.", id=purchase, point=views.pickup_text(chosen)))

    @pickup.command(name="list", description="Who collects what where, by direct message (coordinators, treasurer)")
    @app_commands.describe(purchase="The purchase's number")
    async def pickup_list(self, interaction: discord.Interaction, purchase: IdOption) -> None:
        if not await flows.sees_names(interaction.user):
            raise NotAllowed(N_("Only order coordinators, the treasurer or moderators can see who collects what."))
        dist = await service.distribution(interaction.guild_id, purchase)
        await interaction.response.defer(ephemeral=True, thinking=True)
        sent = await flows.send_distribution(self.bot, interaction.user, dist)
        head = (
            _("The distribution lists are in your direct messages, with a button per member.")
            if sent
            else _("I could not send you a direct message: allow messages from this server and try again.")
        )
        for page in paginate_lines([head, "", *views.not_collected_lines(dist)]):
            await reply(interaction, page)

    @pickup_choose.autocomplete("point")
    async def _points(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        purchase_id = getattr(interaction.namespace, "purchase", None)
        if not isinstance(purchase_id, int):
            return []
        points = await service.pickup_points_of(interaction.guild_id, purchase_id)
        wanted = str(current or "").casefold()
        return [
            app_commands.Choice(name=truncate(f"{point.place}, {point.slot}", 100), value=point.pk)
            for point in points
            if wanted in f"{point.place} {point.slot}".casefold()
        ][:25]

    # ------------------------------------------------------------ suppliers

    @supplier.command(name="add", description="Add a supplier the group buys from again (order coordinators)")
    @app_commands.describe(name="The supplier's name", currency="Three-letter currency code (PLN if empty)")
    async def supplier_add(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        currency: str = service.DEFAULT_CURRENCY,
    ) -> None:
        member = await flows.require_coordinator(interaction)
        row = await catalogue.add_supplier(
            guild_id=interaction.guild_id, user_id=member.id, name=name, currency=currency, now=now()
        )
        await reply(
            interaction,
            _(
                "Supplier “{name}” added ({currency}). Add items with {item} or {import_}.",
                name=row.name,
                currency=row.currency,
                item=mention(self.bot, "purchase supplier item"),
                import_=mention(self.bot, "purchase supplier import"),
            ),
        )

    @supplier.command(
        name="item", description="Add an item to a supplier's catalogue, or change it (order coordinators)"
    )
    @app_commands.describe(
        supplier="The supplier",
        name="The item (an item of the same name is changed)",
        unit="Its unit: kg, piece, litre…",
        price="Price per unit, e.g. 4,50",
        bulk_min="Total quantity the supplier needs for this item",
        shop_price="What a unit costs in a shop, to show what buying together saves",
    )
    async def supplier_item(
        self,
        interaction: discord.Interaction,
        supplier: app_commands.Range[str, 1, 100],
        name: app_commands.Range[str, 1, 80],
        unit: app_commands.Range[str, 1, 20],
        price: app_commands.Range[str, 1, 20],
        bulk_min: app_commands.Range[str, 1, 20] | None = None,
        shop_price: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await flows.require_coordinator(interaction)
        row, entry, added = await catalogue.set_item(
            guild_id=interaction.guild_id,
            supplier_name=supplier,
            name=name,
            unit=unit,
            price=price,
            bulk_min=bulk_min,
            shop_price=shop_price,
        )
        shown = dict(supplier=row.name, item=entry.name, price=format_money(entry.unit_price, row.currency))
        text = (
            _("Added to the catalogue of {supplier}: {item}, {price}.", **shown)
            if added
            else _("Changed in the catalogue of {supplier}: {item}, now {price}.", **shown)
        )
        await reply(interaction, text)

    @supplier.command(name="remove-item", description="Remove an item from a supplier's catalogue (order coordinators)")
    @app_commands.describe(supplier="The supplier", item="The item to remove")
    async def supplier_remove_item(
        self,
        interaction: discord.Interaction,
        supplier: app_commands.Range[str, 1, 100],
        item: app_commands.Range[str, 1, 80],
    ) -> None:
        await flows.require_coordinator(interaction)
        row, name = await catalogue.remove_item(guild_id=interaction.guild_id, supplier_name=supplier, name=item)
        await reply(interaction, _("Removed from the catalogue of {supplier}: {item}.", supplier=row.name, item=name))

    @supplier.command(name="import", description="Import a supplier's items from a CSV file (order coordinators)")
    @app_commands.describe(
        supplier="The supplier",
        file="A .csv file whose first line is: name,unit,price,bulk_min,shop_price (the last two may be left out)",
    )
    async def supplier_import(
        self, interaction: discord.Interaction, supplier: app_commands.Range[str, 1, 100], file: discord.Attachment
    ) -> None:
        await flows.require_coordinator(interaction)
        if not file.filename.lower().endswith(".csv"):
            raise InvalidInput(N_("The file must be a .csv file."))
        if file.size > catalogue.MAX_CSV_BYTES:
            raise catalogue.too_large()
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            raw = await file.read()
        except discord.HTTPException:
            raise DiscordRefused(
                N_("I could not download the file from Discord. Nothing was imported; try again.")
            ) from None
        row, added, changed = await catalogue.import_csv(guild_id=interaction.guild_id, supplier_name=supplier, raw=raw)
        await reply(
            interaction,
            _n(
                "Imported into the catalogue of {supplier}: {n} item added, {changed} changed.",
                "Imported into the catalogue of {supplier}: {n} items added, {changed} changed.",
                added,
                supplier=row.name,
                changed=changed,
            ),
        )

    @supplier.command(name="show", description="A supplier's catalogue")
    @app_commands.describe(supplier="The supplier")
    async def supplier_show(self, interaction: discord.Interaction, supplier: app_commands.Range[str, 1, 100]) -> None:
        row = await catalogue.get_supplier(interaction.guild_id, supplier)
        lines = views.catalogue_lines(row, await catalogue.catalogue(row.pk))
        await Pager(paginate_lines(lines), owner_id=interaction.user.id).send(interaction)

    @repeat.autocomplete("supplier")
    @supplier_item.autocomplete("supplier")
    @supplier_remove_item.autocomplete("supplier")
    @supplier_import.autocomplete("supplier")
    @supplier_show.autocomplete("supplier")
    async def _suppliers(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = await catalogue.supplier_names(interaction.guild_id, str(current or ""))
        return [app_commands.Choice(name=truncate(name, 100), value=name) for name in names]

    @supplier_remove_item.autocomplete("item")
    async def _catalogue_items(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        supplier = getattr(interaction.namespace, "supplier", None)
        if not isinstance(supplier, str):
            return []
        names = await catalogue.item_names(interaction.guild_id, supplier, str(current or ""))
        return [app_commands.Choice(name=truncate(name, 100), value=name) for name in names]

    # ------------------------------------------------------------ members

    @purchase.command(name="mine", description="Your orders and bills")
    @app_commands.describe(purchase="One purchase (all of yours if empty)")
    async def mine(self, interaction: discord.Interaction, purchase: IdOption | None = None) -> None:
        if purchase is not None:
            row = await service.get_purchase(interaction.guild_id, purchase)
            if service.takes_orders(row, now()):
                await views.send_cart(interaction, row, page=0)
                return
            rows = [row]
        else:
            rows = await service.member_purchases(interaction.guild_id, interaction.user.id)
        lines: list[str] = []
        for row in rows:
            cart = await service.cart(row, interaction.user.id)
            bill = await service.bill_of(row.pk, interaction.user.id)
            lines.extend(
                (views.bill_text(row, bill, cart) if bill is not None else views.cart_text(row, cart)).split("\n")
            )
            lines.append("")
        if not lines:
            await reply(interaction, _("You have not ordered anything in a joint purchase yet."))
            return
        await Pager(paginate_lines(lines), owner_id=interaction.user.id).send(interaction)

    @purchase.command(name="savings", description="What buying together saved over the season")
    @app_commands.describe(since="From a UTC date like 2026-03-01 (every purchase if empty)")
    async def savings(
        self, interaction: discord.Interaction, since: app_commands.Range[str, 1, 20] | None = None
    ) -> None:
        start = service.parse_since(since) if since else None
        rows = await service.season_savings(interaction.guild_id, start)
        await Pager(paginate_lines(views.season_lines(rows, start)), owner_id=interaction.user.id).send(interaction)

    @purchase.command(name="ledger", description="The open books of a purchase")
    @app_commands.describe(purchase="The purchase's number")
    async def ledger(self, interaction: discord.Interaction, purchase: IdOption) -> None:
        book = await service.ledger(interaction.guild_id, purchase)
        names = balances = None
        if await flows.sees_names(interaction.user):
            names = {bill.user_id: f"<@{bill.user_id}>" for bill in book.bills}
            balances = await service.balances_in(interaction.guild_id, book.purchase.currency, list(names))
        lines = views.ledger_lines(book, names, balances)
        await Pager(paginate_lines(lines), owner_id=interaction.user.id).send(interaction)

    # ------------------------------------------------------------ treasurer

    # A discord.User, not a Member: someone who paid and then left the server is still recorded.
    @purchase.command(name="paid", description="Record that a member paid their bill, or part of it (treasurer)")
    @app_commands.describe(
        purchase="The purchase's number", member="Who paid", amount="How much, if only part of the bill (e.g. 20,00)"
    )
    async def paid(
        self,
        interaction: discord.Interaction,
        purchase: IdOption,
        member: discord.User,
        amount: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await self._set_paid(interaction, purchase, member, paid=True, amount=amount)

    @purchase.command(name="unpaid", description="Undo the payments recorded for a bill (treasurer)")
    @app_commands.describe(purchase="The purchase's number", member="Whose payment to undo")
    async def unpaid(self, interaction: discord.Interaction, purchase: IdOption, member: discord.User) -> None:
        await self._set_paid(interaction, purchase, member, paid=False)

    async def _set_paid(
        self,
        interaction: discord.Interaction,
        purchase: int,
        member: discord.User,
        *,
        paid: bool,
        amount: str | None = None,
    ) -> None:
        treasurer = await flows.require_treasurer(interaction)
        moved = await service.set_paid(
            guild_id=interaction.guild_id,
            purchase_id=purchase,
            user_id=member.id,
            paid=paid,
            by=treasurer.id,
            now=now(),
            amount=amount,
        )
        row, bill = await service.get_purchase(interaction.guild_id, purchase), moved.bill
        if paid:
            amount = format_money(moved.amount, row.currency)
            text = _("{member} paid {amount} for purchase #{id}.", member=member.mention, amount=amount, id=purchase)
            if bill.paid_amount < bill.total:
                text += " " + views.paid_state(row, bill)
        else:
            text = _(
                "{member}'s bill of {amount} for purchase #{id} is unpaid again.",
                member=member.mention,
                amount=format_money(bill.total, row.currency),
                id=purchase,
            )
        await reply(interaction, text)

    @purchase.command(name="refund", description="Record that a member's credit was paid back (treasurer)")
    @app_commands.describe(
        purchase="The purchase whose bill holds the credit",
        member="Who was paid back",
        amount="How much, if not all of the credit (e.g. 5,00)",
    )
    async def refund(
        self,
        interaction: discord.Interaction,
        purchase: IdOption,
        member: discord.User,
        amount: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        treasurer = await flows.require_treasurer(interaction)
        moved = await service.refund(
            guild_id=interaction.guild_id,
            purchase_id=purchase,
            user_id=member.id,
            by=treasurer.id,
            now=now(),
            amount=amount,
        )
        row = await service.get_purchase(interaction.guild_id, purchase)
        await reply(
            interaction,
            _(
                "Paid back to {member}: {amount} of the credit on purchase #{id}.",
                member=member.mention,
                amount=format_money(-moved.amount, row.currency),
                id=purchase,
            ),
        )

    @purchase.command(name="balance", description="What a member owes or has in credit across all purchases")
    @app_commands.describe(member="Whose balance (yours if empty; others' for the treasurer and coordinators)")
    async def balance(self, interaction: discord.Interaction, member: discord.User | None = None) -> None:
        who = member or interaction.user
        if who.id != interaction.user.id and not await flows.sees_names(interaction.user):
            raise NotAllowed(N_("Only order coordinators, the treasurer or moderators can see others' balances."))
        balances = await service.balances(interaction.guild_id, who.id)
        lines = views.balance_lines(who.mention, balances, own=who.id == interaction.user.id)
        await Pager(paginate_lines(lines), owner_id=interaction.user.id).send(interaction)

    @purchase.command(
        name="export", description="Download a purchase's orders and bills as CSV (coordinators, treasurer)"
    )
    @app_commands.describe(purchase="The purchase's number")
    @cooldowns.limited(EXPORT_COOLDOWN)
    async def export(self, interaction: discord.Interaction, purchase: IdOption) -> None:
        if not await flows.sees_names(interaction.user):
            raise NotAllowed(N_("Only order coordinators, the treasurer or moderators can export a purchase."))
        row, lines, bills = await service.export_rows(interaction.guild_id, purchase)
        ids = {line.user_id for line in lines} | {bill.user_id for bill in bills}
        names = {}
        for user_id in ids:
            member = interaction.guild.get_member(user_id)
            names[user_id] = member.display_name if member is not None else ""
        data = views.csv_text(row, lines, bills, names, await service.items_of(row.pk)).encode("utf-8")
        file = discord.File(io.BytesIO(data), filename=f"purchase-{row.pk}.csv")
        await reply(interaction, _("Orders and bills of purchase #{id}.", id=row.pk), file=file)

    # ------------------------------------------------------------ autocomplete

    @item.autocomplete("purchase")
    @repeat.autocomplete("purchase")
    @delivered.autocomplete("purchase")
    @pickup_add.autocomplete("purchase")
    @pickup_choose.autocomplete("purchase")
    @pickup_list.autocomplete("purchase")
    @publish.autocomplete("purchase")
    @close.autocomplete("purchase")
    @mine.autocomplete("purchase")
    @ledger.autocomplete("purchase")
    @paid.autocomplete("purchase")
    @unpaid.autocomplete("purchase")
    @refund.autocomplete("purchase")
    @export.autocomplete("purchase")
    async def _purchases(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        rows = await service.recent_purchases(interaction.guild_id, str(current or ""))
        return [app_commands.Choice(name=truncate(f"#{row.pk} {row.title}", 100), value=row.pk) for row in rows]
