"""Onboarding rules: journeys, the values walk, introductions, buddy slots, sign-off, leaving.

No Discord here: callers pass ids, role holders and `now`. Every change of state that two
people (or two events) could race on is a conditional update or a unique insert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from cogs.onboarding.rules import (
    MILESTONES,
    Candidate,
    StageFigures,
    funnel,
    join_codes,
    language_codes,
    rank_buddies,
    split_codes,
)
from gromada.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gromada.guild_config import Purpose, declare_duration, declare_int, declare_purpose
from gromada.i18n import N_, Plural
from gromada.text import clean
from models.core import BindingKind, MemberLocale
from models.onboarding import BuddyProfile, BuddySlot, Journey, JourneyStatus, Step

CAPACITY_MIN, CAPACITY_MAX = 1, 25
CAPACITY = declare_int(
    "onboarding_buddy_capacity",
    3,
    CAPACITY_MIN,
    CAPACITY_MAX,
    N_("How many newcomers a buddy looks after at once (by default)"),
)
REMINDER_AFTER = declare_duration(
    "onboarding_reminder_after", timedelta(hours=24), N_("Remind a newcomer who has been idle this long")
)
BUDDY_RESPONSE = declare_duration(
    "onboarding_buddy_response",
    timedelta(hours=48),
    N_("Replace a buddy who has not written in the newcomer's thread within this time"),
)
# The people told when no buddy is free; without it, the moderator role is told.
TEAM = declare_purpose(Purpose("onboarding_team", BindingKind.ROLE, N_("Onboarding team"), create=False))

# Deadlines (gromada.scheduler kinds).
OPEN_THREAD_TIMER = "onboarding.open_thread"  # ref: journey; retries opening a thread Discord refused
REMIND_TIMER = "onboarding.remind"  # ref: journey
BUDDY_CHECK_TIMER = "onboarding.buddy_check"  # ref: buddy slot
MATCH_TIMER = "onboarding.match"  # ref: journey; retries a buddy assignment Discord refused

ABOUT_LIMIT = 4000  # Discord's own limit for a text input; fits an embed description
INTERESTS_LIMIT = 1000  # fits an embed field
LANGUAGES_LIMIT = 200


# ---------------------------------------------------------------- journeys


async def start_journey(guild_id: int, user_id: int, now: datetime) -> tuple[Journey, bool]:
    """The journey of someone who joined: a new one, or theirs from before (resumed).

    Most who join are new: the insert comes first (one statement), and the unique pair
    (server, member) turns it down for those who were here before.
    """
    try:
        journey = await Journey.create(guild_id=guild_id, user_id=user_id, joined_at=now, last_active_at=now)
        return journey, False
    except IntegrityError:  # back after leaving, or the same join delivered twice
        journey = await Journey.get(guild_id=guild_id, user_id=user_id)
    if journey.status == JourneyStatus.LEFT:
        await Journey.filter(id=journey.pk, status=JourneyStatus.LEFT).update(
            status=JourneyStatus.ACTIVE, left_at=None, last_active_at=now, reminded_at=None
        )
        await journey.refresh_from_db()
    return journey, True


JOURNEY_GONE = N_("This welcome no longer exists.")


async def get_journey(journey_id: int) -> Journey:
    journey = await Journey.get_or_none(id=journey_id)
    if journey is None:
        raise NotFound(JOURNEY_GONE)
    return journey


async def journey_of(guild_id: int, user_id: int) -> Journey | None:
    return await Journey.get_or_none(guild_id=guild_id, user_id=user_id)


async def own_active_journey(journey_id: int, user_id: int) -> Journey:
    """The journey behind a step button, refusing anyone but its newcomer."""
    journey = await get_journey(journey_id)
    if journey.user_id != user_id:
        raise NotAllowed(N_("This welcome belongs to someone else. Each newcomer has their own steps."))
    if journey.status != JourneyStatus.ACTIVE:
        raise Conflict(N_("This welcome has already ended."))
    return journey


async def set_thread(journey_id: int, thread_id: int | None, step_message_id: int | None = None) -> None:
    """The newcomer's thread, and the message showing their step in it if it is posted yet."""
    await Journey.filter(id=journey_id).update(thread_id=thread_id, step_message_id=step_message_id)


