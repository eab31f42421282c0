"""Initiative rules: proposing, supporting, opening exactly once, membership, inactivity.

No Discord here. Every state change is a conditional update or guarded by a unique
constraint, so concurrent clicks and deadlines cannot double-count or double-open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from cogs.initiatives.rules import TITLE_LIMIT, slugify, unique_name
from gromada.commands import Command
from gromada.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gromada.guild_config import declare_duration, declare_int
from gromada.i18n import N_, Plural
from gromada.text import clean
from models.initiatives import (
    Initiative,
    InitiativeMember,
    InitiativeNeed,
    InitiativeStatus,
    NeedHelper,
    Progress,
)

THRESHOLD = declare_int("initiatives_threshold", 3, 1, 100, N_("Supporters a proposal needs to get its own channel"))
SUPPORT_WINDOW = declare_duration(
    "initiatives_support_window",
    timedelta(days=14),
    N_("How long a proposal gathers support"),
    minimum=timedelta(hours=1),
)
# No message for this long → a warning in the channel; GRACE later still nothing → archived.
INACTIVITY_WARNING = timedelta(days=30)
INACTIVITY_GRACE = timedelta(days=7)
# Writing the last-activity time at most this often keeps on_message cheap.
ACTIVITY_RESOLUTION = timedelta(hours=1)

# An opening attempt that has not finished by then was interrupted (the bot stopped mid-way).
STALE_OPENING = timedelta(minutes=10)

EXPIRE_TIMER = "initiatives.expire"
INACTIVITY_TIMER = "initiatives.inactivity"

FIELD_LIMIT = 1000  # an embed field holds 1,024 characters
NOTE_LIMIT = 1500
NEED_LIMIT = 1000

# Proposals whose title is still taken (an expired or withdrawn one frees it).
TITLE_HOLDING = (
    InitiativeStatus.PROPOSED,
    InitiativeStatus.OPENING,
    InitiativeStatus.ACTIVE,
    InitiativeStatus.ARCHIVED,
)


@dataclass(frozen=True)
class Proposal:
    title: str
    slug: str
    goal: str
    needs: str
    first_step: str


def validate_proposal(title: str, goal: str, needs: str, first_step: str) -> Proposal:
    title = clean(title, one_line=True)
    if not title:
        raise InvalidInput(N_("The title is empty. Give your initiative a short name."))
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(
            Plural(
                "The title is {n} character long; keep it within {limit}.",
                "The title is {n} characters long; keep it within {limit}.",
                len(title),
            ),
            limit=TITLE_LIMIT,
        )
    slug = slugify(title)
    if not slug:
        raise InvalidInput(N_("The title needs at least one letter or digit (emoji alone cannot name a channel)."))
    texts = {"goal": clean(goal), "needs": clean(needs), "first_step": clean(first_step)}
    for text in texts.values():
        if not text:
            raise InvalidInput(N_("Fill in the goal, what is needed and the first step."))
        if len(text) > FIELD_LIMIT:
            raise InvalidInput(
                Plural(
                    "Each answer must stay within {n} character.",
                    "Each answer must stay within {n} characters.",
                    FIELD_LIMIT,
                )
            )
    return Proposal(title=title, slug=slug, **texts)


async def create_proposal(
    guild_id: int, proposer_id: int, proposal: Proposal, card_channel_id: int, now: datetime
) -> Initiative:
    """Store the proposal with its proposer as lead and first supporter."""
    # Compare titles, not stored slugs: a title proposed again after an expiry is stored as
    # "garden-2", and a third "Garden" must still meet it.
    holding = await Initiative.filter(guild_id=guild_id, slug__startswith=proposal.slug, status__in=TITLE_HOLDING)
    clash = next((row for row in holding if slugify(row.title) == proposal.slug), None)
    if clash is not None:
        raise Conflict(
            N_("An initiative called “{title}” already exists. Support it, or choose another title."),
            title=clash.title,
        )
    threshold = await THRESHOLD.get(guild_id)
    window = await SUPPORT_WINDOW.get(guild_id)
    taken = set(
        await Initiative.filter(guild_id=guild_id, slug__startswith=proposal.slug).values_list("slug", flat=True)
    )
    try:
        async with in_transaction():
            initiative = await Initiative.create(
                guild_id=guild_id,
                proposer_id=proposer_id,
                title=proposal.title,
                slug=unique_name(proposal.slug, taken),
                goal=proposal.goal,
                needs=proposal.needs,
                first_step=proposal.first_step,
                threshold=threshold,
                support_until=now + window,
                card_channel_id=card_channel_id,
                created_at=now,
            )
            await InitiativeMember.create(initiative=initiative, user_id=proposer_id, is_lead=True, joined_at=now)
    except IntegrityError:  # the same title proposed at the same moment
        raise Conflict(
            N_("An initiative called “{title}” already exists. Support it, or choose another title."),
            title=proposal.title,
        ) from None
    return initiative


async def set_card(initiative_id: int, message_id: int) -> None:
    await Initiative.filter(id=initiative_id).update(card_message_id=message_id)


async def discard(initiative_id: int) -> None:
    """Remove a proposal whose card could not be posted (nobody has seen it)."""
    await Initiative.filter(id=initiative_id).delete()


GONE = N_("This initiative no longer exists.")


async def get(initiative_id: int) -> Initiative:
    initiative = await Initiative.get_or_none(id=initiative_id)
    if initiative is None:
        raise NotFound(GONE)
    return initiative


async def in_channel(channel_id: int) -> Initiative:
    initiative = await Initiative.get_or_none(channel_id=channel_id)
    if initiative is None:
        raise NotFound(N_("Use this command inside an initiative's channel."))
    return initiative


async def active_channel_ids() -> dict[int, int]:
    """Channel id → initiative id of every active initiative (for on_message)."""
    rows = await Initiative.filter(status=InitiativeStatus.ACTIVE, channel_id__isnull=False).values_list(
        "channel_id", "id"
    )
    return dict(rows)


async def member_ids(initiative_id: int) -> list[int]:
    return list(
        await InitiativeMember.filter(initiative_id=initiative_id)
        .order_by("joined_at", "id")
        .values_list("user_id", flat=True)
    )


async def count_members(initiative_id: int) -> int:
    return await InitiativeMember.filter(initiative_id=initiative_id).count()


async def lead_of(initiative_id: int) -> int | None:
    """Who leads the initiative now: the proposer, or whoever it was handed over to."""
    return await (
        InitiativeMember.filter(initiative_id=initiative_id, is_lead=True).first().values_list("user_id", flat=True)
    )


# ---------------------------------------------------------------- support


@dataclass(frozen=True)
class Support:
    added: bool  # False: this person already supported
    count: int
    ready: bool  # the threshold is reached and the channel is not open yet


async def support(initiative_id: int, user_id: int, now: datetime) -> Support:
    initiative = await get(initiative_id)
    if not gathering(initiative, now):
        raise Conflict(_closed_message(initiative.status))
    if now >= initiative.support_until:
        raise Conflict(N_("The support window for this proposal has ended."))
    try:
        await InitiativeMember.create(initiative_id=initiative_id, user_id=user_id, joined_at=now)
        added = True
    except IntegrityError:  # the unique (initiative, user) row: support counts once
        added = False
    count = await count_members(initiative_id)
    return Support(added=added, count=count, ready=count >= initiative.threshold)


async def withdraw(initiative_id: int, user_id: int, now: datetime) -> int:
    initiative = await get(initiative_id)
    if not gathering(initiative, now):
        raise Conflict(_closed_message(initiative.status))
    if now >= initiative.support_until:
        # The count is final once the window ends: a proposal that reached the threshold waits
        # for its channel (Retry), and a withdrawal now would leave it neither open nor expired.
        raise Conflict(N_("The support window for this proposal has ended."))
    if user_id == initiative.proposer_id:
        raise NotAllowed(
            N_(
                "You proposed this initiative, so you stay its first supporter. "
                "To take the proposal back, press Withdraw proposal."
            )
        )
    removed = await InitiativeMember.filter(initiative_id=initiative_id, user_id=user_id).delete()
    if not removed:
        raise NotFound(N_("You do not support this proposal."))
    return await count_members(initiative_id)


def require_proposer(initiative: Initiative, user_id: int) -> None:
    if user_id != initiative.proposer_id:
        raise NotAllowed(N_("Only the person who proposed it can withdraw this proposal."))


async def withdraw_proposal(initiative_id: int, user_id: int, now: datetime) -> Initiative:
    """The proposer takes back a proposal that has no channel yet: it stops gathering support.

    Its supporters stay counted (the card shows how far it got), and its title is free again.
    """
    initiative = await get(initiative_id)
    require_proposer(initiative, user_id)
    if not await Initiative.filter(_still_a_proposal(now), id=initiative_id).update(status=InitiativeStatus.WITHDRAWN):
        initiative = await get(initiative_id)
        if initiative.status in (InitiativeStatus.ACTIVE, InitiativeStatus.ARCHIVED):
            raise Conflict(
                N_("This initiative already has its channel. To step back, hand it over with {command}."),
                command=Command("initiative handover"),
            )
        raise Conflict(_closed_message(initiative.status))
    return await get(initiative_id)


def _closed_message(status: InitiativeStatus) -> str:
    if status == InitiativeStatus.EXPIRED:
        return N_("This proposal has expired.")
    if status == InitiativeStatus.WITHDRAWN:
        return N_("The proposer withdrew this proposal.")
    if status == InitiativeStatus.OPENING:
        return N_("The channel for this initiative is being opened right now. Try again in a moment.")
    return N_("This initiative already has its channel; use Join there.")


def gathering(initiative: Initiative, now: datetime) -> bool:
    """Still a proposal: gathering support, or an opening attempt that was interrupted."""
    if initiative.status == InitiativeStatus.PROPOSED:
        return True
    return initiative.status == InitiativeStatus.OPENING and (
        initiative.opening_since is None or initiative.opening_since <= now - STALE_OPENING
    )


async def require_supporter_or_staff(initiative_id: int, user_id: int, *, staff: bool) -> None:
    """Retrying the opening is for those the channel is for, and for staff."""
    if staff or await InitiativeMember.exists(initiative_id=initiative_id, user_id=user_id):
        return
    raise NotAllowed(N_("Only supporters and staff can retry opening the channel."))


async def ready_to_open(initiative_id: int, now: datetime) -> bool:
    initiative = await get(initiative_id)
    return gathering(initiative, now) and await count_members(initiative_id) >= initiative.threshold


def _still_a_proposal(now: datetime) -> Q:
    """The rows `gathering` accepts, as a condition an update can check atomically."""
    return Q(status=InitiativeStatus.PROPOSED) | Q(
        status=InitiativeStatus.OPENING, opening_since__lte=now - STALE_OPENING
    )


async def claim_opening(initiative_id: int, now: datetime) -> bool:
    """Exactly one caller wins the right to create the channel (or to retry an interrupted attempt)."""
    return bool(
        await Initiative.filter(_still_a_proposal(now), id=initiative_id).update(
            status=InitiativeStatus.OPENING, opening_since=now
        )
    )


async def holds_opening(initiative_id: int, claimed_at: datetime) -> bool:
    """Whether the attempt that claimed the opening at `claimed_at` still holds it: one slow
    enough to count as interrupted may have been overtaken by a Retry, or the proposal withdrawn."""
    return await Initiative.exists(id=initiative_id, status=InitiativeStatus.OPENING, opening_since=claimed_at)


async def release_opening(initiative_id: int, error: str) -> None:
    """Opening failed: back to proposed (supporters kept), so it can be retried."""
    await Initiative.filter(id=initiative_id, status=InitiativeStatus.OPENING).update(
        status=InitiativeStatus.PROPOSED, open_error=error[:200]
    )


async def mark_open(initiative_id: int, channel_id: int, welcome_message_id: int, now: datetime) -> bool:
    return bool(
        await Initiative.filter(id=initiative_id, status=InitiativeStatus.OPENING).update(
            status=InitiativeStatus.ACTIVE,
            channel_id=channel_id,
            welcome_message_id=welcome_message_id,
            opened_at=now,
            last_activity_at=now,
            inactivity_warned_at=None,
            open_error=None,
        )
    )


async def expiring(initiative_id: int, now: datetime) -> Initiative | None:
    """The window ended: the proposal to expire, or None when the threshold was reached (then
    only opening is pending) or it is no longer a proposal. Once the window is over nobody can
    support or withdraw, so the answer stays true until `expire` records it."""
    initiative = await Initiative.get_or_none(id=initiative_id)
    if initiative is None or not gathering(initiative, now):
        return None
    if initiative.card_message_id is None and initiative.status == InitiativeStatus.PROPOSED:
        return initiative  # never posted, so nobody can support it: its window is over already
    if await count_members(initiative_id) >= initiative.threshold:
        return None
    return initiative


async def expire(initiative: Initiative) -> bool:
    return bool(
        await Initiative.filter(id=initiative.pk, status=initiative.status).update(status=InitiativeStatus.EXPIRED)
    )


# ---------------------------------------------------------------- membership


async def join(initiative: Initiative, user_id: int, now: datetime) -> None:
    if initiative.status != InitiativeStatus.ACTIVE:
        raise Conflict(N_("This initiative is archived; it cannot take new members now."))
    try:
        await InitiativeMember.create(initiative_id=initiative.pk, user_id=user_id, joined_at=now)
    except IntegrityError:
        raise Conflict(N_("You are already a member of this initiative.")) from None


async def leave(initiative: Initiative, user_id: int) -> None:
    if await lead_of(initiative.pk) == user_id:
        raise NotAllowed(
            N_(
                "You lead this initiative, so you cannot leave it. "
                "Hand it over with {handover}, or archive it when it is done."
            ),
            handover=Command("initiative handover"),
        )
    removed = await InitiativeMember.filter(initiative_id=initiative.pk, user_id=user_id).delete()
    if not removed:
        raise NotFound(N_("You are not a member of this initiative."))


def require_status(initiative: Initiative, status: InitiativeStatus) -> None:
    if initiative.status == status:
        return
    if status == InitiativeStatus.ACTIVE:
        raise Conflict(N_("This initiative is already archived."))
    raise Conflict(N_("This initiative is not archived."))


async def require_lead(initiative: Initiative, user_id: int, *, staff: bool = False) -> None:
    if not staff and await lead_of(initiative.pk) != user_id:
        raise NotAllowed(N_("Only the initiative's lead can do that."))


# ---------------------------------------------------------------- handing the lead over


@dataclass(frozen=True)
class Handover:
    previous: int | None  # the lead before (None when nobody led it)
    lead: int
    joined: bool  # the new lead was not a member before


async def hand_over(initiative: Initiative, new_lead_id: int, by_id: int, now: datetime) -> Handover:
    """Make `new_lead_id` the lead (a member from then on); the previous lead stays a member.

    Called by the lead or by staff (checked by the caller). One transaction, and the previous
    lead's row must still be the lead: of two handovers at once, the second changes nothing.
    """
    if initiative.status != InitiativeStatus.ACTIVE:
        raise Conflict(N_("This initiative is archived. Reopen it first."))
    previous = await lead_of(initiative.pk)
    if new_lead_id == previous:
        if new_lead_id == by_id:
            raise InvalidInput(N_("You already lead this initiative."))
        raise InvalidInput(N_("That member already leads this initiative."))
    async with in_transaction():
        if previous is not None and not await InitiativeMember.filter(
            initiative_id=initiative.pk, user_id=previous, is_lead=True
        ).update(is_lead=False):
            raise Conflict()
        joined = not await InitiativeMember.filter(initiative_id=initiative.pk, user_id=new_lead_id).update(
            is_lead=True
        )
        if joined:
            await InitiativeMember.create(initiative_id=initiative.pk, user_id=new_lead_id, is_lead=True, joined_at=now)
    return Handover(previous, new_lead_id, joined)


async def undo_hand_over(initiative: Initiative, handover: Handover) -> None:
    """Discord refused the new lead's permissions: the previous lead leads again."""
    async with in_transaction():
        leading = InitiativeMember.filter(initiative_id=initiative.pk, user_id=handover.lead)
        await (leading.delete() if handover.joined else leading.update(is_lead=False))
        if handover.previous is not None:
            await InitiativeMember.filter(initiative_id=initiative.pk, user_id=handover.previous).update(is_lead=True)


