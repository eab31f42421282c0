"""Decision polls: creating, voting, closing, the decision log. No Discord here.

Every state change is guarded in the database: a vote is written by one statement that checks
the poll is open and the voter an elector, holding a share lock on the poll row on PostgreSQL,
so a vote and the close are ordered on PostgreSQL as on SQLite (see cast_vote); one ballot per
member is a unique constraint (open polls: (poll, voter); anonymous polls: the participation
hash, see cogs/polls/anonymity.py); closing is a conditional update from open to closed, so it
happens once whoever triggers it.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from cogs.polls import anonymity, rules
from gromada import sql
from gromada.anonymity import new_secret, participation_token
from gromada.commands import Command
from gromada.csv_export import csv_text
from gromada.durations import parse_duration
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound
from gromada.guild_config import declare_choice, role_shown
from gromada.i18n import N_, Plural
from gromada.text import clean, comparable
from models.polls import (
    Decision,
    DecisionOutcome,
    Poll,
    PollAnonymousCount,
    PollAnonymousReason,
    PollBallot,
    PollElector,
    PollKind,
    PollParticipation,
    PollStatus,
)

MAX_OPTIONS = 20  # four rows of five buttons, and within a select's 25 options
MAX_OPTION_LENGTH = 80  # a button label's limit
MAX_QUESTION_LENGTH = 240  # an embed title holds 256
MAX_REASON_LENGTH = 1000
DEFAULT_DURATION = timedelta(days=3)
MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=90)
# A reminder pings every elector who has not voted: one per poll in this time at most.
REMINDER_INTERVAL = timedelta(hours=12)
# The deadline of an open poll: close it, then post its results (retried until they are posted).
CLOSE_TIMER = "polls.close"


class Creators(StrEnum):
    """Who may create polls on a server (the `polls_creators` option)."""

    MEMBERS = "members"  # holders of the member role (so not newcomers) and moderators
    EVERYONE = "everyone"
    MODERATORS = "moderators"


CREATORS = declare_choice(
    "polls_creators",
    Creators.MEMBERS.value,
    tuple(creators.value for creators in Creators),
    N_("Who may create polls: members (not newcomers), everyone, or moderators"),
)


def may_create(creators: Creators, *, is_moderator: bool, is_member: bool) -> bool:
    if creators == Creators.EVERYONE or is_moderator:
        return True
    return creators == Creators.MEMBERS and is_member


async def require_creator(guild_id: int, *, is_moderator: bool, is_member: bool) -> None:
    """The server's `polls_creators` option decides; by default members, not newcomers."""
    creators = Creators(await CREATORS.get(guild_id))
    if may_create(creators, is_moderator=is_moderator, is_member=is_member):
        return
    if creators == Creators.MODERATORS:
        raise NotAllowed(N_("Only moderators can create polls on this server."))
    raise NotAllowed(
        N_(
            "Only members and moderators can create polls on this server: newcomers can once they "
            "have the {role} role. An admin can change who may with {command} polls_creators."
        ),
        role=await role_shown(guild_id, "member"),
        command=Command("setup option"),
    )


def counts_as_member(held: Collection[int], member_role: int | None, newcomer_role: int | None) -> bool:
    """Holds the member role; where none is set up, anyone who does not hold the newcomer role."""
    if member_role is not None:
        return member_role in held
    return newcomer_role is None or newcomer_role not in held


class VoteOutcome(StrEnum):
    RECORDED = "recorded"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


# ---------------------------------------------------------------- creating


def parse_options(kind: PollKind, raw: str | None) -> list[str]:
    """The option labels: fixed for consent, else `;`-separated, 2 to MAX_OPTIONS, distinct."""
    if kind == PollKind.CONSENT:
        return list(rules.CONSENT_OPTIONS)
    labels = [label for label in (clean(part) for part in (raw or "").split(";")) if label]
    if len(labels) < 2:
        raise InvalidInput(N_("Give at least two options, separated by “;”, like: yes; no; later."))
    if len(labels) > MAX_OPTIONS:
        raise LimitReached(
            Plural("A poll can have at most {n} option.", "A poll can have at most {n} options.", MAX_OPTIONS)
        )
    too_long = next((label for label in labels if len(label) > MAX_OPTION_LENGTH), None)
    if too_long is not None:
        raise InvalidInput(
            Plural(
                "Each option can have at most {n} character: “{option}” is longer.",
                "Each option can have at most {n} characters: “{option}” is longer.",
                MAX_OPTION_LENGTH,
            ),
            option=too_long[:40] + "…",
        )
    # Options a reader cannot tell apart ("Yes" and "yes" with a zero-width space) are the same.
    folded = [comparable(label) for label in labels]
    if len(set(folded)) != len(folded):
        raise InvalidInput(N_("Two options are the same. Each option must be different."))
    return labels


