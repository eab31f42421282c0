"""The pure rules: who is asked first, which languages a text names, the funnel's figures."""

from datetime import UTC, datetime, timedelta

from cogs.onboarding.rules import Candidate, funnel, language_codes, rank_buddies

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
