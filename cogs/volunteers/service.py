"""Volunteer roles: catalogue, claims, waitlists, offers, terms and thanks (no Discord here).

Every function takes `now` from its caller. Seats are claimed by inserting a row into a
free slot; the unique constraint on (role, slot) decides races, so exactly one of two
people claiming the last seat gets it, on SQLite and PostgreSQL. The Discord side (roles,
DMs, timers) lives in cogs/volunteers/flows.py, which calls the compensating functions
here (`rollback_seat`, `revert_acceptance`) when Discord refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from cogs.volunteers import rules
from config.content import VolunteerRoleSpec
from gromada import guild_config
from gromada.cache import GuildCache
from gromada.commands import Command
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound
from gromada.guild_config import Claim, Purpose, RoleShown
from gromada.i18n import N_, Plural
from gromada.seats import take_free_slot
from gromada.text import clean
from models.core import BindingKind
from models.volunteers import (
    Approval,
    ApprovalRequest,
    RequestStatus,
    SeatStatus,
    Thanks,
    VolunteerPanel,
    VolunteerRole,
    VolunteerSeat,
    VolunteerTerm,
    WaitlistEntry,
)

# Deadlines of a seat (Timer rows whose ref_id is the seat's id).
OFFER_EXPIRY_TIMER = "volunteers.offer_expiry"
RENEWAL_PROMPT_TIMER = "volunteers.renewal_prompt"
TERM_END_TIMER = "volunteers.term_end"
SEAT_TIMERS = (OFFER_EXPIRY_TIMER, RENEWAL_PROMPT_TIMER, TERM_END_TIMER)

ALREADY_HOLDS = N_("You already hold the role {role} (or have an offer for it).")
THANKS_LIMIT = 500
DUPLICATE_NAME = N_("A volunteer role called “{name}” already exists.")
TOO_MANY_ROLES = Plural(
    "A server can have at most {n} volunteer role.", "A server can have at most {n} volunteer roles.", rules.MAX_ROLES
)


class Outcome(StrEnum):
    GRANTED = "granted"
    REQUESTED = "requested"
    WAITLISTED = "waitlisted"


@dataclass
class ClaimResult:
    outcome: Outcome
    role: VolunteerRole
    seat: VolunteerSeat | None = None
    position: int | None = None
    request: ApprovalRequest | None = None


# ---------------------------------------------------------------- catalogue


# A volunteer role's texts, cleaned however they arrive (a command, an edit, a content pack).
ROLE_TEXTS = ("name", "description", "responsibilities")


@dataclass
class RoleFields:
    name: str
    seats: int
    description: str = ""
    responsibilities: str = ""
    term_days: int | None = None
    approval: Approval = Approval.AUTO
    prerequisite_role_id: int | None = None
    key: str | None = None
    # The server's role purpose this volunteer role is one with ("buddy"), if any.
    purpose: str | None = None

    def __post_init__(self) -> None:
        for text in ROLE_TEXTS:
            setattr(self, text, clean(getattr(self, text)))


def cleaned_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Changes to a role with its texts cleaned, as RoleFields cleans them."""
    return {key: clean(value) if key in ROLE_TEXTS else value for key, value in changes.items()}


def fields_from_spec(spec: VolunteerRoleSpec, prerequisite_role_id: int | None) -> RoleFields:
    """A content pack's role as catalogue fields (its prerequisite already found on Discord)."""
    return RoleFields(
        name=spec.name,
        seats=spec.seats,
        description=spec.description,
        responsibilities=spec.responsibilities,
        term_days=spec.term_days,
        approval=Approval(spec.approval),
        prerequisite_role_id=prerequisite_role_id,
        key=spec.key,
        purpose=spec.role_purpose,
    )


async def roles(guild_id: int) -> list[VolunteerRole]:
    return await VolunteerRole.filter(guild_id=guild_id).order_by("id")


async def _discord_roles(guild_id: int) -> frozenset[int]:
    return frozenset(await VolunteerRole.filter(guild_id=guild_id).values_list("discord_role_id", flat=True))


