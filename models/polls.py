"""Decision polls: the poll, its frozen electorate, ballots (open or anonymous), the decision log.

The anonymity scheme is described in cogs/polls/anonymity.py. In short: an open poll keeps
one `poll_ballot` row per voter; an anonymous poll keeps only a `poll_participation` row per
voter (a keyed hash, no choice) and, apart from it, counts per distinct ballot in
`poll_anonymous_count` with no voter reference, no timestamp and no per-vote row.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import PersonalData


class PollKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    RANKED = "ranked"
    CONSENT = "consent"


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Poll(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    channel_id = fields.BigIntField()
    message_id = fields.BigIntField(null=True)
    creator_id = fields.BigIntField()
    question = fields.CharField(max_length=300)
    # The option labels in their order (the ballots refer to them by index).
    options = fields.JSONField()
    kind = fields.CharEnumField(PollKind, max_length=10)
    anonymous = fields.BooleanField(default=False)
    hide_results = fields.BooleanField(default=False)
    max_choices = fields.IntField(default=1)
    quorum_percent = fields.IntField(default=0)
    eligible_role_id = fields.BigIntField(null=True)
    electorate_size = fields.IntField(default=0)
    # Fixed at creation and shown with the results: the last tie-break of instant-runoff.
    seed = fields.BigIntField()
    # Key of the anonymous participation hashes; erased at close (see cogs/polls/anonymity.py).
    secret = fields.CharField(max_length=64, null=True)
    status = fields.CharEnumField(PollStatus, max_length=10, default=PollStatus.OPEN)
    created_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    results_message_id = fields.BigIntField(null=True)
    # When /poll remind last pinged the non-voters: at most one reminder per poll in 12 hours.
    reminded_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        user_fields=("creator_id",), export_only={"creator_id": ("id", "question", "created_at")}
    )

    class Meta:
        table = "poll"


class PollElector(Model):
    """A member of the electorate, frozen when the poll opened."""

    id = fields.IntField(primary_key=True)
    poll_id = fields.IntField(db_index=True)
    user_id = fields.BigIntField()

    # The electorate's size (and so the quorum) stays; a pseudonym cannot vote again.
    personal_data = PersonalData(
        user_fields=("user_id",), guild=None, guild_via=("poll_id", "polls.Poll"), part_of=("poll_id", "poll")
    )

    class Meta:
        table = "poll_elector"
        unique_together = (("poll_id", "user_id"),)


class PollBallot(Model):
    """One ballot per voter of a non-anonymous poll, the unique pair stops double voting."""

    id = fields.IntField(primary_key=True)
    poll_id = fields.IntField(db_index=True)
    voter_id = fields.BigIntField()
    # Option indices: the chosen ones, or for ranked the ranking, first preference first.
    choices = fields.JSONField()
    reason = fields.TextField(null=True)
    cast_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    # Open ballots stay in the tally under a pseudonym, without the voter's own reason.
    # Anonymous polls keep no voter id at all (PollParticipation is a keyed hash).
    personal_data = PersonalData(
        user_fields=("voter_id",),
        texts={"voter_id": ("reason",)},
        quoting_texts=("reason",),
        guild=None,
        guild_via=("poll_id", "polls.Poll"),
        part_of=("poll_id", "poll"),
    )

    class Meta:
        table = "poll_ballot"
        unique_together = (("poll_id", "voter_id"),)


class PollParticipation(Model):
    """That someone voted in an anonymous poll: HMAC(poll secret, poll id, user id) and nothing else."""

    token = fields.CharField(max_length=64, primary_key=True, generated=False)
    poll_id = fields.IntField(db_index=True)

    class Meta:
        table = "poll_participation"


class PollAnonymousCount(Model):
    """How many anonymous ballots say exactly this (a choice key such as 2 or 3>0>1)."""

    id = fields.IntField(primary_key=True)
    poll_id = fields.IntField(db_index=True)
    choice_key = fields.CharField(max_length=200)
    count = fields.IntField(default=0)

    class Meta:
        table = "poll_anonymous_count"
        unique_together = (("poll_id", "choice_key"),)


class PollAnonymousReason(Model):
    """A reason given with an objection or a block in an anonymous consent poll, unsigned."""

    id = fields.IntField(primary_key=True)
    poll_id = fields.IntField(db_index=True)
    option = fields.IntField()
    text = fields.TextField()

    class Meta:
        table = "poll_anonymous_reason"


class DecisionOutcome(StrEnum):
    WINNER = "winner"
    TIE = "tie"
    PASSED = "passed"
    BLOCKED = "blocked"
    NO_QUORUM = "no_quorum"
    NO_VOTES = "no_votes"


class Decision(Model):
    """The decision log: one outcome per closed poll, newest first in /decisions."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    poll_id = fields.IntField(unique=True)
    question = fields.CharField(max_length=300)
    outcome = fields.CharEnumField(DecisionOutcome, max_length=12)
    # The winning or tied option labels, joined for search and display.
    winners = fields.TextField(default="")
    turnout = fields.IntField()
    electorate = fields.IntField()
    decided_at = fields.DatetimeField()

    class Meta:
        table = "poll_decision"
