"""`gromada demo` in a real browser: the lobby, the people, the places, the clock, the language.

The demo runs as a person starts it (`python -m gromada demo`), and Debian's Chromium, driven
by Playwright, visits the page it prints. Chromium comes from the system (`apt-get install
chromium`, as .ci/run does), never from `playwright install`; without it the test is skipped
and says why. With GROMADA_DEMO_SCREENSHOTS=<folder> it also saves the README's screenshots.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import socket
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.async_api", reason="the browser extra is not installed (.[browser])")
axe_api = pytest.importorskip("axe_playwright_python.async_playwright", reason="the browser extra is not installed")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (Debian: apt-get install chromium)"
)
WINDOW = {"width": 960, "height": 660}
FAILED = "The bot action failed"
SERIOUS = {"serious", "critical"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def lobby_address(tmp_path):
    """The demo, started as a person starts it; its clock moves only when the visitor moves it."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gromada",
        "demo",
        "--port",
        str(port),
        "--stopped-clock",
        cwd=tmp_path,
        # This checkout's code, wherever the test runs from.
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    printed = []
    try:
        async with asyncio.timeout(90):
            while not any("open http" in line for line in printed):
                line = (await process.stdout.readline()).decode()
                assert line, "the demo stopped before serving its page:\n" + "".join(printed)
                printed.append(line)
        assert f"open http://127.0.0.1:{port}/ in a browser" in printed[-1]
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        await process.wait()


class Visitor:
    """A person at the lobby, with the server's view open in a tab beside it."""

    def __init__(self, context, lobby, shots: Path) -> None:
        self.context = context
        self.lobby = lobby
        self.shots = shots
        self.view = None

    async def screenshot(self, name: str, page=None) -> None:
        """A screenshot of the view (or the lobby), in few colours so that the README stays light."""
        shot = Image.open(io.BytesIO(await (page or self.view).screenshot()))
        shot.convert("RGB").quantize(colors=64).save(self.shots / name, optimize=True)

    async def be(self, name: str) -> None:
        await self.lobby.get_by_role("button", name=re.compile(name)).click()
        await self.lobby.wait_for_load_state()

    async def open(self, place: str):
        """Open a place from the lobby; the view opens in its own tab, then reuses it."""
        button = self.lobby.get_by_role("button", name=re.compile(place))
        if self.view is None:
            async with self.context.expect_page() as opened:
                await button.click()
            self.view = await opened.value
        else:
            async with self.view.expect_navigation():
                await button.click()
        await self.view.locator("#channel-message-list").wait_for()
        return self.view.locator("#channel-message-list")

    async def click(self, label: str) -> None:
        await self.messages.get_by_role("button", name=label, exact=True).last.click()
        await self.settled()

    async def run(self, command: str, **options: str) -> None:
        """Type a slash command in the composer, pick it, fill its options and send it."""
        await self.view.locator("#channel-composer-input").fill(f"/{command}")
        await self.view.locator(".command-entry", has_text=f"/{command}").first.click()
        for name, value in options.items():
            await self.view.locator(f"input.command-option-input[data-option='{name}']").fill(value)
        await self.view.locator("#send-message").click()
        await self.settled()

    async def settled(self) -> None:
        await self.view.locator("#preview-app:not([aria-busy='true'])").wait_for()
        await self.view.wait_for_timeout(600)

    @property
    def messages(self):
        return self.view.locator("#channel-message-list")

    async def page_text(self) -> str:
        return await self.view.locator("body").inner_text()


async def test_a_visitor_walks_a_welcome_signs_it_off_closes_a_poll_and_reads_polish(lobby_address, tmp_path):
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            context = await browser.new_context(viewport=WINDOW)
            lobby = await context.new_page()
            await lobby.goto(lobby_address)
            visitor = Visitor(context, lobby, Path(os.environ.get("GROMADA_DEMO_SCREENSHOTS") or tmp_path))
            assert "Who are you?" in await lobby.locator("main").inner_text()
            violations = (await axe_api.Axe().run(lobby)).response["violations"]
            serious = [(found["id"], found["impact"]) for found in violations if found["impact"] in SERIOUS]
            assert not serious, f"the lobby has accessibility problems: {serious}"
            await visitor.screenshot("demo-lobby.png", page=lobby)

            # The newcomer, who has just joined, walks the welcome in their private thread.
            messages = await visitor.open("welcome › .*jan")
            assert "Gromada" in await messages.inner_text()  # the bot under its own name
            while await messages.get_by_role("button", name="Next", exact=True).count():
                await visitor.click("Next")
            await visitor.click("I share these values")
            await visitor.click("Introduce yourself")
            dialog = visitor.view.get_by_role("dialog")
            await dialog.locator("textarea[name=about]").fill("I fix bikes and bake bread.")
            await dialog.locator("input[name=languages]").fill("Polish")
            await dialog.get_by_role("button", name="Submit").click()
            await visitor.settled()
            await messages.get_by_text("you are the buddy of").wait_for()
            # Only the buddy signs the welcome off: the newcomer's press is answered, not failed.
            await visitor.click("Welcome complete")
            shown = await visitor.page_text()
            assert "Only you can see this" in shown and "buddy" in shown
            assert FAILED not in shown

            # A member may not see the staff's log; a member closing someone's poll is refused.
            await visitor.be("celina")
            assert "celina cannot open this channel." in await lobby.locator("li", has_text="#mod-log").inner_text()
            await visitor.open("#decisions")
            await visitor.run("poll close", poll_id="1")
            shown = await visitor.page_text()
            assert "Only you can see this" in shown and "creator" in shown
            assert FAILED not in shown

            # The buddy opens the newcomer's thread and signs the welcome off.
            await visitor.be("basia_buddy")
            messages = await visitor.open("welcome › .*jan")
            await visitor.click("Welcome complete")
            await messages.get_by_text("Welcome complete!").first.wait_for()
            await visitor.screenshot("demo-welcome-complete.png")

            # A week passes: the poll in #decisions closes and announces its result.
            await lobby.get_by_role("button", name="+1 week").click()
            await lobby.wait_for_load_state()
            lobby_text = await lobby.locator("main").inner_text()
            assert "8 January 2026" in lobby_text
            assert "The bot wrote or changed messages in: " in lobby_text and "#decisions" in lobby_text
            messages = await visitor.open("#decisions")
            await messages.get_by_text("Yes, this spring").first.wait_for()
            assert "Results" in await messages.inner_text()

            # In Polish: the lobby, the server and everyone's Discord.
            await lobby.get_by_role("button", name="Polski").click()
            await lobby.wait_for_load_state()
            assert "Kim jesteś?" in await lobby.locator("main").inner_text()
            await visitor.be("celina")
            messages = await visitor.open("#initiatives")
            await visitor.click("Support")
            assert "Dziękujemy! Inicjatywa ma już swój kanał" in await visitor.page_text()
            # The third supporter opened the initiative's channel, which greets in Polish.
            await lobby.reload()
            messages = await visitor.open("#seed-library")
            await messages.get_by_text("Witamy w inicjatywie").first.wait_for()
            await visitor.screenshot("demo-polish.png")
        finally:
            await browser.close()
