"""The Discord side of volunteer roles: roles, DMs, deadlines, and what buttons and commands do.

The service decides; this module makes Discord agree. Whenever Discord refuses after the
database changed, the change is undone (a seat rolled back, an acceptance reverted), so a
seat in the database always means the role on Discord.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import discord

from cogs.volunteers import rules, service, views
from config.content import VolunteerRoleSpec, load_default_pack
from gromada import guild_config, messaging
from gromada.commands import Command
from gromada.content_import import PreparedImport
from gromada.errors import Conflict, DiscordRefused, GromadaError, InvalidInput, NotConfigured, NotFound
from gromada.i18n import N_, _, _n, use_locale
from gromada.interactions import language_for_guild
from gromada.refresh import Coalescer
from gromada.scheduler import now
from gromada.ui import NO_MENTIONS
from models.core import BindingKind, Timer
from models.volunteers import Approval, ApprovalRequest, SeatStatus, VolunteerRole, VolunteerSeat

log = logging.getLogger(__name__)

REASON = "Gromada volunteer roles"
NO_LONGER_OPEN = service.NO_LONGER_OPEN


# ---------------------------------------------------------------- panels

# A change marks the server's panels dirty; every few seconds the dirty servers' panels are
# edited once, so a burst of claims costs one edit, not one per click (Discord rate-limits
# message edits).
PANEL_REFRESH_DELAY = 3.0


def mark_dirty(bot, guild_id: int) -> None:
    """The server's panels are out of date (the cog owns the bot's one panel refresher)."""
    cog = bot.get_cog("VolunteersCog")
    if cog is not None:
        cog.panels.mark_dirty(guild_id)


async def _render_panel(bot, guild: discord.Guild) -> tuple[discord.Embed, discord.ui.View]:
    states = await service.catalogue_state(guild.id)
    lines = service.panel_lines(states)
    with use_locale(await language_for_guild(bot, guild.id)):
        embed = views.panel_embed(bot, guild.name, lines)
        return embed, views.panel_view(guild.id, lines, [state.role.pk for state in states])


async def post_panel(bot, channel: discord.TextChannel) -> tuple[discord.Message | discord.PartialMessage, bool]:
    """Post the panel in `channel`, or refresh the one already there (True when reused)."""
    embed, view = await _render_panel(bot, channel.guild)
    existing = await service.panel_in(channel.guild.id, channel.id)
    if existing is not None:
        message = channel.get_partial_message(existing.message_id)
        try:
            await message.edit(embed=embed, view=view)
            return message, True
        except discord.NotFound:
            await service.forget_panel(existing)
    message = await channel.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
    await service.remember_panel(channel.guild.id, channel.id, message.id)
    return message, False


async def refresh_panels(bot, guild_id: int) -> int:
    """Edit every panel of a server once; returns how many were edited."""
    guild = bot.get_guild(guild_id)
    if guild is None:
        return 0
    embed, view = await _render_panel(bot, guild)
    edited = 0
    for panel in await service.panels(guild_id):
        channel = guild.get_channel(panel.channel_id)
        if channel is None:
            await service.forget_panel(panel)
            continue
        try:
            await channel.get_partial_message(panel.message_id).edit(embed=embed, view=view)
            edited += 1
        except discord.NotFound:
            await service.forget_panel(panel)  # deleted by someone: stop editing it
        except discord.HTTPException:
            log.warning("could not refresh the volunteer panel %s; the next change retries", panel.message_id)
    return edited


def panel_refresher(bot) -> Coalescer:
    """Servers whose panels are out of date, refreshed together at most every few seconds:
    however many people click, a panel is edited at most once per period (gromada.refresh)."""
    return Coalescer(lambda guild_id: refresh_panels(bot, guild_id), period=PANEL_REFRESH_DELAY)


# ---------------------------------------------------------------- Discord roles


def discord_role_of(guild: discord.Guild, role: VolunteerRole) -> discord.Role:
    discord_role = guild.get_role(role.discord_role_id)
    if discord_role is None:
        raise NotConfigured(
            N_("The Discord role of {role} is missing. An admin can fix it with {command}."),
            role=role.name,
            command=Command("volunteer role edit"),
        )
    if discord_role >= guild.me.top_role or discord_role.managed:
        raise DiscordRefused(
            N_("I cannot give or take {role}: it is above my highest role. An admin can drag my role above it."),
            role=discord_role.name,
        )
    return discord_role


async def grant(guild: discord.Guild, role: VolunteerRole, user_id: int) -> None:
    discord_role = discord_role_of(guild, role)
    member = await messaging.member_of(guild, user_id)
    if member is None:
        raise NotFound(N_("That person is no longer a member of this server."))
    try:
        await member.add_roles(discord_role, reason=REASON)
    except discord.HTTPException:
        raise DiscordRefused(
            N_("Discord did not let me give the role {role}. Nothing was changed, please try again."),
            role=role.name,
        ) from None


async def revoke(guild: discord.Guild, role: VolunteerRole, user_id: int) -> None:
    """Take the Discord role away (nothing to do if the person or the role is gone)."""
    member = await messaging.member_of(guild, user_id)
    discord_role = guild.get_role(role.discord_role_id)
    if member is None or discord_role is None or member.get_role(discord_role.id) is None:
        return
    discord_role_of(guild, role)
    try:
        await member.remove_roles(discord_role, reason=REASON)
    except discord.HTTPException:
        raise DiscordRefused(
            N_("Discord did not let me take back the role {role}. Nothing was changed, please try again."),
            role=role.name,
        ) from None


async def seat_granted(bot, guild: discord.Guild, seat: VolunteerSeat, role: VolunteerRole) -> None:
    """Give the role of a new seat, or roll the seat back and say why."""
    try:
        await grant(guild, role, seat.user_id)
    except Exception:
        await service.rollback_seat(seat)
        mark_dirty(bot, guild.id)
        raise
    await schedule_term(bot, seat)
    mark_dirty(bot, guild.id)


# ---------------------------------------------------------------- deadlines


async def schedule_term(bot, seat: VolunteerSeat) -> None:
    if seat.term_ends_at is None:
        return
    await bot.timers.schedule(
        service.RENEWAL_PROMPT_TIMER,
        rules.renewal_prompt_at(seat.term_ends_at, now()),
        ref_id=seat.pk,
        guild_id=seat.guild_id,
    )
    await bot.timers.schedule(service.TERM_END_TIMER, seat.term_ends_at, ref_id=seat.pk, guild_id=seat.guild_id)


async def cancel_seat_timers(bot, seat_id: int) -> None:
    for kind in service.SEAT_TIMERS:
        await bot.timers.cancel(kind, seat_id)


# ---------------------------------------------------------------- stepping down


# (guild, user, Discord role) the bot itself is taking away right now: the member-update
# listener leaves those to the code doing it, which records why the seat ended.
_own_removals: set[tuple[int, int, int]] = set()


@contextmanager
def removing(guild_id: int, user_id: int, role: VolunteerRole) -> Iterator[None]:
    key = (guild_id, user_id, role.discord_role_id)
    _own_removals.add(key)
    try:
        yield
    finally:
        _own_removals.discard(key)


def removed_by_bot(guild_id: int, user_id: int, discord_role_id: int) -> bool:
    return (guild_id, user_id, discord_role_id) in _own_removals


async def release(bot, guild: discord.Guild, role: VolunteerRole, user_id: int, reason: str) -> bool:
    """Step down from a held seat: the role first (so a refusal changes nothing), then the seat."""
    seat = await service.seat_of(role, user_id)
    if seat is None or seat.status != SeatStatus.ACTIVE:
        return False
    with removing(guild.id, user_id, role):
        await revoke(guild, role, user_id)
        if await service.end_seat(seat, role, now(), reason):
            await cancel_seat_timers(bot, seat.pk)
    await offer_free_seats(bot, guild, role)
    mark_dirty(bot, guild.id)
    return True


# ---------------------------------------------------------------- the catalogue on Discord


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
    await service.check_claimable(guild.id, role.id, role.name, name, approval)
    if role >= guild.me.top_role:
        raise DiscordRefused(
            N_(
                "The role {role} is above my highest role, so I could not give it to anyone. "
                "Drag my role above it in Server Settings → Roles."
            ),
            role=role.name,
        )


async def ensure_discord_role(
    guild: discord.Guild, name: str, approval: Approval, purpose: str | None = None
) -> tuple[discord.Role, bool]:
    """The Discord role for a volunteer role: the purpose's role, one of that name, or a new one."""
    existing = None
    if purpose:
        role_id = await guild_config.binding(guild.id, BindingKind.ROLE, purpose)
        existing = guild.get_role(role_id) if role_id else None
    existing = existing or rules.named(guild.roles, name)
    if existing is not None:
        await check_assignable(guild, existing, name, approval)
        return existing, False
    await service.check_claimable(guild.id, None, name, name, approval)
    try:
        # Discord puts a new role at the bottom, which is below the bot's own role.
        return await guild.create_role(name=name, reason=REASON), True
    except discord.HTTPException:
        raise DiscordRefused(
            N_("I could not create the role {role}. Let me Manage Roles, or create it yourself."), role=name[:100]
        ) from None


