"""Mediation rules on the database: opening, claiming, parties, notes, closing, ratings.

No Discord here: callers pass ids and `now`. Every change of a ticket's state is a
conditional update on its current state, so two mediators clicking Claim at once, or a
double click on a rating, change it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from cogs.mediation.rules import Stats, TicketFacts, compute_stats
from gromada import guild_config
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound, Relative
from gromada.guild_config import Purpose, declare_bool, declare_duration, declare_int, declare_purpose
from gromada.i18n import N_, Plural
from gromada.text import clean
from models.core import BindingKind
from models.mediation import MediationPanel, PartyStatus, Ticket, TicketNote, TicketParty, TicketStatus

# Where mediators are alerted and transcripts are kept: mediators (and moderators) only.
LOG_PURPOSE = declare_purpose(
    Purpose(
        "mediation_log",
        BindingKind.CHANNEL,
        N_("mediation-log"),
        staff_only=True,
        description=N_("Mediators' alerts and transcripts"),
    )
)
CATEGORY_PURPOSE = declare_purpose(
    Purpose(
        "mediation", BindingKind.CATEGORY, N_("Mediation"), staff_only=True, description=N_("Private mediation spaces")
    )
)

MAX_OPEN = declare_int("mediation_max_open", 1, 1, 5, N_("How many mediation tickets a member may have open at once"))
COOLDOWN = declare_duration(
    "mediation_cooldown",
    timedelta(hours=1),
    N_("Time a member waits between two mediation requests"),
    minimum=timedelta(0),
)
CLAIM_REMINDER = declare_duration(
    "mediation_claim_reminder", timedelta(hours=12), N_("Remind mediators when a ticket is unclaimed this long")
)
REMINDER_LIMIT = declare_int(
    "mediation_reminder_limit", 3, 0, 10, N_("How many times mediators are reminded of an unclaimed ticket")
)
CHECKIN_AFTER = declare_duration(
    "mediation_checkin", timedelta(days=14), N_("When to ask whether a mediated agreement holds")
)
NAMED_MEDIATORS_HIDDEN = declare_bool(
    "mediation_hide_from_named",
    True,
    N_("Hide a ticket from mediators named in it as a party"),
)
# Deadlines of a ticket (Timer kinds, ref_id = the ticket): remind the mediators while it
# waits for one, and ask the requester some time after the close whether the agreement holds.
UNCLAIMED_TIMER = "mediation.unclaimed"
CHECKIN_TIMER = "mediation.checkin"
# After the first reminder, mediators are reminded again this often (up to the limit).
REMINDER_INTERVAL = timedelta(hours=24)
CHECKIN_ASKED = "asked"
ALREADY_OPEN = N_("You already have an open mediation ticket. Continue there, or wait until it is closed.")
FIELD_LIMIT = 1000
OUTCOME_LIMIT = 1500
NOTE_LIMIT = 1000


@dataclass(frozen=True)
class RequestForm:
    what_happened: str
    parties: str
    hoped_outcome: str


def clean_form(what_happened: str, parties: str, hoped_outcome: str) -> RequestForm:
    form = RequestForm(
        clean(what_happened)[:FIELD_LIMIT],
        clean(parties)[:FIELD_LIMIT],
        clean(hoped_outcome)[:FIELD_LIMIT],
    )
    if not form.what_happened or not form.hoped_outcome:
        raise InvalidInput(N_("Please describe what happened and what you hope for; those two cannot be empty."))
    return form


class TranscriptPost(Enum):
    """Where a closed ticket's transcript went (the mediator who closed it is told)."""

    POSTED = "posted"
    WITHHELD = "withheld"  # a mediator is a party: the shared log is no place for it
    FAILED = "failed"


async def mediator_role_id(guild_id: int) -> int | None:
    """The role that makes someone a mediator on this server, if one is set."""
    return await guild_config.binding(guild_id, BindingKind.ROLE, "mediator")


async def panel_of(guild_id: int) -> MediationPanel | None:
    return await MediationPanel.get_or_none(guild_id=guild_id)


async def remember_panel(guild_id: int, channel_id: int, message_id: int) -> None:
    await MediationPanel.update_or_create(
        defaults={"channel_id": channel_id, "message_id": message_id}, guild_id=guild_id
    )


# ---------------------------------------------------------------- opening


