"""Calendar feeds: a server's or a member's activities and meetings as an iCalendar file.

Anyone with the secret address may read that feed (calendar apps subscribe without logging
in); an unknown or rotated token is a plain 404. The activities service reads the entries
and builds the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from cogs.activities import service as activities
from gromada.scheduler import now

if TYPE_CHECKING:
    from gromada.bot import Gromada


def add_routes(app: web.Application, bot: Gromada) -> None:
    async def feed(request: web.Request) -> web.Response:
        found = await activities.feed_by_token(request.match_info["token"])
        if found is None:
            raise web.HTTPNotFound()
        guild = bot.get_guild(found.guild_id)
        name = guild.name if guild is not None else "Gromada"
        body = await activities.feed_file(found, name, now())
        return web.Response(body=body, content_type="text/calendar", charset="utf-8")

    app.router.add_get(activities.FEED_PATH, feed)