async def create_role(bot, guild: discord.Guild, fields: service.RoleFields) -> tuple[VolunteerRole, discord.Role]:
    """Add a catalogue role with its Discord role (found by name, else created)."""
    # Refuse before touching Discord, so a refusal leaves no new Discord role behind.
    await service.check_room(guild.id, fields)
    discord_role, created = await ensure_discord_role(guild, fields.name, fields.approval)
    try:
        role = await service.create_role(guild.id, fields, discord_role.id, now())
    except Exception:
        if created:  # no orphan Discord role for a catalogue entry that does not exist
            await discord_role.delete(reason=REASON)
        raise
    mark_dirty(bot, guild.id)
    return role, discord_role


def _fields_from_spec(guild: discord.Guild, spec: VolunteerRoleSpec, known: dict[str, int]) -> service.RoleFields:
    """A pack's role; its prerequisite is a Discord role of that name, or one this pack just linked."""
    prerequisite = None
    if spec.prerequisite:
        found = rules.named(guild.roles, spec.prerequisite)
        prerequisite = found.id if found else known.get(spec.prerequisite)
    return service.fields_from_spec(spec, prerequisite)


async def adopt_holders(bot, guild: discord.Guild, role: VolunteerRole, discord_role: discord.Role) -> int:
    """People who already hold the Discord role get its seats, so roster and Discord agree."""
    seated = await service.seated_user_ids(role)
    adopted = 0
    for member in discord_role.members:
        if member.bot or member.id in seated:
            continue
        seat = await service.adopt(role, member.id, now())
        if seat is None:
            break
        await schedule_term(bot, seat)
        adopted += 1
    return adopted


