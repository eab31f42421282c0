"""Whether a server publishes its public pages, at which token, and whether they show names.

The token lives in one row per server (models.public.PublicSite). Every change is one
conditional update, so two admins pressing at once end with one address, and a rotated
token is gone from the database before the reply shows the new one: the old address stops
working with the next request (the web server reads the token on every request, never
from a cache).
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from cogs.public import rules
from gromada.commands import Command
from gromada.errors import NotFound
from gromada.guild_config import declare_bool
from gromada.i18n import N_
from models.public import PublicSite

NAMES = declare_bool(
    "public_names",
    False,
    N_("Whether the public pages show members' names (volunteers, initiative leads, payers) instead of counts"),
)
NOT_ENABLED = N_("The public pages of this server are off. Turn them on with {command}.")


async def token_of(guild_id: int) -> str | None:
    """The server's current token, or None when its pages are off."""
    site = await PublicSite.get_or_none(guild_id=guild_id)
    return site.token if site is not None else None


async def enable(guild_id: int, now: datetime) -> tuple[str, bool]:
    """Publish the pages: (the token, whether they were off until now)."""
    try:
        await PublicSite.get_or_create(guild_id=guild_id)
    except IntegrityError:  # created at the same moment by another admin
        pass
    made = await PublicSite.filter(guild_id=guild_id, token__isnull=True).update(
        token=rules.new_token(), enabled_at=now
    )
    return await _current(guild_id), bool(made)


async def disable(guild_id: int) -> bool:
    """Stop publishing; False when the pages were already off."""
    return bool(await PublicSite.filter(guild_id=guild_id, token__isnull=False).update(token=None, enabled_at=None))


async def rotate(guild_id: int, now: datetime) -> str:
    """A new token; the old address stops working at once."""
    if not await PublicSite.filter(guild_id=guild_id, token__isnull=False).update(
        token=rules.new_token(), rotated_at=now
    ):
        raise NotFound(NOT_ENABLED, command=Command("setup public enable"))
    return await _current(guild_id)


async def _current(guild_id: int) -> str:
    token = await token_of(guild_id)
    if token is None:  # disabled between the update and this read
        raise NotFound(NOT_ENABLED, command=Command("setup public enable"))
    return token


async def guild_for(token: str) -> int | None:
    """The server whose pages live at this token, or None (a wrong, rotated or disabled one)."""
    if not rules.well_formed(token):
        return None
    site = await PublicSite.get_or_none(token=token)
    return site.guild_id if site is not None else None


async def shows_names(guild_id: int) -> bool:
    return bool(await NAMES.get(guild_id))
