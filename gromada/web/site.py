"""What every public page shares: the token in the address, the language, the limit per
address, rendering with Jinja2, and the caching and safety headers.

A page family (decisions, ledger, initiatives, volunteers) is a module with a `collect`
coroutine that reads through the features' services and returns plain data (strings,
numbers, ISO dates, lists): the same data fills the HTML template and is the page's JSON
variant, so both show exactly the same things. Members' ids never leave `Page`: a page gets
a person's name from `page.name_of(user_id)` (None unless the server shows names), and
quoted text goes through `page.plain(text)`, which turns Discord mentions into names or
neutral words.

Nothing is cached between requests: every request reads the token, the names option and
the data afresh, so a rotated address, a changed option or a forgotten person shows at once.
The ETag lets a browser revalidate cheaply (Cache-Control: no-cache).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from cogs.public import service as public_service
from gromada import guild_config
from gromada.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    WEB_DOMAIN,
    Message,
    Plural,
    _,
    current_locale,
    translate,
    use_locale,
)
from gromada.scheduler import now
from gromada.web.limits import RequestLimit, client_address

if TYPE_CHECKING:
    from gromada.bot import Gromada

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "public.css"
STYLESHEET_PATH = "/assets/public.css"
BOT_KEY: web.AppKey[Gromada] = web.AppKey("bot")
LIMIT_KEY: web.AppKey[RequestLimit] = web.AppKey("public_limit", RequestLimit)
SECURITY_HEADERS = {
    # Nothing but this server's own stylesheet: no scripts, fonts, frames or other origins.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    # The token is the secret: never send it on to another site in a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    # Readable by anyone given the address, found by no search engine.
    "X-Robots-Tag": "noindex, nofollow",
}
USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
CHANNEL_MENTION = re.compile(r"<#(\d+)>")
TIMESTAMP = re.compile(r"<t:(-?\d+)(?::[tTdDfFR])?>")


def gettext(message: str, **params: Any) -> str:
    """A page's words, from the `web` catalog, in the language of the page being rendered."""
    return translate(Message(message, WEB_DOMAIN), **params)


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    return translate(Plural(singular, plural, n, WEB_DOMAIN), **params)


@dataclass
class Page:
    """One request for one server's page: who the server is, in which language, with names or not."""

    bot: Gromada
    request: web.Request
    guild_id: int
    token: str
    language: str
    names: bool
    explicit_language: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def guild(self) -> Any:
        return self.bot.get_guild(self.guild_id)

    @property
    def server_name(self) -> str:
        guild = self.guild
        return guild.name if guild is not None else ""

    @property
    def base(self) -> str:
        return f"/s/{self.token}/"

    def name_of(self, user_id: int | None) -> str | None:
        """A member's display name where the server shows names and the person is still here.

        A forgotten person's rows hold a pseudonym (a negative id): no member has it, so no
        name is found. Neither is one for someone who left the server.
        """
        if not self.names or user_id is None or user_id <= 0:
            return None
        guild = self.guild
        member = guild.get_member(user_id) if guild is not None else None
        return member.display_name if member is not None else None

    def plain(self, text: str | None) -> str:
        """Text people wrote, with Discord's mentions turned into names or neutral words."""
        if not text:
            return ""
        guild = self.guild

        def person(match: re.Match[str]) -> str:
            return "@" + (self.name_of(int(match[1])) or _("member"))

        def role(match: re.Match[str]) -> str:
            found = guild.get_role(int(match[1])) if guild is not None else None
            return "@" + (found.name if found is not None else _("role"))

        def channel(match: re.Match[str]) -> str:
            found = guild.get_channel(int(match[1])) if guild is not None else None
            # A channel's name only where everyone may see that channel: a private one's name
            # (a mediation space, say) can tell who is in it.
            visible = found is not None and found.permissions_for(guild.default_role).view_channel
            return "#" + (found.name if visible else _("channel"))

        def moment(match: re.Match[str]) -> str:
            moment = datetime.fromtimestamp(int(match[1]), UTC)
            return format_datetime(moment, "short", tzinfo=UTC, locale=self.language)

        text = USER_MENTION.sub(person, text)
        text = ROLE_MENTION.sub(role, text)
        text = CHANNEL_MENTION.sub(channel, text)
        return TIMESTAMP.sub(moment, text)

    def link(self, target: str = "", **params: Any) -> str:
        """A link to another page of this site, keeping a language chosen by the reader."""
        query = {key: value for key, value in params.items() if value not in (None, "")}
        if self.explicit_language:
            query.setdefault("lang", self.language)
        return self.base + target + (f"?{urlencode(query)}" if query else "")

    def absolute(self, path: str) -> str:
        public = self.bot.settings.public_url
        origin = public.rstrip("/") if public else str(self.request.url.origin())
        return origin + path