async def thread_held(thread_id: int) -> bool:
    """Whether any journey (under way or finished) has this thread."""
    return await Journey.exists(thread_id=thread_id)


async def set_step_message(journey_id: int, message_id: int) -> None:
    await Journey.filter(id=journey_id).update(step_message_id=message_id)


async def active_threads() -> dict[int, tuple[int, int]]:
    """thread id -> (journey id, newcomer id) of every journey under way, for cheap lookups."""
    rows = await Journey.filter(status=JourneyStatus.ACTIVE, thread_id__not_isnull=True).values_list(
        "thread_id", "id", "user_id"
    )
    return {thread_id: (journey_id, user_id) for thread_id, journey_id, user_id in rows}


async def touch(journey_id: int, now: datetime) -> None:
    await Journey.filter(id=journey_id).update(last_active_at=now)


# ---------------------------------------------------------------- values walk


def clamp_card(index: int, count: int) -> int:
    return max(0, min(index, count - 1))


async def view_card(journey: Journey, index: int, count: int, now: datetime) -> int:
    """Record that the newcomer looked at card `index` (and is active); returns the card shown."""
    index = clamp_card(index, count)
    journey.card = max(journey.card, index)
    journey.last_active_at = now
    await Journey.filter(id=journey.pk).update(card=journey.card, last_active_at=now)
    return index


async def accept_values(journey: Journey, card_count: int, now: datetime) -> None:
    if journey.card < card_count - 1:
        raise InvalidInput(N_("Please read every values card first (use Next)."))
    await Journey.filter(id=journey.pk, step=Step.JOINED).update(step=Step.VALUES, values_at=now, last_active_at=now)
    await journey.refresh_from_db()


# ---------------------------------------------------------------- introduction


@dataclass(frozen=True)
class Introduction:
    about: str
    interests: str
    languages: str
    codes: list[str]


async def check_introduction(
    journey: Journey, about: str, interests: str, languages: str, now: datetime, *, fallback_language: str
) -> Introduction:
    """Keep the draft (so nothing typed is lost if it is refused), then check it."""
    about, interests, languages = clean(about), clean(interests), clean(languages)
    await Journey.filter(id=journey.pk).update(
        about=about[:ABOUT_LIMIT],
        interests=interests[:INTERESTS_LIMIT],
        languages=join_codes(language_codes(languages)),  # kept as codes, the form the journey stores
        last_active_at=now,
    )
    if journey.step < Step.VALUES:
        raise InvalidInput(N_("Please go through the values first."))
    if not about:
        raise InvalidInput(N_("Please write a few words about yourself: the “About you” field is empty."))
    # Each field names its own limit: a count agrees with its noun only one number at a time.
    if len(about) > ABOUT_LIMIT:
        raise InvalidInput(
            Plural(
                "Your introduction is too long: “About you” can have at most {n} character.",
                "Your introduction is too long: “About you” can have at most {n} characters.",
                ABOUT_LIMIT,
            )
        )
    if len(interests) > INTERESTS_LIMIT:
        raise InvalidInput(
            Plural(
                "Your introduction is too long: “Interests” can have at most {n} character.",
                "Your introduction is too long: “Interests” can have at most {n} characters.",
                INTERESTS_LIMIT,
            )
        )
    if len(languages) > LANGUAGES_LIMIT:
        raise InvalidInput(
            Plural(
                "Your introduction is too long: “Languages you speak” can have at most {n} character.",
                "Your introduction is too long: “Languages you speak” can have at most {n} characters.",
                LANGUAGES_LIMIT,
            )
        )
    codes = language_codes(languages) or [fallback_language]
    # Posted inside an embed, whose text never pings (not even @everyone).
    return Introduction(about=about, interests=interests, languages=languages, codes=codes)


async def mark_introduced(journey: Journey, introduction: Introduction, now: datetime) -> None:
    """The introduction is posted: remember the languages and reach the step (once)."""
    await Journey.filter(id=journey.pk).update(languages=join_codes(introduction.codes))
    await Journey.filter(id=journey.pk, step=Step.VALUES).update(step=Step.INTRODUCED, introduced_at=now)
    await journey.refresh_from_db()