async def check_can_request(guild_id: int, requester_id: int, now: datetime) -> None:
    """Refuse early (before the form) when the member already has open tickets or must wait."""
    limit = await MAX_OPEN.get(guild_id)
    open_count = await Ticket.filter(
        guild_id=guild_id, requester_id=requester_id, status__in=(TicketStatus.OPEN, TicketStatus.CLAIMED)
    ).count()
    if open_count >= limit:
        raise LimitReached(ALREADY_OPEN)
    cooldown: timedelta = await COOLDOWN.get(guild_id)
    last = await Ticket.filter(guild_id=guild_id, requester_id=requester_id).order_by("-created_at").first()
    if last is not None and cooldown and now < last.created_at + cooldown:
        raise LimitReached(N_("You can ask for mediation again {when}."), when=Relative(last.created_at + cooldown))


async def free_slot(guild_id: int, requester_id: int) -> int:
    """The lowest open-ticket slot the member has free (1..the server's limit)."""
    limit = await MAX_OPEN.get(guild_id)
    used = set(
        await Ticket.filter(guild_id=guild_id, requester_id=requester_id, open_slot__not_isnull=True).values_list(
            "open_slot", flat=True
        )
    )
    free = [slot for slot in range(1, limit + 1) if slot not in used]
    if not free:
        raise LimitReached(ALREADY_OPEN)
    return free[0]


async def open_ticket(
    guild_id: int, requester_id: int, channel_id: int, form: RequestForm, named: list[int], now: datetime
) -> Ticket:
    """Record a ticket for an already created private channel (the caller removes the
    channel if this raises). The open slot makes the per-member limit hold under races."""
    await check_can_request(guild_id, requester_id, now)
    slot = await free_slot(guild_id, requester_id)
    try:
        async with in_transaction():
            ticket = await Ticket.create(
                guild_id=guild_id,
                requester_id=requester_id,
                channel_id=channel_id,
                open_slot=slot,
                what_happened=form.what_happened,
                parties_text=form.parties,
                hoped_outcome=form.hoped_outcome,
                created_at=now,
                waiting_since=now,
            )
            for user_id in named:
                if user_id != requester_id:
                    await TicketParty.create(ticket=ticket, user_id=user_id, status=PartyStatus.NAMED, created_at=now)
    except IntegrityError:
        raise LimitReached(ALREADY_OPEN) from None
    return ticket


async def ticket_count(guild_id: int) -> int:
    """How many tickets the server has on record (a new space is numbered after them)."""
    return await Ticket.filter(guild_id=guild_id).count()


async def discard_ticket(ticket_id: int) -> None:
    """Undo open_ticket when the Discord side could not be completed."""
    await Ticket.filter(id=ticket_id).delete()


async def set_alert(ticket_id: int, channel_id: int, message_id: int) -> None:
    await Ticket.filter(id=ticket_id).update(alert_channel_id=channel_id, alert_message_id=message_id)


# ---------------------------------------------------------------- lookups


TICKET_GONE = N_("This mediation ticket no longer exists.")
INVITATION_GONE = N_("This invitation no longer exists.")
RATING_NOT_THEIRS = N_("Only the person who asked for this mediation can rate it.")
CHECKIN_NOT_THEIRS = N_("Only the person who asked for this mediation can answer.")


async def get_ticket(ticket_id: int) -> Ticket:
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None:
        raise NotFound(TICKET_GONE)
    return ticket


async def ticket_in_channel(channel_id: int | None) -> Ticket:
    ticket = await Ticket.get_or_none(channel_id=channel_id) if channel_id else None
    if ticket is None:
        raise InvalidInput(N_("Use this inside a mediation ticket's private channel."))
    return ticket


async def party_ids(ticket: Ticket) -> set[int]:
    """Everyone named in the request or invited later (whatever they answered)."""
    return set(await TicketParty.filter(ticket_id=ticket.pk).values_list("user_id", flat=True))


async def has_conflict(ticket: Ticket, user_id: int) -> bool:
    return user_id == ticket.requester_id or user_id in await party_ids(ticket)


async def require_no_conflict(ticket: Ticket, user_id: int) -> None:
    if user_id == ticket.requester_id:
        raise NotAllowed(N_("You asked for this mediation yourself, so another mediator must take it."))
    if user_id in await party_ids(ticket):
        raise NotAllowed(N_("You are a party to this conflict, so another mediator must take it."))