@dataclass(frozen=True)
class PollRequest:
    guild_id: int
    channel_id: int
    creator_id: int
    question: str
    options: str | None
    kind: PollKind = PollKind.SINGLE
    duration: str | None = None
    anonymous: bool = False
    eligible_role_id: int | None = None
    quorum_percent: int = 0
    hide_results: bool = False
    max_choices: int | None = None


async def create_poll(request: PollRequest, electorate: list[int], now: datetime) -> Poll:
    question = clean(request.question)
    if not question:
        raise InvalidInput(N_("The question cannot be empty."))
    if len(question) > MAX_QUESTION_LENGTH:
        raise InvalidInput(
            Plural(
                "The question can have at most {n} character.",
                "The question can have at most {n} characters.",
                MAX_QUESTION_LENGTH,
            )
        )
    labels = parse_options(request.kind, request.options)
    duration = (
        parse_duration(request.duration, minimum=MIN_DURATION, maximum=MAX_DURATION)
        if request.duration
        else DEFAULT_DURATION
    )
    if not 0 <= request.quorum_percent <= 100:
        raise InvalidInput(N_("The quorum is a percentage between 0 and 100."))
    max_choices = 1
    if request.kind == PollKind.MULTI:
        max_choices = request.max_choices or len(labels)
        if not 1 <= max_choices <= len(labels):
            raise InvalidInput(N_("max_choices must be between 1 and the number of options ({n})."), n=len(labels))
    elif request.max_choices not in (None, 1) and request.kind != PollKind.RANKED:
        raise InvalidInput(N_("max_choices only applies to multiple-choice polls."))
    if request.kind == PollKind.RANKED:
        max_choices = len(labels)
    voters = sorted(set(electorate))
    if not voters:
        raise InvalidInput(N_("Nobody would be able to vote: the eligible role has no members."))
    async with in_transaction():
        poll = await Poll.create(
            guild_id=request.guild_id,
            channel_id=request.channel_id,
            creator_id=request.creator_id,
            question=question,
            options=labels,
            kind=request.kind,
            anonymous=request.anonymous,
            hide_results=request.hide_results,
            max_choices=max_choices,
            quorum_percent=request.quorum_percent,
            eligible_role_id=request.eligible_role_id,
            electorate_size=len(voters),
            seed=secrets.randbelow(1_000_000),
            secret=new_secret() if request.anonymous else None,
            created_at=now,
            closes_at=now + duration,
        )
        await PollElector.bulk_create([PollElector(poll_id=poll.pk, user_id=user_id) for user_id in voters])
        if request.anonymous:
            await PollAnonymousCount.bulk_create(
                [
                    PollAnonymousCount(poll_id=poll.pk, choice_key=key, count=0)
                    for key in anonymity.all_single_keys(request.kind, len(labels))
                ]
            )
    return poll


async def attach_message(poll_id: int, message_id: int) -> None:
    await Poll.filter(id=poll_id).update(message_id=message_id)


async def discard_poll(poll_id: int) -> None:
    """Undo a poll whose message could not be posted (nobody could have voted on it)."""
    async with in_transaction():
        await PollElector.filter(poll_id=poll_id).delete()
        await PollAnonymousCount.filter(poll_id=poll_id).delete()
        await Poll.filter(id=poll_id).delete()


NOT_ON_THIS_SERVER = N_("There is no poll #{id} on this server.")


