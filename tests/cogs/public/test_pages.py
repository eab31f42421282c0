"""The public pages of a community, read as a visitor would: what they show, in which
language, with names or counts, and what they never show."""

from xml.etree import ElementTree

from aiohttp.test_utils import TestClient, TestServer
from babel.units import format_unit

from cogs.initiatives import service as initiatives
from cogs.purchases import service as purchases
from cogs.purchases.money import format_money
from gromada.scheduler import now
from gromada.web import make_app
from models.initiatives import Initiative
from models.purchases import PurchaseItem
from tests.cogs.public.helpers import community, purchase_with_savings

PAGES = ("", "decisions", "ledger", "initiatives", "volunteers")
DATA = ("overview.json", "decisions.json", "ledger.json", "initiatives.json", "volunteers.json", "decisions.atom")


def client_for(env) -> TestClient:
    return TestClient(TestServer(make_app(env.bot), host="127.0.0.1"))


async def test_the_pages_show_decisions_ledger_initiatives_and_roles(simcord_env):
    seeded = await community(simcord_env)

    async with client_for(simcord_env) as client:
        texts = {}
        for name in PAGES + DATA:
            response = await client.get(f"/s/{seeded.token}/{name}")
            assert response.status == 200, name
            texts[name] = await response.text()

    decisions = texts["decisions"]
    assert "Where do we meet next?" in decisions
    assert "Instant-runoff rounds" in decisions and "Round 2" in decisions
    assert "<svg" in decisions and "Votes per option" in decisions
    assert "Adopt the new statute?" in decisions and "Article 4 is unclear, ask @member" in decisions
    assert "4 of " in decisions  # turnout against the frozen electorate
    ledger = texts["ledger"]
    assert "Winter apples" in ledger and "1 bill paid" in ledger and "1 bill not paid yet" in ledger
    initiatives = texts["initiatives"]
    assert "Seed library" in initiatives and "2 more supporters needed" in initiatives
    assert "Tool shed" in initiatives and "Two people to build shelves" in initiatives
    assert "Repair café" in initiatives.split("Archived initiatives")[1]
    volunteers = texts["volunteers"]
    assert "Seats filled: 1 of" in volunteers
    feed = ElementTree.fromstring(texts["decisions.atom"].encode())
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert [entry.findtext("{http://www.w3.org/2005/Atom}title") for entry in entries] == [
        "Raise the yearly fee?",
        "Adopt the new statute?",
        "Where do we meet next?",
    ]


async def test_an_address_without_its_last_slash_leads_to_the_overview(simcord_env):
    seeded = await community(simcord_env)

    async with client_for(simcord_env) as client:
        found = await client.get(f"/s/{seeded.token}", allow_redirects=False)
        wrong = await client.get(f"/s/{seeded.token[:-1]}x", allow_redirects=False)

    assert found.status == 302 and found.headers["Location"] == f"/s/{seeded.token}/"
    assert wrong.status == 404


async def test_the_pages_speak_the_servers_language_and_switch(simcord_env):
    seeded = await community(simcord_env)
    await seeded.server.admin.slash(seeded.server.general, "setup language", language="pl")

    async with client_for(simcord_env) as client:
        polish = await (await client.get(f"/s/{seeded.token}/initiatives")).text()
        russian = await (await client.get(f"/s/{seeded.token}/initiatives?lang=ru")).text()
        english = await (await client.get(f"/s/{seeded.token}/ledger?lang=en")).text()

    assert '<html lang="pl">' in polish and "Inicjatywy" in polish
    assert "potrzeba jeszcze 2 osób" in polish
    assert '<html lang="ru">' in russian and "Инициативы" in russian
    assert "/s/" + seeded.token + "/decisions?lang=ru" in russian  # the menu keeps the chosen language
    assert '<html lang="en">' in english and "Ledger" in english


async def test_names_appear_only_when_the_server_turns_them_on(simcord_env):
    seeded = await community(simcord_env)
    member = seeded.server.discord_member(seeded.server.member)

    async with client_for(simcord_env) as client:
        counted = await (await client.get(f"/s/{seeded.token}/volunteers")).text()
        await seeded.server.admin.slash(seeded.server.general, "setup option", key="public_names", value="on")
        named = await (await client.get(f"/s/{seeded.token}/volunteers")).text()
        ledger = await (await client.get(f"/s/{seeded.token}/ledger")).text()

    assert member.display_name not in counted
    assert f"<dd>{member.display_name}</dd>" in named
    assert member.display_name in ledger