def require_mediator_of(ticket: Ticket, user_id: int) -> None:
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(N_("This ticket is already closed."))
    if ticket.mediator_id is None:
        raise NotAllowed(N_("Nobody mediates this ticket yet. Claim it first."))
    if ticket.mediator_id != user_id:
        raise NotAllowed(N_("Only the mediator of this ticket can do that."))


# ---------------------------------------------------------------- claiming


async def claim(ticket_id: int, mediator_id: int, now: datetime) -> Ticket:
    ticket = await get_ticket(ticket_id)
    await require_no_conflict(ticket, mediator_id)
    changed = await Ticket.filter(id=ticket_id, status=TicketStatus.OPEN).update(
        status=TicketStatus.CLAIMED, mediator_id=mediator_id, claimed_at=now
    )
    if not changed:
        ticket = await get_ticket(ticket_id)
        if ticket.status == TicketStatus.CLOSED:
            raise Conflict(N_("This ticket is already closed."))
        if ticket.mediator_id == mediator_id:
            raise Conflict(N_("You already mediate this ticket."))
        raise Conflict(N_("Another mediator claimed this ticket a moment ago."))
    return await get_ticket(ticket_id)


async def unclaim(ticket_id: int, mediator_id: int) -> Ticket:
    changed = await Ticket.filter(id=ticket_id, status=TicketStatus.CLAIMED, mediator_id=mediator_id).update(
        status=TicketStatus.OPEN, mediator_id=None
    )
    if not changed:
        require_mediator_of(await get_ticket(ticket_id), mediator_id)
        raise Conflict()
    return await get_ticket(ticket_id)


async def hand_over(ticket_id: int, from_id: int, to_id: int) -> Ticket:
    ticket = await get_ticket(ticket_id)
    require_mediator_of(ticket, from_id)
    if to_id == from_id:
        raise InvalidInput(N_("You already mediate this ticket."))
    if await has_conflict(ticket, to_id):
        raise NotAllowed(N_("That mediator is a party to this conflict (or asked for it), so they cannot take it."))
    changed = await Ticket.filter(id=ticket_id, status=TicketStatus.CLAIMED, mediator_id=from_id).update(
        mediator_id=to_id
    )
    if not changed:
        raise Conflict()
    return await get_ticket(ticket_id)


async def release_mediator(guild_id: int, mediator_id: int, now: datetime) -> list[Ticket]:
    """A mediator left the server: their tickets wait for a new mediator again."""
    tickets = await Ticket.filter(guild_id=guild_id, mediator_id=mediator_id, status=TicketStatus.CLAIMED)
    released = []
    for ticket in tickets:
        if await Ticket.filter(id=ticket.pk, status=TicketStatus.CLAIMED, mediator_id=mediator_id).update(
            status=TicketStatus.OPEN, mediator_id=None, reminders_sent=0, waiting_since=now
        ):
            released.append(await get_ticket(ticket.pk))
    return released


async def take_reminder(ticket: Ticket) -> bool:
    """Count one reminder for a ticket that still waits; False if claimed, closed or counted already."""
    return bool(
        await Ticket.filter(id=ticket.pk, status=TicketStatus.OPEN, reminders_sent=ticket.reminders_sent).update(
            reminders_sent=ticket.reminders_sent + 1
        )
    )


async def give_back_reminder(ticket: Ticket) -> None:
    """The reminder could not be posted: uncount it, so the retried deadline sends it."""
    await Ticket.filter(id=ticket.pk, reminders_sent=ticket.reminders_sent + 1).update(
        reminders_sent=ticket.reminders_sent
    )


async def mark_checkin_asked(ticket_id: int) -> bool:
    """Claim the one check-in of a closed ticket (False if it was asked or answered already)."""
    return bool(
        await Ticket.filter(id=ticket_id, status=TicketStatus.CLOSED, checkin_answer__isnull=True).update(
            checkin_answer=CHECKIN_ASKED
        )
    )


# ---------------------------------------------------------------- parties and notes