# ---------------------------------------------------------------- buddies


async def buddy_profile(guild_id: int, user_id: int) -> BuddyProfile:
    # get_or_create reads the row again itself when a concurrent first click inserted it.
    profile, _created = await BuddyProfile.get_or_create(guild_id=guild_id, user_id=user_id)
    return profile


async def set_available(guild_id: int, user_id: int, available: bool, languages: str | None = None) -> BuddyProfile:
    profile = await buddy_profile(guild_id, user_id)
    profile.available = available
    fields = ["available"]
    if languages is not None:
        languages = clean(languages)
        codes = language_codes(languages)
        if not codes:
            raise InvalidInput(
                N_("I did not recognise any language in “{text}”. Try: Polish, English."), text=languages[:60]
            )
        profile.languages = join_codes(codes)
        fields.append("languages")
    await profile.save(update_fields=fields)
    return profile


async def set_capacity(guild_id: int, user_id: int, capacity: int) -> BuddyProfile:
    if not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        raise InvalidInput(
            N_("The capacity must be between {minimum} and {maximum}."), minimum=CAPACITY_MIN, maximum=CAPACITY_MAX
        )
    profile = await buddy_profile(guild_id, user_id)
    profile.capacity = capacity
    await profile.save(update_fields=["capacity"])
    return profile


async def active_count(guild_id: int, buddy_id: int) -> int:
    return await BuddySlot.filter(guild_id=guild_id, buddy_id=buddy_id).count()


async def candidates(guild_id: int, holder_ids: list[int], default_capacity: int) -> list[Candidate]:
    """Every holder of the Buddy role who is available, with their load and languages."""
    profiles = {p.user_id: p for p in await BuddyProfile.filter(guild_id=guild_id, user_id__in=holder_ids)}
    loads: dict[int, int] = {}
    for buddy_id in await BuddySlot.filter(guild_id=guild_id, buddy_id__in=holder_ids).values_list(
        "buddy_id", flat=True
    ):
        loads[buddy_id] = loads.get(buddy_id, 0) + 1
    spoken = dict(await MemberLocale.filter(user_id__in=holder_ids).values_list("user_id", "locale"))
    found = []
    for user_id in holder_ids:
        profile = profiles.get(user_id)
        if profile is not None and not profile.available:
            continue
        languages = split_codes(profile.languages) if profile is not None else set()
        if user_id in spoken:
            languages.add(spoken[user_id])
        capacity = profile.capacity if profile is not None and profile.capacity else default_capacity
        found.append(Candidate(user_id, loads.get(user_id, 0), capacity, frozenset(languages)))
    return found


async def _take_slot(journey: Journey, buddy_id: int, capacity: int, now: datetime) -> BuddySlot | None:
    """Insert the buddy's lowest free slot below capacity; None when they are full."""
    while True:
        taken = set(await BuddySlot.filter(guild_id=journey.guild_id, buddy_id=buddy_id).values_list("slot", flat=True))
        free = next((number for number in range(capacity) if number not in taken), None)
        if free is None:
            return None
        try:
            return await BuddySlot.create(
                guild_id=journey.guild_id, buddy_id=buddy_id, slot=free, journey_id=journey.pk, assigned_at=now
            )
        except IntegrityError:
            if await BuddySlot.exists(journey_id=journey.pk):
                raise Conflict(N_("A buddy was just assigned to this newcomer.")) from None
            # Someone else took that slot at the same moment: look again.


async def assign_buddy(
    journey: Journey, holder_ids: list[int], default_capacity: int, now: datetime, *, exclude: tuple[int, ...] = ()
) -> BuddySlot | None:
    """Reserve the best free buddy's slot, race-free; None when nobody is free (or one is reserved).

    The journey itself names the buddy only after they were told (`confirm_buddy`).
    """
    if journey.status != JourneyStatus.ACTIVE or await BuddySlot.exists(journey_id=journey.pk):
        return None
    pool = await candidates(journey.guild_id, holder_ids, default_capacity)
    capacity_of = {candidate.user_id: candidate.capacity for candidate in pool}
    exclude = (*exclude, journey.user_id)
    for buddy_id in rank_buddies(pool, split_codes(journey.languages), exclude):
        try:
            slot = await _take_slot(journey, buddy_id, capacity_of[buddy_id], now)
        except Conflict:
            return None
        if slot is not None:
            return slot
    return None


