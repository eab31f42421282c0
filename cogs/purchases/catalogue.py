"""Suppliers and their catalogues, on models and plain values (no Discord here).

A supplier is named once per server and sells in one currency; its catalogue holds items with
a unit, a price, an optional bulk minimum and an optional shop price, typed one by one or
imported from a CSV file. An import is all or nothing: any bad line refuses the whole file,
and the refusal lists every bad line by its number, so a coordinator fixes the file once.
Amounts are read exactly as a purchase reads them (cogs/purchases/money.py). A purchase is
opened again from an earlier one or from a catalogue: its items copied, its orders not.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from cogs.purchases import money, service
from gromada.errors import Conflict, GromadaError, InvalidInput, LimitReached, NotFound
from gromada.i18n import N_, Plural, translate
from gromada.text import clean
from models.purchases import Purchase, PurchaseItem, Supplier, SupplierItem

# As many as a purchase may hold, so a purchase opened from a catalogue takes all of it.
MAX_CATALOGUE_ITEMS = 50
MAX_SUPPLIERS = 100
MAX_CSV_BYTES = 64 * 1024
REQUIRED_COLUMNS = ("name", "unit", "price")
OPTIONAL_COLUMNS = ("bulk_min", "shop_price")
# A refusal fits in one Discord message: the lines beyond this many characters are counted, not listed.
REFUSAL_ROOM = 1800


@dataclass(frozen=True)
class Entry:
    """A catalogue item as read from what a person typed."""

    name: str
    unit: str
    unit_price: int
    bulk_min: Decimal | None = None
    shop_price: int | None = None


def _text(value: str | None, limit: int) -> str:
    return clean(value, one_line=True)[:limit]


def read_entry(
    currency: str,
    *,
    name: str | None,
    unit: str | None,
    price: str | None,
    bulk_min: str | None = None,
    shop_price: str | None = None,
) -> Entry:
    """One item's fields as a person typed them, checked as /purchase item checks them."""
    label, unit_label = _text(name, 80), _text(unit, 20)
    if not label or not unit_label:
        raise InvalidInput(N_("An item needs a name and a unit (kg, piece, litre…)."))
    if not clean(price):
        raise InvalidInput(N_("{item} has no price."), item=label)
    return Entry(
        name=label,
        unit=unit_label,
        unit_price=money.parse_amount(price, currency, allow_zero=False),
        bulk_min=money.parse_quantity(bulk_min) if clean(bulk_min) else None,
        shop_price=money.parse_amount(shop_price, currency, allow_zero=False) if clean(shop_price) else None,
    )


# ---------------------------------------------------------------- suppliers


SUPPLIER_MISSING = N_("There is no supplier called “{name}” on this server.")


async def add_supplier(*, guild_id: int, user_id: int, name: str, currency: str | None, now: datetime) -> Supplier:
    label = _text(name, 100)
    if not label:
        raise InvalidInput(N_("The supplier needs a name."))
    code = money.currency_code(currency or "PLN")
    if await Supplier.filter(guild_id=guild_id, name__iexact=label).exists():
        raise InvalidInput(N_("There is already a supplier called “{name}”."), name=label)
    if await Supplier.filter(guild_id=guild_id).count() >= MAX_SUPPLIERS:
        raise LimitReached(
            Plural("A server can have at most {n} supplier.", "A server can have at most {n} suppliers.", MAX_SUPPLIERS)
        )
    try:
        return await Supplier.create(guild_id=guild_id, name=label, currency=code, created_by=user_id, created_at=now)
    except IntegrityError:  # added by someone else at the same moment
        raise InvalidInput(N_("There is already a supplier called “{name}”."), name=label) from None


async def get_supplier(guild_id: int, name: str) -> Supplier:
    label = _text(name, 100)
    supplier = await Supplier.get_or_none(guild_id=guild_id, name__iexact=label) if label else None
    if supplier is None:
        raise NotFound(SUPPLIER_MISSING, name=label)
    return supplier


async def supplier_names(guild_id: int, search: str = "", limit: int = 25) -> list[str]:
    query = Supplier.filter(guild_id=guild_id)
    if term := clean(search):
        query = query.filter(name__icontains=term)
    return list(await query.order_by("name").limit(limit).values_list("name", flat=True))


async def catalogue(supplier_id: int) -> list[SupplierItem]:
    return await SupplierItem.filter(supplier_id=supplier_id).order_by("position")


def _too_many() -> LimitReached:
    return LimitReached(
        Plural("A catalogue can have at most {n} item.", "A catalogue can have at most {n} items.", MAX_CATALOGUE_ITEMS)
    )