async def adopt_all_holders(bot, guild: discord.Guild) -> None:
    """Everyone holding a volunteer role's Discord role without a seat gets one while seats are
    free: the role may have come with a join, or while the bot was away."""
    await messaging.with_all_members(guild)
    adopted = 0
    for role in await service.roles(guild.id):
        discord_role = guild.get_role(role.discord_role_id)
        if discord_role is not None:
            adopted += await adopt_holders(bot, guild, role, discord_role)
    if adopted:
        mark_dirty(bot, guild.id)


async def follow_purposes(bot, guild: discord.Guild) -> None:
    """A volunteer role bound to a purpose ("buddy") and the server's role for that purpose are
    one thing: when /setup role bound another Discord role to the purpose, the volunteer role
    and its holders move there, and people already holding it get seats."""
    bound = await guild_config.bindings(guild.id)
    for role in await service.roles(guild.id):
        target = bound.get((BindingKind.ROLE, role.purpose)) if role.purpose else None
        if target is None or target == role.discord_role_id or guild.get_role(target) is None:
            continue
        try:
            await edit_role(bot, guild, role, {"discord_role_id": target})
        except DiscordRefused:
            log.warning("could not move the holders of volunteer role %s to role %s", role.pk, target)
    await adopt_all_holders(bot, guild)