async def test_pages_carry_an_etag_and_answer_304_when_unchanged(simcord_env):
    seeded = await community(simcord_env)

    async with client_for(simcord_env) as client:
        first = await client.get(f"/s/{seeded.token}/decisions")
        tag = first.headers["ETag"]
        again = await client.get(f"/s/{seeded.token}/decisions", headers={"If-None-Match": tag})
        await seeded.server.admin.slash(seeded.server.general, "setup language", language="pl")
        changed = await client.get(f"/s/{seeded.token}/decisions", headers={"If-None-Match": tag})

    assert first.headers["Cache-Control"] == "no-cache"
    assert "script-src" not in first.headers["Content-Security-Policy"]
    assert first.headers["Referrer-Policy"] == "no-referrer"
    assert again.status == 304
    assert changed.status == 200 and changed.headers["ETag"] != tag


async def test_too_many_requests_from_one_address_get_429_with_retry_after(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.model_copy(update={"public_requests_per_minute": 5})
    seeded = await community(simcord_env)

    async with client_for(simcord_env) as client:
        answers = [(await client.get(f"/s/{seeded.token}/volunteers")).status for _ in range(5)]
        refused = await client.get(f"/s/{seeded.token}/volunteers")
        health = await client.get("/healthz")
        await simcord_env.advance_time(61)
        later = await client.get(f"/s/{seeded.token}/volunteers")

    assert answers == [200] * 5
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert health.status == 200
    assert later.status == 200


async def test_decisions_filter_by_text_and_period(simcord_env):
    seeded = await community(simcord_env)

    async with client_for(simcord_env) as client:
        searched = await (await client.get(f"/s/{seeded.token}/decisions.json?q=statute")).json()
        future = await (await client.get(f"/s/{seeded.token}/decisions.json?from=2999-01-01")).json()
        bad = await client.get(f"/s/{seeded.token}/decisions.json?from=yesterday&page=x")
        unfiltered = await bad.json()

    assert [decision["question"] for decision in searched["decisions"]] == ["Adopt the new statute?"]
    assert future["decisions"] == [] and future["total"] == 0
    assert bad.status == 200 and unfiltered["total"] == 3


async def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.model_copy(
        update={"public_requests_per_minute": 2, "public_trusted_proxies": "127.0.0.1"}
    )
    seeded = await community(simcord_env)
    page = f"/s/{seeded.token}/volunteers"

    async with client_for(simcord_env) as client:
        first = [(await client.get(page, headers={"X-Forwarded-For": "203.0.113.7"})).status for _ in range(3)]
        other = await client.get(page, headers={"X-Forwarded-For": "203.0.113.8"})
        # A client that writes its own X-Forwarded-For entry before the proxy's gains nothing.
        spoofed = await client.get(page, headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})

    assert first == [200, 200, 429]
    assert other.status == 200
    assert spoofed.status == 429


async def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.model_copy(update={"public_requests_per_minute": 2})
    seeded = await community(simcord_env)
    page = f"/s/{seeded.token}/volunteers"

    async with client_for(simcord_env) as client:
        answers = [
            (await client.get(page, headers={"X-Forwarded-For": f"203.0.113.{number}"})).status for number in range(3)
        ]

    assert answers == [200, 200, 429]


async def test_the_ledger_shows_what_the_group_saved_against_shop_prices(simcord_env):
    seeded = await community(simcord_env)
    # Winter apples: 2 + 3 units ordered; the coordinator had noted the shop's price per unit.
    [apples] = await PurchaseItem.filter(purchase__title="Winter apples")
    await PurchaseItem.filter(id=apples.pk).update(shop_price=apples.unit_price + 150)

    async with client_for(simcord_env) as client:
        page = await (await client.get(f"/s/{seeded.token}/ledger?lang=pl")).text()
        data = await (await client.get(f"/s/{seeded.token}/ledger.json")).json()

    [purchase] = [shown for shown in data["purchases"] if shown["title"] == "Winter apples"]
    # 5 units, each 1.50 cheaper than in the shop.
    assert purchase["saved"] == purchase["items"][0]["saved"] == "PLN\xa07.50"
    assert "Oszczędność względem sklepu" in page and "7,50\xa0zł" in page