async def update_progress(initiative: Initiative, progress: Progress, note: str) -> str:
    """Store the lead's note; the note as stored, to post."""
    note = clean(note)
    if not note:
        raise InvalidInput(N_("Write a short note about the progress."))
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(
            Plural("The note must stay within {n} character.", "The note must stay within {n} characters.", NOTE_LIMIT)
        )
    if initiative.status != InitiativeStatus.ACTIVE:
        raise Conflict(N_("This initiative is archived. Reopen it first."))
    initiative.progress = progress
    initiative.last_note = note
    await initiative.save(update_fields=["progress", "last_note"])
    return note


# ---------------------------------------------------------------- archive and reopen


async def begin_archive(initiative: Initiative, now: datetime) -> bool:
    return bool(
        await Initiative.filter(id=initiative.pk, status=InitiativeStatus.ACTIVE).update(
            status=InitiativeStatus.ARCHIVED, archived_at=now
        )
    )


async def undo_archive(initiative: Initiative) -> None:
    await Initiative.filter(id=initiative.pk, status=InitiativeStatus.ARCHIVED).update(
        status=InitiativeStatus.ACTIVE, archived_at=None
    )


async def begin_reopen(initiative: Initiative, now: datetime) -> bool:
    return bool(
        await Initiative.filter(id=initiative.pk, status=InitiativeStatus.ARCHIVED).update(
            status=InitiativeStatus.ACTIVE, archived_at=None, last_activity_at=now, inactivity_warned_at=None
        )
    )


