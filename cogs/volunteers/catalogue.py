"""The catalogue on Discord: each volunteer role's Discord role, quickstart and content imports."""

from __future__ import annotations

import logging

import discord

from cogs.volunteers import flows, service
from config.content import VolunteerRoleSpec, load_default_pack
from gromada import guild_config
from gromada.errors import DiscordRefused, GromadaError, InvalidInput
from gromada.i18n import N_, _, _n
from gromada.scheduler import now
from models.core import BindingKind
from models.volunteers import Approval, VolunteerRole, VolunteerSeat

log = logging.getLogger(__name__)

REASON = "Gromada volunteer roles"


def by_name(roles, name: str) -> discord.Role | None:
    wanted = name.casefold()
    return discord.utils.find(lambda role: role.name.casefold() == wanted, roles)


async def check_assignable(guild: discord.Guild, role: discord.Role) -> None:
    if role.is_default() or role.managed:
        raise DiscordRefused(N_("{role} cannot be given to people. Choose a regular role."), role=role.name)
    # Anyone may claim a volunteer seat, so its role must not carry staff powers.
    moderator_role = await guild_config.binding(guild.id, BindingKind.ROLE, "moderator")
    if role.id == moderator_role or role.permissions.value & discord.Permissions.elevated().value:
        raise InvalidInput(
            N_("{role} gives moderation or admin powers, so it cannot be a volunteer role. Choose another role."),
            role=role.name,
        )
    if role >= guild.me.top_role:
        raise DiscordRefused(
            N_(
                "The role {role} is above my highest role, so I could not give it to anyone. "
                "Drag my role above it in Server Settings → Roles."
            ),
            role=role.name,
        )


async def ensure_discord_role(guild: discord.Guild, name: str, purpose: str | None = None) -> tuple[discord.Role, bool]:
    """The Discord role for a volunteer role: the purpose's role, one of that name, or a new one."""
    existing = None
    if purpose:
        role_id = await guild_config.binding(guild.id, BindingKind.ROLE, purpose)
        existing = guild.get_role(role_id) if role_id else None
    existing = existing or by_name(guild.roles, name)
    if existing is not None:
        await check_assignable(guild, existing)
        return existing, False
    try:
        # Discord puts a new role at the bottom, which is below the bot's own role.
        return await guild.create_role(name=name, reason=REASON), True
    except discord.HTTPException:
        raise DiscordRefused(
            N_("I could not create the role {role}. Let me Manage Roles, or create it yourself."), role=name[:100]
        ) from None


def fields_from_spec(guild: discord.Guild, spec: VolunteerRoleSpec, known: dict[str, int]) -> service.RoleFields:
    prerequisite = None
    if spec.prerequisite:
        found = by_name(guild.roles, spec.prerequisite)
        prerequisite = found.id if found else known.get(spec.prerequisite)
    return service.RoleFields(
        name=spec.name,
        seats=spec.seats,
        description=spec.description,
        responsibilities=spec.responsibilities,
        term_days=spec.term_days,
        approval=Approval(spec.approval),
        prerequisite_role_id=prerequisite,
        key=spec.key,
    )


async def adopt_holders(bot, guild: discord.Guild, role: VolunteerRole, discord_role: discord.Role) -> int:
    """People who already hold the Discord role get its seats, so roster and Discord agree."""
    seated = set(await VolunteerSeat.filter(role_id=role.pk).values_list("user_id", flat=True))
    adopted = 0
    for member in discord_role.members:
        if member.bot or member.id in seated:
            continue
        seat = await service.adopt(role, member.id, now())
        if seat is None:
            break
        await flows.schedule_term(bot, seat)
        adopted += 1
    return adopted


def quickstart_step(bot):
    async def step(guild: discord.Guild, report) -> None:
        language = await guild_config.language(guild.id) or "en"
        linked = 0
        known: dict[str, int] = {}
        for spec in load_default_pack(language).volunteer_roles:
            try:
                discord_role, _created = await ensure_discord_role(guild, spec.name, spec.role_purpose)
            except GromadaError as error:
                report.problems.append(error.render())
                continue
            known[spec.key] = discord_role.id
            role, created = await service.link_role(
                guild.id, fields_from_spec(guild, spec, known), discord_role.id, now()
            )
            linked += created
            await adopt_holders(bot, guild, role, discord_role)
        if linked:
            report.created.append(_n("{n} volunteer role", "{n} volunteer roles", linked))
        channel_id = await guild_config.binding(guild.id, BindingKind.CHANNEL, "volunteers")
        channel = guild.get_channel(channel_id) if channel_id else None
        if channel is None:
            return
        _message, reused = await flows.post_panel(bot, channel)
        (report.reused if reused else report.created).append(_("volunteer panel in #{channel}", channel=channel.name))

    return step


def importer(bot):
    async def import_roles(guild_id: int, specs: list[VolunteerRoleSpec]) -> int:
        guild = bot.get_guild(guild_id)
        count = 0
        known: dict[str, int] = {}
        for spec in specs:
            discord_role, _created = await ensure_discord_role(guild, spec.name, spec.role_purpose)
            known[spec.key] = discord_role.id
            await service.upsert_from_spec(guild_id, fields_from_spec(guild, spec, known), discord_role.id, now())
            count += 1
        cog = bot.get_cog("Volunteers")
        if cog is not None:
            cog.panels.mark_dirty(guild_id)
        return count

    return import_roles