# Every role change on the server asks whether it touched a volunteer role (joins give the
# Newcomer role): kept in memory, dropped by every write of the catalogue below.
_DISCORD_ROLES: GuildCache[frozenset[int]] = GuildCache(_discord_roles)


async def discord_role_ids(guild_id: int) -> frozenset[int]:
    """The Discord roles that are volunteer roles on this server."""
    return await _DISCORD_ROLES.get(guild_id)


def may_be_volunteer_role(guild_id: int, role_ids: set[int]) -> bool:
    """False only when it is known, without reading anything, that none of these is a volunteer role."""
    if not role_ids:
        return False
    known = _DISCORD_ROLES.kept(guild_id)
    return known is None or not known.isdisjoint(role_ids)


def catalogue_changed(guild_id: int) -> None:
    """Read the catalogue's Discord roles again (after a write, and after the transaction of an import)."""
    _DISCORD_ROLES.forget(guild_id)


async def find_role(guild_id: int, name: str) -> VolunteerRole:
    role = rules.named(await roles(guild_id), clean(name))
    if role is not None:
        return role
    raise NotFound(
        N_("There is no volunteer role called “{name}”. See {command}."),
        name=name[:100],
        command=Command("volunteer roster"),
    )


ROLE_GONE = N_("That volunteer role no longer exists.")
REQUEST_GONE = N_("That request no longer exists.")
NO_LONGER_OPEN = N_("This offer or seat is no longer open.")
OFFER_NOT_THEIRS = N_("This offer is for someone else.")
SEAT_NOT_THEIRS = N_("This seat belongs to someone else.")


async def role_by_id(guild_id: int, role_id: int) -> VolunteerRole:
    role = await VolunteerRole.get_or_none(id=role_id, guild_id=guild_id)
    if role is None:
        raise NotFound(ROLE_GONE)
    return role


def _validate(values: RoleFields) -> None:
    if not values.name:
        raise InvalidInput(N_("The role needs a name."))
    if not 1 <= values.seats <= 500:
        raise InvalidInput(N_("Seats must be between 1 and 500."))
    if values.term_days is not None and not 1 <= values.term_days <= 3650:
        raise InvalidInput(N_("A term must last between 1 and 3650 days."))


async def check_room(guild_id: int, values: RoleFields) -> None:
    """Whether this role can still be added (checked again, atomically, on insert)."""
    _validate(values)
    name = values.name
    existing = await roles(guild_id)
    if len(existing) >= rules.MAX_ROLES:
        raise LimitReached(TOO_MANY_ROLES)
    if rules.named(existing, name) is not None:
        raise Conflict(DUPLICATE_NAME, name=name[:100])


async def create_role(guild_id: int, values: RoleFields, discord_role_id: int, now: datetime) -> VolunteerRole:
    _validate(values)
    if await VolunteerRole.filter(guild_id=guild_id).count() >= rules.MAX_ROLES:
        raise LimitReached(TOO_MANY_ROLES)
    try:
        created = await VolunteerRole.create(
            guild_id=guild_id,
            key=values.key,
            name=values.name,
            description=values.description,
            responsibilities=values.responsibilities,
            seats=values.seats,
            term_days=values.term_days,
            approval=values.approval,
            prerequisite_role_id=values.prerequisite_role_id,
            discord_role_id=discord_role_id,
            purpose=values.purpose,
            created_at=now,
        )
    except IntegrityError:
        raise Conflict(DUPLICATE_NAME, name=values.name[:100]) from None
    catalogue_changed(guild_id)
    return created


async def edit_role(role: VolunteerRole, changes: dict[str, Any]) -> VolunteerRole:
    changes = cleaned_changes(changes)
    # The database tells names apart by case; people do not, so neither does the catalogue.
    if "name" in changes:
        others = [other for other in await roles(role.guild_id) if other.pk != role.pk]
        if rules.named(others, changes["name"]) is not None:
            raise Conflict(DUPLICATE_NAME, name=changes["name"][:100])
    for key, value in changes.items():
        setattr(role, key, value)
    _validate(RoleFields(name=role.name, seats=role.seats, term_days=role.term_days, approval=role.approval))
    try:
        await role.save()
    except IntegrityError:
        raise Conflict(DUPLICATE_NAME, name=role.name[:100]) from None
    catalogue_changed(role.guild_id)
    return role


