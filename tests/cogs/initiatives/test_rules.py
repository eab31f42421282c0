"""Pure rules: slugs, unique names, proposal validation, the inactivity schedule."""

from datetime import UTC, datetime, timedelta

import pytest

from cogs.initiatives.rules import overflow_name, slugify, unique_name
from cogs.initiatives.service import (
    ACTIVITY_RESOLUTION,
    INACTIVITY_GRACE,
    INACTIVITY_WARNING,
    inactivity_step,
    should_record_activity,
    validate_proposal,
)
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


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        # Thai and Hebrew write vowels as combining marks that have no precomposed letter.
        ("สวัสดี ชุมชน", "สวัสดี-ชุมชน"),
        ("שָׁלוֹם", "שָׁלוֹם"),
        # Devanagari vowel signs are spacing marks (Mc) and the anusvara a non-spacing one (Mn).
        ("हिंदी क्लब", "हिंदी-क्लब"),
        ("सामुदायिक बाग़", "सामुदायिक-बाग़"),
        # A mark with no letter before it (or after a gap) cannot stand alone in a name.
        ("\u0301garden", "garden"),
        ("seed \u093fswap", "seed-swap"),
        ("seed \u0301swap", "seed-swap"),
    ],
)
def test_combining_marks_stay_with_their_letter(title, slug):
    assert slugify(title) == slug


def test_a_slug_cut_at_the_limit_does_not_end_in_a_hyphen():
    # Cut at 90 characters, the gap after the 89th would end the name in a hyphen.
    assert slugify("a" * 89 + " garden") == "a" * 89
    assert slugify("b" * 100) == "b" * 90


def test_the_first_repeat_of_a_name_is_numbered_2():
    assert unique_name("garden", {"garden"}) == "garden-2"
    assert unique_name("garden", {"garden-2"}) == "garden"


def test_a_title_of_100_characters_is_taken_and_101_is_refused_in_the_proposers_words():
    assert validate_proposal("T" * 100, "goal", "needs", "step").title == "T" * 100

    with pytest.raises(InvalidInput) as refused:
        validate_proposal("T" * 101, "goal", "needs", "step")

    assert refused.value.render("en") == "The title is 101 characters long; keep it within 100."
    assert refused.value.render("ru") == "В названии 101 символ; допустимо не больше 100."


@pytest.mark.parametrize("answer", ["goal", "needs", "first_step"])
def test_each_answer_may_have_1000_characters_and_not_one_more(answer):
    answers = {"goal": "Grow vegetables.", "needs": "Seeds.", "first_step": "Ask the landlord."}
    longest = validate_proposal("Garden", **{**answers, answer: "w" * 1000})
    assert getattr(longest, answer) == "w" * 1000

    with pytest.raises(InvalidInput) as too_long:
        validate_proposal("Garden", **{**answers, answer: "w" * 1001})
    with pytest.raises(InvalidInput) as empty:
        validate_proposal("Garden", **{**answers, answer: " \n "})

    assert too_long.value.render("en") == "Each answer must stay within 1000 characters."
    assert too_long.value.render("pl") == "Każda odpowiedź może mieć najwyżej 1000 znaków."
    assert empty.value.render("en") == "Fill in the goal, what is needed and the first step."
    assert empty.value.render("ru") == "Заполните цель, что нужно и первый шаг."


def test_a_check_during_the_grace_period_waits_for_its_end():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    warned = start + INACTIVITY_WARNING

    step = inactivity_step(start, warned, warned + timedelta(days=2))

    assert (step.action, step.next_check) == ("wait", warned + INACTIVITY_GRACE)


def test_activity_is_written_again_exactly_an_hour_later():
    written = datetime(2026, 1, 1, 12, tzinfo=UTC)

    assert not should_record_activity(written, written + ACTIVITY_RESOLUTION - timedelta(seconds=1))
    assert should_record_activity(written, written + ACTIVITY_RESOLUTION)
    assert should_record_activity(None, written)