async def get_poll(poll_id: int, guild_id: int | None = None) -> Poll:
    query = Poll.filter(id=poll_id)
    if guild_id is not None:
        query = query.filter(guild_id=guild_id)
    poll = await query.first()
    if poll is None:
        raise NotFound(NOT_ON_THIS_SERVER, id=poll_id)
    return poll


def may_manage(poll: Poll, user_id: int, is_staff: bool) -> bool:
    return is_staff or poll.creator_id == user_id


def require_manager(poll: Poll, user_id: int, is_staff: bool) -> None:
    if not may_manage(poll, user_id, is_staff):
        raise NotAllowed(N_("Only the poll's creator or a moderator can do that."))


# ---------------------------------------------------------------- voting


NOT_AN_OPTION = N_("That choice is not one of this poll's options.")


def validate_ballot(poll: Poll, choices: list[int], reason: str | None) -> tuple[tuple[int, ...], str | None]:
    count = len(poll.options)
    ballot = tuple(choices)
    if not ballot or any(not 0 <= option < count for option in ballot) or len(set(ballot)) != len(ballot):
        raise InvalidInput(NOT_AN_OPTION)
    if poll.kind in (PollKind.SINGLE, PollKind.CONSENT) and len(ballot) != 1:
        raise InvalidInput(N_("Choose exactly one option."))
    if poll.kind == PollKind.MULTI and len(ballot) > poll.max_choices:
        raise InvalidInput(Plural("Choose at most {n} option.", "Choose at most {n} options.", poll.max_choices))
    if poll.kind != PollKind.CONSENT:
        return ballot, None
    reason = clean(reason) or None
    if ballot[0] in rules.NEEDS_REASON and reason is None:
        raise InvalidInput(N_("An objection or a block needs a reason."))
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            Plural(
                "The reason can have at most {n} character.",
                "The reason can have at most {n} characters.",
                MAX_REASON_LENGTH,
            )
        )
    return ballot, reason if ballot[0] in rules.NEEDS_REASON else None


NOT_ELECTOR = N_("You are not in this poll's electorate. It was fixed when the poll opened.")
ANONYMOUS_FINAL = N_("You have already voted. Anonymous votes cannot be changed.")


class PollClosed(Conflict):
    """The poll takes no more votes (closed, or past its deadline and about to close)."""

    default_message = N_("This poll is closed. Votes are no longer accepted.")


def require_open(poll: Poll, now: datetime) -> None:
    if poll.status != PollStatus.OPEN or now >= poll.closes_at:
        raise PollClosed()


async def require_elector(poll: Poll, user_id: int) -> None:
    if not await PollElector.exists(poll_id=poll.pk, user_id=user_id):
        raise NotAllowed(NOT_ELECTOR)


async def require_may_vote(poll: Poll, user_id: int, now: datetime) -> None:
    """The checks before showing a modal or the ranking flow (cast_vote repeats them)."""
    require_open(poll, now)
    await require_elector(poll, user_id)
    if poll.anonymous and await has_voted(poll, user_id):
        raise Conflict(ANONYMOUS_FINAL)


class PollCache:
    """The polls being voted on, by id: one per bot, held by the polls cog.

    Nothing a vote needs to know about its poll changes while the poll is open (question,
    options, kind, electorate, message, deadline), so votes read it here rather than from the
    database. Whether the poll is *still* open is never taken from here alone: every vote is
    written by a statement that checks it in the database (see cast_vote), so a poll closed
    by its deadline, by a person or by another process refuses votes whatever this holds.
    A poll leaves when it closes in this process or when a vote finds it closed.

    Several processes sharing one database do not tell each other yet; a poll closed by
    another process shows as open on its message here until a vote finds it closed.
    """

    def __init__(self) -> None:
        self._open: dict[int, Poll] = {}

    async def get(self, poll_id: int) -> Poll:
        poll = self._open.get(poll_id)
        if poll is not None:
            return poll
        poll = await Poll.get_or_none(id=poll_id)
        if poll is None:
            raise NotFound(N_("This poll no longer exists."))
        # Kept once it is on its message: before that, nothing but its creation reads it.
        if poll.status == PollStatus.OPEN and poll.message_id is not None:
            self._open[poll_id] = poll
        return poll

    async def in_server(self, poll_id: int, guild_id: int | None) -> Poll:
        """The poll a click names, if it is a poll of the server clicked in: a click can carry any id."""
        try:
            poll = await self.get(poll_id)
        except NotFound:
            poll = None
        if poll is None or poll.guild_id != guild_id:
            raise NotFound(NOT_ON_THIS_SERVER, id=poll_id)
        return poll

    def forget(self, poll_id: int) -> None:
        self._open.pop(poll_id, None)