async def delete_role(role: VolunteerRole, now: datetime) -> list[VolunteerSeat]:
    """Delete a role; its live seats end (returned, so their Discord roles can be removed)."""
    seats = await VolunteerSeat.filter(role_id=role.pk)
    async with in_transaction():
        for seat in seats:
            if seat.status == SeatStatus.ACTIVE:
                await _record_term(seat, role, now, "deleted")
        await role.delete()
    catalogue_changed(role.guild_id)
    return seats


async def upsert_from_spec(guild_id: int, values: RoleFields, discord_role_id: int, now: datetime) -> VolunteerRole:
    """Create or update a catalogue role from a content pack (matched by key, then by name)."""
    existing = None
    if values.key:
        existing = await VolunteerRole.get_or_none(guild_id=guild_id, key=values.key)
    if existing is None:
        existing = rules.named(await roles(guild_id), values.name)
    if existing is None:
        return await create_role(guild_id, values, discord_role_id, now)
    changes = {
        "key": values.key or existing.key,
        "name": values.name,
        "description": values.description,
        "responsibilities": values.responsibilities,
        "seats": values.seats,
        "term_days": values.term_days,
        "approval": values.approval,
        "prerequisite_role_id": values.prerequisite_role_id,
        "discord_role_id": discord_role_id,
        "purpose": values.purpose,
    }
    return await edit_role(existing, changes)


async def link_role(
    guild_id: int, values: RoleFields, discord_role_id: int, now: datetime
) -> tuple[VolunteerRole, bool]:
    """For quickstart: create the catalogue row if missing, else only relink its Discord role."""
    existing = await VolunteerRole.get_or_none(guild_id=guild_id, key=values.key) if values.key else None
    if existing is None:
        existing = await VolunteerRole.get_or_none(guild_id=guild_id, name=values.name)
    if existing is None:
        return await create_role(guild_id, values, discord_role_id, now), True
    if (existing.discord_role_id, existing.purpose) != (discord_role_id, values.purpose):
        existing.discord_role_id, existing.purpose = discord_role_id, values.purpose
        await existing.save(update_fields=["discord_role_id", "purpose"])
        catalogue_changed(guild_id)
    return existing, False


# ---------------------------------------------------------------- seats


async def seat_of(role: VolunteerRole, user_id: int) -> VolunteerSeat | None:
    return await VolunteerSeat.get_or_none(role_id=role.pk, user_id=user_id)


async def _take_seat(
    role: VolunteerRole,
    user_id: int,
    now: datetime,
    *,
    status: SeatStatus,
    offer_expires_at: datetime | None = None,
) -> VolunteerSeat | None:
    """Insert a seat into a free slot; None when every slot is taken."""
    active = status == SeatStatus.ACTIVE
    return await take_free_slot(
        VolunteerSeat,
        {"role_id": role.pk},
        role.seats,
        user_id,
        Conflict(ALREADY_HOLDS, role=role.name),
        guild_id=role.guild_id,
        status=status,
        started_at=now if active else None,
        term_ends_at=rules.term_end(now, role.term_days) if active else None,
        offer_expires_at=offer_expires_at,
    )


async def seated_user_ids(role: VolunteerRole) -> set[int]:
    """Everyone with a seat of `role`, held or offered."""
    return set(await VolunteerSeat.filter(role_id=role.pk).values_list("user_id", flat=True))


async def active_seats(role: VolunteerRole) -> list[VolunteerSeat]:
    return await VolunteerSeat.filter(role_id=role.pk, status=SeatStatus.ACTIVE).order_by("slot")


async def adopt(role: VolunteerRole, user_id: int, now: datetime) -> VolunteerSeat | None:
    """Seat someone who already holds the Discord role (None when full or already seated)."""
    try:
        return await _take_seat(role, user_id, now, status=SeatStatus.ACTIVE)
    except Conflict:
        return None  # seated a moment ago (the bot's own grant)