async def _store(supplier: Supplier, entries: list[Entry]) -> tuple[int, int]:
    """Inside a transaction: add the entries, or change the items of the same name; (added, changed)."""
    existing = {item.name.casefold(): item for item in await catalogue(supplier.pk)}
    new = [entry for entry in entries if entry.name.casefold() not in existing]
    if len(existing) + len(new) > MAX_CATALOGUE_ITEMS:
        raise _too_many()
    position = max((item.position for item in existing.values()), default=-1) + 1
    for entry in entries:
        fields = {
            "unit": entry.unit,
            "unit_price": entry.unit_price,
            "bulk_min": entry.bulk_min,
            "shop_price": entry.shop_price,
        }
        item = existing.get(entry.name.casefold())
        if item is not None:
            await SupplierItem.filter(id=item.pk).update(name=entry.name, **fields)
            continue
        await SupplierItem.create(supplier_id=supplier.pk, position=position, name=entry.name, **fields)
        position += 1
    return len(new), len(entries) - len(new)


async def set_item(
    *,
    guild_id: int,
    supplier_name: str,
    name: str,
    unit: str,
    price: str,
    bulk_min: str | None = None,
    shop_price: str | None = None,
) -> tuple[Supplier, Entry, bool]:
    """Add an item to a supplier's catalogue, or change the one of that name; True if added."""
    supplier = await get_supplier(guild_id, supplier_name)
    entry = read_entry(supplier.currency, name=name, unit=unit, price=price, bulk_min=bulk_min, shop_price=shop_price)
    try:
        async with in_transaction():
            added, _changed = await _store(supplier, [entry])
    except IntegrityError:  # the same item added at the same moment
        raise Conflict() from None
    return supplier, entry, bool(added)


async def remove_item(*, guild_id: int, supplier_name: str, name: str) -> tuple[Supplier, str]:
    supplier = await get_supplier(guild_id, supplier_name)
    label = _text(name, 80)
    item = await SupplierItem.get_or_none(supplier_id=supplier.pk, name__iexact=label) if label else None
    if item is None or not await SupplierItem.filter(id=item.pk).delete():
        raise NotFound(N_("{supplier} has no item called “{name}”."), supplier=supplier.name, name=label)
    return supplier, item.name


async def item_names(guild_id: int, supplier_name: str, search: str = "", limit: int = 25) -> list[str]:
    supplier = await Supplier.get_or_none(guild_id=guild_id, name__iexact=_text(supplier_name, 100))
    if supplier is None:
        return []
    wanted = clean(search).casefold()
    return [item.name for item in await catalogue(supplier.pk) if wanted in item.name.casefold()][:limit]


# ---------------------------------------------------------------- importing a CSV file


class LinesRefused(InvalidInput):
    """A file with bad lines: nothing was imported, and each bad line is named with its problem."""

    def __init__(self, problems: list[tuple[int, GromadaError]]) -> None:
        self.problems = problems
        super().__init__(
            Plural(
                "Nothing was imported: {n} line of the file has a problem.",
                "Nothing was imported: {n} lines of the file have a problem.",
                len(problems),
            )
        )

    def render(self, locale: str | None = None, bot: Any = None) -> str:
        lines = [super().render(locale, bot)]
        for shown, (number, problem) in enumerate(self.problems):
            line = translate(N_("Line {line}: {problem}"), locale=locale, line=number, problem=problem.render(locale))
            if sum(len(text) + 1 for text in lines) + len(line) > REFUSAL_ROOM:
                left = len(self.problems) - shown
                lines.append(
                    translate(Plural("…and {n} more line.", "…and {n} more lines.", left), locale=locale, n=left)
                )
                break
            lines.append(line)
        return "\n".join(lines)


