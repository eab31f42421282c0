"""`gromada demo --script` walks every feature's flow offline and exits 0."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gromada.demo import demo_walks

ROOT = Path(__file__).resolve().parents[1]


def _demo(tmp_path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gromada", "demo", "--script", *options],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        # This checkout's code, not whichever copy of Gromada is installed.
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
        timeout=300,
    )


def test_demo_script_walks_every_feature(tmp_path):
    result = _demo(tmp_path)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "quickstart applied" in result.stdout
    for _order, feature, _walk in demo_walks():
        assert f"== {feature} ==" in result.stdout
    assert "Ala (admin) runs /setup show and sees (only them)" in result.stdout
    # Command and role mentions read as Discord shows them.
    assert "Add more with /purchase item, then /purchase publish." in result.stdout
    assert "Add items with /purchase supplier item or /purchase supplier import." in result.stdout
    # The public pages are served and read over HTTP, with the decisions the walk took.
    assert re.search(r"decisions \(200\): Decisions \| .*Where do we meet next\?", result.stdout)
    assert "</" not in result.stdout and "<@&" not in result.stdout
    # It reads as a story: people, channels and moments by name, not Discord markup.
    for markup in ("<@", "<#", "<t:", "**", ".;"):
        assert markup not in result.stdout, markup
    assert "Admin sees: @ala_admin thanks @dmitrij: for tidying the storeroom" in result.stdout
    assert "Pinned in #ogród-społeczny: Welcome to Ogród społeczny!\nLead: @celina" in result.stdout
    assert re.search(r"support closes \d{1,2} Jan 2026, \d\d:\d\d\. You are the first", result.stdout)
    # Each direct message once, where it arrives: the mediation's close is not a purchase's news.
    assert result.stdout.count("Your mediation #1 on Gromada demo is closed.") == 1
    purchases = result.stdout.split("== purchases ==")[1].split("== moderation ==")[0]
    assert "mediation" not in purchases and "Tidy-up crew" not in purchases
    assert purchases.count("gets a DM: Bill for joint purchase #1: Farm box") == 3
    # A supplier's catalogue, imported from a file, opens the purchase; next week's repeats it.
    assert "Imported into the catalogue of Farma Zielona: 2 items added, 0 changed." in purchases
    assert "Draft purchase #1 “Farm box” opened from Farma Zielona with 2 items" in purchases
    assert "Draft purchase #2 “Farm box” opened from #1 Farm box with 2 items" in purchases
    # A short item topped up before the deadline, a short delivery settled after it.
    topped_up = purchases.split("a day before the deadline")[1].split("the day passes")[0]
    assert "Honey: 3 jar" in topped_up
    assert "Potatoes, 7 of 10 kg arrived. 3 bills changed" in purchases
    assert "What buying together saved so far" in purchases
    assert result.stdout.rstrip().endswith("Demo finished.")


@pytest.mark.parametrize(
    ("language", "read"),
    [
        ("pl", ["Powitanie zakończone!", "Potrzebuje poparcia 3 osób", "Frekwencja: 5 z 8 uprawnionych osób"]),
        ("ru", ["Знакомство завершено!", "Ему нужно 3 сторонника", "Явка: 5 из 8 участников с правом голоса"]),
    ],
)
def test_demo_script_walks_every_feature_in_polish_and_russian(tmp_path, language, read):
    # The server is set up in the language and everyone's Discord speaks it, buttons included.
    result = _demo(tmp_path, "--language", language)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for _order, feature, _walk in demo_walks():
        assert f"== {feature} ==" in result.stdout
    for text in read:
        assert text in result.stdout
    assert result.stdout.rstrip().endswith("Demo finished.")