async def waitlist_position(role: VolunteerRole, user_id: int) -> int | None:
    entry = await WaitlistEntry.get_or_none(role_id=role.pk, user_id=user_id)
    if entry is None:
        return None
    return await WaitlistEntry.filter(role_id=role.pk, id__lte=entry.pk).count()


async def take_or_wait(role: VolunteerRole, user_id: int, now: datetime) -> ClaimResult:
    """A free seat if there is one, else a place on the waitlist (told its position)."""
    if await seat_of(role, user_id) is not None:
        raise Conflict(ALREADY_HOLDS, role=role.name)
    seat = await _take_seat(role, user_id, now, status=SeatStatus.ACTIVE)
    if seat is not None:
        await WaitlistEntry.filter(role_id=role.pk, user_id=user_id).delete()
        return ClaimResult(Outcome.GRANTED, role, seat=seat)
    try:
        await WaitlistEntry.create(role_id=role.pk, user_id=user_id, joined_at=now)
    except IntegrityError:
        pass  # already waiting: tell the position again
    return ClaimResult(Outcome.WAITLISTED, role, position=await waitlist_position(role, user_id))


async def seats_of_member(guild_id: int, user_id: int) -> list[VolunteerSeat]:
    return await VolunteerSeat.filter(guild_id=guild_id, user_id=user_id).prefetch_related("role")


async def forget_member(guild_id: int, user_id: int, now: datetime) -> list[VolunteerRole]:
    """Someone left the server: their seats end and they leave every waitlist and request.

    Returns the roles whose seats were freed, so they can be offered to the waitlist.
    """
    freed = []
    for seat in await seats_of_member(guild_id, user_id):
        if seat.status == SeatStatus.ACTIVE:
            await end_seat(seat, seat.role, now, "left")
        else:
            await withdraw_offer(seat)
        freed.append(seat.role)
    await WaitlistEntry.filter(role__guild_id=guild_id, user_id=user_id).delete()
    await ApprovalRequest.filter(guild_id=guild_id, user_id=user_id, status=RequestStatus.PENDING).update(
        status=RequestStatus.DECLINED, decided_at=now
    )
    return freed


async def pending_requests_of(guild_id: int, user_id: int) -> list[int]:
    return await ApprovalRequest.filter(guild_id=guild_id, user_id=user_id, status=RequestStatus.PENDING).values_list(
        "id", flat=True
    )


# A request forget_member declined when its member left: a coordinator's decision names them.
CLOSED_BY_LEAVING = Q(status=RequestStatus.DECLINED, decided_by=None)


async def closed_by_leaving(request_ids: list[int]) -> list[ApprovalRequest]:
    return await ApprovalRequest.filter(CLOSED_BY_LEAVING, id__in=request_ids).prefetch_related("role")


async def claim(role: VolunteerRole, user_id: int, member_role_ids: set[int], now: datetime) -> ClaimResult:
    if role.prerequisite_role_id is not None and role.prerequisite_role_id not in member_role_ids:
        raise NotAllowed(
            N_("To take {role} you first need the role {prerequisite}."),
            role=role.name,
            prerequisite=f"<@&{role.prerequisite_role_id}>",
        )
    if await seat_of(role, user_id) is not None:
        raise Conflict(ALREADY_HOLDS, role=role.name)
    if role.approval == Approval.COORDINATOR:
        pending = await ApprovalRequest.get_or_none(role_id=role.pk, user_id=user_id, status=RequestStatus.PENDING)
        if pending is not None:
            raise Conflict(N_("Your request for {role} is already waiting for a coordinator."), role=role.name)
        request = await ApprovalRequest.create(role_id=role.pk, guild_id=role.guild_id, user_id=user_id, created_at=now)
        return ClaimResult(Outcome.REQUESTED, role, request=request)
    return await take_or_wait(role, user_id, now)


async def rollback_seat(seat: VolunteerSeat) -> None:
    """Undo a seat whose Discord role could not be granted."""
    await VolunteerSeat.filter(id=seat.pk).delete()