def unseated_holders(guild: discord.Guild, states: list[service.RoleState]) -> dict[int, int]:
    """How many people hold each role's Discord role without a seat of it, by role id."""
    found = {}
    for state in states:
        discord_role = guild.get_role(state.role.discord_role_id)
        if discord_role is None:
            continue
        seated = {seat.user_id for seat in state.seats}
        count = sum(1 for member in discord_role.members if not member.bot and member.id not in seated)
        if count:
            found[state.role.pk] = count
    return found


async def quickstart(bot, guild: discord.Guild, report) -> None:
    """/setup quickstart: link the default catalogue's roles and post the panel in #volunteers."""
    language = await guild_config.language(guild.id) or "en"
    linked = 0
    known: dict[str, int] = {}
    for spec in load_default_pack(language).volunteer_roles:
        try:
            discord_role, _created = await ensure_discord_role(
                guild, spec.name, Approval(spec.approval), spec.role_purpose
            )
        except GromadaError as error:
            report.problems.append(error.render(bot=bot))
            continue
        known[spec.key] = discord_role.id
        role, created = await service.link_role(guild.id, _fields_from_spec(guild, spec, known), discord_role.id, now())
        linked += created
        await adopt_holders(bot, guild, role, discord_role)
    if linked:
        report.created.append(_n("{n} volunteer role", "{n} volunteer roles", linked))
    channel = await messaging.purpose_channel(guild, "volunteers")
    if channel is None:
        return
    _message, reused = await post_panel(bot, channel)
    (report.reused if reused else report.created).append(_("volunteer panel in #{channel}", channel=channel.name))


async def import_roles(bot, guild_id: int, specs: list[VolunteerRoleSpec]) -> PreparedImport:
    """/setup import: find or create the pack's Discord roles; the catalogue rows are written later.

    The rows are written by `write`, inside the one transaction of the whole import; `undo`
    deletes the Discord roles made here when any part of the pack is refused.
    """
    guild = bot.get_guild(guild_id)
    await service.check_pack_purposes(guild_id, specs)
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
            rows.append((_fields_from_spec(guild, spec, known), discord_role.id))
    except BaseException:
        await undo()  # no orphan Discord roles for a pack that was refused
        raise

    async def write() -> int:
        moment = now()
        for fields, discord_role_id in rows:
            await service.upsert_from_spec(guild_id, fields, discord_role_id, moment)
        return len(rows)

    def done() -> None:
        service.catalogue_changed(guild_id)  # the rows are committed now
        mark_dirty(bot, guild_id)

    return PreparedImport(write=write, undo=undo, done=done)


async def _swap_role(member: discord.Member, give: discord.Role | None, take: discord.Role | None) -> None:
    """One role in, another out, in one call (so a refusal changes neither)."""
    roles = [r for r in member.roles if not r.is_default() and r != take]
    if give is not None and give not in roles:
        roles.append(give)
    if roles != [r for r in member.roles if not r.is_default()]:
        await member.edit(roles=roles, reason=REASON)