Collect = Callable[[Page], Awaitable[dict[str, Any]]]


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def respond(request: web.Request, body: bytes, content_type: str, *, language: str | None = None) -> web.Response:
    """The response, or 304 when the browser already holds this exact body."""
    tag = _etag(body)
    headers = {**SECURITY_HEADERS, "ETag": tag, "Cache-Control": "no-cache"}
    if language:
        headers["Content-Language"] = language
    presented = [value.strip() for value in request.headers.get("If-None-Match", "").split(",")]
    if tag in presented or "*" in presented:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers=headers, content_type=content_type, charset="utf-8")


async def to_overview(request: web.Request) -> web.Response:
    """/s/<token> (as people type it) leads to /s/<token>/, counted like any page request."""
    page = await open_page(request)
    if isinstance(page, web.Response):
        return page
    raise web.HTTPFound(page.base)


def not_found() -> web.Response:
    # The same answer for a wrong, rotated or disabled token: nothing tells them apart.
    return web.Response(status=404, text="404: Not Found", headers=SECURITY_HEADERS)


async def open_page(request: web.Request) -> Page | web.Response:
    """The page's server and language, or the response refusing it (429 or 404)."""
    bot = request.app[BOT_KEY]
    trusted = frozenset(
        address.strip() for address in bot.settings.public_trusted_proxies.split(",") if address.strip()
    )
    address = client_address(request.remote, request.headers.get("X-Forwarded-For", ""), trusted)
    wait = request.app[LIMIT_KEY].retry_after(address)
    if wait is not None:
        return web.Response(
            status=429, text="429: Too Many Requests", headers={**SECURITY_HEADERS, "Retry-After": str(wait)}
        )
    token = request.match_info["token"]
    guild_id = await public_service.guild_for(token)
    if guild_id is None:
        return not_found()
    asked = request.query.get("lang", "")
    explicit = asked in LANGUAGES
    language = asked if explicit else await guild_config.language(guild_id) or bot.settings.default_language
    names = await public_service.shows_names(guild_id)
    return Page(bot, request, guild_id, token, language, names, explicit_language=explicit)


def page_route(template: str, collect: Collect, *, current: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An HTML page filled from `collect`'s data."""

    async def handler(request: web.Request) -> web.Response:
        page = await open_page(request)
        if isinstance(page, web.Response):
            return page
        with use_locale(page.language):
            data = await collect(page)
            html = aiohttp_jinja2.render_string(template, request, {"data": data, **chrome(page, current)})
        return respond(request, html.encode("utf-8"), "text/html", language=page.language)

    return handler


def json_route(collect: Collect) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The same data as the page, as JSON (labels in the page's language)."""

    async def handler(request: web.Request) -> web.Response:
        page = await open_page(request)
        if isinstance(page, web.Response):
            return page
        with use_locale(page.language):
            data = await collect(page)
        body = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        return respond(request, body, "application/json", language=page.language)

    return handler


def chrome(page: Page, current: str) -> dict[str, Any]:
    """What every page's frame shows: the server, the menu, the language switch."""
    menu = [
        ("", _("Overview")),
        ("decisions", _("Decisions")),
        ("ledger", _("Ledger")),
        ("initiatives", _("Initiatives")),
        ("volunteers", _("Volunteer roles")),
    ]
    query = {key: value for key, value in page.request.query.items() if key != "lang"}
    switch = [(code, LANGUAGE_NAMES[code], "?" + urlencode({**query, "lang": code})) for code in LANGUAGES]
    return {
        "page": page,
        "lang": page.language,
        "server": page.server_name,
        "menu": [(page.link(key), label, key == current) for key, label in menu],
        "languages": switch,
        "current": current,
        "stylesheet": STYLESHEET_PATH,
    }


# ---------------------------------------------------------------- formatting in templates


def _moment(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def show_date(value: str | datetime | None) -> str:
    moment = _moment(value)
    return format_date(moment, "long", locale=current_locale()) if moment else ""


def show_datetime(value: str | datetime | None) -> str:
    moment = _moment(value)
    return format_datetime(moment, "medium", tzinfo=moment.tzinfo, locale=current_locale()) if moment else ""


def show_number(value: float | int) -> str:
    return format_decimal(value, locale=current_locale())


def show_percent(value: float) -> str:
    """A share between 0 and 1, as people of the page's language write percentages."""
    return format_percent(value, format="#,##0.#%", locale=current_locale())


async def stylesheet(request: web.Request) -> web.Response:
    return respond(request, STYLESHEET.read_bytes(), "text/css")


def setup_rendering(app: web.Application, bot: Gromada) -> None:
    app[BOT_KEY] = bot
    app[LIMIT_KEY] = RequestLimit(bot.settings.public_requests_per_minute, clock=lambda: now().timestamp())
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(_=gettext, _n=ngettext)
    env.filters.update(date=show_date, datetime=show_datetime, number=show_number, percent=show_percent)
    app.router.add_get(STYLESHEET_PATH, stylesheet)
    app.router.add_get("/s/{token}", to_overview)
