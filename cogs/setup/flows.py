"""The Discord side of setup: /setup quickstart reuses what exists, creates what is missing, reports the rest.

Each step catches Discord's refusals and records them in the report, so a server with a
missing permission gets a clear list of what to fix instead of a half-done failure.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import discord

from cogs.setup.service import ROLE_ORDER, QuickstartReport, missing_permissions, ordered_roles
from config.content import load_default_pack
from gromada import guild_config
from gromada.error_handler import permission_label
from gromada.guild_config import Purpose, purposes
from gromada.i18n import _
from models.core import BindingKind

log = logging.getLogger(__name__)

# What the bot grants itself on every channel it creates, so it can always do its job there.
BOT_CHANNEL_ACCESS = discord.PermissionOverwrite(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    manage_threads=True,
    create_private_threads=True,
    manage_messages=True,
    pin_messages=True,  # an initiative's welcome message is pinned in its channel
)
REASON = "Gromada /setup quickstart"


def _find_by_name(items, name: str):
    wanted = name.casefold()
    return discord.utils.find(lambda item: item.name.casefold() == wanted, items)


def missing_bot_permissions(guild: discord.Guild) -> list[str]:
    """What the bot lacks server-wide, one line each, in the reader's language."""
    # discord.py counts the owner and administrators as holding every permission.
    return [
        _("I am missing the {permission} permission.", permission=permission_label(name))
        for name in missing_permissions(guild.me.guild_permissions)
    ]


async def run_quickstart(bot: discord.Client, guild: discord.Guild, language: str) -> QuickstartReport:
    report = QuickstartReport()
    await guild_config.set_language(guild.id, language)
    report.problems.extend(missing_bot_permissions(guild))
    bound = await guild_config.bindings(guild.id)

    roles = {
        purpose.key: await _ensure_role(guild, purpose, bound, report, language) for purpose in _ordered_role_purposes()
    }
    volunteer_roles = await _ensure_volunteer_roles(guild, language, report)
    await _order_roles(guild, {key: role for key, role in roles.items() if role is not None}, report)
    for kind in (BindingKind.CATEGORY, BindingKind.CHANNEL):
        for purpose in purposes(kind):
            if purpose.create:
                await _ensure_channel(guild, purpose, bound, report, roles, language)
    _check_hierarchy(guild, [role for role in roles.values() if role is not None] + volunteer_roles, report)

    for step in getattr(bot, "quickstart_steps", []):
        try:
            await step(guild, report)
        except discord.HTTPException as error:
            log.warning("quickstart step %s failed: %s", step, error)
            report.problems.append(_("A step could not finish because Discord refused it: {error}", error=error.text))
    return report


def _ordered_role_purposes() -> list[Purpose]:
    """Create roles highest first: Discord puts each new role at the bottom, so the order holds."""
    declared = [purpose for purpose in purposes(BindingKind.ROLE) if purpose.create]
    rank = {key: index for index, key in enumerate(ROLE_ORDER)}
    return sorted(declared, key=lambda purpose: rank.get(purpose.key, len(rank)))


async def _ensure_role(guild: discord.Guild, purpose: Purpose, bound: Mapping, report: QuickstartReport, language: str):
    """The purpose's role: the one bound to it, else one of its name in any of our languages
    (kept as it is named), else a new one named in the server's language."""
    name = purpose.name_in(language)
    existing = (
        guild.get_role(bound.get((BindingKind.ROLE, purpose.key), 0))
        or _find_by_name(guild.roles, name)
        or discord.utils.find(lambda role: role.name.casefold() in purpose.names(), guild.roles)
    )
    if existing is not None:
        report.reused.append(f"@{existing.name}")
        await guild_config.bind(guild.id, BindingKind.ROLE, purpose.key, existing.id)
        return existing
    try:
        permissions = discord.Permissions(**dict.fromkeys(purpose.grants, True))
        role = await guild.create_role(name=name, permissions=permissions, reason=REASON)
    except discord.HTTPException as error:
        report.problems.append(_("I could not create the role {role}: {error}", role=name, error=error.text))
        return None
    report.created.append(f"@{role.name}")
    await guild_config.bind(guild.id, BindingKind.ROLE, purpose.key, role.id)
    return role


