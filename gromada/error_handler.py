"""The one error path for slash commands, views, modals and persistent items.

A GromadaError (or a check failure) becomes a clear ephemeral reply in the person's
language. Anything else is logged with an incident id, and the person sees that id.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from gromada import cooldowns
from gromada.errors import DiscordRefused, GromadaError, InvalidInput
from gromada.i18n import N_, _, _n
from gromada.replies import reply

log = logging.getLogger(__name__)

# Discord's own names of permissions, as people see them in server settings.
PERMISSION_LABELS = {
    "manage_guild": N_("Manage Server"),
    "manage_channels": N_("Manage Channels"),
    "manage_roles": N_("Manage Roles"),
    "manage_threads": N_("Manage Threads"),
    "manage_messages": N_("Manage Messages"),
    "create_public_threads": N_("Create Public Threads"),
    "create_private_threads": N_("Create Private Threads"),
    "pin_messages": N_("Pin Messages"),
    "send_messages": N_("Send Messages"),
    "send_messages_in_threads": N_("Send Messages in Threads"),
    "embed_links": N_("Embed Links"),
    "attach_files": N_("Attach Files"),
    "read_message_history": N_("Read Message History"),
    "view_channel": N_("View Channel"),
    "moderate_members": N_("Timeout Members"),
    "kick_members": N_("Kick Members"),
    "ban_members": N_("Ban Members"),
    "mention_everyone": N_("Mention @everyone, @here and All Roles"),
    "create_events": N_("Create Events"),
    "manage_events": N_("Manage Events"),
}


def permission_label(name: str) -> str:
    return _(PERMISSION_LABELS.get(name, name.replace("_", " ").title()))


def new_incident_id() -> str:
    return secrets.token_hex(4).upper()


def _unwrap(error: BaseException) -> BaseException:
    while True:
        refused = getattr(error, "error", None)
        if isinstance(error, app_commands.CheckFailure) and isinstance(refused, GromadaError):
            error = refused
        elif isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError) and error.__cause__:
            error = error.__cause__
        elif isinstance(error, app_commands.TransformerError):
            return _unusable_option(error)
        else:
            return error


def _unusable_option(error: app_commands.TransformerError) -> GromadaError:
    """discord.py could not turn an option into what the command takes: the person's input, not a bug."""
    if error.type is discord.AppCommandOptionType.user:
        # Discord's user picker also offers people who are not (or no longer) on the server.
        return InvalidInput(N_("That person is not a member of this server."))
    return InvalidInput(N_("I could not use the value given for one of the options. Pick it again from the list."))


def describe(error: BaseException, bot: discord.Client | None = None) -> tuple[str, bool]:
    """The text to show, and whether this was expected (a person's mistake) or a bug."""
    error = _unwrap(error)
    if isinstance(error, GromadaError):
        return error.render(bot=bot), True
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(permission_label(name) for name in error.missing_permissions)
        return _("You need the {permissions} permission to do that.", permissions=names), True
    if isinstance(error, app_commands.BotMissingPermissions):
        names = ", ".join(permission_label(name) for name in error.missing_permissions)
        return _("I need the {permissions} permission to do that. Ask an admin to grant it.", permissions=names), True
    if isinstance(error, app_commands.NoPrivateMessage):
        return _("This command works only in a server."), True
    if isinstance(error, app_commands.CommandOnCooldown):
        seconds = round(error.retry_after)
        return _n("Slow down a little: try again in {n} s.", "Slow down a little: try again in {n} s.", seconds), True
    if isinstance(error, app_commands.CheckFailure):
        return _("You are not allowed to do that."), True
    if isinstance(error, discord.Forbidden):
        return DiscordRefused().render(), True
    return "", False


def is_answered_refusal(error: BaseException) -> bool:
    """Whether `error` is a refusal this path answers with an explanation, rather than a bug."""
    return describe(error)[1]


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    text, expected = describe(error, interaction.client)
    if isinstance(_unwrap(error), GromadaError):
        # Refused, so nothing was done: the attempt does not count toward a cooldown.
        cooldowns.give_back(interaction)
    metrics = getattr(interaction.client, "metrics", None)
    if metrics is not None:
        metrics.error("expected" if expected else "unexpected", interaction.guild_id)
    if expected:
        if isinstance(_unwrap(error), discord.Forbidden):
            log.warning("Discord refused an action: %s", _unwrap(error))
    else:
        incident = new_incident_id()
        log.error("incident %s while handling an interaction", incident, exc_info=_unwrap(error))
        text = _(
            "Something went wrong on our side. If it happens again, tell an admin the incident id {incident}.",
            incident=incident,
        )
    await send_ephemeral(interaction, text)


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    try:
        await reply(interaction, text)
    except discord.HTTPException:
        log.warning("could not deliver an error message to the person", exc_info=True)
