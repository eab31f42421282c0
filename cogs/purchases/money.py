"""Money and quantities, pure: parsing what people type, and writing it back.

Amounts are integers in the currency's minor unit (1 PLN = 100 groszy); how many
decimals a currency has, and how it is written in each language, comes from Babel's CLDR
data. Quantities are Decimals (3.5 kg), never floats, so nothing drifts. The arithmetic of
a bill (line values, exact splits) is in rules.py.

Units: a coordinator types an item's unit freely ("kg", "jar", "słoik"), and it is stored as
typed. When it is shown, a unit we know is written in the reader's language with the right
plural form: measures (kg, g, l, ml) by CLDR's unit patterns through Babel, counted things
(piece, jar, bottle…) by gettext plurals in the purchases catalogs. A unit we do not know
cannot be declined, so it is written the way a receipt writes it, "2 × bunch", which reads in
every language. Part of a counted thing ("1.5 jar") takes a form gettext's integer plurals do
not have in Polish, so it is written the receipt way too.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    is_currency,
)
from babel.units import format_unit

from gromada.errors import InvalidInput
from gromada.i18n import N_, Plural, current_locale, translate

# "4", "4,50", "4.50", "1000.5": digits with an optional decimal comma or point.
_NUMBER = re.compile(r"\d{1,12}(?:[.,]\d+)?")
QUANTITY_DECIMALS = 3
MAX_AMOUNT_UNITS = 10**9  # a billion in major units: well beyond any joint purchase
MAX_QUANTITY = Decimal(1_000_000)
# CLDR's currencySpacing, which Babel does not apply: where the currency symbol touches the
# number and the symbol's touching character is neither a symbol (S*) nor a space (Z*),
# a no-break space goes between them, so "PLN2.50" reads "PLN 2.50" while "$2.50" stays.
# Every locale in CLDR (en, pl and ru among them) inherits root's values.
CURRENCY_SPACE = "\u00a0"


def currency_code(text: str) -> str:
    """An ISO 4217 code that exists ("pln" → "PLN"), or a clear refusal."""
    code = (text or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise InvalidInput(
            N_("“{code}” is not a currency code. Use a three-letter code such as PLN, EUR or UAH."),
            code=(text or "")[:10],
        )
    return code


def decimals(currency: str) -> int:
    return get_currency_precision(currency)


def _number(text: str, negative: str) -> Decimal:
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if raw.startswith("-"):
        raise InvalidInput(negative)
    if not _NUMBER.fullmatch(raw):
        raise InvalidInput(N_("“{text}” is not a number. Write it like 4,50 or 4.50."), text=(text or "")[:20])
    return Decimal(raw.replace(",", "."))


def parse_amount(text: str, currency: str, *, allow_zero: bool = True) -> int:
    """What a person typed as a price or fee, in minor units: "4,50" PLN → 450."""
    value = _number(text, N_("An amount cannot be negative."))
    places = decimals(currency)
    # Strictly: "1,000" in PLN is refused rather than guessed as one złoty or a thousand.
    if -value.as_tuple().exponent > places:
        raise InvalidInput(
            Plural(
                "{currency} amounts have at most {n} decimal place.",
                "{currency} amounts have at most {n} decimal places.",
                places,
            ),
            currency=currency,
        )
    if value > MAX_AMOUNT_UNITS:
        raise InvalidInput(N_("That amount is too large."))
    if value == 0 and not allow_zero:
        raise InvalidInput(N_("The amount must be more than zero."))
    return int(value.scaleb(places))


def parse_quantity(text: str) -> Decimal:
    """A positive quantity with at most three decimals: "1,5" → Decimal("1.5")."""
    value = _number(text, N_("A quantity cannot be negative."))
    if -value.as_tuple().exponent > QUANTITY_DECIMALS and value != value.quantize(Decimal("0.001")):
        raise InvalidInput(N_("A quantity has at most three decimal places."))
    if value <= 0:
        raise InvalidInput(N_("The quantity must be more than zero."))
    if value > MAX_QUANTITY:
        raise InvalidInput(N_("That quantity is too large."))
    return value.normalize() if value == value.to_integral() else value


def to_major(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-decimals(currency))


def _needs_space(symbol_char: str) -> bool:
    return unicodedata.category(symbol_char)[0] not in "SZ"


@cache
def _currency_pattern(currency: str, locale: str) -> NumberPattern:
    """The locale's currency pattern, with CLDR's currency spacing added where it applies."""
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    symbol = get_currency_symbol(currency, locale)
    if _needs_space(symbol[-1]):
        pattern.prefix = tuple(p + CURRENCY_SPACE if p.endswith("¤") else p for p in pattern.prefix)
    if _needs_space(symbol[0]):
        pattern.suffix = tuple(CURRENCY_SPACE + s if s.startswith("¤") else s for s in pattern.suffix)
    return pattern


def format_money(amount: int, currency: str, locale: str | None = None) -> str:
    """450 PLN → "4,50 zł" for Polish readers, "PLN 4.50" for English ones (a no-break space)."""
    locale = locale or current_locale()
    return format_currency(to_major(amount, currency), currency, _currency_pattern(currency, locale), locale=locale)


def plain_quantity(quantity: Decimal) -> str:
    """A quantity as the parser reads it back in any language ("1.5", never "1,000")."""
    text = format(quantity, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_quantity(quantity: Decimal, locale: str | None = None) -> str:
    return format_decimal(quantity, locale=locale or current_locale())


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class Counted:
    name: str  # the unit on its own, as a label ("jar": "W jednostkach: słoik")
    amount: Plural  # "{n} jar" / "{n} jars", with Polish and Russian forms


# What people type for each measure, in any of our languages, lower case, without a final dot.
MEASURES: dict[str, str] = {
    **dict.fromkeys(
        ("kg", "kilo", "kilogram", "kilograms", "kilogramy", "kilogramów", "кг", "килограмм"), "mass-kilogram"
    ),
    **dict.fromkeys(("g", "gram", "grams", "gramy", "gramów", "г", "гр", "грамм"), "mass-gram"),
    **dict.fromkeys(
        ("l", "litre", "litres", "liter", "liters", "litr", "litry", "litrów", "л", "литр"), "volume-liter"
    ),
    **dict.fromkeys(("ml", "millilitre", "milliliter", "mililitr", "мл"), "volume-milliliter"),
}

COUNTED: dict[str, Counted] = {
    "piece": Counted(N_("piece"), Plural("{n} piece", "{n} pieces", 1)),
    "jar": Counted(N_("jar"), Plural("{n} jar", "{n} jars", 1)),
    "bottle": Counted(N_("bottle"), Plural("{n} bottle", "{n} bottles", 1)),
    "pack": Counted(N_("pack"), Plural("{n} pack", "{n} packs", 1)),
    "box": Counted(N_("box"), Plural("{n} box", "{n} boxes", 1)),
    "bag": Counted(N_("bag"), Plural("{n} bag", "{n} bags", 1)),
    "can": Counted(N_("can"), Plural("{n} can", "{n} cans", 1)),
}
COUNTED_NAMES: dict[str, str] = {
    **dict.fromkeys(
        ("piece", "pieces", "pc", "pcs", "sztuka", "sztuki", "sztuk", "szt", "штука", "штуки", "штук", "шт"), "piece"
    ),
    **dict.fromkeys(("jar", "jars", "słoik", "słoiki", "słoików", "банка", "банки", "банок"), "jar"),
    **dict.fromkeys(("bottle", "bottles", "butelka", "butelki", "butelek", "бутылка", "бутылки", "бутылок"), "bottle"),
    **dict.fromkeys(
        (
            "pack",
            "packs",
            "packet",
            "packets",
            "opakowanie",
            "opakowania",
            "opakowań",
            "op",
            "opak",
            "упаковка",
            "упаковки",
            "упаковок",
            "уп",
            "пачка",
            "пачки",
            "пачек",
        ),
        "pack",
    ),
    **dict.fromkeys(("box", "boxes", "pudełko", "pudełka", "pudełek", "коробка", "коробки", "коробок"), "box"),
    **dict.fromkeys(("bag", "bags", "worek", "worki", "worków", "torba", "torby", "мешок", "мешка", "мешков"), "bag"),
    **dict.fromkeys(("can", "cans", "tin", "tins", "puszka", "puszki", "puszek"), "can"),
}


def _key(unit: str) -> str:
    return unit.strip().rstrip(".").casefold()


def _measure_symbol(measure: str, locale: str) -> str:
    """A measure's short symbol in the reader's language ("kg", "кг"), from CLDR's pattern."""
    pattern = Locale.parse(locale)._data["unit_patterns"][measure]["short"]["other"]
    return pattern.replace("{0}", "").strip()