async def confirm_buddy(journey: Journey, slot: BuddySlot, now: datetime) -> bool:
    """The buddy was brought into the thread: the journey now has them (False if not).

    Their slot may have been freed while they were brought in (they left, or lost the Buddy
    role, and the newcomer was handed on): then the journey keeps whoever has it now.
    """
    still_held = Subquery(BuddySlot.filter(id=slot.pk).values("journey_id"))
    if not await Journey.filter(id=journey.pk, id__in=still_held).update(buddy_id=slot.buddy_id, team_notified_at=None):
        await journey.refresh_from_db()
        return False
    await Journey.filter(id=journey.pk, matched_at=None).update(matched_at=now)
    await Journey.filter(id=journey.pk, step=Step.INTRODUCED).update(step=Step.MATCHED)
    await journey.refresh_from_db()
    return True


async def has_buddy_slot(journey_id: int) -> bool:
    return await BuddySlot.exists(journey_id=journey_id)


async def release_slot(journey_id: int, *, keep_buddy: bool = False) -> BuddySlot | None:
    """Free the newcomer's buddy slot; returns it to whoever actually freed it (once).

    `keep_buddy` leaves the buddy's name on a finished journey, for /onboarding status.
    """
    slot = await BuddySlot.get_or_none(journey_id=journey_id)
    if slot is None or not await BuddySlot.filter(id=slot.pk).delete():
        return None
    if not keep_buddy:
        await Journey.filter(id=journey_id, buddy_id=slot.buddy_id).update(buddy_id=None)
    return slot


# A buddy who asked to be forgotten is a pseudonym (a negative id) on their newcomers' journeys,
# and forget deleted their slots: those newcomers are without a buddy again.
WITHOUT_BUDDY = Q(buddy_id=None) | Q(buddy_id__lt=0)


async def drop_forgotten_buddy(journey: Journey) -> None:
    """Clear the journey's buddy if they were forgotten (see WITHOUT_BUDDY)."""
    if journey.buddy_id is not None and journey.buddy_id < 0:
        await Journey.filter(id=journey.pk, buddy_id=journey.buddy_id).update(buddy_id=None)
        journey.buddy_id = None


async def newcomers_of_forgotten(guild_id: int, pseudonym: int) -> list[Journey]:
    """The newcomers under way whose buddy was just forgotten as `pseudonym`, now without a buddy."""
    journeys = await Journey.filter(guild_id=guild_id, status=JourneyStatus.ACTIVE, buddy_id=pseudonym)
    for journey in journeys:
        await drop_forgotten_buddy(journey)
    return journeys


async def slots_of_buddy(guild_id: int, buddy_id: int) -> list[BuddySlot]:
    return await BuddySlot.filter(guild_id=guild_id, buddy_id=buddy_id).order_by("assigned_at")


async def slot_of_id(slot_id: int) -> BuddySlot | None:
    return await BuddySlot.get_or_none(id=slot_id)


async def buddy_spoke(journey_id: int, author_id: int, now: datetime) -> bool:
    return bool(await BuddySlot.filter(journey_id=journey_id, buddy_id=author_id, spoke_at=None).update(spoke_at=now))


async def waiting(guild_id: int) -> list[Journey]:
    """Introduced newcomers without a buddy, longest waiting first."""
    return await Journey.filter(
        guild_id=guild_id, status=JourneyStatus.ACTIVE, step__gte=Step.INTRODUCED, buddy_id=None
    ).order_by("introduced_at", "id")


async def mark_team_notified(journey_id: int, now: datetime) -> bool:
    return bool(await Journey.filter(id=journey_id, team_notified_at=None).update(team_notified_at=now))


async def mark_reminded(journey_id: int, now: datetime) -> bool:
    return bool(
        await Journey.filter(id=journey_id, status=JourneyStatus.ACTIVE, reminded_at=None).update(reminded_at=now)
    )