async def forget_request(request: ApprovalRequest) -> None:
    """Undo a request that could not reach the coordinators."""
    await ApprovalRequest.filter(id=request.pk, status=RequestStatus.PENDING).delete()


async def request_by_id(request_id: int, guild_id: int | None) -> ApprovalRequest:
    request = await ApprovalRequest.get_or_none(id=request_id, guild_id=guild_id).prefetch_related("role")
    if request is None:
        raise NotFound(REQUEST_GONE)
    return request


async def decide_request(request: ApprovalRequest, *, approve: bool, coordinator_id: int, now: datetime) -> None:
    status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    changed = await ApprovalRequest.filter(id=request.pk, status=RequestStatus.PENDING).update(
        status=status, decided_by=coordinator_id, decided_at=now
    )
    if not changed:
        if await ApprovalRequest.exists(CLOSED_BY_LEAVING, id=request.pk):
            raise Conflict(N_("This request was closed: that member left the server."))
        raise Conflict(N_("Another coordinator has already decided this request."))


async def reopen_request(request: ApprovalRequest) -> None:
    """An approval whose role grant failed goes back to pending, so it can be approved again."""
    await ApprovalRequest.filter(id=request.pk).update(status=RequestStatus.PENDING, decided_by=None, decided_at=None)


async def set_request_message(request: ApprovalRequest, channel_id: int, message_id: int) -> None:
    await ApprovalRequest.filter(id=request.pk).update(channel_id=channel_id, message_id=message_id)


async def _record_term(seat: VolunteerSeat, role: VolunteerRole, now: datetime, reason: str) -> None:
    await VolunteerTerm.create(
        guild_id=seat.guild_id,
        role_id=role.pk,
        role_name=role.name,
        user_id=seat.user_id,
        started_at=seat.started_at or now,
        ended_at=now,
        terms=seat.terms,
        reason=reason,
    )


async def end_seat(seat: VolunteerSeat, role: VolunteerRole, now: datetime, reason: str) -> bool:
    """Free a held seat and keep it in the history; False if it was already gone."""
    async with in_transaction():
        deleted = await VolunteerSeat.filter(id=seat.pk, status=SeatStatus.ACTIVE).delete()
        if deleted:
            await _record_term(seat, role, now, reason)
    return bool(deleted)


async def leave_waitlist(role: VolunteerRole, user_id: int) -> bool:
    return bool(await WaitlistEntry.filter(role_id=role.pk, user_id=user_id).delete())


# ---------------------------------------------------------------- offers and terms


async def offer_next(role: VolunteerRole, now: datetime) -> VolunteerSeat | None:
    """Reserve a free seat for the first person on the waitlist, valid for 48 hours.

    A role's offers are made one at a time, its row locked for the offer: two at once let the
    second person in line take the seat while the first was still being seated, and the first
    then found none and went back to the front, passed over.
    """
    async with in_transaction():
        await VolunteerRole.filter(id=role.pk).select_for_update().first()
        while True:
            entry = await WaitlistEntry.filter(role_id=role.pk).order_by("id").first()
            if entry is None:
                return None
            # Whoever removes the entry makes the offer: two releases never offer twice.
            if not await WaitlistEntry.filter(id=entry.pk).delete():
                continue
            try:
                seat = await _take_seat(
                    role, entry.user_id, now, status=SeatStatus.OFFERED, offer_expires_at=now + rules.OFFER_VALIDITY
                )
            except Conflict:
                continue  # already holds it; the next person
            if seat is None:
                # No free seat after all: put them back at the front.
                await WaitlistEntry.create(
                    id=entry.pk, role_id=role.pk, user_id=entry.user_id, joined_at=entry.joined_at
                )
                return None
            return seat


async def seat_by_id(seat_id: int) -> VolunteerSeat | None:
    return await VolunteerSeat.get_or_none(id=seat_id).prefetch_related("role")