async def _relink_holders(guild: discord.Guild, role: VolunteerRole, old_discord_role_id: int) -> None:
    """Move every holder from the old Discord role to the role's new one (undone on a refusal)."""
    new, old = guild.get_role(role.discord_role_id), guild.get_role(old_discord_role_id)
    moved: list[discord.Member] = []
    try:
        for seat in await service.active_seats(role):
            member = await messaging.member_of(guild, seat.user_id)
            if member is not None:
                await _swap_role(member, new, old)
                moved.append(member)
    except discord.HTTPException:
        for member in moved:
            try:
                await _swap_role(member, old, new)
            except discord.HTTPException as error:
                log.warning("could not give %s back to %s: %s", old, member.id, error)
        raise DiscordRefused(
            N_("Discord did not let me move the holders of {role} to the new Discord role. Nothing was changed."),
            role=role.name,
        ) from None


async def edit_role(bot, guild: discord.Guild, role: VolunteerRole, changes: dict) -> VolunteerRole:
    """Change a catalogue role; when it gives another Discord role, its holders move to that role.

    A refused move restores the role as it was, so seats and Discord roles keep matching.
    """
    before = {key: getattr(role, key) for key in changes}
    old_discord_role_id = role.discord_role_id
    updated = await service.edit_role(role, changes)
    if updated.discord_role_id != old_discord_role_id:
        try:
            await _relink_holders(guild, updated, old_discord_role_id)
        except DiscordRefused:
            await service.edit_role(updated, before)
            raise
        if updated.purpose is not None:
            # One thing with the server's role for its purpose: that role moves along.
            await guild_config.bind(guild.id, BindingKind.ROLE, updated.purpose, updated.discord_role_id)
    # More seats may open room for people on the waitlist.
    await offer_free_seats(bot, guild, updated)
    mark_dirty(bot, guild.id)
    return updated


async def delete_role(bot, guild: discord.Guild, role: VolunteerRole) -> None:
    """Delete a catalogue role: each holder loses the Discord role and then the seat, one by one.

    A refusal halfway leaves those already done without role and seat and the others with
    both, and the role still in the catalogue, so deleting it again finishes the job.
    """
    seats = await service.active_seats(role)
    if seats and guild.get_role(role.discord_role_id) is not None:
        discord_role_of(guild, role)  # a role above mine: refuse before anyone loses it
    for seat in seats:
        with removing(guild.id, seat.user_id, role):
            try:
                await revoke(guild, role, seat.user_id)
            except DiscordRefused:
                mark_dirty(bot, guild.id)
                raise DiscordRefused(
                    N_(
                        "Discord did not let me take the role {role} from every holder, so it is not deleted yet. "
                        "Please try again."
                    ),
                    role=role.name,
                ) from None
            await service.end_seat(seat, role, now(), "deleted")
        await cancel_seat_timers(bot, seat.pk)
    for seat in await service.delete_role(role, now()):  # open offers; any seat taken meanwhile
        await cancel_seat_timers(bot, seat.pk)
    mark_dirty(bot, guild.id)


# ---------------------------------------------------------------- offers


async def offer_free_seats(bot, guild: discord.Guild, role: VolunteerRole) -> None:
    """Offer every free seat to the waitlist, in order; closed DMs pass the offer on."""
    while True:
        seat = await service.offer_next(role, now())
        if seat is None:
            return
        if await messaging.member_of(guild, seat.user_id) is None:
            await service.withdraw_offer(seat)
            continue
        await bot.timers.schedule(service.OFFER_EXPIRY_TIMER, seat.offer_expires_at, ref_id=seat.pk, guild_id=guild.id)
        offer = await messaging.dm(
            bot,
            seat.user_id,
            guild_id=guild.id,
            render=lambda seat=seat: {
                "content": _(
                    "A seat as **{role}** on {server} is free for you. Accept it within 48 hours, "
                    "or it goes to the next person on the waitlist.",
                    role=role.name,
                    server=guild.name,
                ),
                "view": views.offer_view(seat.pk),
            },
        )
        if offer is not None:
            mark_dirty(bot, guild.id)
            continue
        await bot.timers.cancel(service.OFFER_EXPIRY_TIMER, seat.pk)
        await service.withdraw_offer(seat)


