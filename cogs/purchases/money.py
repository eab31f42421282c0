"""Money and quantities, pure: parsing what people type, and writing it back.

Amounts are integers in the currency's minor unit (1 PLN = 100 groszy); how many
decimals a currency has, and how it is written in each language, comes from Babel's CLDR
data. Quantities are Decimals (3.5 kg), never floats, so nothing drifts. The arithmetic of
a bill (line values, exact splits) is in rules.py.
"""

from __future__ import annotations

import copy
import re
import unicodedata
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

from gromada.errors import InvalidInput
from gromada.i18n import N_, Plural, current_locale

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
