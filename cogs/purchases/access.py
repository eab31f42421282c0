"""Who may run purchases (order coordinators) and keep their books (treasurers).

A coordinator is staff (moderator or admin) or holds the order-coordinator role; a
treasurer likewise with the treasurer role. The role is the one an admin bound with
`/setup role order_coordinator|treasurer`, or else a role named like the volunteer
catalogue's entry ("Order coordinator", "Koordynator zamówień", …), which quickstart
creates. The volunteers feature is not imported: the catalogue names are the contract.
"""

from __future__ import annotations

from functools import cache

import discord

from config.content import load_default_pack
from gromada import guild_config
from gromada.checks import is_moderator, require_guild
from gromada.errors import NotAllowed
from gromada.i18n import LANGUAGES, N_
from models.core import BindingKind

COORDINATOR = "order_coordinator"
TREASURER = "treasurer"


@cache
def catalogue_names(key: str) -> frozenset[str]:
    """The catalogue's name of a volunteer role in every language we ship."""
    return frozenset(
        spec.name.casefold()
        for language in LANGUAGES
        for spec in load_default_pack(language).volunteer_roles
        if spec.key == key
    )


async def holds(member: discord.Member, key: str) -> bool:
    bound = await guild_config.binding(member.guild.id, BindingKind.ROLE, key)
    if bound is not None:
        return member.get_role(bound) is not None
    names = catalogue_names(key)
    return any(role.name.casefold() in names for role in member.roles)


async def is_coordinator(member: discord.Member | discord.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    return await is_moderator(member) or await holds(member, COORDINATOR)


async def is_treasurer(member: discord.Member | discord.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    return await is_moderator(member) or await holds(member, TREASURER)


async def require_coordinator(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    if not await is_coordinator(member):
        raise NotAllowed(N_("Only order coordinators (the Order coordinator role) or moderators can do that."))
    return member


async def require_treasurer(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    if not await is_treasurer(member):
        raise NotAllowed(N_("Only the treasurer (the Treasurer role) or moderators can do that."))
    return member


async def sees_names(member: discord.Member | discord.User) -> bool:
    """Who sees members' names in the ledger and may export it."""
    return await is_coordinator(member) or await is_treasurer(member)