# A vote is written by one statement that also checks, in the database and atomically with
# the write, that the poll is open and the voter in its electorate. On PostgreSQL it holds a
# share lock on the poll row until it commits: votes do not wait for each other, and a close
# (an update of that row) waits for the votes under way, or they wait for it and then find
# the poll closed, so no vote slips in after the count. On SQLite statements and transactions
# take turns, which orders them the same way.
_OPEN_TO = """
FROM poll p JOIN poll_elector e ON e.poll_id = p.id AND e.user_id = ?
WHERE p.id = ? AND p.status = 'open'"""
_RECORD_BALLOT = """
INSERT INTO poll_ballot (poll_id, voter_id, choices, reason, cast_at, updated_at)
SELECT p.id, e.user_id, ?, ?, ?, ?{open_to}{lock}
ON CONFLICT (poll_id, voter_id) DO NOTHING
RETURNING id"""
_CHANGE_BALLOT = """
UPDATE poll_ballot SET choices = ?, reason = ?, updated_at = ?
WHERE poll_id = ? AND voter_id = ? AND (choices <> ? OR COALESCE(reason, '') <> COALESCE(?, ''))
AND EXISTS (SELECT 1 FROM poll WHERE id = ? AND status = 'open'{lock})
RETURNING id"""
_RECORD_PARTICIPATION = """
INSERT INTO poll_participation (token, poll_id)
SELECT ?, p.id{open_to}{lock}
ON CONFLICT (token) DO NOTHING
RETURNING token"""
_COUNT_ANONYMOUS = """
INSERT INTO poll_anonymous_count (poll_id, choice_key, count) VALUES (?, ?, 1)
ON CONFLICT (poll_id, choice_key) DO UPDATE SET count = poll_anonymous_count.count + 1"""
# Two clicks of one member at the same moment can each undo what the other just checked;
# a vote looks again this many times before asking the member to try again.
_ATTEMPTS = 5


def _statement(template: str, *, lock: str = " FOR SHARE OF p") -> str:
    return template.format(open_to=_OPEN_TO, lock=lock if sql.is_postgres() else "")


async def cast_vote(
    poll: Poll, user_id: int, choices: list[int], now: datetime, reason: str | None = None
) -> VoteOutcome:
    """Record a member's ballot: one statement for a first vote, two for a change."""
    require_open(poll, now)
    ballot, reason = validate_ballot(poll, choices, reason)
    if poll.anonymous:
        return await _cast_anonymous(poll, user_id, ballot, reason)
    choices_stored = sql.stored(PollBallot, "choices", list(ballot))
    moment = sql.stored(PollBallot, "updated_at", now)
    for _attempt in range(_ATTEMPTS):
        written = await sql.fetch(_statement(_RECORD_BALLOT), choices_stored, reason, moment, moment, user_id, poll.pk)
        if written:
            return VoteOutcome.RECORDED
        changed = await sql.fetch(
            _statement(_CHANGE_BALLOT, lock=" FOR SHARE"),
            choices_stored,
            reason,
            moment,
            poll.pk,
            user_id,
            choices_stored,
            reason,
            poll.pk,
        )
        if changed:
            return VoteOutcome.CHANGED
        if await _unchanged(poll, user_id, ballot, reason):
            return VoteOutcome.UNCHANGED
    raise Conflict()


async def _unchanged(poll: Poll, user_id: int, ballot: tuple[int, ...], reason: str | None) -> bool:
    """Why neither statement wrote: the same ballot again (True), or a refusal (raised).

    False when the member's ballot changed in between (another click of theirs): try again.
    """
    await _require_still_open(poll)
    existing = await PollBallot.get_or_none(poll_id=poll.pk, voter_id=user_id)
    if existing is None:
        await require_elector(poll, user_id)
        return False
    return tuple(existing.choices) == ballot and existing.reason == reason


