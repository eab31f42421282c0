"""The pure volunteer rules at their edges: names, the renewal window, the panel's budget."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from cogs.volunteers import rules

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@dataclass
class Named:
    name: str
    id: int = 0


def test_a_name_is_found_whatever_its_case():
    items = [Named("Cook", 1), Named("Treasurer", 2), Named("Straße", 3)]

    assert rules.named(items, "treasurer").id == 2
    assert rules.named(items, "TREASURER").id == 2
    # Case folding, not just lower case: "STRASSE" is how "Straße" is written in capitals.
    assert rules.named(items, "STRASSE").id == 3


def test_a_name_must_match_whole_and_the_first_of_two_wins():
    items = [Named("Treasurer", 1), Named("treasurer", 2), Named("Cook", 3)]

    assert rules.named(items, "Treasurer").id == 1
    assert rules.named(items, "Treasurer assistant") is None
    assert rules.named(items, "Treas") is None
    assert rules.named([], "Cook") is None


def test_renewal_opens_the_moment_the_prompt_is_sent():
    end = NOW + timedelta(days=30)
    prompt = rules.renewal_prompt_at(end, NOW)

    # The prompt goes out exactly a week before the end: its Renew button must work then.
    assert prompt == end - timedelta(days=7)
    assert rules.renewal_open(end, prompt)
    assert not rules.renewal_open(end, prompt - timedelta(seconds=1))
    assert rules.renewal_open(end, end)
    # A term that ended (its holder not yet released) can still be renewed.
    assert rules.renewal_open(end, end + timedelta(days=1))


def test_a_term_without_an_end_never_opens_for_renewal():
    assert not rules.renewal_open(None, NOW)
    assert rules.term_end(NOW, None) is None
    assert rules.term_end(NOW, 30) == NOW + timedelta(days=30)


@pytest.mark.parametrize("count", range(1, rules.MAX_ROLES + 1))
def test_each_description_gets_the_most_the_panel_can_hold(count):
    # 5,400 characters for the descriptions and their fields (130 each for the title and
    # separators), no field over Discord's 1,024: the budget is the largest that fits.
    budget = rules.field_budget(count)

    assert budget <= 1024
    assert count * (budget + 130) <= 5400
    assert budget == 1024 or count * (budget + 1 + 130) > 5400


def test_panel_budget_examples():
    assert rules.field_budget(1) == 1024
    assert rules.field_budget(11) == 360
    assert rules.field_budget(25) == 86
