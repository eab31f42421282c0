"""Suppliers with their catalogues: typed item by item, edited, removed, or imported from a CSV file
all or nothing, with every bad line named."""

from decimal import Decimal

from cogs.purchases.money import format_money
from models.purchases import Supplier, SupplierItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import refusal, shown, speaking


def pln(amount: int, locale: str = "en") -> str:
    return format_money(amount, "PLN", locale)


async def supplier(coop, name="Farma Zielona", **options):
    result = await coop.coordinator.slash(coop.general, "purchase supplier add", name=name, **options)
    return result


async def upload(coop, text: str, filename="catalogue.csv", actor=None, supplier_name="Farma Zielona"):
    actor = actor or coop.coordinator
    return await actor.slash(
        coop.general,
        "purchase supplier import",
        supplier=supplier_name,
        file=(filename, text.encode("utf-8")),
    )


async def stored_catalogue(name="Farma Zielona") -> list[tuple]:
    row = await Supplier.get(name=name)
    return [
        (item.name, item.unit, item.unit_price, item.bulk_min, item.shop_price)
        for item in await SupplierItem.filter(supplier_id=row.pk).order_by("position")
    ]


async def test_a_coordinator_keeps_a_catalogue_item_by_item(simcord_env):
    coop = await coop_server(simcord_env)
    added = await supplier(coop)
    assert "Supplier “Farma Zielona” added (PLN)." in shown(added)

    first = await coop.coordinator.slash(
        coop.general,
        "purchase supplier item",
        supplier="farma zielona",  # as typed, in any case
        name="Potatoes",
        unit="kg",
        price="2,50",
        bulk_min="25",
        shop_price="3,20",
    )
    assert f"Added to the catalogue of Farma Zielona: Potatoes, {pln(250)}." in shown(first)
    await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma Zielona", name="Honey", unit="jar", price="30"
    )
    changed = await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma Zielona", name="potatoes", unit="kg", price="2,40"
    )
    assert f"Changed in the catalogue of Farma Zielona: potatoes, now {pln(240)}." in shown(changed)
    await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma Zielona", name="Apples", unit="kg", price="4"
    )
    removed = await coop.coordinator.slash(
        coop.general, "purchase supplier remove-item", supplier="Farma Zielona", item="HONEY"
    )
    assert "Removed from the catalogue of Farma Zielona: Honey." in shown(removed)

    assert await stored_catalogue() == [("potatoes", "kg", 240, None, None), ("Apples", "kg", 400, None, None)]
    listing = shown(await coop.members[0].slash(coop.general, "purchase supplier show", supplier="Farma Zielona"))
    assert f"- potatoes: {pln(240)} per kg" in listing and f"- Apples: {pln(400)} per kg" in listing
    assert "Honey" not in listing


async def test_the_catalogue_reads_minimums_as_phrases_in_the_readers_language(simcord_env):
    coop = await coop_server(simcord_env)
    await supplier(coop)
    await coop.coordinator.slash(
        coop.general,
        "purchase supplier item",
        supplier="Farma Zielona",
        name="Honey",
        unit="jar",
        price="30",
        bulk_min="5",
    )
    listing = shown(await coop.members[0].slash(coop.general, "purchase supplier show", supplier="Farma Zielona"))
    assert f"- Honey: {pln(3000)} per jar · minimum 5 jars" in listing


async def test_members_cannot_change_catalogues_and_bad_input_is_refused(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    refused = await ania.slash(coop.general, "purchase supplier add", name="Farma")
    assert "Only order coordinators" in refusal(simcord_env, refused)
    assert not await Supplier.exists()

    await supplier(coop, name="Farma")
    twice = await supplier(coop, name="FARMA")
    assert "There is already a supplier called “FARMA”." in refusal(simcord_env, twice)
    wrong_currency = await supplier(coop, name="Dairy", currency="zloty")
    assert "is not a currency code" in refusal(simcord_env, wrong_currency)
    unknown = await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Nobody", name="Milk", unit="l", price="3"
    )
    assert "There is no supplier called “Nobody” on this server." in refusal(simcord_env, unknown)
    bad_price = await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma", name="Milk", unit="l", price="1,234"
    )
    assert "PLN amounts have at most 2 decimal places." in refusal(simcord_env, bad_price)
    by_member = await ania.slash(
        coop.general, "purchase supplier item", supplier="Farma", name="Milk", unit="l", price="3"
    )
    assert "Only order coordinators" in refusal(simcord_env, by_member)
    missing = await coop.coordinator.slash(coop.general, "purchase supplier remove-item", supplier="Farma", item="Milk")
    assert "Farma has no item called “Milk”." in refusal(simcord_env, missing)
    assert await stored_catalogue("Farma") == []


async def test_a_csv_file_fills_the_catalogue_and_changes_items_of_the_same_name(simcord_env):
    coop = await coop_server(simcord_env)
    await supplier(coop)
    await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma Zielona", name="Honey", unit="jar", price="30"
    )
    # As a spreadsheet in Polish writes it: semicolons, decimal commas, a byte order mark.
    text = (
        "\ufeffname;unit;price;bulk_min;shop_price\n"
        "Potatoes;kg;2,50;25;3,20\n"
        "\n"
        "honey;jar;28,00;10;\n"
        "Eggs;piece;0,90;;\n"
    )

    result = await upload(coop, text)

    assert "Imported into the catalogue of Farma Zielona: 2 items added, 1 changed." in shown(result)
    assert result.ephemeral
    assert await stored_catalogue() == [
        ("honey", "jar", 2800, Decimal(10), None),
        ("Potatoes", "kg", 250, Decimal(25), 320),
        ("Eggs", "piece", 90, None, None),
    ]
    # Commas work too, with amounts in quotes or with a decimal point.
    again = await upload(coop, 'name,unit,price\nEggs,piece,"0,95"\nFlour,kg,3.10\n')
    assert "1 item added, 1 changed." in shown(again)
    assert (await stored_catalogue())[2:] == [("Eggs", "piece", 95, None, None), ("Flour", "kg", 310, None, None)]