async def _require_still_open(poll: Poll) -> None:
    status = await Poll.filter(id=poll.pk).first().values_list("status", flat=True)
    if status is None:
        raise NotFound(N_("This poll no longer exists."))
    if status != PollStatus.OPEN:
        raise PollClosed()


async def _cast_anonymous(poll: Poll, user_id: int, ballot: tuple[int, ...], reason: str | None) -> VoteOutcome:
    """Participation, count and reason in one transaction: all of them or none."""
    token = participation_token(poll.secret, poll.pk, user_id)
    async with in_transaction():
        if await sql.fetch(_statement(_RECORD_PARTICIPATION), token, user_id, poll.pk):
            await sql.fetch(_COUNT_ANONYMOUS, poll.pk, anonymity.choice_key(poll.kind, ballot))
            if reason is not None:
                await PollAnonymousReason.create(poll_id=poll.pk, option=ballot[0], text=reason)
            return VoteOutcome.RECORDED
    await _require_still_open(poll)
    await require_elector(poll, user_id)
    raise Conflict(ANONYMOUS_FINAL)


async def has_voted(poll: Poll, user_id: int) -> bool:
    if poll.anonymous:
        if poll.secret is None:
            return False  # closed: nobody can tell any more
        return await PollParticipation.exists(token=participation_token(poll.secret, poll.pk, user_id))
    return await PollBallot.exists(poll_id=poll.pk, voter_id=user_id)


async def own_ballot(poll: Poll, user_id: int) -> tuple[int, ...] | None:
    """A member's own current choice in an open poll (never available for anonymous polls)."""
    if poll.anonymous:
        return None
    row = await PollBallot.get_or_none(poll_id=poll.pk, voter_id=user_id)
    return tuple(row.choices) if row else None


# ---------------------------------------------------------------- counting


async def grouped_ballots(poll: Poll) -> Counter[tuple[int, ...]]:
    """Each distinct ballot with how many cast it: one aggregate query, its rows as many as the
    distinct ballots (a handful for single choice), however many members voted."""
    if poll.anonymous:
        rows = await PollAnonymousCount.filter(poll_id=poll.pk, count__gt=0).values_list("choice_key", "count")
        return Counter({anonymity.parse_choice_key(key): count for key, count in rows})
    grouped: Counter[tuple[int, ...]] = Counter()
    counted = PollBallot.filter(poll_id=poll.pk).annotate(ballots=Count("id")).group_by("choices")
    for choices, ballots in await counted.values_list("choices", "ballots"):
        grouped[tuple(choices)] += ballots
    return grouped


async def turnout(poll: Poll) -> int:
    if poll.anonymous:
        return await PollParticipation.filter(poll_id=poll.pk).count()
    return await PollBallot.filter(poll_id=poll.pk).count()


@dataclass(frozen=True)
class Reason:
    option: int
    text: str
    voter_id: int | None  # None for anonymous polls


@dataclass(frozen=True)
class PollResult:
    kind: PollKind
    options: tuple[str, ...]
    votes: tuple[int, ...]  # first preferences for ranked
    turnout: int
    electorate: int
    quorum_percent: int
    quorum_met: bool
    outcome: DecisionOutcome
    winners: tuple[int, ...]
    runoff: rules.RunoffResult | None = None
    reasons: tuple[Reason, ...] = field(default=())
    seed: int = 0


