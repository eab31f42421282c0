"""Quantities read as phrases in each language: "2 jars", "5 słoików", "2 × bunch"."""

from decimal import Decimal

import pytest
from simcord.components import walk_components

from cogs.purchases.money import PartOf, amount_of, unit_label
from models.purchases import PurchaseItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import shown, speaking


async def test_a_member_sees_counted_units_in_the_plural_of_their_language(simcord_env, monkeypatch):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    await coop.item(purchase, "Honey", "jar", "30", bulk_min="10")
    await coop.item(purchase, "Dill", "bunch", "3")
    await coop.publish(purchase)
    honey, dill = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    ania, celina = coop.members[0], coop.members[1]

    cart = shown(await coop.order(ania, purchase, honey.pk, "2"))
    assert "Honey: 2 jars × PLN\xa030.00 = PLN\xa060.00" in cart
    cart = shown(await coop.order(ania, purchase, dill.pk, "2"))
    assert "Dill: 2 × bunch × PLN\xa03.00 = PLN\xa06.00" in cart

    with speaking(monkeypatch, celina, "pl"):
        polish = shown(await coop.order(celina, purchase, honey.pk, "5"))
    assert "Honey: 5 słoików × 30,00\xa0zł = 150,00\xa0zł" in polish

    await simcord_env.advance_time(6)  # the card is redrawn a few seconds after a burst of orders
    card = coop.card(purchase).embeds[0].description
    assert "PLN\xa030.00 per jar · ⏳ ordered 7 of the minimum 10 jars: 3 jars more to reach it" in card
    assert "ordered: 2 × bunch" in card


async def test_the_card_says_what_was_ordered_toward_the_minimum_with_its_unit_in_polish_and_russian(simcord_env):
    coop = await coop_server(simcord_env)
    expected = {
        "pl": (
            "⏳ zamówiono: 7 słoików, minimum: 10 słoików; brakuje jeszcze: 3 słoiki",
            "✅ zamówiono: 1 butelka, minimum: 1 butelka",
        ),
        "ru": (
            "⏳ заказано: 7 банок, минимум: 10 банок; не хватает ещё: 3 банки",
            "✅ заказано: 1 бутылка, минимум: 1 бутылка",
        ),
    }
    for language, (short_of_it, reached) in expected.items():
        await coop.admin.slash(coop.general, "setup language", language=language)
        purchase = await coop.open(title=f"Pantry ({language})")
        await coop.item(purchase, "Honey", "jar", "30", bulk_min="10")
        await coop.item(purchase, "Oil", "bottle", "20", bulk_min="1")
        await coop.publish(purchase)
        honey, oil = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
        await coop.order(coop.members[0], purchase, honey.pk, "7")
        await coop.order(coop.members[1], purchase, oil.pk, "1")

        await simcord_env.advance_time(6)  # the card is redrawn a few seconds after a burst of orders
        card = coop.card(purchase).embeds[0].description
        assert short_of_it in card, (language, card)
        assert reached in card, (language, card)


@pytest.mark.parametrize(
    ("quantity", "unit", "language", "expected"),
    [
        ("1", "jar", "en", "1 jar"),
        ("1", "słoik", "pl", "1 słoik"),
        ("3", "słoiki", "pl", "3 słoiki"),
        ("22", "jar", "pl", "22 słoiki"),
        ("12", "jar", "pl", "12 słoików"),
        ("21", "банка", "ru", "21 банка"),
        ("3", "jar", "ru", "3 банки"),
        ("11", "jar", "ru", "11 банок"),
        ("5", "szt.", "en", "5 pieces"),
        ("2", "bottle", "ru", "2 бутылки"),
        ("1.5", "kg", "pl", "1,5 kg"),
        ("1.5", "kg", "ru", "1,5 кг"),
        ("1.5", "jar", "pl", "1,5 × słoik"),
        ("2", "pęczek", "ru", "2 × pęczek"),
    ],
)
def test_known_units_decline_and_unknown_ones_are_written_as_on_a_receipt(quantity, unit, language, expected):
    assert amount_of(Decimal(quantity), unit, language) == expected


@pytest.mark.parametrize(
    ("quantity", "unit", "language", "bare", "with_unit"),
    [
        ("6", "jar", "en", "6", "6 jars"),
        ("1", "jar", "pl", "1", "1 słoik"),
        ("6", "jar", "pl", "6", "6 słoików"),
        ("7.5", "kg", "pl", "7,5", "7,5 kg"),
        ("1", "jar", "ru", "1", "1 банка"),
        ("6", "jar", "ru", "6", "6 банок"),
        ("2", "pęczek", "ru", "2", "2 × pęczek"),
    ],
)
def test_a_part_of_a_total_is_written_bare_or_with_its_unit_as_the_message_asks(
    quantity, unit, language, bare, with_unit
):
    part = PartOf(Decimal(quantity), unit, language)
    assert f"{part}" == bare
    assert f"{part:unit}" == with_unit
    with pytest.raises(ValueError):
        f"{part:kg}"


def test_a_unit_on_its_own_is_named_in_the_readers_language():
    assert unit_label("jar", "pl") == "słoik"
    assert unit_label("kilogram", "ru") == "кг"
    assert unit_label("bunch", "pl") == "bunch"


async def test_the_quantity_form_names_the_unit_and_suggests_parts_only_of_a_measure(simcord_env, monkeypatch):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "3")
    await coop.item(purchase, "Honey", "jar", "30")
    await coop.item(purchase, "Dill", "bunch", "3")
    await coop.item(purchase, "Oil", "bottle", "20", max_per_member="4")
    await coop.publish(purchase)
    items = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    expected = {
        "en": ["Unit: kg, e.g. 2 or 1.5", "Unit: jar, e.g. 2", "Unit: bunch, e.g. 2", "Unit: bottle, at most 4"],
        "pl": [
            "Jednostka: kg, np. 2 lub 1,5",
            "Jednostka: słoik, np. 2",
            "Jednostka: bunch, np. 2",
            "Jednostka: butelka, najwyżej 4",
        ],
        "ru": [
            "Единица: кг, например 2 или 1,5",
            "Единица: банка, например 2",
            "Единица: bunch, например 2",
            "Единица: бутылка, не больше 4",
        ],
    }
    ania = coop.members[0]

    for language, hints in expected.items():
        with speaking(monkeypatch, ania, language):
            cart = await ania.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
            shown_hints = []
            for item in items:
                form = await ania.select(cart.response, [str(item.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
                [field] = [
                    control
                    for control in walk_components(form.modal["components"])
                    if control.get("custom_id") == "quantity"
                ]
                shown_hints.append(field["placeholder"])
        assert shown_hints == hints, language