async def undo_reopen(initiative: Initiative, archived_at: datetime | None) -> None:
    await Initiative.filter(id=initiative.pk, status=InitiativeStatus.ACTIVE).update(
        status=InitiativeStatus.ARCHIVED, archived_at=archived_at
    )


# ---------------------------------------------------------------- calls for help


async def add_need(initiative: Initiative, text: str, channel_id: int, now: datetime) -> InitiativeNeed:
    text = clean(text)
    if not text:
        raise InvalidInput(N_("Say what help you need."))
    if len(text) > NEED_LIMIT:
        raise InvalidInput(
            Plural(
                "The call for help must stay within {n} character.",
                "The call for help must stay within {n} characters.",
                NEED_LIMIT,
            )
        )
    if initiative.status != InitiativeStatus.ACTIVE:
        raise Conflict(N_("This initiative is archived. Reopen it first."))
    return await InitiativeNeed.create(initiative=initiative, text=text, channel_id=channel_id, created_at=now)


NEED_GONE = N_("This call for help no longer exists.")


async def get_need(need_id: int) -> InitiativeNeed:
    need = await InitiativeNeed.get_or_none(id=need_id).select_related("initiative")
    if need is None:
        raise NotFound(NEED_GONE)
    return need


async def offer_help(need: InitiativeNeed, user_id: int, now: datetime) -> bool:
    if need.initiative.status != InitiativeStatus.ACTIVE:
        raise Conflict(N_("This initiative is archived, so it is not looking for help right now."))
    try:
        await NeedHelper.create(need=need, user_id=user_id, offered_at=now)
    except IntegrityError:
        return False
    return True