async def test_the_ledger_shows_the_funds_part_apart_and_what_the_season_saved(simcord_env):
    seeded = await community(simcord_env)
    pears = await purchase_with_savings(seeded)
    await seeded.server.admin.slash(seeded.server.general, "setup option", key="public_names", value="on")
    # In each language: the heading of the season, the fund's part and what was saved.
    words = {
        "en": ("What buying together saved so far", "For the community fund", "over 1 closed purchase"),
        "pl": ("Ile dotąd zaoszczędziły wspólne zakupy", "Na fundusz wspólnoty", "w 1 zamkniętym zakupie"),
        "ru": ("Сколько совместные закупки сэкономили до сих пор", "В общий фонд", "за 1 закрытую закупку"),
    }

    async with client_for(simcord_env) as client:
        pages = {
            language: await (await client.get(f"/s/{seeded.token}/ledger?lang={language}")).text() for language in words
        }
        data = await (await client.get(f"/s/{seeded.token}/ledger.json")).json()

    for language, (heading, fund, season) in words.items():
        page = pages[language]
        assert heading in page and season in page, language
        # Once for the season, once for the purchase.
        assert page.count(f"<dd>{format_money(pears.fund, 'PLN', language)} (") == 2, language
        assert f"<dd>{format_money(pears.saved, 'PLN', language)} (" in page, language
        assert page.count(f"<dt>{fund}</dt>") == 2, language  # the season, the purchase
        # And each member's part, in a column of its own beside the bill.
        assert f"<td>{format_money(pears.member_fund, 'PLN', language)}</td>" in page, language
    [season] = data["season"]
    assert season == {
        "currency": "PLN",
        "purchases": 1,
        "saved": format_money(pears.saved, "PLN", "en"),
        "fund": format_money(pears.fund, "PLN", "en"),
    }
    shown = {purchase["title"]: purchase for purchase in data["purchases"]}
    assert shown["Autumn pears"]["fund"] == format_money(pears.fund, "PLN", "en")
    assert shown["Winter apples"]["fund"] is None  # closed before the server gave to its fund
    member = seeded.server.discord_member(seeded.server.member).display_name
    [bill] = [bill for bill in shown["Autumn pears"]["members"] if bill["name"] == member]
    assert bill["fund"] == format_money(pears.member_fund, "PLN", "en")


async def test_the_initiatives_page_names_the_lead_after_a_handover(simcord_env):
    seeded = await community(simcord_env)
    server = seeded.server
    shed = await initiatives.get((await Initiative.get(title="Tool shed")).pk)
    await initiatives.hand_over(shed, new_lead_id=server.admin.id, by_id=server.other_party.id, now=now())
    await server.admin.slash(server.general, "setup option", key="public_names", value="on")

    async with client_for(simcord_env) as client:
        page = await (await client.get(f"/s/{seeded.token}/initiatives")).text()

    admin = server.discord_member(server.admin).display_name
    proposer = server.discord_member(server.other_party).display_name
    assert f"led by {admin}" in page and f"led by {proposer}" not in page


async def test_the_ledger_writes_quantities_with_their_unit_in_the_readers_language(simcord_env):
    seeded = await community(simcord_env)
    server = seeded.server
    moment = now()
    # An open purchase of honey in jars, with a minimum of 5: the members ordered 2 so far.
    row = await purchases.open_purchase(
        guild_id=server.guild.id, user_id=server.admin.id, title="Spring honey", deadline="3d", now=moment
    )
    honey = await purchases.add_item(
        guild_id=server.guild.id, purchase_id=row.pk, name="Honey", unit="jar", price="20", bulk_min="5"
    )
    await purchases.mark_published(row.pk, server.general.id, 1)
    for member in (server.member, server.other_party):
        await purchases.set_quantity(
            guild_id=server.guild.id, purchase_id=row.pk, item_id=honey.pk, user_id=member.id, quantity="1", now=moment
        )
    # Per item: its price per unit, what was ordered, the minimum.
    cells = {
        "en": (f"{format_money(2000, 'PLN', 'en')} / jar", "2 jars", "5 jars"),
        "pl": (f"{format_money(2000, 'PLN', 'pl')} / słoik", "2 słoiki", "5 słoików"),
        "ru": (f"{format_money(2000, 'PLN', 'ru')} / банка", "2 банки", "5 банок"),
    }

    async with client_for(simcord_env) as client:
        pages = {
            language: await (await client.get(f"/s/{seeded.token}/ledger?lang={language}")).text() for language in cells
        }
        data = await (await client.get(f"/s/{seeded.token}/ledger.json")).json()

    for language, (price, ordered, minimum) in cells.items():
        row_html = next(line for line in pages[language].splitlines() if '<th scope="row">Honey' in line)
        assert f"<td>{price}</td><td>{ordered}</td><td>{minimum}</td>" in row_html, language
        # The apples of the other purchase: a measure, written by CLDR.
        assert f"<td>{format_unit(5, 'mass-kilogram', length='short', locale=language)}</td>" in pages[language]
    [honey_row] = next(shown for shown in data["purchases"] if shown["title"] == "Spring honey")["items"]
    assert (honey_row["unit"], honey_row["ordered"], honey_row["bulk_minimum"]) == ("jar", "2 jars", "5 jars")