async def _seat_or_gone(seat_id: int) -> VolunteerSeat:
    seat = await service.seat_by_id(seat_id)
    if seat is None:
        raise NotFound(NO_LONGER_OPEN)
    return seat


async def accept(bot, seat_id: int, user_id: int) -> VolunteerSeat:
    """Accept an offered seat (from the DM's button): the role, then its term's deadlines."""
    seat = await _seat_or_gone(seat_id)
    guild = bot.get_guild(seat.guild_id)
    if guild is None:
        raise NotFound(N_("I am no longer on that server."))
    accepted = await service.accept_offer(seat, user_id, now())
    try:
        await grant(guild, accepted.role, user_id)
    except Exception:
        # The offer stays open (its deadline still runs), so Accept can be pressed again.
        await service.revert_acceptance(accepted)
        raise
    await bot.timers.cancel(service.OFFER_EXPIRY_TIMER, seat.pk)
    await schedule_term(bot, accepted)
    mark_dirty(bot, guild.id)
    return accepted


async def withdraw(bot, seat: VolunteerSeat) -> None:
    """A declined or expired offer: the seat goes to the next person."""
    if not await service.withdraw_offer(seat):
        return
    await bot.timers.cancel(service.OFFER_EXPIRY_TIMER, seat.pk)
    guild = bot.get_guild(seat.guild_id)
    if guild is not None:
        await offer_free_seats(bot, guild, seat.role)
        mark_dirty(bot, guild.id)


async def decline_offer(bot, seat_id: int, user_id: int) -> VolunteerSeat:
    """Decline an offered seat (from the DM's button): it goes to the next person."""
    seat = await _seat_or_gone(seat_id)
    if seat.user_id != user_id:
        raise NotFound(NO_LONGER_OPEN)
    await withdraw(bot, seat)
    return seat


async def renew(bot, seat_id: int, user_id: int) -> VolunteerSeat:
    """Renew a term (from the renewal DM's button) and move its deadlines."""
    seat = await service.renew(await _seat_or_gone(seat_id), user_id, now())
    await schedule_term(bot, seat)
    return seat


# ---------------------------------------------------------------- claims (from the panel or /volunteer)


async def claim_for(bot, member: discord.Member, role: VolunteerRole) -> str:
    """Claim `role` for `member`; the reply says what happened."""
    guild = member.guild
    result = await service.claim(role, member.id, {r.id for r in member.roles}, now())
    if result.outcome == service.Outcome.GRANTED:
        await seat_granted(bot, guild, result.seat, role)
        return _("You are now **{role}**. Thank you for stepping up!", role=role.name)
    if result.outcome == service.Outcome.REQUESTED:
        await send_request(bot, guild, result.request, role)
        return _(
            "Your request to become **{role}** went to the coordinators. I will write to you when they decide.",
            role=role.name,
        )
    # A seat freed while this claim was joining the waitlist would otherwise stay empty.
    await offer_free_seats(bot, guild, role)
    mark_dirty(bot, guild.id)
    return _(
        "Every seat of **{role}** is taken. You are number {position} on the waitlist; "
        "I will write to you when a seat frees up.",
        role=role.name,
        position=result.position,
    )


async def release_for(bot, member: discord.Member, role: VolunteerRole) -> str:
    """Step `member` down from `role`, or take them off its waitlist; the reply says which."""
    guild = member.guild
    if await release(bot, guild, role, member.id, "released"):
        return _("You stepped down as **{role}**. Thank you for your work!", role=role.name)
    if await service.leave_waitlist(role, member.id):
        mark_dirty(bot, guild.id)
        return _("You left the waitlist of **{role}**.", role=role.name)
    raise NotFound(N_("You do not hold **{role}** and are not on its waitlist."), role=role.name)


# ---------------------------------------------------------------- coordinator approval


