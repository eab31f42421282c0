"""The order card's button and the member's cart: persistent items, state from the database.

Every component here is a DynamicItem (`purchase:<action>:<id>…`), so a cart opened before
a restart still works after it. Quantities are typed in a modal whose input is `quantity`.
"""

from __future__ import annotations

import logging

import discord

from cogs.purchases import service, texts
from cogs.purchases.money import format_money, format_quantity, plain_quantity
from gromada.errors import NotFound
from gromada.i18n import _, use_locale
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from gromada.ui import BaseModal, PersistentItem, reply, truncate
from models.purchases import Purchase, PurchaseStatus

log = logging.getLogger(__name__)

PAGE_SIZE = 25  # Discord's limit of options in one select


# ---------------------------------------------------------------- the order card


async def card_embed(purchase: Purchase) -> discord.Embed:
    items = await service.items_of(purchase.pk)
    ordered = await service.ordered_quantities(purchase.pk)
    return discord.Embed(
        title=truncate(texts.card_title(purchase), 256),
        description=truncate(texts.card_description(purchase, items, ordered), 4096),
        colour=discord.Colour.green() if purchase.status == PurchaseStatus.OPEN else discord.Colour.dark_grey(),
    )


def card_view(purchase: Purchase) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    button = OrderButton(purchase.pk)
    button.item.label = _("Order")
    button.item.disabled = purchase.status != PurchaseStatus.OPEN
    view.add_item(button)
    return view


async def refresh_card(client: discord.Client, purchase_id: int) -> None:
    """Show current quantities on the published card (best effort: the database is the truth)."""
    purchase = await Purchase.get_or_none(id=purchase_id)
    if purchase is None or purchase.channel_id is None or purchase.message_id is None:
        return
    channel = client.get_channel(purchase.channel_id)
    if channel is None:
        return
    with use_locale(await language_for_guild(client, purchase.guild_id)):
        embed, view = await card_embed(purchase), card_view(purchase)
    try:
        await channel.get_partial_message(purchase.message_id).edit(embed=embed, view=view)
    except discord.HTTPException:
        log.warning("could not refresh the card of purchase %s", purchase_id, exc_info=True)


class OrderButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"purchase:order:(?P<id>\d+)"):
    def __init__(self, purchase_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary, label="Order", custom_id=f"purchase:order:{purchase_id}"
            )
        )
        self.purchase_id = purchase_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        purchase = await _open_purchase(interaction, self.purchase_id)
        await send_cart(interaction, purchase, page=0)


async def _open_purchase(interaction: discord.Interaction, purchase_id: int) -> Purchase:
    return await service.open_for_orders(interaction.guild_id, purchase_id, now())


# ---------------------------------------------------------------- the cart


async def cart_message(purchase: Purchase, user_id: int, page: int) -> tuple[str, discord.ui.View]:
    items = await service.items_of(purchase.pk)
    lines = await service.cart(purchase, user_id)
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    view = discord.ui.View(timeout=None)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if shown and purchase.status == PurchaseStatus.OPEN:
        pick = ItemPick(purchase.pk, page)
        pick.item.placeholder = _("Add or change an item…")
        for item in shown:
            pick.item.add_option(
                label=truncate(item.name, 100),
                value=str(item.pk),
                description=truncate(texts.price(purchase, item), 100),
            )
        view.add_item(pick)
    if pages > 1:
        for target, label in ((page - 1, _("Previous items")), (page + 1, _("More items"))):
            if 0 <= target < pages:
                view.add_item(ItemsPage(purchase.pk, target, label))
    # The lines of the items on this page: at most 25 (a select's limit), and every line
    # of a long cart is reachable by paging, as its item is.
    on_page = {item.pk for item in shown}
    removable = [line for line in lines if line.item.pk in on_page]
    if removable and purchase.status == PurchaseStatus.OPEN:
        remove = LineRemove(purchase.pk, page)
        remove.item.placeholder = _("Remove a line…")
        for line in removable:
            remove.item.add_option(
                label=truncate(line.item.name, 100),
                value=str(line.item.pk),
                description=truncate(_line_summary(purchase, line), 100),
            )
        view.add_item(remove)
    text = texts.cart_text(purchase, lines)
    if pages > 1:
        text += "\n" + _(
            "Items {first}–{last} of {total}.",
            first=page * PAGE_SIZE + 1,
            last=page * PAGE_SIZE + len(shown),
            total=len(items),
        )
    return truncate(text, 2000), view


