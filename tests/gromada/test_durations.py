"""The duration parser: the forms people write, clear refusals, and time linear in the input."""

import time
from datetime import timedelta

import pytest

from gromada.durations import MAX_TEXT, parse_duration
from gromada.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("36h", timedelta(hours=36)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1d 12h", timedelta(days=1, hours=12)),
        (" 2 h ", timedelta(hours=2)),
        ("1 d 2 h 30 m", timedelta(days=1, hours=2, minutes=30)),
        ("2H", timedelta(hours=2)),
        ("1D12H", timedelta(days=1, hours=12)),
        ("120s", timedelta(minutes=2)),
        ("0000000001h", timedelta(hours=1)),
    ],
)
def test_the_forms_people_write(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "forever", "h", "12", "1d 12", "12 3h", "1d!", "1.5h", "-2h", "1x"])
def test_what_is_not_a_duration_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        parse_duration(text)
    assert "is not a duration" in str(refused.value)


@pytest.mark.parametrize("text", ["30s", "400d", "9999999999h", "99999999999999999999w", "9" * 60 + "s"])
def test_out_of_range_is_refused_not_crashed(text):
    # Twenty nines of weeks once reached timedelta() and overflowed it: an incident, not a refusal.
    with pytest.raises(InvalidInput) as refused:
        parse_duration(text)
    assert "The duration must be between" in str(refused.value)


def test_text_longer_than_any_duration_is_refused():
    assert parse_duration(" " * 10 + "2h" + " " * (MAX_TEXT - 12)) == timedelta(hours=2)
    with pytest.raises(InvalidInput) as refused:
        parse_duration("2h" + " " * (MAX_TEXT - 1))
    assert "too long to be a duration" in str(refused.value)


def _cpu_per_call(text: str, repetitions: int) -> float:
    start = time.process_time()
    for _ in range(repetitions):
        try:
            parse_duration(text)
        except InvalidInput:
            pass
    return (time.process_time() - start) / repetitions


@pytest.mark.parametrize(
    "adversarial",
    [
        "1d " * 2000 + "!",  # 6,001 characters: as long as Discord lets anyone type
        "1d " * 21 + "!",  # exactly at the length cap, so the parser itself must be linear
    ],
    ids=["discord-limit", "at-the-cap"],
)
def test_adversarial_text_is_refused_in_about_the_time_of_a_plain_duration(adversarial):
    # "1d 1d 1d … !" once made the pattern try every way of splitting the spaces: 76 such
    # characters blocked the bot for 4.6 s. A ratio against a plain parse measured here and
    # now survives a slow or busy machine. A refusal costs about ten plain parses (building
    # the translated message); the old pattern cost over ten thousand already at 60 characters.
    with pytest.raises(InvalidInput):
        parse_duration(adversarial)  # also warms the message catalogs up
    plain = _cpu_per_call("2h", 2000)
    hostile = _cpu_per_call(adversarial, 200)
    assert hostile < 100 * plain, f"{hostile * 1e6:.1f} µs against {plain * 1e6:.1f} µs for “2h”"
