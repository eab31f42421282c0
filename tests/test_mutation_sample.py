"""The sampling of scripts/mutation.py: a fair draw that repeats, and an interval that is right."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up by name while the script is being loaded.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_a_sample_is_the_same_draw_on_every_run_and_differs_between_modules(mutation):
    names = [f"cogs.polls.service.x_vote__mutmut_{number}" for number in range(1, 501)]
    first = mutation.sample(names, 40, "cogs/polls/service.py")
    assert len(first) == len(set(first)) == 40
    assert set(first) <= set(names)
    # The order mutmut lists names in must not change the draw.
    assert mutation.sample(list(reversed(names)), 40, "cogs/polls/service.py") == first
    assert mutation.sample(names, 40, "cogs/volunteers/service.py") != first
    # Another seed, another draw: the way to measure again without the bias of the survivors
    # that new tests were written against.
    assert mutation.sample(names, 40, "cogs/polls/service.py", seed=1) != first
    assert mutation.sample(names, 40, "cogs/polls/service.py", seed=1) == mutation.sample(
        names, 40, "cogs/polls/service.py", seed=1
    )
    # Not simply the first ones: a draw over the whole module.
    assert max(int(name.rsplit("_", 1)[1]) for name in first) > 100


def test_a_sample_larger_than_the_module_takes_every_mutant(mutation):
    names = ["cogs.public.service.x_rotate__mutmut_1", "cogs.public.service.x_rotate__mutmut_2"]
    assert mutation.sample(names, 100, "cogs/public/service.py") == sorted(names)


@pytest.mark.parametrize(
    ("caught", "checked", "low", "high"),
    # Reference values of Wilson's 95% score interval.
    [(8, 10, 49.0, 94.3), (85, 100, 76.7, 90.7), (0, 20, 0.0, 16.1), (20, 20, 83.9, 100.0)],
)
def test_the_interval_of_a_sampled_score(mutation, caught, checked, low, high):
    assert mutation.wilson_interval(caught, checked) == (pytest.approx(low, abs=0.1), pytest.approx(high, abs=0.1))


def test_a_sampled_line_says_it_is_an_estimate_and_a_stopped_run_does_not(mutation):
    from collections import Counter

    sampled = mutation.Score(
        "cogs/polls/service.py", Counter(killed=85, survived=15, **{"not checked": 900}), sampled=True
    )
    assert "SAMPLE of 100 of 1000" in sampled.line()
    assert "77-91% (95%)" in sampled.line()
    stopped = mutation.Score("cogs/polls/service.py", Counter(killed=85, survived=15, **{"not checked": 900}))
    assert "PARTIAL: 100 of 1000 checked" in stopped.line()
    assert "95%" not in stopped.line()