def summarise(poll: Poll, ballots: Counter[tuple[int, ...]], voters: int, reasons: list[Reason]) -> PollResult:
    """The result of a poll from its grouped ballots: pure, so every path counts the same way."""
    options = len(poll.options)
    runoff = None
    if poll.kind == PollKind.RANKED:
        runoff = rules.instant_runoff(ballots, options, poll.seed)
        firsts: Counter[tuple[int, ...]] = Counter()
        for ballot, weight in ballots.items():
            if ballot:
                firsts[ballot[:1]] += weight
        first = rules.plurality(firsts, options)
        votes, winners = first.votes, runoff.winners
    else:
        count = rules.plurality(ballots, options)
        votes, winners = count.votes, count.winners
    met = rules.quorum_met(voters, poll.electorate_size, poll.quorum_percent)
    if voters == 0:
        outcome = DecisionOutcome.NO_VOTES
    elif not met:
        outcome = DecisionOutcome.NO_QUORUM
    elif poll.kind == PollKind.CONSENT:
        outcome = DecisionOutcome.PASSED if rules.consent(ballots).passed else DecisionOutcome.BLOCKED
    elif len(winners) > 1:
        outcome = DecisionOutcome.TIE
    elif winners:
        outcome = DecisionOutcome.WINNER
    else:
        outcome = DecisionOutcome.NO_VOTES
    return PollResult(
        kind=poll.kind,
        options=tuple(poll.options),
        votes=votes,
        turnout=voters,
        electorate=poll.electorate_size,
        quorum_percent=poll.quorum_percent,
        quorum_met=met,
        outcome=outcome,
        # Only a decision has winners: the leader of a poll that missed its quorum (or a consent
        # poll's most chosen answer) was not chosen, and the decision log must not say it was.
        winners=winners if outcome in (DecisionOutcome.WINNER, DecisionOutcome.TIE) else (),
        runoff=runoff,
        reasons=tuple(reasons),
        seed=poll.seed,
    )


async def result_of(poll: Poll) -> PollResult:
    reasons: list[Reason] = []
    if poll.kind == PollKind.CONSENT:
        if poll.anonymous:
            # Sorted by content, never by storage order: while the poll is open that order is
            # the order of votes, which someone who saw a member vote could match.
            rows = await PollAnonymousReason.filter(poll_id=poll.pk).order_by("option", "text")
            reasons = [Reason(row.option, row.text, None) for row in rows]
        else:
            rows = await PollBallot.filter(poll_id=poll.pk, reason__isnull=False).order_by("cast_at", "id")
            reasons = [Reason(row.choices[0], row.reason, row.voter_id) for row in rows]
    ballots = await grouped_ballots(poll)
    # Every ballot is one voter's (an anonymous count row grows by one per voter), so the
    # grouped ballots add up to the turnout.
    return summarise(poll, ballots, sum(ballots.values()), reasons)


# ---------------------------------------------------------------- closing


async def close_poll(poll_id: int, now: datetime) -> bool:
    """Close once: freeze the result in the decision log, erase the anonymity secret.

    Returns False if the poll was already closed (by the deadline or a person).
    """
    async with in_transaction():
        if not await Poll.filter(id=poll_id, status=PollStatus.OPEN).update(status=PollStatus.CLOSED, closed_at=now):
            return False
        poll = await Poll.get(id=poll_id)
        result = await result_of(poll)
        await Decision.create(
            guild_id=poll.guild_id,
            poll_id=poll.pk,
            question=poll.question,
            outcome=result.outcome,
            winners="; ".join(poll.options[index] for index in result.winners),
            turnout=result.turnout,
            electorate=result.electorate,
            decided_at=now,
        )
        if poll.anonymous:
            await Poll.filter(id=poll_id).update(secret=None)
            await _rewrite_anonymous_rows(poll.pk)
    return True


async def _rewrite_anonymous_rows(poll_id: int) -> None:
    """Store counts in key order and reasons shuffled, so no row order follows the votes."""
    counts = await PollAnonymousCount.filter(poll_id=poll_id).values_list("choice_key", "count")
    reasons = await PollAnonymousReason.filter(poll_id=poll_id).values_list("option", "text")
    await PollAnonymousCount.filter(poll_id=poll_id).delete()
    await PollAnonymousReason.filter(poll_id=poll_id).delete()
    await PollAnonymousCount.bulk_create(
        [PollAnonymousCount(poll_id=poll_id, choice_key=key, count=count) for key, count in sorted(counts)]
    )
    shuffled = list(reasons)
    random.SystemRandom().shuffle(shuffled)
    await PollAnonymousReason.bulk_create(
        [PollAnonymousReason(poll_id=poll_id, option=option, text=text) for option, text in shuffled]
    )


async def mark_announced(poll_id: int, message_id: int) -> None:
    await Poll.filter(id=poll_id).update(results_message_id=message_id)


