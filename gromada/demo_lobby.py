"""The demo's lobby: a small page on 127.0.0.1 from which a visitor walks the whole server.

SimCord serves one preview per Env at a time, and a preview shows one channel (or thread, or
direct messages) to the people it was opened for. So the lobby holds the choices (who you
are, where you look, the language, the clock) and, when you open a place, closes the preview
it had open and opens one on that place for that person alone; the view opens in a tab of its
own (the preview page may not be framed), and the lobby stays beside it to switch again.
Whether a person may open a place is SimCord's own permission check, the one Discord makes:
an ordinary member sees #mod-log listed but cannot open it.

The clock: without the visitor moving it, time passes as on a wall clock (every few seconds
the lobby moves SimCord's clock by the time that passed), so a poll's tally refreshes and
short timers fire by themselves; "+1 hour", "+1 day" and "+1 week" jump ahead and the bot does
what falls due (polls close, purchases bill, reminders go out). After either, an open view is
republished when the bot did anything, so it follows without a reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import jinja2
import simcord
from aiohttp import web
from babel.dates import format_datetime
from simcord.backend.access import can_access_channel

from gromada.demo import DISCORD_LOCALES, advance
from gromada.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, translate, use_locale

log = logging.getLogger(__name__)

TEMPLATE = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent),
    autoescape=True,
).get_template("demo_lobby.html")
# The visitor's jumps ahead, in seconds, and their buttons.
JUMPS = {3600: N_("+1 hour"), 86400: N_("+1 day"), 7 * 86400: N_("+1 week")}
PREVIEW_WINDOW = "gromada-view"
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE"}
LOOPBACK_NAMES = {"127.0.0.1", "localhost"}
WALL_CLOCK_TICK = 5.0


@dataclass(frozen=True)
class Place:
    """A channel, thread or the direct messages, as one person finds it."""

    key: str  # the channel's id
    label: str
    group: str  # "channel", "thread" or "dm"
    open: bool  # the person may read it


class Lobby:
    def __init__(self, demo, personas, speaking, *, wall_clock: bool = True, tick: float = WALL_CLOCK_TICK) -> None:
        self.demo = demo
        self.env = demo.env
        self.personas = {persona.key: persona for persona in personas}
        self.person = personas[0].key
        self.speaking = speaking
        self.wall_clock = wall_clock
        self.tick = tick
        self.preview: Any = None
        self.shown: tuple[str, str] | None = None  # the person and the place the open view shows
        self.lock = asyncio.Lock()
        self.news = ""  # what the last jump ahead made the bot do, for the next page
        self._clock_task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ what a person can open

    @property
    def actor(self):
        return self.personas[self.person].actor

    def places(self) -> list[Place]:
        """Every text channel of the server (open or not to this person), the threads they
        are in, and their direct messages with the bot."""
        guild = self.env.bot.get_guild(self.demo.guild.id)
        places = []
        for _category, channels in guild.by_category():
            for channel in channels:
                if isinstance(channel, discord.TextChannel):
                    places.append(Place(str(channel.id), f"#{channel.name}", "channel", self._may_open(channel.id)))
        for parent in self.demo.guild.channels.values():
            for thread in parent.threads:
                if self._may_open(thread.id):
                    places.append(Place(str(thread.id), f"#{parent.name} › {thread.name}", "thread", True))
        bot_name = self.env.bot.user.name
        places.append(Place("dm", _("Direct messages with {bot}", bot=bot_name), "dm", True))
        return places

    def _may_open(self, channel_id: int) -> bool:
        return can_access_channel(self.env, channel_id, self.actor, history=True)

    def _handle_of(self, key: str):
        """The SimCord channel and the viewer a preview of `key` is opened with."""
        if key == "dm":
            user = self.actor.user
            return user.dm_channel, user
        channel_id = int(key)
        for handle in self.demo.guild.channels.values():
            if handle.id == channel_id:
                return handle, self.actor
            for thread in handle.threads:
                if thread.id == channel_id:
                    return thread, self.actor
        raise KeyError(key)

    # ------------------------------------------------------------ the visitor's choices

    async def open(self, key: str) -> str:
        """Show place `key` to the chosen person; return the view's address."""
        async with self.lock:
            handle, viewer = self._handle_of(key)
            if key != "dm" and not self._may_open(handle.id):
                raise PermissionError(key)
            await self._close_preview()
            preview = self.env.preview(
                handle, viewers=[viewer], layout="channel", locale=DISCORD_LOCALES[self.speaking.language]
            )
            await preview.__aenter__()
            self._take_turns_with_the_clock(preview)
            self.preview, self.shown = preview, (self.person, key)
            return preview.url

    def _take_turns_with_the_clock(self, preview) -> None:
        """A visitor's click in the view waits for a tick of the clock to finish, and the other
        way round: SimCord refuses two operations at once, and the view would report the click
        as lost. (The preview's bridge hands every action to its `_action`; the lobby wraps it.)"""
        act = preview._action

        async def act_in_turn(context_id, body):
            async with self.lock:
                return await act(context_id, body)

        preview._action = act_in_turn

    async def choose_language(self, language: str) -> None:
        """The server's language (as an admin sets it) and everyone's Discord switch together."""
        async with self.lock:
            await self.demo.admin.slash(self.demo.channel("general"), "setup language", language=language)
            self.speaking.language = self.demo.language = language
            await self._republish()

    async def move_time(self, seconds: float) -> list[str]:
        """Jump ahead; return where the bot wrote or changed messages meanwhile, by name."""
        async with self.lock:
            mark = len(self.env.backend.transcript)
            await self._advance(seconds)
            return self._written_since(mark)

    def _written_since(self, mark: int) -> list[str]:
        written: dict[int, None] = {}
        for seam, event, payload in self.env.backend.transcript[mark:]:
            if seam == "GATEWAY" and event in MESSAGE_EVENTS and isinstance(payload, dict):
                written[int(payload["channel_id"])] = None
        dm_owners = {channel_id: user_id for user_id, channel_id in self.env.backend.dm_channels.items()}
        names = []
        for channel_id in written:
            if channel_id in dm_owners:
                user = self.env.bot.get_user(dm_owners[channel_id])
                names.append(_("direct messages of {name}", name=user.name if user else "?"))
            elif (channel := self.env.bot.get_channel(channel_id)) is not None:
                names.append(f"#{channel.name}")
        return names

    async def _advance(self, seconds: float) -> None:
        before = len(self.env.backend.transcript)
        await advance(self.env, seconds)
        if len(self.env.backend.transcript) != before:
            await self._republish()

    async def _republish(self) -> None:
        if self.preview is not None and not self.preview._closed:
            await self.preview.refresh()

    async def _close_preview(self) -> None:
        if self.preview is not None:
            await self.preview.close()
            self.preview = self.shown = None

    # ------------------------------------------------------------ the wall clock

    async def keep_time(self) -> None:
        """Move SimCord's clock with the real one, between the visitor's own actions."""
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(self.tick)
            if self.lock.locked():
                continue  # someone is acting; the time is caught up on the next tick
            async with self.lock:
                passed, last = loop.time() - last, loop.time()
                try:
                    await self._advance(passed)
                except simcord.SetupError:
                    log.debug("the clock waits for an action in the view to finish")

    # ------------------------------------------------------------ the page

    def _shown_here(self) -> str | None:
        """The place the open view shows, if it shows it to the person chosen now."""
        if self.preview is None or self.preview._closed or self.shown is None:
            return None
        person, place = self.shown
        return place if person == self.person else None

    def render(self, notice: str = "") -> str:
        language = self.speaking.language
        with use_locale(language):
            now = format_datetime(self.env.now(), "EEEE, d MMMM y, HH:mm", locale=language)
            person = self.personas[self.person]
            context = {
                "language": language,
                "title": _("Gromada demo"),
                "intro": _(
                    "A community server with every feature under way, run by the real bot offline. "
                    "Choose who you are and open a place: it opens in its own tab, as that person sees it. "
                    "Keep this page beside it to switch."
                ),
                "notice": notice,
                "people_heading": _("Who are you?"),
                "people": [
                    {"key": key, "name": p.actor.name, "title": translate(p.title, locale=language)}
                    for key, p in self.personas.items()
                ],
                "person": self.person,
                "places_heading": _("Where do you look, as {name}?", name=person.actor.name),
                "places": self.places(),
                "shown": self._shown_here(),
                "closed_note": _("{name} cannot open this channel.", name=person.actor.name),
                "window": PREVIEW_WINDOW,
                "language_heading": _("Language"),
                "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
                "time_heading": _("Time"),
                "now": _("Now: {moment} (UTC)", moment=now),
                "clock_note": _("Time passes by itself, as on a wall clock.")
                if self.wall_clock
                else _("Time stands still until you move it."),
                "jumps": [(seconds, translate(label, locale=language)) for seconds, label in JUMPS.items()],
            }
        return TEMPLATE.render(**context)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[only_from_this_page])
        app.router.add_get("/", self._page)
        app.router.add_post("/person", self._choose_person)
        app.router.add_post("/open", self._open)
        app.router.add_post("/language", self._language)
        app.router.add_post("/time", self._time)
        return app

    async def _page(self, request: web.Request) -> web.Response:
        news, self.news = self.news, ""  # told once, after the jump
        return _html(self.render(news))

    async def _choose_person(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("person") not in self.personas:
            raise web.HTTPBadRequest()
        self.person = str(form["person"])
        raise web.HTTPSeeOther("/")

    async def _open(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            url = await self.open(str(form.get("place", "")))
        except (KeyError, ValueError):
            raise web.HTTPNotFound() from None
        except PermissionError:
            with use_locale(self.speaking.language):
                refusal = _("{name} cannot open this channel.", name=self.actor.name)
            return _html(self.render(refusal), status=403)
        raise web.HTTPSeeOther(url)

    async def _language(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("language") not in LANGUAGES:
            raise web.HTTPBadRequest()
        await self.choose_language(str(form["language"]))
        raise web.HTTPSeeOther("/")

    async def _time(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            seconds = int(str(form.get("seconds")))
        except ValueError:
            raise web.HTTPBadRequest() from None
        if seconds not in JUMPS:
            raise web.HTTPBadRequest()
        with use_locale(self.speaking.language):
            written = await self.move_time(seconds)
            self.news = (
                _("The bot wrote or changed messages in: {places}.", places=", ".join(written))
                if written
                else _("Nothing fell due: the bot wrote nowhere.")
            )
        raise web.HTTPSeeOther("/")

    # ------------------------------------------------------------ running

    async def serve(self, port: int | None) -> int:
        """Serve the lobby until the process is stopped; print where it is."""
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port or 0)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            print(f"Gromada demo: port {port} on 127.0.0.1 is taken. Pick another with --port.", file=sys.stderr)
            return 1
        if self.wall_clock:
            self._clock_task = asyncio.create_task(self.keep_time())
        try:
            address = f"http://127.0.0.1:{runner.addresses[0][1]}/"
            print(f"Gromada demo: open {address} in a browser on this machine. Ctrl+C stops it.", flush=True)
            await asyncio.Event().wait()
            return 0
        finally:
            if self._clock_task is not None:
                self._clock_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._clock_task
            await self._close_preview()
            await runner.cleanup()


@web.middleware
async def only_from_this_page(request: web.Request, handler):
    """Answer only requests addressed to this loopback server, and take choices only from its
    own page: another site open in the same browser can neither post to the lobby (its Origin
    differs) nor read it through a name that resolves to 127.0.0.1 (its Host differs)."""
    host = request.host
    if host.split(":")[0] not in LOOPBACK_NAMES:
        raise web.HTTPForbidden()
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin is not None and origin != f"{request.scheme}://{host}":
        raise web.HTTPForbidden()
    return await handler(request)


def _html(text: str, status: int = 200) -> web.Response:
    # "same-origin", not "no-referrer": with no referrer a browser posts the page's forms with
    # "Origin: null", which the lobby could not tell from another site's.
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff"}
    return web.Response(text=text, status=status, content_type="text/html", headers=headers)
