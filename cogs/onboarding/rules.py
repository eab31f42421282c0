"""Onboarding's pure rules, no database and no Discord: choosing a buddy, reading languages, the funnel."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Names people write for the languages they speak, mapped to one code each.
_LANGUAGE_NAMES = {
    "en": ("en", "eng", "english", "angielski", "angielsku", "английский", "англ", "английском"),
    "pl": ("pl", "polish", "polski", "polsku", "polska", "польский", "польском"),
    "ru": ("ru", "rus", "russian", "rosyjski", "rosyjsku", "русский", "русском", "рус"),
    "uk": ("uk", "ua", "ukrainian", "ukraiński", "ukraińsku", "украинский", "українська"),
    "de": ("de", "german", "deutsch", "niemiecki", "немецкий"),
    "fr": ("fr", "french", "français", "francuski", "французский"),
    "es": ("es", "spanish", "español", "hiszpański", "испанский"),
}
_CODE_OF = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MAX_LANGUAGES = 10


def language_codes(text: str | None) -> list[str]:
    """The languages named in free text ("Polish, English", "po polsku i angielsku"), as codes."""
    found: list[str] = []
    for word in _WORD.findall((text or "").casefold()):
        code = _CODE_OF.get(word)
        if code is not None and code not in found:
            found.append(code)
    return found[:MAX_LANGUAGES]


def join_codes(codes: Iterable[str]) -> str:
    return ",".join(dict.fromkeys(codes))


def split_codes(stored: str) -> set[str]:
    return {code for code in stored.split(",") if code}


@dataclass(frozen=True)
class Candidate:
    """A buddy who could take a newcomer: how busy they are and what they speak."""

    user_id: int
    active: int
    capacity: int
    languages: frozenset[str]

    @property
    def has_room(self) -> bool:
        return self.active < self.capacity


def rank_buddies(candidates: Iterable[Candidate], languages: Iterable[str], exclude: Iterable[int] = ()) -> list[int]:
    """Buddies to try, best first: fewest active newcomers, then a shared language, then seniority.

    The load comes first so that no buddy is overwhelmed while others wait; among equally
    busy buddies one who shares a language with the newcomer is preferred. The lowest id
    breaks ties so that the choice is stable.
    """
    wanted = set(languages)
    excluded = set(exclude)
    eligible = [c for c in candidates if c.has_room and c.user_id not in excluded]
    eligible.sort(key=lambda c: (c.active, not (wanted & c.languages), c.user_id))
    return [c.user_id for c in eligible]


# ---------------------------------------------------------------- the funnel: who reached each step, how fast

# The moments of a journey, in order (attribute names of a journey row).
MILESTONES = ("joined_at", "values_at", "introduced_at", "matched_at", "completed_at")


@dataclass(frozen=True)
class StageFigures:
    milestone: str
    reached: int
    # Median time from the previous milestone, among those who reached this one.
    median_from_previous: timedelta | None


def funnel(journeys: Sequence[dict[str, datetime | None]]) -> list[StageFigures]:
    """Counts per milestone and the median time between consecutive milestones."""
    figures: list[StageFigures] = []
    for index, milestone in enumerate(MILESTONES):
        reached = [journey for journey in journeys if journey.get(milestone) is not None]
        median = None
        if index > 0:
            previous = MILESTONES[index - 1]
            gaps = [
                (journey[milestone] - journey[previous]).total_seconds()
                for journey in reached
                if journey.get(previous) is not None
            ]
            if gaps:
                median = timedelta(seconds=max(0.0, statistics.median(gaps)))
        figures.append(StageFigures(milestone, len(reached), median))
    return figures