async def accept_offer(seat: VolunteerSeat, user_id: int, now: datetime) -> VolunteerSeat:
    if seat.user_id != user_id:
        raise NotAllowed(OFFER_NOT_THEIRS)
    role = seat.role
    changed = await VolunteerSeat.filter(id=seat.pk, status=SeatStatus.OFFERED).update(
        status=SeatStatus.ACTIVE, started_at=now, term_ends_at=rules.term_end(now, role.term_days)
    )
    if not changed:
        raise Conflict(N_("This offer is no longer open."))
    return await VolunteerSeat.get(id=seat.pk).prefetch_related("role")


async def revert_acceptance(seat: VolunteerSeat) -> None:
    """The role could not be granted: the seat is an open offer again, to accept once more."""
    await VolunteerSeat.filter(id=seat.pk, status=SeatStatus.ACTIVE).update(
        status=SeatStatus.OFFERED, started_at=None, term_ends_at=None
    )


async def withdraw_offer(seat: VolunteerSeat) -> bool:
    """An offer declined or expired frees its seat; False if it was no longer open."""
    return bool(await VolunteerSeat.filter(id=seat.pk, status=SeatStatus.OFFERED).delete())


async def renew(seat: VolunteerSeat, user_id: int, now: datetime) -> VolunteerSeat:
    if seat.user_id != user_id:
        raise NotAllowed(SEAT_NOT_THEIRS)
    role = seat.role
    if seat.status != SeatStatus.ACTIVE or seat.term_ends_at is None or role.term_days is None:
        raise Conflict(N_("This term can no longer be renewed."))
    if not rules.renewal_open(seat.term_ends_at, now):
        raise InvalidInput(N_("You can renew in the last week of your term."))
    new_end = rules.extended_term(seat.term_ends_at, role.term_days, now)
    changed = await VolunteerSeat.filter(id=seat.pk, status=SeatStatus.ACTIVE, term_ends_at=seat.term_ends_at).update(
        term_ends_at=new_end, terms=seat.terms + 1
    )
    if not changed:
        raise Conflict(N_("This term was already renewed."))
    return await VolunteerSeat.get(id=seat.pk).prefetch_related("role")


# ---------------------------------------------------------------- reading


@dataclass
class RoleState:
    role: VolunteerRole
    seats: list[VolunteerSeat] = field(default_factory=list)
    waiting: list[WaitlistEntry] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return len(self.seats)


async def catalogue_state(guild_id: int) -> list[RoleState]:
    states = {role.pk: RoleState(role) for role in await roles(guild_id)}
    for seat in await VolunteerSeat.filter(guild_id=guild_id).order_by("started_at", "id"):
        if seat.role_id in states:
            states[seat.role_id].seats.append(seat)
    for entry in await WaitlistEntry.filter(role__guild_id=guild_id).order_by("id"):
        if entry.role_id in states:
            states[entry.role_id].waiting.append(entry)
    return list(states.values())


def panel_lines(states: list[RoleState]) -> list[rules.PanelLine]:
    return [
        rules.PanelLine(state.role.name, state.role.description, state.filled, state.role.seats, len(state.waiting))
        for state in states
    ]


@dataclass
class MemberVolunteering:
    seats: list[VolunteerSeat]
    waiting: list[tuple[VolunteerRole, int]]
    requests: list[ApprovalRequest]
    past: list[VolunteerTerm]
    thanks: list[Thanks]


async def member_volunteering(guild_id: int, user_id: int) -> MemberVolunteering:
    seats = await VolunteerSeat.filter(guild_id=guild_id, user_id=user_id).prefetch_related("role")
    waiting = []
    for entry in await WaitlistEntry.filter(role__guild_id=guild_id, user_id=user_id).prefetch_related("role"):
        waiting.append((entry.role, await waitlist_position(entry.role, user_id) or 0))
    requests = await ApprovalRequest.filter(
        guild_id=guild_id, user_id=user_id, status=RequestStatus.PENDING
    ).prefetch_related("role")
    past = await VolunteerTerm.filter(guild_id=guild_id, user_id=user_id).order_by("started_at")
    thanks = await Thanks.filter(guild_id=guild_id, to_user_id=user_id).order_by("created_at")
    return MemberVolunteering(list(seats), waiting, list(requests), list(past), list(thanks))