# ---------------------------------------------------------------- reminders, export, log


async def non_voters(poll: Poll) -> list[int]:
    """Electors who have not voted yet (only while the poll is open)."""
    electors = await PollElector.filter(poll_id=poll.pk).order_by("user_id").values_list("user_id", flat=True)
    if poll.anonymous:
        if poll.secret is None:
            return []
        tokens = set(await PollParticipation.filter(poll_id=poll.pk).values_list("token", flat=True))
        return [user_id for user_id in electors if participation_token(poll.secret, poll.pk, user_id) not in tokens]
    voted = set(await PollBallot.filter(poll_id=poll.pk).values_list("voter_id", flat=True))
    return [user_id for user_id in electors if user_id not in voted]


async def claim_reminder(poll_id: int, now: datetime) -> datetime | None:
    """Take the poll's reminder slot; None if taken, else when the next reminder is allowed.

    One conditional update, so of two reminders asked for at once only one goes out.
    """
    claimed = await Poll.filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMINDER_INTERVAL), id=poll_id
    ).update(reminded_at=now)
    if claimed:
        return None
    last = (await Poll.get(id=poll_id)).reminded_at
    return last + REMINDER_INTERVAL


async def release_reminder(poll_id: int, claimed_at: datetime, previous: datetime | None) -> None:
    """Give the slot back when no reminder could be posted (unless another one took it since)."""
    await Poll.filter(id=poll_id, reminded_at=claimed_at).update(reminded_at=previous)


def _label_list(poll: Poll, ballot: tuple[int, ...] | list[int]) -> str:
    separator = " > " if poll.kind == PollKind.RANKED else "; "
    return separator.join(poll.options[index] for index in ballot)


async def export_csv(poll: Poll) -> str:
    """One row per ballot (open polls) or per distinct ballot with its count (anonymous)."""
    if poll.anonymous:
        rows: list[list[object]] = [
            [poll.pk, _label_list(poll, ballot), count]
            for ballot, count in sorted((await grouped_ballots(poll)).items())
        ]
        if poll.kind == PollKind.CONSENT:
            rows += [[], ["poll_id", "option", "reason"]]
            for row in await PollAnonymousReason.filter(poll_id=poll.pk).order_by("option", "text"):
                rows.append([poll.pk, poll.options[row.option], row.text])
        return csv_text(["poll_id", "ballot", "count"], rows)
    ballots = await PollBallot.filter(poll_id=poll.pk).order_by("cast_at", "id")
    return csv_text(
        ["poll_id", "voter_id", "ballot", "reason", "cast_at", "updated_at"],
        (
            [
                poll.pk,
                row.voter_id,
                _label_list(poll, row.choices),
                row.reason or "",
                row.cast_at.isoformat(),
                row.updated_at.isoformat(),
            ]
            for row in ballots
        ),
    )


async def decisions(guild_id: int, search: str | None = None) -> list[Decision]:
    query = Decision.filter(guild_id=guild_id)
    term = clean(search)
    if term:
        query = query.filter(Q(question__icontains=term) | Q(winners__icontains=term))
    return await query.order_by("-decided_at", "-id").limit(500)


async def displayed_open_polls() -> list[Poll]:
    """Open polls whose message was posted (their tally is shown on it)."""
    return await Poll.filter(status=PollStatus.OPEN, message_id__isnull=False)


async def polls_to_finish() -> list[Poll]:
    """Polls still waiting for their close or for their results to be posted (checked at start)."""
    return await Poll.filter(
        Q(status=PollStatus.OPEN) | Q(status=PollStatus.CLOSED, results_message_id__isnull=True)
    ).exclude(message_id__isnull=True)


def announced(poll: Poll) -> bool:
    """Closed and its results posted (or the channel was gone): nothing left to do."""
    return poll.status == PollStatus.CLOSED and poll.results_message_id is not None


def require_visible_results(poll: Poll) -> None:
    if poll.status == PollStatus.OPEN and poll.hide_results:
        raise Conflict(N_("The results of poll #{id} are hidden until it closes."), id=poll.pk)


async def decisions_for_poll(poll_id: int) -> Decision:
    return await Decision.get(poll_id=poll_id)