# A receipt's way of writing a quantity of something that does not decline.
AS_ON_A_RECEIPT = N_("{quantity} × {unit}")


def amount_of(quantity: Decimal, unit: str, locale: str | None = None) -> str:
    """A quantity with its unit as one phrase: "2 jars", "2 słoiki", "1,5 kg", "2 × bunch"."""
    locale = locale or current_locale()
    key = _key(unit)
    if key in MEASURES:
        return format_unit(quantity, MEASURES[key], length="short", locale=locale)
    counted = COUNTED.get(COUNTED_NAMES.get(key, ""))
    if counted is not None and quantity == quantity.to_integral_value():
        number = format_quantity(quantity, locale)
        return translate(replace(counted.amount, n=int(quantity)), locale=locale, n=number)
    shown = translate(counted.name, locale=locale) if counted is not None else unit.strip()
    return translate(AS_ON_A_RECEIPT, locale=locale, quantity=format_quantity(quantity, locale), unit=shown)


@dataclass(frozen=True)
class PartOf:
    """A quantity that a message sets beside a total of the same unit: “7.5 of 10 kg arrived”.

    English names the unit once, after the total, so `{arrived}` is the bare number. Polish and
    Russian put the two quantities in separate phrases (“dotarło: 7,5 kg, kupiono: 10 kg”), where a
    bare number would not say what it counts, so their catalogs write `{arrived:unit}`: the
    quantity with its unit, as amount_of says it. It is written in the language it was made in.
    """

    quantity: Decimal
    unit: str
    locale: str = field(default_factory=current_locale)

    def __format__(self, spec: str) -> str:
        if spec == "unit":
            return amount_of(self.quantity, self.unit, self.locale)
        if spec:
            raise ValueError(f"a quantity is written bare or with “:unit”, not “:{spec}”")
        return format_quantity(self.quantity, self.locale)


def is_measure(unit: str) -> bool:
    """Whether a unit is a measure (kg, l…), ordered in parts as readily as whole ("1,5"), rather
    than something counted (jars, or a unit we do not know)."""
    return _key(unit) in MEASURES


def unit_label(unit: str, locale: str | None = None) -> str:
    """The unit on its own, as a label ("per jar", "In kg"), in the reader's language when known."""
    locale = locale or current_locale()
    key = _key(unit)
    if key in MEASURES:
        return _measure_symbol(MEASURES[key], locale)
    counted = COUNTED.get(COUNTED_NAMES.get(key, ""))
    return translate(counted.name, locale=locale) if counted is not None else unit.strip()