async def invite_party(
    ticket: Ticket, user_id: int, mediator_id: int, now: datetime, *, is_bot: bool
) -> tuple[TicketParty, PartyStatus | None]:
    """Invite someone; returns the party row and its status before (to undo a failed DM)."""
    require_mediator_of(ticket, mediator_id)
    if is_bot:
        raise InvalidInput(N_("A bot cannot be a party to a mediation."))
    if user_id == ticket.requester_id:
        raise InvalidInput(N_("The person who asked for mediation is already in the space."))
    if user_id == mediator_id:
        raise InvalidInput(N_("You mediate this ticket; you cannot also be a party to it."))
    existing = await TicketParty.get_or_none(ticket_id=ticket.pk, user_id=user_id)
    if existing is not None:
        if existing.status in (PartyStatus.INVITED, PartyStatus.ACCEPTED):
            raise Conflict(N_("That member is already invited."))
        if not await TicketParty.filter(id=existing.pk, status=existing.status).update(
            status=PartyStatus.INVITED, invited_by=mediator_id
        ):
            raise Conflict(N_("That member is already invited."))
        return await TicketParty.get(id=existing.pk), existing.status
    try:
        party = await TicketParty.create(
            ticket=ticket, user_id=user_id, status=PartyStatus.INVITED, invited_by=mediator_id, created_at=now
        )
    except IntegrityError:
        raise Conflict(N_("That member is already invited.")) from None
    return party, None


async def withdraw_invitation(party_id: int, previous: PartyStatus | None) -> None:
    """The invitation could not be delivered: put the party back as it was."""
    if previous is not None:
        await TicketParty.filter(id=party_id).update(status=previous)
    else:
        await TicketParty.filter(id=party_id).delete()