# ---------------------------------------------------------------- sign-off and leaving


async def completion_target(journey_id: int, actor_id: int, actor_is_staff: bool) -> Journey:
    """The journey someone wants to sign off, refusing anyone but its buddy or staff."""
    journey = await get_journey(journey_id)
    if journey.status == JourneyStatus.COMPLETED:
        raise Conflict(N_("This welcome is already complete."))
    if journey.status != JourneyStatus.ACTIVE:
        raise Conflict(N_("This newcomer is no longer on the server."))
    if actor_id != journey.buddy_id and not actor_is_staff:
        raise NotAllowed(N_("Only the newcomer's buddy (or a moderator) can complete the welcome."))
    return journey


async def complete(
    journey_id: int, actor_id: int, actor_is_staff: bool, now: datetime
) -> tuple[Journey, BuddySlot | None]:
    """The buddy (or staff) signs the welcome off (once); returns the journey and the freed slot."""
    journey = await completion_target(journey_id, actor_id, actor_is_staff)
    if not await Journey.filter(id=journey.pk, status=JourneyStatus.ACTIVE).update(
        status=JourneyStatus.COMPLETED, step=Step.COMPLETED, completed_at=now
    ):
        raise Conflict(N_("This welcome is already complete."))
    slot = await release_slot(journey.pk, keep_buddy=True)
    await journey.refresh_from_db()
    return journey, slot


async def leave(guild_id: int, user_id: int, now: datetime) -> tuple[Journey | None, BuddySlot | None]:
    """A newcomer left: keep where they were, free their buddy's slot."""
    journey = await Journey.get_or_none(guild_id=guild_id, user_id=user_id, status=JourneyStatus.ACTIVE)
    if journey is None:
        return None, None
    if not await Journey.filter(id=journey.pk, status=JourneyStatus.ACTIVE).update(
        status=JourneyStatus.LEFT, left_at=now
    ):
        return None, None
    return journey, await release_slot(journey.pk)


# ---------------------------------------------------------------- reports


async def funnel_since(guild_id: int, since: datetime) -> list[StageFigures]:
    rows = await Journey.filter(guild_id=guild_id, joined_at__gte=since).values(*MILESTONES)
    return funnel(rows)


# ---------------------------------------------------------------- deadlines checked at start


@dataclass(frozen=True)
class AwaitingDeadlines:
    """The rows whose deadline must exist (see OnboardingCog.ensure_deadlines)."""

    reminders: QuerySet[Journey]  # under way and not reminded yet
    threads: QuerySet[Journey]  # under way without a thread, or without the step posted in it
    matches: QuerySet[Journey]  # introduced, with no buddy (or a forgotten one), no slot held, the team not told
    buddy_checks: QuerySet[BuddySlot]  # buddies who have not written yet


def awaiting_deadlines() -> AwaitingDeadlines:
    under_way = Journey.filter(status=JourneyStatus.ACTIVE)
    return AwaitingDeadlines(
        reminders=under_way.filter(reminded_at=None),
        threads=under_way.filter(Q(thread_id=None) | Q(step_message_id=None)),
        # A held slot is a match under way (its buddy check follows it); a told team means
        # the search ended with nobody free, and the next free buddy takes the newcomer.
        matches=under_way.filter(WITHOUT_BUDDY, step__gte=Step.INTRODUCED, team_notified_at=None).exclude(
            id__in=Subquery(BuddySlot.all().values("journey_id"))
        ),
        buddy_checks=BuddySlot.filter(spoke_at=None),
    )


async def reminder_due(journey: Journey) -> datetime:
    return journey.last_active_at + await REMINDER_AFTER.get(journey.guild_id)


async def buddy_check_due(slot: BuddySlot, now: datetime) -> datetime:
    """When to check that the buddy wrote. At once for a slot reserved but never confirmed: the
    bot stopped, most likely before the buddy was told, and the newcomer should not wait for
    someone who may not know."""
    if not await Journey.exists(id=slot.journey_id, buddy_id=slot.buddy_id):
        return now
    return slot.assigned_at + await BUDDY_RESPONSE.get(slot.guild_id)