def too_large() -> InvalidInput:
    return InvalidInput(N_("The file is too large (at most {kb} KB)."), kb=MAX_CSV_BYTES // 1024)


def _decoded(raw: bytes) -> str:
    if len(raw) > MAX_CSV_BYTES:  # what arrived, whatever the attachment claimed
        raise too_large()
    try:
        return raw.decode("utf-8-sig")  # a spreadsheet's byte order mark is not part of the first column
    except UnicodeDecodeError:
        raise InvalidInput(N_("The file is not UTF-8 text.")) from None


def _dialect(first_line: str) -> type[csv.Dialect] | csv.Dialect:
    """Commas, or semicolons as spreadsheets write CSV where the decimal mark is a comma."""
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_csv(raw: bytes, currency: str) -> list[Entry]:
    """The entries of a CSV file whose first line names the columns; LinesRefused listing every bad line."""
    text = _decoded(raw)
    lines = text.splitlines()
    if not lines or not clean(lines[0]):
        raise InvalidInput(
            N_("The file is empty. Its first line names the columns: {columns}."), columns=_columns_hint()
        )
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(lines[0]))
    try:
        header = [clean(cell).casefold() for cell in next(reader)]
        unknown = [cell for cell in header if cell not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if unknown or missing or len(set(header)) != len(header):
            raise LinesRefused([(1, _bad_header())])
        problems: list[tuple[int, GromadaError]] = []
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        for cells in reader:
            number = reader.line_num
            if not any(clean(cell) for cell in cells):
                continue  # blank lines are not items
            if len(cells) != len(header):
                problems.append(
                    (
                        number,
                        InvalidInput(
                            Plural(
                                "{n} column where the first line has {expected}.",
                                "{n} columns where the first line has {expected}.",
                                len(cells),
                            ),
                            expected=len(header),
                        ),
                    )
                )
                continue
            row = dict(zip(header, cells, strict=True))
            try:
                entry = read_entry(
                    currency, **{column: row.get(column) for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
                )
            except GromadaError as problem:
                problems.append((number, problem))
                continue
            key = entry.name.casefold()
            if key in seen:
                problems.append(
                    (number, InvalidInput(N_("{item} is already on line {line}."), item=entry.name, line=seen[key]))
                )
                continue
            seen[key] = number
            entries.append(entry)
    except csv.Error:
        raise LinesRefused([(reader.line_num, InvalidInput(N_("This line is not valid CSV.")))]) from None
    if problems:
        raise LinesRefused(problems)
    if not entries:
        raise InvalidInput(N_("The file has no items under its first line."))
    return entries


def _columns_hint() -> str:
    return ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)


def _bad_header() -> InvalidInput:
    return InvalidInput(
        N_("the columns must be {required}, and optionally {optional}."),
        required=", ".join(REQUIRED_COLUMNS),
        optional=", ".join(OPTIONAL_COLUMNS),
    )


async def import_csv(*, guild_id: int, supplier_name: str, raw: bytes) -> tuple[Supplier, int, int]:
    """Every item of the file into the supplier's catalogue, or none; (supplier, added, changed)."""
    supplier = await get_supplier(guild_id, supplier_name)
    entries = read_csv(raw, supplier.currency)
    try:
        async with in_transaction():
            added, changed = await _store(supplier, entries)
    except IntegrityError:
        raise Conflict() from None
    return supplier, added, changed


# ---------------------------------------------------------------- opening a purchase again


@dataclass(frozen=True)
class Repeated:
    purchase: Purchase
    items: int
    source: str  # what it was opened from: "#12 Vegetables", or the supplier's name


async def repeat_purchase(
    *,
    guild_id: int,
    user_id: int,
    deadline: str,
    now: datetime,
    purchase_id: int | None = None,
    supplier_name: str | None = None,
    title: str | None = None,
    delivery_fee: str | None = None,
) -> Repeated:
    """A new draft purchase with the items of an earlier purchase or of a supplier's catalogue.

    Items are copied as they are offered (price, minimum, shop price), never what became of them
    (dropped, bought anyway, arrived); members' orders are not copied. The delivery fee is the
    earlier purchase's unless `delivery_fee` is given (a catalogue has none: deliveries differ).
    """
    if (purchase_id is None) == (supplier_name is None):
        raise InvalidInput(N_("Name either an earlier purchase or a supplier to open the purchase from."))
    if purchase_id is not None:
        earlier = await service.get_purchase(guild_id, purchase_id)
        items = [
            {
                "name": item.name,
                "unit": item.unit,
                "unit_price": item.unit_price,
                "bulk_min": item.bulk_min,
                "max_per_member": item.max_per_member,
                "shop_price": item.shop_price,
            }
            for item in await service.items_of(earlier.pk)
        ]
        terms = {"supplier": earlier.supplier, "currency": earlier.currency}
        fee, name, source = earlier.delivery_fee, earlier.title, f"#{earlier.pk} {earlier.title}"
    else:
        supplier = await get_supplier(guild_id, supplier_name)
        items = [
            {
                "name": item.name,
                "unit": item.unit,
                "unit_price": item.unit_price,
                "bulk_min": item.bulk_min,
                "shop_price": item.shop_price,
            }
            for item in await catalogue(supplier.pk)
        ]
        if not items:
            raise InvalidInput(N_("The catalogue of {supplier} has no items yet."), supplier=supplier.name)
        terms = {"supplier": supplier.name, "currency": supplier.currency}
        fee, name, source = 0, supplier.name, supplier.name
    async with in_transaction():
        purchase = await service.open_purchase(
            guild_id=guild_id,
            user_id=user_id,
            title=title or name,
            deadline=deadline,
            now=now,
            delivery_fee=delivery_fee,
            **terms,
        )
        if fee and delivery_fee is None:
            purchase.delivery_fee = fee
            await purchase.save(update_fields=["delivery_fee"])
        await PurchaseItem.bulk_create(
            [PurchaseItem(purchase_id=purchase.pk, position=position, **item) for position, item in enumerate(items)]
        )
    return Repeated(purchase, len(items), source)
