"""Who may do what, checked by the bot itself (default_permissions only hides commands)."""

from __future__ import annotations

import inspect

import discord
from discord import app_commands

from gromada import guild_config
from gromada.errors import GromadaError, NotAllowed
from gromada.i18n import N_
from models.core import BindingKind


class Refused(app_commands.CheckFailure):
    """A GromadaError raised by a check, carried where discord.py routes check failures."""

    def __init__(self, error: GromadaError) -> None:
        super().__init__(str(error))
        self.error = error


async def as_check(check) -> bool:
    """Run a check that raises GromadaError, the way app-command checks must fail."""
    try:
        result = check()
        if inspect.isawaitable(result):
            await result
    except GromadaError as error:
        raise Refused(error) from error
    return True


def is_admin(member: discord.Member | discord.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    permissions = member.guild_permissions
    return member.guild.owner_id == member.id or permissions.administrator or permissions.manage_guild


async def is_moderator(member: discord.Member | discord.User) -> bool:
    """Admins, people who may time out members, and holders of the configured moderator role."""
    if not isinstance(member, discord.Member):
        return False
    if is_admin(member) or member.guild_permissions.moderate_members:
        return True
    role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, "moderator")
    return role_id is not None and member.get_role(role_id) is not None


def require_guild(interaction: discord.Interaction) -> discord.Member:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotAllowed(N_("This works only in a server."))
    return interaction.user


def require_admin(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    if not is_admin(member):
        raise NotAllowed(N_("You need the Manage Server permission to do that."))
    return member


async def require_moderator(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    if not await is_moderator(member):
        raise NotAllowed(
            N_("Only moderators can do that ({role} or Timeout Members)."),
            role=await guild_config.role_shown(member.guild.id, "moderator"),
        )
    return member


def admin_only():
    """An app-command check: Manage Server (or owner/administrator)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        return await as_check(lambda: require_admin(interaction))

    return app_commands.check(predicate)


def moderator_only():
    async def predicate(interaction: discord.Interaction) -> bool:
        return await as_check(lambda: require_moderator(interaction))

    return app_commands.check(predicate)
