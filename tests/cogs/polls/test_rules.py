"""Tallying without Discord: published worked examples and invariants (hypothesis)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.polls import rules

# Wikipedia, "Instant-runoff voting", the Tennessee capital example (percentages as voters):
# Memphis 0, Nashville 1, Chattanooga 2, Knoxville 3. Knoxville wins in the third round.
TENNESSEE = {
    (0, 1, 2, 3): 42,
    (1, 2, 3, 0): 26,
    (2, 3, 1, 0): 15,
    (3, 2, 1, 0): 17,
}


def test_tennessee_example_rounds_and_winner():
    result = rules.instant_runoff(TENNESSEE, 4, seed=1)

    assert [r.votes for r in result.rounds] == [
        {0: 42, 1: 26, 2: 15, 3: 17},
        {0: 42, 1: 26, 3: 32},
        {0: 42, 3: 58},
    ]
    assert [r.eliminated for r in result.rounds] == [2, 1, None]
    assert result.winners == (3,)
    assert not result.tie


def test_tennessee_plurality_would_pick_memphis():
    first = rules.plurality({ballot[:1]: weight for ballot, weight in TENNESSEE.items()}, 4)
    assert first.winners == (0,)


def test_textbook_example_where_the_plurality_leader_keeps_the_lead():
    # "Math in Society" (D. Lippman), instant runoff: a library L, a fire station F and a
    # community centre C; 150 voters. F has the fewest first choices and goes; L wins 79-71.
    library, fire, centre = 0, 1, 2
    ballots = {
        (library, fire, centre): 41,
        (library, centre, fire): 25,
        (fire, library, centre): 13,
        (fire, centre, library): 26,
        (centre, fire, library): 30,
        (centre, library, fire): 15,
    }

    result = rules.instant_runoff(ballots, 3, seed=1)

    assert [r.votes for r in result.rounds] == [{0: 66, 1: 39, 2: 45}, {0: 79, 2: 71}]
    assert [r.eliminated for r in result.rounds] == [fire, None]
    assert result.winners == (library,)


def test_textbook_example_won_in_the_last_round_by_the_first_round_leader():
    # pierzgal.github.io "Introduction to electoral systems", instant runoff method (3):
    # ABCD 4, BACD 2, BCAD 1, DCAB 2, CBAD 5. D goes (to C), then B (2 to A, 1 to C): C 8-6.
    a, b, c, d = range(4)
    ballots = {(a, b, c, d): 4, (b, a, c, d): 2, (b, c, a, d): 1, (d, c, a, b): 2, (c, b, a, d): 5}

    result = rules.instant_runoff(ballots, 4, seed=1)

    assert [r.votes for r in result.rounds] == [
        {0: 4, 1: 3, 2: 5, 3: 2},
        {0: 4, 1: 3, 2: 7},
        {0: 6, 2: 8},
    ]
    assert [r.eliminated for r in result.rounds] == [d, b, None]
    assert result.winners == (c,)


# Worked by hand (not a published example): truncated ballots (voters rank only some options) exhaust.
# A 8 first, B 7 first, C 5 first; of C's voters 3 rank B next and 2 rank nobody else.
EXHAUSTING = {(0,): 8, (1,): 4, (1, 0): 3, (2, 1): 3, (2,): 2}


def test_exhausted_ballots_leave_the_count_and_are_reported():
    result = rules.instant_runoff(EXHAUSTING, 3, seed=7)

    assert result.rounds[0].votes == {0: 8, 1: 7, 2: 5}
    assert result.rounds[0].eliminated == 2
    assert result.rounds[1].votes == {0: 8, 1: 10}
    assert result.rounds[1].exhausted == 2
    # 10 of the 18 still active ballots: a majority of those, not of all 20.
    assert result.winners == (1,)


def test_tie_for_elimination_in_the_first_round_goes_to_the_seed():
    # Round 1: A 6, B 3, C 4, D 3: B and D tie for fewest, no earlier round, so the seed
    # order fixed at creation decides, and the result says so.
    tied = {(0,): 6, (1,): 3, (2,): 4, (3, 1): 1, (3, 2): 2}
    for seed in (11, 12, 13, 14):
        result = rules.instant_runoff(tied, 4, seed=seed)
        first = result.rounds[0]
        assert first.votes == {0: 6, 1: 3, 2: 4, 3: 3}
        assert first.tie_break == "seed"
        order = rules.seed_order(seed, 4)
        assert first.eliminated == min((1, 3), key=order.index)


def test_tie_for_elimination_uses_earlier_rounds_before_the_seed():
    # Round 1: A 5, B 4, C 3, D 2, E 1 -> E out (to D): D 3 ties C 3; round 1 had C 3 > D 2,
    # so D (fewer in the earlier round) is eliminated, whatever the seed.
    ballots = {(0,): 5, (1,): 4, (2,): 3, (3,): 2, (4, 3): 1}
    for seed in range(20):
        result = rules.instant_runoff(ballots, 5, seed=seed)
        assert result.rounds[1].votes == {0: 5, 1: 4, 2: 3, 3: 3}
        assert result.rounds[1].eliminated == 3
        assert result.rounds[1].tie_break == "earlier_rounds"


# Worked by hand: a tie for fewest after two earlier rounds that disagree. A had fewer than B
# in round 1 (5 to 6) but more in round 2 (7 to 6, after C's ballots came to A); the latest
# round where they differed decides, so B goes, its ballots go to A, and A wins. Asking the
# oldest round instead would eliminate A and hand the poll to B.
def test_a_tie_for_fewest_goes_by_the_latest_earlier_round_not_the_oldest():
    a, b, c, d, w = range(5)
    ballots = {(a, b): 5, (b, a): 6, (c, a): 2, (d, b): 1, (d,): 2, (w,): 8}
    for seed in range(20):
        result = rules.instant_runoff(ballots, 5, seed=seed)

        assert [r.votes for r in result.rounds] == [
            {a: 5, b: 6, c: 2, d: 3, w: 8},
            {a: 7, b: 6, d: 3, w: 8},
            {a: 7, b: 7, w: 8},
            {a: 13, w: 8},
        ]
        assert [r.eliminated for r in result.rounds] == [c, d, b, None]
        assert result.rounds[2].tie_break == "earlier_rounds"
        assert result.winners == (a,)


# When every continuing option is tied, the earlier-rounds rule still applies before a tie
# is declared (RCTab does the same): A 3, B 3, C 2, D 1 -> D out (to C) -> A 3, B 3, C 3,
# and C had fewer votes in round 1, so C goes (to A) and A wins 5-3.
ALL_TIED_AFTER_A_TRANSFER = {(0,): 3, (1,): 3, (2, 0): 2, (3, 2): 1}


def test_an_all_way_tie_is_first_separated_by_earlier_rounds():
    a, b, c, d = range(4)
    for seed in range(20):
        result = rules.instant_runoff(ALL_TIED_AFTER_A_TRANSFER, 4, seed=seed)

        assert [r.votes for r in result.rounds] == [
            {a: 3, b: 3, c: 2, d: 1},
            {a: 3, b: 3, c: 3},
            {a: 5, b: 3},
        ]
        assert [r.eliminated for r in result.rounds] == [d, c, None]
        assert result.rounds[1].tie_break == "earlier_rounds"
        assert result.winners == (a,)
        assert not result.tie


def test_a_bystander_with_more_first_preferences_does_not_change_the_answer():
    # The same ballots with an unrelated E holding 4 first preferences: A, B and C tie for
    # fewest in round 2, C goes by the same earlier-rounds rule, then B, and A wins again.
    a, b, c, d, e = range(5)
    ballots = {**ALL_TIED_AFTER_A_TRANSFER, (e,): 4}
    for seed in range(20):
        result = rules.instant_runoff(ballots, 5, seed=seed)

        assert [r.votes for r in result.rounds] == [
            {a: 3, b: 3, c: 2, d: 1, e: 4},
            {a: 3, b: 3, c: 3, e: 4},
            {a: 5, b: 3, e: 4},
            {a: 5, e: 4},
        ]
        assert [r.eliminated for r in result.rounds] == [d, c, b, None]
        assert result.rounds[1].tie_break == "earlier_rounds"
        assert result.winners == (a,)
        assert result.winners == rules.instant_runoff(ALL_TIED_AFTER_A_TRANSFER, 4, seed=seed).winners


def test_an_all_way_tie_no_earlier_round_separates_stays_an_honest_tie():
    # A 3, B 3, C 3, D 1 -> D out (its ballot ranks nobody else) -> A 3, B 3, C 3, and round 1
    # had them level too: nothing fair separates them, whatever the seed.
    ballots = {(0,): 3, (1,): 3, (2,): 3, (3,): 1}
    for seed in range(20):
        result = rules.instant_runoff(ballots, 4, seed=seed)

        assert [r.votes for r in result.rounds] == [{0: 3, 1: 3, 2: 3, 3: 1}, {0: 3, 1: 3, 2: 3}]
        assert [r.eliminated for r in result.rounds] == [3, None]
        assert result.tie
        assert result.winners == (0, 1, 2)


def test_a_final_two_way_tie_goes_to_the_one_ahead_in_an_earlier_round():
    # A 4, B 3, C 1 -> C out (to B) -> A 4, B 4. A had more in round 1, so B is eliminated
    # (its ballots rank nobody else) and A is the last one standing.
    ballots = {(0,): 4, (1,): 3, (2, 1): 1}
    for seed in range(20):
        result = rules.instant_runoff(ballots, 3, seed=seed)

        assert [r.votes for r in result.rounds] == [{0: 4, 1: 3, 2: 1}, {0: 4, 1: 4}, {0: 4}]
        assert result.rounds[1].tie_break == "earlier_rounds"
        assert result.rounds[2].exhausted == 4
        assert result.winners == (0,)


def test_an_exact_final_tie_is_reported_not_broken():
    result = rules.instant_runoff({(0, 1): 5, (1, 0): 5}, 2, seed=4)

    assert result.tie
    assert result.winners == (0, 1)
    assert len(result.rounds) == 1


def test_no_ballots_means_no_winner():
    result = rules.instant_runoff({}, 3, seed=1)
    assert result.winners == ()


def test_every_ending_reports_the_seed_and_who_left_in_order():
    # The seed is printed under the rounds so anyone can redo the count; the elimination order
    # is the rounds' story in one line. Both must come back whichever way the count ends.
    nobody = rules.instant_runoff({}, 3, seed=42)
    assert nobody.rounds == (rules.Round({0: 0, 1: 0, 2: 0}, 0),)
    assert (nobody.seed, nobody.elimination_order) == (42, ())

    majority = rules.instant_runoff(TENNESSEE, 4, seed=9)
    assert majority.winners == (3,)
    assert (majority.seed, majority.elimination_order) == (9, (2, 1))

    honest_tie = rules.instant_runoff({(0,): 3, (1,): 3, (2,): 3, (3,): 1}, 4, seed=17)
    assert honest_tie.winners == (0, 1, 2)
    assert (honest_tie.seed, honest_tie.elimination_order) == (17, (3,))


def test_a_transfer_goes_to_the_next_preference_still_standing_each_time():
    # One ballot ranks A > B > C > D. A goes first (its ballot to B), then B goes: that ballot
    # must move on to C, its third choice, not skip to D. C then beats D 8 to 6.
    a, b, c, d = range(4)
    ballots = {(a, b, c, d): 1, (b, c): 2, (c,): 5, (d,): 6}

    result = rules.instant_runoff(ballots, 4, seed=1)

    assert [r.votes for r in result.rounds] == [
        {a: 1, b: 2, c: 5, d: 6},
        {b: 3, c: 5, d: 6},
        {c: 8, d: 6},
    ]
    assert [r.eliminated for r in result.rounds] == [a, b, None]
    assert result.winners == (c,)


def test_repeated_and_unknown_preferences_are_dropped_before_counting():
    # Options A, B, C (0-2). A repeated preference counts once, so "A A B" and "A B" are the
    # same ballot; a preference for an option the poll does not have (3, 5) is skipped, and a
    # ballot with nothing else on it is exhausted from the start.
    a, b, c = range(3)
    ballots = {(a, a, b): 2, (a, b): 1, (3, b): 1, (3,): 1, (5, 5): 1, (c,): 2}

    result = rules.instant_runoff(ballots, 3, seed=1)

    assert result.ballots == 8
    assert [(r.votes, r.exhausted, r.eliminated) for r in result.rounds] == [
        ({a: 3, b: 1, c: 2}, 2, b),
        ({a: 3, c: 2}, 3, None),
    ]
    assert result.winners == (a,)


def test_plurality_with_one_vote_or_none():
    one = rules.plurality({(2,): 1}, 3)
    assert (one.votes, one.ballots, one.winners) == ((0, 0, 1), 1, (2,))
    assert not one.tie

    none = rules.plurality({}, 3)
    assert (none.votes, none.ballots, none.winners) == ((0, 0, 0), 0, ())
    assert not none.tie


def test_percent_of_a_whole_and_of_nothing():
    assert rules.percent(1, 4) == 25.0
    assert rules.percent(1, 3) == pytest.approx(33.3333333)
    assert rules.percent(4, 4) == 100.0
    assert rules.percent(0, 0) == 0.0
    assert rules.percent(3, 0) == 0.0


def test_plurality_tie_and_multi_choice():
    count = rules.plurality({(0,): 2, (1,): 2, (2,): 1}, 3)
    assert count.winners == (0, 1) and count.tie

    multi = rules.plurality({(0, 1): 3, (1, 2): 2}, 3)
    assert multi.votes == (3, 5, 2)
    assert multi.ballots == 5
    assert multi.winners == (1,)


def test_consent_passes_unless_blocked():
    assert rules.consent({(rules.AGREE,): 4, (rules.OBJECT,): 2}).passed
    assert not rules.consent({(rules.AGREE,): 9, (rules.BLOCK,): 1}).passed
    assert not rules.consent({}).passed


def test_quorum_is_a_share_of_the_electorate():
    assert rules.quorum_met(5, 10, 50)
    assert not rules.quorum_met(4, 10, 50)
    assert rules.quorum_met(0, 10, 0)


@pytest.mark.parametrize(
    ("turnout", "electorate", "quorum_percent", "met"),
    [
        # A share that is not a whole number of people is rounded up, never to the nearest.
        (3, 10, 33, False),  # 3.3 needed
        (4, 10, 33, True),
        (2, 10, 25, False),  # 2.5 needed
        (3, 10, 25, True),
        (3, 10, 35, False),  # 3.5 needed
        (4, 10, 35, True),
        (1, 3, 34, False),  # 1.02 needed
        (2, 3, 34, True),
        (1, 3, 33, True),  # 0.99 needed
        (2, 3, 67, False),  # two thirds of the electorate is 66.7%, short of 67%
        (67, 200, 34, False),  # 33.5% is short of 34%
        (66, 200, 33, True),  # exactly 66
        (65, 200, 33, False),
        (10, 10, 100, True),
        (9, 10, 100, False),
        (0, 0, 50, True),  # nobody could vote: nothing to reach
    ],
)
def test_a_fractional_quorum_is_rounded_up_to_a_whole_voter(turnout, electorate, quorum_percent, met):
    assert rules.quorum_met(turnout, electorate, quorum_percent) is met


# ---------------------------------------------------------------- invariants

rankings = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.dictionaries(
            st.permutations(list(range(n))).flatmap(
                lambda perm: st.integers(min_value=0, max_value=len(perm)).map(lambda k: tuple(perm[:k]))
            ),
            st.integers(min_value=1, max_value=20),
            max_size=12,
        ),
        st.integers(min_value=0, max_value=10**6),
    )
)


@given(rankings)
@settings(max_examples=80, deadline=None)
def test_runoff_conserves_ballots_every_round(case):
    options, ballots, seed = case
    result = rules.instant_runoff(ballots, options, seed)
    total = sum(ballots.values())
    assert result.ballots == total
    exhausted_before = 0
    for round_ in result.rounds:
        # Every ballot is either with a continuing option or exhausted, never lost or doubled.
        assert sum(round_.votes.values()) + round_.exhausted == total
        # Exhausted ballots only ever accumulate.
        assert round_.exhausted >= exhausted_before
        exhausted_before = round_.exhausted
    eliminated = [r.eliminated for r in result.rounds if r.eliminated is not None]
    assert len(eliminated) == len(set(eliminated))
    assert not set(eliminated) & set(result.winners)


@given(rankings)
@settings(max_examples=80, deadline=None)
def test_runoff_winner_has_a_majority_or_is_the_last_standing(case):
    options, ballots, seed = case
    result = rules.instant_runoff(ballots, options, seed)
    final = result.rounds[-1]
    active = sum(final.votes.values())
    if not result.winners:
        assert active == 0
    elif len(result.winners) == 1:
        winner = result.winners[0]
        assert final.votes[winner] * 2 > active or len(final.votes) == 1
    else:
        # An honest tie: every option still standing has the same count.
        assert len(set(final.votes.values())) == 1


@given(rankings)
@settings(max_examples=60, deadline=None)
def test_runoff_is_deterministic_and_order_independent(case):
    options, ballots, seed = case
    reversed_ballots = dict(reversed(list(ballots.items())))
    assert rules.instant_runoff(ballots, options, seed) == rules.instant_runoff(reversed_ballots, options, seed)


@given(rankings)
@settings(max_examples=60, deadline=None)
def test_a_majority_of_first_preferences_wins_in_round_one(case):
    options, ballots, seed = case
    firsts = Counter()
    for ballot, weight in ballots.items():
        if ballot:
            firsts[ballot[0]] += weight
    active = sum(firsts.values())
    leader = max(firsts, key=firsts.__getitem__, default=None)
    result = rules.instant_runoff(ballots, options, seed)
    if leader is not None and firsts[leader] * 2 > active:
        assert result.winners == (leader,)
        assert len(result.rounds) == 1


@given(
    st.integers(min_value=2, max_value=8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.dictionaries(
                st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1).map(lambda s: tuple(sorted(s))),
                st.integers(min_value=1, max_value=50),
                max_size=10,
            ),
        )
    )
)
@settings(max_examples=80, deadline=None)
def test_plurality_counts_each_choice_once_and_winners_lead(case):
    options, ballots = case
    count = rules.plurality(ballots, options)
    assert sum(count.votes) == sum(len(ballot) * weight for ballot, weight in ballots.items())
    assert count.ballots == sum(ballots.values())
    for winner in count.winners:
        assert count.votes[winner] == max(count.votes)


def test_runoff_over_100k_ballots_and_10_options_conserves_every_ballot():
    # The speed (issue: < 0.5 s) is measured by benchmarks/polls_vote.py; here: correctness at size.
    import random

    rng = random.Random(42)
    options = list(range(10))
    ballots = []
    for _ in range(100_000):
        rng.shuffle(options)
        ballots.append(tuple(options[: rng.randint(1, 10)]))
    result = rules.instant_runoff(rules.group(ballots), 10, seed=5)
    assert result.ballots == 100_000
    for round_ in result.rounds:
        assert sum(round_.votes.values()) + round_.exhausted == 100_000
    assert len(result.winners) == 1
