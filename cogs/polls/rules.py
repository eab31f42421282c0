"""Counting votes: plurality, multiple choice, instant-runoff and consent. Pure functions.

Ballots are tuples of option indices. For `single` a ballot has one index, for `multi` up
to `max_choices` distinct indices, for `ranked` the options in order of preference (a
ballot need not rank every option), for `consent` one index of CONSENT_OPTIONS.

Instant-runoff counts ballot *groups*: identical rankings are counted once with a weight,
and each continuing option holds a bucket of (remaining preferences, weight). Eliminating
an option moves only its own bucket to the next continuing preference, so 100,000 ballots
over 10 options take a handful of dictionary passes instead of a re-scan per round.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Fixed options of a consent poll, in this order (labels are translated where shown).
AGREE, ABSTAIN, OBJECT, BLOCK = range(4)
CONSENT_OPTIONS = ("Agree", "Abstain", "Object", "Block")
NEEDS_REASON = frozenset({OBJECT, BLOCK})

Ballot = tuple[int, ...]


@dataclass(frozen=True)
class Count:
    """Plurality, multiple-choice or consent result."""

    votes: tuple[int, ...]  # per option
    ballots: int  # ballots counted (a multi ballot counts once here)
    winners: tuple[int, ...]  # the options with the most votes (several = a tie); () if no votes

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1


@dataclass(frozen=True)
class Round:
    """One round of instant-runoff: votes of continuing options, exhausted ballots, who left."""

    votes: dict[int, int]
    exhausted: int
    eliminated: int | None = None
    # How the elimination was decided when several options shared the lowest count.
    tie_break: str | None = None  # None, "earlier_rounds" or "seed"


@dataclass(frozen=True)
class RunoffResult:
    rounds: tuple[Round, ...]
    winners: tuple[int, ...]  # one winner, several for an unbreakable tie, () for no votes
    ballots: int
    seed: int
    elimination_order: tuple[int, ...] = field(default=())

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1


@dataclass(frozen=True)
class ConsentResult:
    votes: tuple[int, ...]  # Agree, Abstain, Object, Block
    ballots: int

    @property
    def passed(self) -> bool:
        """Consent passes when nobody blocks (objections are heard, not vetoes)."""
        return self.ballots > 0 and self.votes[BLOCK] == 0


def _leaders(votes: Iterable[int]) -> tuple[int, ...]:
    votes = list(votes)
    top = max(votes, default=0)
    if top == 0:
        return ()
    return tuple(index for index, count in enumerate(votes) if count == top)


def plurality(ballots: Mapping[Ballot, int], options: int) -> Count:
    """Single choice and multiple choice: each chosen option gets the ballot's weight."""
    votes = [0] * options
    total = 0
    for ballot, weight in ballots.items():
        total += weight
        for index in set(ballot):
            votes[index] += weight
    return Count(tuple(votes), total, _leaders(votes))


def consent(ballots: Mapping[Ballot, int]) -> ConsentResult:
    count = plurality(ballots, len(CONSENT_OPTIONS))
    return ConsentResult(count.votes, count.ballots)


def group(ballots: Iterable[Ballot]) -> Counter[Ballot]:
    """Identical ballots counted once with their number (the prefix grouping IRV works on)."""
    return Counter(ballots)


def seed_order(seed: int, options: int) -> list[int]:
    """A fixed random order of the options, drawn from the poll's seed: the last tie-break.

    Among options tied for elimination, the one drawn *first* in this order leaves first.
    """
    order = list(range(options))
    random.Random(seed).shuffle(order)
    return order


