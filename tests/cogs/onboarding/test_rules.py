"""The pure rules: who is asked first, which languages a text names, the funnel's figures."""

from datetime import UTC, datetime, timedelta

from cogs.onboarding.rules import (
    MILESTONES,
    Candidate,
    funnel,
    join_codes,
    language_codes,
    rank_buddies,
    split_codes,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def buddy(user_id: int, active: int, capacity: int = 3, languages: str = "") -> Candidate:
    return Candidate(user_id, active, capacity, frozenset(filter(None, languages.split(","))))


def test_fewest_newcomers_first():
    assert rank_buddies([buddy(1, 2), buddy(2, 0), buddy(3, 1)], []) == [2, 3, 1]


def test_shared_language_breaks_ties_in_load_only():
    pool = [buddy(1, 0, languages="en"), buddy(2, 0, languages="pl"), buddy(3, 1, languages="pl")]
    assert rank_buddies(pool, ["pl"]) == [2, 1, 3]


def test_full_unavailable_and_excluded_buddies_are_skipped():
    pool = [buddy(1, 3, capacity=3), buddy(2, 0), buddy(3, 0)]
    assert rank_buddies(pool, [], exclude=[3]) == [2]
    assert rank_buddies([buddy(1, 1, capacity=1)], []) == []


def test_language_codes_from_free_text_in_three_languages():
    assert language_codes("Polish, English") == ["pl", "en"]
    assert language_codes("po polsku i trochę po angielsku") == ["pl", "en"]
    assert language_codes("Русский, польский; English!") == ["ru", "pl", "en"]
    assert language_codes("Klingon") == []
    assert language_codes(None) == []


def test_funnel_counts_and_medians():
    journeys = [
        {"joined_at": T0, "values_at": T0 + timedelta(hours=1), "introduced_at": T0 + timedelta(hours=2)},
        {"joined_at": T0, "values_at": T0 + timedelta(hours=3), "introduced_at": None},
        {"joined_at": T0, "values_at": None, "introduced_at": None},
    ]
    figures = {stage.milestone: stage for stage in funnel(journeys)}

    assert [stage.reached for stage in figures.values()] == [3, 2, 1, 0, 0]
    assert figures["joined_at"].median_from_previous is None
    assert figures["values_at"].median_from_previous == timedelta(hours=2)
    assert figures["introduced_at"].median_from_previous == timedelta(hours=1)
    assert figures["completed_at"].median_from_previous is None


def test_languages_are_stored_as_codes_joined_by_commas_and_read_back():
    assert join_codes(["pl", "en", "pl"]) == "pl,en"
    assert join_codes([]) == ""
    assert split_codes("pl,en") == {"pl", "en"}
    # A profile that names no language is stored empty and reads back as no language at all.
    assert split_codes("") == set()
    assert split_codes(join_codes(["ru"])) == {"ru"}


def test_joining_has_no_time_before_it_even_when_the_journey_is_complete():
    completed = {milestone: T0 + timedelta(days=day) for day, milestone in enumerate(MILESTONES)}

    figures = funnel([completed])

    assert figures[0].median_from_previous is None
    assert [stage.median_from_previous for stage in figures[1:]] == [timedelta(days=1)] * 4


def test_a_step_taken_at_the_same_instant_as_the_previous_takes_no_time():
    same_moment = {"joined_at": T0, "values_at": T0}
    # Whatever the stored moments say, a step is never shown as taking negative time.
    out_of_order = {"joined_at": T0, "values_at": T0 - timedelta(seconds=5)}

    assert funnel([same_moment])[1].median_from_previous == timedelta(0)
    assert funnel([out_of_order])[1].median_from_previous == timedelta(0)
