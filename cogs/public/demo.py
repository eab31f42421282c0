"""Demo walk: the admin publishes the public pages; a visitor reads them over HTTP."""

from __future__ import annotations

import html
import re

from aiohttp import ClientSession, web

from cogs.public import rules, service

ORDER = 95  # after the features whose records the pages show

HEADING = re.compile(r"<h([12])[^>]*>(.*?)</h\1>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def headings(page: str) -> list[str]:
    return [html.unescape(TAG.sub("", text)).strip() for _level, text in HEADING.findall(page)]


async def walk(demo) -> None:
    from gromada.web import make_app  # the runtime's web server, started here as `gromada run` does

    general = demo.channel("general")
    demo.say(f"{demo.admin.name} publishes the community's decisions, ledger and initiatives.")
    demo.show(demo.admin.name, await demo.admin.slash(general, "setup public enable"))

    # The demo runs with the web server off; it serves the pages on a free loopback port now.
    runner = web.AppRunner(make_app(demo.env.bot), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        token = await service.token_of(demo.guild.id)
        address = rules.site_address(f"http://127.0.0.1:{port}", token)
        demo.say(f"The pages are at {address} (while the demo runs). A visitor on a phone reads:")
        async with ClientSession() as visitor:
            for name in ("decisions", "initiatives", "ledger", "volunteers"):
                async with visitor.get(address + name) as response:
                    page = await response.text()
                demo.say(f"  {name} ({response.status}): " + " | ".join(headings(page)[:6]))
    finally:
        await runner.cleanup()