async def test_a_csv_file_with_bad_lines_imports_nothing_and_names_every_bad_line(simcord_env):
    coop = await coop_server(simcord_env)
    await supplier(coop)
    await upload(coop, "name,unit,price\nHoney,jar,30\n")
    before = await stored_catalogue()
    text = (
        "name,unit,price,bulk_min\n"
        "Potatoes,kg,2.50,25\n"  # line 2: good
        "Carrots,kg,cheap,\n"  # line 3: not a number
        "Onions,kg,-1,\n"  # line 4: negative
        "Beets,kg\n"  # line 5: a column short
        ",kg,3,\n"  # line 6: no name
        "potatoes,kg,2.60,\n"  # line 7: twice
        "Garlic,kg,12,-3\n"  # line 8: a negative minimum
        "Honey,jar,35,\n"  # line 9: good (would change Honey)
    )

    result = await upload(coop, text)

    said = refusal(simcord_env, result)
    assert said.splitlines() == [
        "Nothing was imported: 6 lines of the file have a problem.",
        "Line 3: “cheap” is not a number. Write it like 4,50 or 4.50.",
        "Line 4: An amount cannot be negative.",
        "Line 5: 2 columns where the first line has 4.",
        "Line 6: An item needs a name and a unit (kg, piece, litre…).",
        "Line 7: potatoes is already on line 2.",
        "Line 8: A quantity cannot be negative.",
    ]
    assert await stored_catalogue() == before


async def test_files_that_are_not_a_catalogue_are_refused(simcord_env, monkeypatch):
    coop = await coop_server(simcord_env)
    await supplier(coop)
    cases = (
        ("catalogue.txt", "name,unit,price\nHoney,jar,30\n", "The file must be a .csv file."),
        (
            "catalogue.csv",
            "",
            "The file is empty. Its first line names the columns: name,unit,price,bulk_min,shop_price.",
        ),
        ("catalogue.csv", "item,unit,cost\nHoney,jar,30\n", "Line 1: the columns must be name, unit, price"),
        ("catalogue.csv", "name,unit,price\n\n", "The file has no items under its first line."),
    )
    for filename, text, message in cases:
        assert message in refusal(simcord_env, await upload(coop, text, filename=filename))
    latin = await coop.coordinator.slash(
        coop.general,
        "purchase supplier import",
        supplier="Farma Zielona",
        file=("catalogue.csv", "name,unit,price\nMiód,słoik,30\n".encode("cp1250")),
    )
    assert "The file is not UTF-8 text." in refusal(simcord_env, latin)
    too_many = "name,unit,price\n" + "".join(f"Item {n},kg,1\n" for n in range(51))
    assert "A catalogue can have at most 50 items." in refusal(simcord_env, await upload(coop, too_many))
    member = await upload(coop, "name,unit,price\nHoney,jar,30\n", actor=coop.members[0])
    assert "Only order coordinators" in refusal(simcord_env, member)
    assert await stored_catalogue() == []

    # Each bad line in the reader's language.
    with speaking(monkeypatch, coop.coordinator, "pl"):
        polish = await upload(coop, "name,unit,price\nMiód,słoik,drogo\n")
    said = refusal(simcord_env, polish)
    assert said.startswith("Nic nie zaimportowano") and "Wiersz 2:" in said and "„drogo”" in said


async def test_a_file_discord_cannot_hand_over_is_refused_and_nothing_is_imported(simcord_env, monkeypatch):
    coop = await coop_server(simcord_env)
    await supplier(coop)
    await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma Zielona", name="Honey", unit="jar", price="30"
    )
    # Discord's file store answers "not found" for the uploaded files (gone, or failing): reading
    # an attachment is the bot's call to Discord that fails here.
    cdn = simcord_env.backend.cdn
    serve = cdn.get
    monkeypatch.setattr(cdn, "get", lambda url: None if "/attachments/" in url else serve(url))
    catalogue = "name,unit,price\nPotatoes,kg,2.50\nHoney,jar,28\n"

    said = {"en": refusal(simcord_env, await upload(coop, catalogue))}
    for language in ("pl", "ru"):
        with speaking(monkeypatch, coop.coordinator, language):
            said[language] = refusal(simcord_env, await upload(coop, catalogue))

    assert said == {
        "en": "I could not download the file from Discord. Nothing was imported; try again.",
        "pl": "Nie udało się pobrać pliku z Discorda. Nic nie zaimportowano; spróbuj ponownie.",
        "ru": "Не удалось скачать файл из Discord. Ничего не импортировано; попробуйте ещё раз.",
    }
    assert await stored_catalogue() == [("Honey", "jar", 3000, None, None)]

    # Once Discord hands the file over again, the same upload goes through.
    monkeypatch.setattr(cdn, "get", serve)
    imported = shown(await upload(coop, catalogue))
    assert "Imported into the catalogue of Farma Zielona: 1 item added, 1 changed." in imported
    assert await stored_catalogue() == [("Honey", "jar", 2800, None, None), ("Potatoes", "kg", 250, None, None)]