async def helper_ids(need_id: int) -> list[int]:
    return list(await NeedHelper.filter(need_id=need_id).order_by("offered_at", "id").values_list("user_id", flat=True))


# ---------------------------------------------------------------- inactivity


def should_record_activity(last_written: datetime | None, now: datetime) -> bool:
    return last_written is None or now - last_written >= ACTIVITY_RESOLUTION


async def record_activity(initiative_id: int, now: datetime) -> None:
    await Initiative.filter(id=initiative_id, status=InitiativeStatus.ACTIVE).update(last_activity_at=now)


@dataclass(frozen=True)
class InactivityStep:
    action: str  # "wait", "warn" or "archive"
    next_check: datetime | None


def inactivity_step(last_activity: datetime, warned_at: datetime | None, now: datetime) -> InactivityStep:
    """What an inactivity deadline should do, given the last message and any warning."""
    quiet_until = last_activity + INACTIVITY_WARNING
    if now < quiet_until:
        return InactivityStep("wait", quiet_until)
    if warned_at is None or warned_at < last_activity:
        return InactivityStep("warn", now + INACTIVITY_GRACE)
    if now < warned_at + INACTIVITY_GRACE:
        return InactivityStep("wait", warned_at + INACTIVITY_GRACE)
    return InactivityStep("archive", None)