def _line_summary(purchase: Purchase, line: service.CartLine) -> str:
    return f"{format_quantity(line.quantity)} {line.item.unit} · {format_money(line.value, purchase.currency)}"


async def send_cart(interaction: discord.Interaction, purchase: Purchase, page: int) -> None:
    text, view = await cart_message(purchase, interaction.user.id, page)
    await reply(interaction, text, view=view)


async def edit_cart(interaction: discord.Interaction, purchase: Purchase, page: int) -> None:
    text, view = await cart_message(purchase, interaction.user.id, page)
    await interaction.response.edit_message(content=text, view=view)


class ItemPick(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"purchase:pick:(?P<id>\d+):(?P<page>\d+)"
):
    def __init__(self, purchase_id: int, page: int) -> None:
        super().__init__(discord.ui.Select(custom_id=f"purchase:pick:{purchase_id}:{page}"))
        self.purchase_id = purchase_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]), int(match["page"]))

    async def run(self, interaction: discord.Interaction) -> None:
        purchase = await _open_purchase(interaction, self.purchase_id)
        item_id = int(self.item.values[0])
        item = next((item for item in await service.items_of(purchase.pk) if item.pk == item_id), None)
        if item is None:
            raise NotFound()
        current = next(
            (line.quantity for line in await service.cart(purchase, interaction.user.id) if line.item.pk == item_id),
            None,
        )
        await interaction.response.send_modal(QuantityModal(purchase, item, current, self.page))


class QuantityModal(BaseModal):
    def __init__(self, purchase: Purchase, item, current, page: int) -> None:
        super().__init__(title=truncate(_("How much {item}?", item=item.name), 45))
        self.purchase_id = purchase.pk
        self.item_id = item.pk
        self.page = page
        hint = _("In {unit}, e.g. 2 or 1,5", unit=item.unit)
        if item.max_per_member is not None:
            hint = _("In {unit}, at most {max}", unit=item.unit, max=format_quantity(item.max_per_member))
        self.quantity = discord.ui.TextInput(
            custom_id="quantity",
            label=truncate(_("Quantity"), 45),
            placeholder=truncate(hint, 100),
            default=plain_quantity(current) if current is not None else None,
            max_length=16,
        )
        self.add_item(self.quantity)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await service.set_quantity(
            guild_id=interaction.guild_id,
            purchase_id=self.purchase_id,
            item_id=self.item_id,
            user_id=interaction.user.id,
            quantity=self.quantity.value,
            now=now(),
        )
        purchase = await service.get_purchase(interaction.guild_id, self.purchase_id)
        await send_cart(interaction, purchase, self.page)
        await refresh_card(interaction.client, self.purchase_id)


class LineRemove(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Select],
    # Carts posted before pages existed carry no page: they were page 0.
    template=r"purchase:remove:(?P<id>\d+)(?::(?P<page>\d+))?",
):
    def __init__(self, purchase_id: int, page: int = 0) -> None:
        super().__init__(discord.ui.Select(custom_id=f"purchase:remove:{purchase_id}:{page}"))
        self.purchase_id = purchase_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]), int(match["page"] or 0))

    async def run(self, interaction: discord.Interaction) -> None:
        await service.remove_line(
            guild_id=interaction.guild_id,
            purchase_id=self.purchase_id,
            item_id=int(self.item.values[0]),
            user_id=interaction.user.id,
            now=now(),
        )
        purchase = await service.get_purchase(interaction.guild_id, self.purchase_id)
        await edit_cart(interaction, purchase, self.page)
        await refresh_card(interaction.client, self.purchase_id)


class ItemsPage(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"purchase:items:(?P<id>\d+):(?P<page>\d+)"
):
    def __init__(self, purchase_id: int, page: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary, label=label, custom_id=f"purchase:items:{purchase_id}:{page}"
            )
        )
        self.purchase_id = purchase_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]), int(match["page"]))

    async def run(self, interaction: discord.Interaction) -> None:
        purchase = await _open_purchase(interaction, self.purchase_id)
        await edit_cart(interaction, purchase, self.page)


DYNAMIC_ITEMS = (OrderButton, ItemPick, LineRemove, ItemsPage)