async def send_request(bot, guild: discord.Guild, request: ApprovalRequest, role: VolunteerRole) -> None:
    """Ask the coordinators (the staff, in the staff log) to approve; undo if it cannot be posted."""
    if await messaging.purpose_channel(guild, "mod_log") is None:
        await service.forget_request(request)
        raise NotConfigured(N_("Coordinators review requests in the staff log, which is not set up. Ask an admin."))
    message = await messaging.post_to(
        bot,
        guild,
        "mod_log",
        lambda: {
            "content": _(
                "<@{user}> asks to become **{role}**. Coordinators, please approve or decline.",
                user=request.user_id,
                role=role.name,
            ),
            "view": views.request_view(request.pk),
        },
    )
    if message is None:
        await service.forget_request(request)
        raise DiscordRefused(N_("I could not reach the coordinators. Nothing was sent, please try again."))
    await service.set_request_message(request, message.channel.id, message.id)


async def approve_request(bot, guild: discord.Guild, request: ApprovalRequest, coordinator_id: int) -> None:
    role = request.role
    await service.decide_request(request, approve=True, coordinator_id=coordinator_id, now=now())
    try:
        result = await service.take_or_wait(role, request.user_id, now())
        if result.seat is not None:
            await seat_granted(bot, guild, result.seat, role)
    except Conflict:
        return  # they hold the role already (given by hand meanwhile): the approval stands
    except Exception:
        # Discord refused the role: the request is pending again, to approve once more.
        await service.reopen_request(request)
        raise
    mark_dirty(bot, guild.id)
    if result.outcome == service.Outcome.WAITLISTED:
        await offer_free_seats(bot, guild, role)

    def render() -> str:
        if result.outcome == service.Outcome.GRANTED:
            return _(
                "Your request to become **{role}** on {server} was approved. Welcome aboard!",
                role=role.name,
                server=guild.name,
            )
        return _(
            "Your request to become **{role}** on {server} was approved, but every seat is taken: "
            "you are number {position} on the waitlist.",
            role=role.name,
            server=guild.name,
            position=result.position,
        )

    await messaging.dm(bot, request.user_id, guild_id=guild.id, render=render)


async def decline_request(bot, guild: discord.Guild, request: ApprovalRequest, coordinator_id: int) -> None:
    await service.decide_request(request, approve=False, coordinator_id=coordinator_id, now=now())
    role = request.role
    await messaging.dm(
        bot,
        request.user_id,
        guild_id=guild.id,
        render=lambda: _(
            "Your request to become **{role}** on {server} was declined. A coordinator can tell you more.",
            role=role.name,
            server=guild.name,
        ),
    )


async def decide(bot, guild: discord.Guild, request_id: int, coordinator_id: int, *, approve: bool) -> ApprovalRequest:
    """A coordinator's Approve or Decline on a request in the staff log."""
    request = await service.request_by_id(request_id, guild.id)
    await (approve_request if approve else decline_request)(bot, guild, request, coordinator_id)
    return request


# ---------------------------------------------------------------- changes people make on Discord


async def role_changed_by_hand(bot, member: discord.Member, added: set[int], removed: set[int]) -> None:
    """Someone gave or took a volunteer role in Discord's settings: the seats follow.

    Taken away → the seat ends and is offered to the waitlist. Given → the person gets a
    seat if one is free (if not, the role stays and the roster shows the seats it has).
    """
    guild = member.guild
    if not (added | removed) & await service.discord_role_ids(guild.id):
        return  # no volunteer role among them (a newcomer given their role, say)
    changed = False
    for role in await service.roles(guild.id):
        if role.discord_role_id in removed and not removed_by_bot(guild.id, member.id, role.discord_role_id):
            seat = await service.seat_of(role, member.id)
            if seat is not None and await service.end_seat(seat, role, now(), "removed"):
                await cancel_seat_timers(bot, seat.pk)
                await offer_free_seats(bot, guild, role)
                changed = True
        if role.discord_role_id in added and await service.seat_of(role, member.id) is None:
            seat = await service.adopt(role, member.id, now())
            if seat is not None:
                await schedule_term(bot, seat)
                changed = True
    if changed:
        mark_dirty(bot, guild.id)