def inactivity_due(initiative: Initiative, now: datetime) -> datetime:
    """When the inactivity deadline of an active initiative should next run."""
    step = inactivity_step(
        initiative.last_activity_at or initiative.opened_at or now, initiative.inactivity_warned_at, now
    )
    return step.next_check if step.action == "wait" else now


def awaiting_deadlines() -> tuple[QuerySet[Initiative], QuerySet[Initiative]]:
    """Proposals waiting for their expiry, and active initiatives (checked at start).

    A proposal whose card was never posted (the bot stopped between storing it and posting
    the card) is among them: without an expiry it would hold its title for ever.
    """
    proposals = Initiative.filter(status__in=(InitiativeStatus.PROPOSED, InitiativeStatus.OPENING))
    return proposals, Initiative.filter(status=InitiativeStatus.ACTIVE)


def expiry_due(proposal: Initiative, now: datetime) -> datetime:
    """When a proposal's lost expiry should run: at the end of its window, or at once when its
    card was never posted (nobody can see or support it, and it holds its title)."""
    return proposal.support_until if proposal.card_message_id is not None else now


async def mark_warned(initiative_id: int, now: datetime) -> None:
    await Initiative.filter(id=initiative_id).update(inactivity_warned_at=now)


# ---------------------------------------------------------------- listing


async def listing(guild_id: int, status: InitiativeStatus | None) -> list[Initiative]:
    query = Initiative.filter(guild_id=guild_id)
    if status is not None:
        query = query.filter(status=status)
    return await query.order_by("-created_at", "-id")


async def needs_of(initiative_id: int) -> list[tuple[InitiativeNeed, int]]:
    """An initiative's calls for help, oldest first, each with how many offered to help."""
    needs = await InitiativeNeed.filter(initiative_id=initiative_id).order_by("created_at", "id")
    helpers: dict[int, int] = {}
    for need_id in await NeedHelper.filter(need__initiative_id=initiative_id).values_list("need_id", flat=True):
        helpers[need_id] = helpers.get(need_id, 0) + 1
    return [(need, helpers.get(need.pk, 0)) for need in needs]