def instant_runoff(ballots: Mapping[Ballot, int], options: int, seed: int) -> RunoffResult:
    """Instant-runoff with every round recorded.

    A majority is more than half of the ballots still active (exhausted ballots, which rank
    no continuing option, leave the count). The option with the fewest votes is eliminated;
    a tie for fewest goes to the option that had fewer votes in the latest earlier round
    where they differed, and failing that to the seed order. When every continuing option
    has the same number of votes the earlier-rounds rule still applies (so a bystander with
    more votes cannot change who is eliminated); only when no earlier round separates them
    either can nobody be eliminated fairly, and the result is a tie.
    """
    buckets: dict[int, dict[Ballot, int]] = {option: {} for option in range(options)}
    exhausted = 0
    total = 0
    for ballot, weight in ballots.items():
        total += weight
        clean = _dedupe(ballot, options)
        if not clean:
            exhausted += weight
            continue
        rest = clean[1:]
        bucket = buckets[clean[0]]
        bucket[rest] = bucket.get(rest, 0) + weight

    continuing = set(range(options))
    tallies = {option: sum(bucket.values()) for option, bucket in buckets.items()}
    rounds: list[Round] = []
    order = seed_order(seed, options)
    eliminated_order: list[int] = []
    while True:
        votes = {option: tallies[option] for option in sorted(continuing)}
        active = sum(votes.values())
        if active == 0:
            rounds.append(Round(votes, exhausted))
            return RunoffResult(tuple(rounds), (), total, seed, tuple(eliminated_order))
        top = max(votes.values())
        leaders = tuple(option for option, count in votes.items() if count == top)
        if top * 2 > active or len(continuing) == 1:
            rounds.append(Round(votes, exhausted))
            return RunoffResult(tuple(rounds), leaders, total, seed, tuple(eliminated_order))
        choice = _choose_loser(votes, rounds, order)
        if choice is None:
            rounds.append(Round(votes, exhausted))
            return RunoffResult(tuple(rounds), leaders, total, seed, tuple(eliminated_order))
        loser, how = choice
        rounds.append(Round(votes, exhausted, loser, how))
        eliminated_order.append(loser)
        continuing.discard(loser)
        for rest, weight in buckets.pop(loser).items():
            target, remaining = _next_continuing(rest, continuing)
            if target is None:
                exhausted += weight
                continue
            bucket = buckets[target]
            bucket[remaining] = bucket.get(remaining, 0) + weight
            tallies[target] += weight
        tallies[loser] = 0


def _dedupe(ballot: Ballot, options: int) -> Ballot:
    """Drop repeated and out-of-range preferences (a repeat adds nothing to a ranking)."""
    seen: set[int] = set()
    clean = []
    for option in ballot:
        if 0 <= option < options and option not in seen:
            seen.add(option)
            clean.append(option)
    return tuple(clean)


def _next_continuing(rest: Ballot, continuing: set[int]) -> tuple[int | None, Ballot]:
    for position, option in enumerate(rest):
        if option in continuing:
            return option, rest[position + 1 :]
    return None, ()


def _choose_loser(votes: dict[int, int], rounds: list[Round], order: list[int]) -> tuple[int, str | None] | None:
    """The option to eliminate and how a tie for fewest was broken; None for an honest tie.

    The seed only breaks a tie that earlier rounds narrowed or that leaves someone standing:
    when every continuing option is tied now and was level in every earlier round, drawing
    one out would decide the poll by lot, so nobody is eliminated.
    """
    lowest = min(votes.values())
    tied = [option for option, count in votes.items() if count == lowest]
    if len(tied) == 1:
        return tied[0], None
    for earlier in reversed(rounds):
        fewest = min(earlier.votes.get(option, 0) for option in tied)
        narrowed = [option for option in tied if earlier.votes.get(option, 0) == fewest]
        if len(narrowed) < len(tied):
            tied = narrowed
            if len(tied) == 1:
                return tied[0], "earlier_rounds"
    if len(tied) == len(votes):
        return None
    position = {option: index for index, option in enumerate(order)}
    return min(tied, key=position.__getitem__), "seed"


def percent(part: int, whole: int) -> float:
    return 0.0 if whole == 0 else 100.0 * part / whole


def quorum_met(turnout: int, electorate: int, quorum_percent: int) -> bool:
    """Quorum is a share of the electorate frozen at creation (0 = no quorum)."""
    return turnout * 100 >= quorum_percent * electorate
