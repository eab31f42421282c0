"""The public pages in a real browser: the bot's own web server, Debian's Chromium driven by
Playwright, a phone-sized window, a screenshot of each page and axe-core's accessibility check.

Chromium comes from the system (`apt-get install chromium`, as .ci/run does), never from
`playwright install`; without it the test is skipped and says why.
"""

import socket
from pathlib import Path

import pytest

from cogs.purchases.money import format_money
from tests.cogs.public.helpers import community, purchase_with_savings

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.async_api", reason="the browser extra is not installed (.[browser])")
axe_api = pytest.importorskip("axe_playwright_python.async_playwright", reason="the browser extra is not installed")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (Debian: apt-get install chromium)"
)
PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings(settings):
    """The bot starts its real web server, on loopback and a port nobody else holds."""
    return settings.model_copy(update={"web_enabled": True, "web_host": "127.0.0.1", "web_port": free_port()})


async def test_a_visitor_on_a_phone_reads_every_page_in_polish(simcord_env, tmp_path):
    seeded = await community(simcord_env)
    pears = await purchase_with_savings(seeded)
    await seeded.server.admin.slash(seeded.server.general, "setup language", language="pl")
    origin = f"http://127.0.0.1:{simcord_env.bot.settings.web_port}"
    base = f"{origin}/s/{seeded.token}/"
    expected = {
        "": ("Gromada", "Najnowsze decyzje"),
        "decisions": ("Decyzje", "Rundy głosowania preferencyjnego"),
        "ledger": (
            "Rozliczenia",
            "Winter apples",
            # The season's savings and the community fund's part, apart.
            "Ile dotąd zaoszczędziły wspólne zakupy",
            f"{format_money(pears.saved, 'PLN', 'pl')} (w 1 zamkniętym zakupie)",
            f"Na fundusz wspólnoty\n{format_money(pears.fund, 'PLN', 'pl')} (wliczone w rachunki)",
        ),
        "initiatives": ("Inicjatywy", "potrzeba jeszcze 2 osób"),
        "volunteers": ("Role wolontariuszy", "Zajęte miejsca: 1 z"),
    }

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            # axe is injected by the test itself; the pages allow no script of their own.
            context = await browser.new_context(viewport=PHONE, is_mobile=True, bypass_csp=True)
            page = await context.new_page()
            elsewhere: list[str] = []

            def note_elsewhere(request) -> None:
                if not request.url.startswith(origin + "/"):
                    elsewhere.append(request.url)

            page.on("request", note_elsewhere)
            for name, (heading, *texts) in expected.items():
                response = await page.goto(base + name)
                assert response is not None and response.status == 200, name
                assert await page.locator("html").get_attribute("lang") == "pl"
                assert heading in await page.locator("h1").first.inner_text(), name
                shown = await page.locator("main").inner_text()
                for text in texts:
                    assert text in shown, (name, text)
                # Usable on a phone: nothing is wider than the screen.
                overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name or 'overview'} is {overflow}px wider than a phone"
                await page.screenshot(path=str(tmp_path / f"{name or 'overview'}.png"), full_page=True)
                results = await axe_api.Axe().run(page)
                serious = [
                    (violation["id"], violation["impact"])
                    for violation in results.response["violations"]
                    if violation["impact"] in SERIOUS
                ]
                assert not serious, (name, serious, results.generate_report())

            # The chart is drawn without any script, and the language switch works.
            await page.goto(base + "decisions")
            assert await page.locator("svg[role=img] rect").count() >= 3
            await page.get_by_role("link", name="Русский").click()
            assert await page.locator("html").get_attribute("lang") == "ru"
            assert "Решения" in await page.locator("h1").inner_text()
            assert elsewhere == [], f"the pages asked for something elsewhere: {elsewhere}"
        finally:
            await browser.close()
    assert sorted(path.name for path in tmp_path.glob("*.png")) == sorted(
        f"{name or 'overview'}.png" for name in expected
    )
