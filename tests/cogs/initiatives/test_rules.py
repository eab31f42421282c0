"""Pure rules: slugs, unique names, proposal validation, the inactivity schedule."""

from datetime import UTC, datetime, timedelta

import pytest

from cogs.initiatives.rules import overflow_name, slugify, unique_name
from cogs.initiatives.service import INACTIVITY_GRACE, INACTIVITY_WARNING, inactivity_step, validate_proposal
from gromada.errors import InvalidInput


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Community garden", "community-garden"),
        ("Ogród Społeczny!", "ogród-społeczny"),
        ("Общий сад 2026", "общий-сад-2026"),
        ("  Repair -- café?  ", "repair-café"),
        ("🌱 Seeds 🌻 swap", "seeds-swap"),
    ],
)
def test_slug_is_readable_lowercase_and_hyphenated(title, slug):
    assert slugify(title) == slug


def test_emoji_only_title_has_no_slug():
    assert slugify("🌱🌻🎉") == ""


def test_slug_stays_within_discord_channel_name_limit():
    assert len(slugify("ą" * 300)) <= 90


def test_unique_name_adds_the_first_free_number():
    assert unique_name("garden", set()) == "garden"
    assert unique_name("garden", {"garden", "garden-2"}) == "garden-3"
    assert overflow_name("Initiatives", 1) == "Initiatives"
    assert overflow_name("Initiatives", 2) == "Initiatives 2"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "The title is empty"),
        ("   ", "The title is empty"),
        ("x" * 2000, "2000 characters long"),
        ("🌱🌻", "at least one letter or digit"),
    ],
)
def test_bad_titles_are_refused_with_a_clear_reason(title, message):
    with pytest.raises(InvalidInput) as refused:
        validate_proposal(title, "goal", "needs", "step")
    assert message in str(refused.value)


def test_inactivity_waits_then_warns_then_archives():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    quiet = start + INACTIVITY_WARNING

    assert inactivity_step(start, None, start + timedelta(days=3)).action == "wait"
    assert inactivity_step(start, None, start + timedelta(days=3)).next_check == quiet
    warn = inactivity_step(start, None, quiet)
    assert warn.action == "warn" and warn.next_check == quiet + INACTIVITY_GRACE
    assert inactivity_step(start, quiet, quiet + timedelta(days=2)).action == "wait"
    assert inactivity_step(start, quiet, quiet + INACTIVITY_GRACE).action == "archive"
    # A message after the warning starts the 30 days again.
    spoke = quiet + timedelta(days=1)
    step = inactivity_step(spoke, quiet, quiet + INACTIVITY_GRACE)
    assert step.action == "wait" and step.next_check == spoke + INACTIVITY_WARNING
