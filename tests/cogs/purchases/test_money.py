"""The money logic without Discord: parsing and formatting amounts and quantities."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.purchases.money import (
    currency_code,
    format_money,
    parse_amount,
    parse_quantity,
)
from gromada.errors import InvalidInput

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3)


@pytest.mark.parametrize("text", ["4,50", "4.50", " 4,5 ", "4.5"])
def test_comma_and_point_give_the_same_amount(text):
    assert parse_amount(text, "PLN") == 450


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-4,50", "cannot be negative"),
        ("abc", "is not a number"),
        ("4,505", "at most 2 decimal places"),
        ("1,000", "at most 2 decimal places"),
        ("1,000.50", "is not a number"),
        ("", "is not a number"),
    ],
)
def test_bad_amounts_are_refused_clearly(text, message):
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text, "PLN")
    assert message in refused.value.render("en")


def test_currencies_without_minor_units_take_whole_amounts():
    assert parse_amount("1500", "JPY") == 1500
    with pytest.raises(InvalidInput):
        parse_amount("15,5", "JPY")


def test_currency_codes_come_from_babel():
    assert currency_code("eur") == "EUR"
    assert currency_code(" uah ") == "UAH"
    for wrong in ("XYZ", "zloty", "", "PL"):
        with pytest.raises(InvalidInput):
            currency_code(wrong)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["PLN", "EUR", "JPY", "KWD"]))
def test_a_plain_written_amount_parses_back(amount, currency):
    from cogs.purchases.money import to_major

    assert parse_amount(str(to_major(amount, currency)), currency) == amount


def test_amounts_are_written_in_the_readers_language():
    assert format_money(1234_50, "PLN", "pl") == "1\xa0234,50\xa0zł"
    assert format_money(450, "PLN", "en") == "PLN\xa04.50"
    assert format_money(450, "EUR", "ru") == "4,50\xa0€"


def test_a_currency_code_is_spaced_from_the_number_as_cldr_says():
    # CLDR's currency spacing: letters next to digits get a no-break space, symbols do not.
    assert format_money(250, "PLN", "en") == "PLN\xa02.50"
    assert format_money(-12345, "CHF", "en") == "-CHF\xa0123.45"
    assert format_money(250, "USD", "en") == "$2.50"
    assert format_money(250, "EUR", "en") == "€2.50"
    assert format_money(250, "PLN", "pl") == "2,50\xa0zł"
    assert format_money(250, "PLN", "ru") == "2,50\xa0PLN"
    assert format_money(250, "UAH", "ru") == "2,50\xa0₴"


def test_quantities_may_be_decimal_but_positive():
    assert parse_quantity("1,5") == Decimal("1.5")
    assert parse_quantity("2") == 2
    for wrong, message in (("0", "more than zero"), ("-1", "negative"), ("1.2345", "three decimal"), ("x", "number")):
        with pytest.raises(InvalidInput) as refused:
            parse_quantity(wrong)
        assert message in refused.value.render("en")


@given(quantities)
def test_a_quantity_shown_in_the_modal_parses_back(quantity):
    from cogs.purchases.money import plain_quantity

    assert parse_quantity(plain_quantity(quantity)) == quantity


def test_deadlines_are_durations_or_utc_dates():
    from datetime import UTC, datetime, timedelta

    from cogs.purchases.service import parse_deadline

    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_deadline("36h", now) == now + timedelta(hours=36)
    assert parse_deadline("2026-12-01", now) == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    assert parse_deadline("2026-12-01 18:30", now) == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    for wrong, message in (
        ("2026-11-20", "in the future"),
        ("2026-02-30", "not a valid date"),
        ("2027-12-01", "at most 180 days"),
        ("soon", "not a duration"),
    ):
        with pytest.raises(InvalidInput) as refused:
            parse_deadline(wrong, now)
        assert message in refused.value.render("en")


def test_spreadsheet_formulas_typed_by_members_are_neutralised():
    from types import SimpleNamespace

    from cogs.purchases.views import csv_text

    purchase = SimpleNamespace(currency="PLN")
    item = SimpleNamespace(name="=HYPERLINK(1)", unit="kg", unit_price=250)
    line = SimpleNamespace(user_id=1, item=item, quantity=Decimal("1.5"), amount=375, received=None)
    text = csv_text(purchase, [line], [], {1: "@mallory"})
    assert "'=HYPERLINK(1)" in text and "'@mallory" in text and ",3.75,PLN," in text


def test_a_card_with_many_long_items_counts_those_that_do_not_fit():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from cogs.purchases.views import CARD_LIMIT, card_description
    from models.purchases import PurchaseStatus

    purchase = SimpleNamespace(
        supplier="Farma", status=PurchaseStatus.OPEN, deadline=datetime(2026, 12, 1, tzinfo=UTC), delivery_fee=0
    )
    purchase.currency = "PLN"
    items = [
        SimpleNamespace(
            pk=n,
            name=f"Item {n:02} " + "x" * 70,
            unit="kg",
            unit_price=250,
            bulk_min=Decimal(10),
            dropped=False,
            choice=None,
        )
        for n in range(50)
    ]

    text = card_description(None, purchase, items, {})

    assert len(text) <= CARD_LIMIT
    listed = sum(f"**Item {n:02} " in text for n in range(50))
    assert 0 < listed < 50
    assert f"…and {50 - listed} more items: /purchase ledger lists them all." in text
    assert text.endswith("you can change them until the deadline.")
    few = card_description(None, purchase, items[:3], {})
    assert "more item" not in few and "**Item 02 " in few
