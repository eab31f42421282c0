"""The onboarding funnel: how many newcomers reached each step and how long each step took."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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