async def _ensure_volunteer_roles(guild: discord.Guild, language: str, report: QuickstartReport) -> list:
    """The Discord roles of the default volunteer catalogue (the volunteers feature links them)."""
    found: list[discord.Role] = []
    for spec in load_default_pack(language).volunteer_roles:
        if spec.role_purpose:
            continue  # served by the purpose role (Buddy, Mediator)
        existing = _find_by_name(guild.roles, spec.name)
        if existing is not None:
            report.reused.append(f"@{existing.name}")
            found.append(existing)
            continue
        try:
            role = await guild.create_role(name=spec.name, reason=REASON)
        except discord.HTTPException as error:
            report.problems.append(_("I could not create the role {role}: {error}", role=spec.name, error=error.text))
            continue
        report.created.append(f"@{role.name}")
        found.append(role)
    return found


async def _order_roles(guild: discord.Guild, roles: dict[str, discord.Role], report: QuickstartReport) -> None:
    """Moderator above Mediator, Buddy, Member and Newcomer, all below the bot's own role.

    Every role below the bot's gets a distinct position: equal positions would leave the
    order to Discord's tie-break by age, which a later role creation can upset.
    """
    below_bot = sorted(role for role in guild.roles if not role.is_default() and role < guild.me.top_role)
    wanted = ordered_roles(below_bot, roles)
    positions = {role: index + 1 for index, role in enumerate(wanted)}
    if wanted == below_bot and all(role.position == position for role, position in positions.items()):
        return
    try:
        await guild.edit_role_positions(positions, reason=REASON)
    except discord.HTTPException as error:
        report.problems.append(_("I could not put the roles in order: {error}", error=error.text))


async def _ensure_channel(
    guild: discord.Guild, purpose: Purpose, bound: Mapping, report: QuickstartReport, roles: dict, language: str
) -> None:
    """The purpose's channel or category: the one bound to it, else one of its name in any of
    our languages (kept as it is named), else a new one named in the server's language."""
    is_category = purpose.kind == BindingKind.CATEGORY
    pool = guild.categories if is_category else guild.text_channels
    name = purpose.name_in(language)
    existing = (
        guild.get_channel(bound.get((purpose.kind, purpose.key), 0))
        or _find_by_name(pool, name)
        or discord.utils.find(lambda channel: channel.name.casefold() in purpose.names(), pool)
    )
    if existing is not None:
        report.reused.append(existing.name if is_category else f"#{existing.name}")
        await guild_config.bind(guild.id, purpose.kind, purpose.key, existing.id)
        await _grant_bot_access(guild, existing, report)
        return
    overwrites = {guild.me: BOT_CHANNEL_ACCESS}
    if purpose.staff_only:
        overwrites[guild.default_role] = discord.PermissionOverwrite(view_channel=False)
        moderator = roles.get("moderator")
        if moderator is not None:
            overwrites[moderator] = discord.PermissionOverwrite(view_channel=True, read_message_history=True)
    if purpose.key == "welcome":
        # Conversations happen in each newcomer's private thread, not in the channel itself.
        overwrites[guild.default_role] = discord.PermissionOverwrite(send_messages=False, send_messages_in_threads=True)
    try:
        if is_category:
            channel = await guild.create_category(name, overwrites=overwrites, reason=REASON)
        else:
            channel = await guild.create_text_channel(name, overwrites=overwrites, reason=REASON)
    except discord.HTTPException as error:
        report.problems.append(_("I could not create {channel}: {error}", channel=name, error=error.text))
        return
    report.created.append(channel.name if is_category else f"#{channel.name}")
    await guild_config.bind(guild.id, purpose.kind, purpose.key, channel.id)


async def _grant_bot_access(guild: discord.Guild, channel: discord.abc.GuildChannel, report: QuickstartReport) -> None:
    allowed = channel.permissions_for(guild.me)
    if allowed.view_channel and allowed.send_messages and allowed.embed_links:
        return
    try:
        await channel.set_permissions(guild.me, overwrite=BOT_CHANNEL_ACCESS, reason=REASON)
    except discord.HTTPException:
        report.problems.append(
            _("I cannot post in {channel}. Let my role view it and send messages there.", channel=channel.mention)
        )


def _check_hierarchy(guild: discord.Guild, managed: list[discord.Role], report: QuickstartReport) -> None:
    top = guild.me.top_role
    for role in managed:
        if role >= top:
            report.problems.append(
                _(
                    "The role {role} is above my highest role, so I cannot give it to anyone. "
                    "Drag my role above it in Server Settings → Roles.",
                    role=role.name,
                )
            )
