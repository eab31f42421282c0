"""The catalogue on Discord: each volunteer role's Discord role, quickstart and content imports."""

from __future__ import annotations

import logging

import discord

from cogs.volunteers import actions, panel, service
from config.content import VolunteerRoleSpec, load_default_pack
from gromada import guild_config
from gromada.content_import import PreparedImport
from gromada.errors import DiscordRefused, GromadaError, InvalidInput
from gromada.guild_config import Claim, Purpose
from gromada.i18n import N_, _, _n
from gromada.scheduler import now
from models.core import BindingKind
from models.volunteers import Approval, VolunteerRole, VolunteerSeat

log = logging.getLogger(__name__)

REASON = "Gromada volunteer roles"
# Why a volunteer role may not give a purpose's role (see guild_config.Claim).
NEVER_CLAIMED = N_(
    "The volunteer role {role} would give the server's {purpose} role, which people are given "
    "and never take themselves. Choose another role."
)
NEEDS_APPROVAL = N_(
    "The volunteer role {role} gives the server's {purpose} role, so a coordinator must approve "
    "each volunteer: set its approval to “coordinator”."
)
UNKNOWN_PURPOSE = N_("The volunteer role {role} names the purpose “{purpose}”, which is not a role purpose.")


def by_name(roles, name: str) -> discord.Role | None:
    wanted = name.casefold()
    return discord.utils.find(lambda role: role.name.casefold() == wanted, roles)


async def check_assignable(guild: discord.Guild, role: discord.Role, name: str, approval: Approval) -> None:
    """Whether `role` may be the Discord role of the volunteer role `name`, claimed with `approval`."""
    if role.is_default() or role.managed:
        raise DiscordRefused(N_("{role} cannot be given to people. Choose a regular role."), role=role.name)
    # Anyone may claim a volunteer seat, so its role must not carry staff powers.
    moderator_role = await guild_config.binding(guild.id, BindingKind.ROLE, "moderator")
    if role.id == moderator_role or role.permissions.value & discord.Permissions.elevated().value:
        raise InvalidInput(
            N_("{role} gives moderation or admin powers, so it cannot be a volunteer role. Choose another role."),
            role=role.name,
        )
    await check_claimable(guild.id, role.id, role.name, name, approval)
    if role >= guild.me.top_role:
        raise DiscordRefused(
            N_(
                "The role {role} is above my highest role, so I could not give it to anyone. "
                "Drag my role above it in Server Settings → Roles."
            ),
            role=role.name,
        )


def check_claim(purpose: Purpose, name: str, approval: Approval) -> None:
    """Whether members may take the role of `purpose` through the volunteer role `name`."""
    if purpose.claim == Claim.NEVER:
        raise InvalidInput(NEVER_CLAIMED, role=name[:100], purpose=purpose.key)
    if purpose.claim == Claim.APPROVED and approval != Approval.COORDINATOR:
        raise InvalidInput(NEEDS_APPROVAL, role=name[:100], purpose=purpose.key)


async def check_claimable(guild_id: int, role_id: int | None, role_name: str, name: str, approval: Approval) -> None:
    """Check every purpose the Discord role serves (`role_id` None: a role about to be created).

    A role serves the purposes bound to it, and those left unbound whose default name it
    bears: quickstart and the purchases feature take such a role for the purpose.
    """
    bound = await guild_config.bindings(guild_id)
    for purpose in guild_config.purposes(BindingKind.ROLE):
        bound_id = bound.get((BindingKind.ROLE, purpose.key))
        named_like_it = bound_id is None and role_name.casefold() == purpose.default_name.casefold()
        if (role_id is not None and bound_id == role_id) or named_like_it:
            check_claim(purpose, name, approval)


async def ensure_discord_role(
    guild: discord.Guild, name: str, approval: Approval, purpose: str | None = None
) -> tuple[discord.Role, bool]:
    """The Discord role for a volunteer role: the purpose's role, one of that name, or a new one."""
    existing = None
    if purpose:
        role_id = await guild_config.binding(guild.id, BindingKind.ROLE, purpose)
        existing = guild.get_role(role_id) if role_id else None
    existing = existing or by_name(guild.roles, name)
    if existing is not None:
        await check_assignable(guild, existing, name, approval)
        return existing, False
    await check_claimable(guild.id, None, name, name, approval)
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
        await actions.schedule_term(bot, seat)
        adopted += 1
    return adopted


def quickstart_step(bot):
    async def step(guild: discord.Guild, report) -> None:
        language = await guild_config.language(guild.id) or "en"
        linked = 0
        known: dict[str, int] = {}
        for spec in load_default_pack(language).volunteer_roles:
            try:
                discord_role, _created = await ensure_discord_role(
                    guild, spec.name, Approval(spec.approval), spec.role_purpose
                )
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
        _message, reused = await panel.post(bot, channel)
        (report.reused if reused else report.created).append(_("volunteer panel in #{channel}", channel=channel.name))

    return step


def check_pack_purposes(specs: list[VolunteerRoleSpec]) -> None:
    """The purposes a pack names, checked before anything changes on Discord."""
    for spec in specs:
        if not spec.role_purpose:
            continue
        purpose = guild_config.PURPOSES.get((BindingKind.ROLE, spec.role_purpose))
        if purpose is None:
            raise InvalidInput(UNKNOWN_PURPOSE, role=spec.name, purpose=spec.role_purpose[:40])
        check_claim(purpose, spec.name, Approval(spec.approval))


def importer(bot):
    async def prepare(guild_id: int, specs: list[VolunteerRoleSpec]) -> PreparedImport:
        guild = bot.get_guild(guild_id)
        check_pack_purposes(specs)
        created: list[discord.Role] = []

        async def undo() -> None:
            for role in created:
                try:
                    await role.delete(reason=REASON)
                except discord.HTTPException:
                    log.warning("could not delete role %s, created for a refused import", role.id)

        rows: list[tuple[service.RoleFields, int]] = []
        known: dict[str, int] = {}
        try:
            for spec in specs:
                discord_role, is_new = await ensure_discord_role(
                    guild, spec.name, Approval(spec.approval), spec.role_purpose
                )
                if is_new:
                    created.append(discord_role)
                known[spec.key] = discord_role.id
                rows.append((fields_from_spec(guild, spec, known), discord_role.id))
        except BaseException:
            await undo()  # no orphan Discord roles for a pack that was refused
            raise

        async def write() -> int:
            moment = now()
            for fields, discord_role_id in rows:
                await service.upsert_from_spec(guild_id, fields, discord_role_id, moment)
            return len(rows)

        def done() -> None:
            cog = bot.get_cog("Volunteers")
            if cog is not None:
                cog.panels.mark_dirty(guild_id)

        return PreparedImport(write=write, undo=undo, done=done)

    return prepare