async def answer_invitation(party_id: int, user_id: int, accept: bool) -> tuple[Ticket, TicketParty]:
    party = await TicketParty.get_or_none(id=party_id)
    if party is None or party.user_id != user_id:
        raise NotFound(INVITATION_GONE)
    ticket = await get_ticket(party.ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(N_("This mediation is already closed."))
    status = PartyStatus.ACCEPTED if accept else PartyStatus.DECLINED
    if not await TicketParty.filter(id=party_id, status=PartyStatus.INVITED).update(status=status):
        raise Conflict(N_("You already answered this invitation."))
    party.status = status
    return ticket, party


async def revert_acceptance(party_id: int) -> None:
    await TicketParty.filter(id=party_id, status=PartyStatus.ACCEPTED).update(status=PartyStatus.INVITED)


async def accepted_parties(ticket_id: int) -> list[int]:
    return list(
        await TicketParty.filter(ticket_id=ticket_id, status=PartyStatus.ACCEPTED).values_list("user_id", flat=True)
    )


async def people_in_space(ticket: Ticket) -> list[int]:
    """Who writes in the space besides the mediators: the requester and the parties who accepted."""
    return [ticket.requester_id, *await accepted_parties(ticket.pk)]


async def add_note(ticket: Ticket, author_id: int, text: str, now: datetime) -> TicketNote:
    if await has_conflict(ticket, author_id):
        raise NotAllowed(N_("Only mediators who are not parties to this conflict can write notes here."))
    text = clean(text)
    if not text:
        raise InvalidInput(N_("A note cannot be empty."))
    if len(text) > NOTE_LIMIT:
        raise InvalidInput(
            Plural("A note can have at most {n} character.", "A note can have at most {n} characters.", NOTE_LIMIT)
        )
    return await TicketNote.create(ticket=ticket, author_id=author_id, text=text, created_at=now)


async def notes(ticket: Ticket, reader_id: int) -> list[TicketNote]:
    if await has_conflict(ticket, reader_id):
        raise NotAllowed(N_("Only mediators who are not parties to this conflict can read its notes."))
    return list(await TicketNote.filter(ticket_id=ticket.pk).order_by("created_at", "id"))


# ---------------------------------------------------------------- closing, rating, reopening


async def close(ticket_id: int, mediator_id: int, outcome: str, transcript: str, now: datetime) -> Ticket:
    outcome = clean(outcome)
    if not outcome:
        raise InvalidInput(N_("Write the outcome (the agreement) before closing."))
    require_mediator_of(await get_ticket(ticket_id), mediator_id)
    changed = await Ticket.filter(id=ticket_id, status=TicketStatus.CLAIMED, mediator_id=mediator_id).update(
        status=TicketStatus.CLOSED,
        open_slot=None,
        closed_at=now,
        outcome=outcome[:OUTCOME_LIMIT],
        transcript=transcript,
        rating=None,
        checkin_answer=None,
    )
    if not changed:
        # Closed, handed over or given back since the check above: say which.
        require_mediator_of(await get_ticket(ticket_id), mediator_id)
        raise Conflict()
    return await get_ticket(ticket_id)


async def rate(ticket_id: int, user_id: int, score: int) -> Ticket:
    ticket = await get_ticket(ticket_id)
    if ticket.requester_id != user_id:
        raise NotAllowed(RATING_NOT_THEIRS)
    if not 1 <= score <= 5:
        raise InvalidInput(N_("A rating is from 1 to 5."))
    if not await Ticket.filter(id=ticket_id, status=TicketStatus.CLOSED, rating__isnull=True).update(rating=score):
        raise Conflict(N_("You already rated this mediation. Thank you!"))
    return await get_ticket(ticket_id)


async def record_checkin(ticket_id: int, user_id: int, answer: str) -> Ticket:
    ticket = await get_ticket(ticket_id)
    if ticket.requester_id != user_id:
        raise NotAllowed(CHECKIN_NOT_THEIRS)
    unanswered = Q(checkin_answer__isnull=True) | Q(checkin_answer=CHECKIN_ASKED)
    if not await Ticket.filter(unanswered, id=ticket_id, status=TicketStatus.CLOSED).update(checkin_answer=answer):
        raise Conflict(N_("You already answered, or the mediation was reopened."))
    return await get_ticket(ticket_id)


async def reopen(ticket_id: int, user_id: int, now: datetime) -> Ticket:
    """Back to waiting for a mediator (any mediator; the last one may have moved on)."""
    ticket = await get_ticket(ticket_id)
    if ticket.requester_id != user_id:
        raise NotAllowed(N_("Only the person who asked for this mediation can reopen it."))
    slot = await free_slot(ticket.guild_id, user_id)
    try:
        changed = await Ticket.filter(id=ticket_id, status=TicketStatus.CLOSED).update(
            status=TicketStatus.OPEN,
            open_slot=slot,
            mediator_id=None,
            claimed_at=None,
            reminders_sent=0,
            waiting_since=now,
            checkin_answer="reopened",
            reopened_count=ticket.reopened_count + 1,
        )
    except IntegrityError:
        raise LimitReached(ALREADY_OPEN) from None
    if not changed:
        raise Conflict(N_("This mediation is already open again."))
    return await get_ticket(ticket_id)


async def undo_reopen(ticket: Ticket) -> None:
    """The space could not be unlocked: the ticket stays closed, so the person can try again."""
    await Ticket.filter(id=ticket.pk, status=TicketStatus.OPEN).update(
        status=TicketStatus.CLOSED,
        open_slot=None,
        checkin_answer=CHECKIN_ASKED,
        reopened_count=ticket.reopened_count - 1,
    )


async def transcript_for(ticket: Ticket, reader_id: int) -> str:
    """The kept transcript, for a mediator who is not involved (a retry when the log post failed)."""
    if ticket.status != TicketStatus.CLOSED or ticket.transcript is None:
        raise InvalidInput(N_("The transcript is kept when the ticket is closed."))
    if await has_conflict(ticket, reader_id):
        raise NotAllowed(N_("Only mediators who are not parties to this conflict can read its transcript."))
    return ticket.transcript


# ---------------------------------------------------------------- statistics


async def stats(guild_id: int, since: datetime) -> Stats:
    rows = await Ticket.filter(guild_id=guild_id, created_at__gte=since).values(
        "created_at", "claimed_at", "closed_at", "status", "rating"
    )
    return compute_stats([TicketFacts(**row) for row in rows])


# ---------------------------------------------------------------- deadlines checked at start


def awaiting_deadlines() -> tuple[QuerySet[Ticket], QuerySet[Ticket]]:
    """Tickets waiting for a mediator, and closed ones whose check-in was not asked yet."""
    waiting = Ticket.filter(status=TicketStatus.OPEN)
    checkins = Ticket.filter(status=TicketStatus.CLOSED, closed_at__isnull=False, checkin_answer__isnull=True)
    return waiting, checkins


async def reminder_due(ticket: Ticket) -> datetime | None:
    """When the next reminder about a waiting ticket is due; None once the server's limit is reached.

    The first comes the server's delay after it began waiting, each next one a day later.
    """
    if ticket.reminders_sent >= await REMINDER_LIMIT.get(ticket.guild_id):
        return None
    since = ticket.waiting_since or ticket.created_at
    return since + await CLAIM_REMINDER.get(ticket.guild_id) + REMINDER_INTERVAL * ticket.reminders_sent


async def checkin_due(ticket: Ticket) -> datetime:
    return ticket.closed_at + await CHECKIN_AFTER.get(ticket.guild_id)