async def member_left(bot, member: discord.Member) -> None:
    """Someone left the server: their seats end and are offered on; their deadlines go."""
    seats = await service.seats_of_member(member.guild.id, member.id)
    for seat in seats:
        await cancel_seat_timers(bot, seat.pk)
    pending = await service.pending_requests_of(member.guild.id, member.id)
    for role in await service.forget_member(member.guild.id, member.id, now()):
        await offer_free_seats(bot, member.guild, role)
    mark_dirty(bot, member.guild.id)
    # Only those the leave closed: one a coordinator decided meanwhile keeps its decision's words.
    await _close_request_messages(bot, member.guild, await service.closed_by_leaving(pending))


async def _close_request_messages(bot, guild: discord.Guild, requests: list[ApprovalRequest]) -> None:
    """The staff log's requests of someone who left lose their buttons and say why."""
    with use_locale(await language_for_guild(bot, guild.id)):
        for request in requests:
            channel = guild.get_channel(request.channel_id) if request.channel_id else None
            if not isinstance(channel, discord.TextChannel) or request.message_id is None:
                continue
            try:
                await channel.get_partial_message(request.message_id).edit(
                    content=views.request_closed_text(request, request.role), view=None, allowed_mentions=NO_MENTIONS
                )
            except discord.HTTPException:  # deleted by hand, or the bot lost access: a click still explains
                log.warning("could not close request %s in the staff log", request.pk, exc_info=True)


# ---------------------------------------------------------------- deadlines due


async def offer_expired(bot, timer: Timer) -> None:
    """An offer not accepted within 48 hours passes to the next person on the waitlist."""
    seat = await service.seat_by_id(timer.ref_id)
    if seat is None or seat.status != SeatStatus.OFFERED:
        return  # accepted, declined or gone already
    role = seat.role
    await withdraw(bot, seat)
    await messaging.dm(
        bot,
        seat.user_id,
        guild_id=seat.guild_id,
        render=lambda: _(
            "The seat as **{role}** was offered to you for 48 hours and has passed to the next person.",
            role=role.name,
        ),
    )


async def renewal_due(bot, timer: Timer) -> None:
    """A week before a term ends, its holder is asked whether to renew."""
    seat = await service.seat_by_id(timer.ref_id)
    if seat is None or seat.status != SeatStatus.ACTIVE or not rules.renewal_open(seat.term_ends_at, now()):
        return
    role = seat.role
    guild = bot.get_guild(seat.guild_id)
    await messaging.dm(
        bot,
        seat.user_id,
        guild_id=seat.guild_id,
        render=lambda: {
            "content": _(
                "Your term as **{role}** on {server} ends on {date}. Would you like to continue? "
                "Press Renew, otherwise the seat is released at the end of the term.",
                role=role.name,
                server=guild.name if guild else "",
                date=views.day(seat.term_ends_at),
            ),
            "view": views.renew_view(seat.pk),
        },
    )


async def term_ended(bot, timer: Timer) -> None:
    """A term not renewed ends: the role goes, the seat is offered on."""
    seat = await service.seat_by_id(timer.ref_id)
    if seat is None or seat.status != SeatStatus.ACTIVE or seat.term_ends_at is None or seat.term_ends_at > now():
        return  # renewed (a later deadline is scheduled) or already released
    guild = bot.get_guild(seat.guild_id)
    if guild is None:
        return
    role = seat.role
    # A refusal raises: the scheduler retries later and the seat stays as it is meanwhile.
    await release(bot, guild, role, seat.user_id, "term_ended")
    await messaging.dm(
        bot,
        seat.user_id,
        guild_id=guild.id,
        render=lambda: _(
            "Your term as **{role}** on {server} has ended and the seat was released. Thank you for your work!",
            role=role.name,
            server=guild.name,
        ),
    )