# ---------------------------------------------------------------- panels and thanks


async def panels(guild_id: int) -> list[VolunteerPanel]:
    return await VolunteerPanel.filter(guild_id=guild_id)


async def panel_in(guild_id: int, channel_id: int) -> VolunteerPanel | None:
    return await VolunteerPanel.get_or_none(guild_id=guild_id, channel_id=channel_id)


async def remember_panel(guild_id: int, channel_id: int, message_id: int) -> None:
    await VolunteerPanel.update_or_create(defaults={"message_id": message_id}, guild_id=guild_id, channel_id=channel_id)


async def forget_panel(panel: VolunteerPanel) -> None:
    await VolunteerPanel.filter(id=panel.pk).delete()


async def thank(
    guild_id: int, from_user_id: int, to_user_id: int, message: str, now: datetime, *, to_bot: bool = False
) -> Thanks:
    text = clean(message)
    if to_bot:
        raise InvalidInput(N_("Thank a person, not a bot."))
    if from_user_id == to_user_id:
        raise InvalidInput(N_("Thank someone else: thanking yourself does not count."))
    if not text:
        raise InvalidInput(N_("Write a few words of thanks."))
    if len(text) > THANKS_LIMIT:
        raise InvalidInput(
            Plural("Thanks can have at most {n} character.", "Thanks can have at most {n} characters.", THANKS_LIMIT)
        )
    return await Thanks.create(
        guild_id=guild_id, from_user_id=from_user_id, to_user_id=to_user_id, message=text, created_at=now
    )


# ---------------------------------------------------------------- which server roles a volunteer role may give

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


def check_claim(purpose: Purpose, name: str, approval: Approval, role_id: int | None = None) -> None:
    """Whether members may take the role of `purpose` (the server's `role_id`) through the volunteer role `name`."""
    if purpose.claim == Claim.NEVER:
        raise InvalidInput(NEVER_CLAIMED, role=name[:100], purpose=RoleShown(purpose, role_id))
    if purpose.claim == Claim.APPROVED and approval != Approval.COORDINATOR:
        raise InvalidInput(NEEDS_APPROVAL, role=name[:100], purpose=RoleShown(purpose, role_id))


async def check_claimable(guild_id: int, role_id: int | None, role_name: str, name: str, approval: Approval) -> None:
    """Check every purpose the Discord role serves (`role_id` None: a role about to be created).

    A role serves the purposes bound to it, and those left unbound whose default name (in
    any of our languages) it bears: quickstart and the purchases feature take such a role
    for the purpose.
    """
    bound = await guild_config.bindings(guild_id)
    for purpose in guild_config.purposes(BindingKind.ROLE):
        bound_id = bound.get((BindingKind.ROLE, purpose.key))
        named_like_it = bound_id is None and role_name.casefold() in purpose.names()
        if (role_id is not None and bound_id == role_id) or named_like_it:
            check_claim(purpose, name, approval, bound_id or role_id)


async def check_pack_purposes(guild_id: int, specs: list[VolunteerRoleSpec]) -> None:
    """The purposes a pack names, checked before anything changes on Discord."""
    bound = await guild_config.bindings(guild_id)
    for spec in specs:
        if not spec.role_purpose:
            continue
        purpose = guild_config.PURPOSES.get((BindingKind.ROLE, spec.role_purpose))
        if purpose is None:
            raise InvalidInput(UNKNOWN_PURPOSE, role=spec.name, purpose=spec.role_purpose[:40])
        check_claim(purpose, spec.name, Approval(spec.approval), bound.get((BindingKind.ROLE, purpose.key)))


def awaiting_deadlines() -> tuple[QuerySet[VolunteerSeat], QuerySet[VolunteerSeat]]:
    """Seats offered and waiting for an answer, and seats held for a term (checked at start)."""
    offers = VolunteerSeat.filter(status=SeatStatus.OFFERED, offer_expires_at__isnull=False)
    terms = VolunteerSeat.filter(status=SeatStatus.ACTIVE, term_ends_at__isnull=False)
    return offers, terms
