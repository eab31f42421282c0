"""Pure rules of mediation, tested without Discord or a database: who is named in a
request, what the transcript looks like, and the anonymised statistics."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MENTION = re.compile(r"<@!?(\d{15,21})>")
# Below this, a count could point at a person, so statistics show "<5" instead.
SMALL_COUNT = 5
SEPARATORS = re.compile(r"[,;\n]+| and | i | и ", re.IGNORECASE)
# Punctuation around a typed name ("Celina.", "(dmitrij)") is not part of it.
AROUND_A_NAME = " .!?()\"'"


@dataclass(frozen=True)
class Person:
    """A member as the resolver sees them: id and the names people may type."""

    id: int
    names: tuple[str, ...]


def resolve_parties(text: str, people: Iterable[Person]) -> list[int]:
    """Ids of the members named in a free-text `parties` field.

    Recognises mentions (<@id>), "@name" and plain names (username, global or server
    nickname), each part separated by commas, semicolons, new lines or "and".
    """
    if not text:
        return []
    people = list(people)
    found: list[int] = []
    known = {person.id for person in people}
    for match in MENTION.finditer(text):
        user_id = int(match.group(1))
        if user_id in known and user_id not in found:
            found.append(user_id)
    by_name: dict[str, int] = {}
    for person in people:
        for name in person.names:
            # Trimmed like what is typed, so that a nickname ending in "." or ")" can match.
            if key := _name_key(name):
                by_name.setdefault(key, person.id)
    leftover = MENTION.sub(" ", text)
    candidates: list[str] = []
    for chunk in SEPARATORS.split(leftover):
        chunk = chunk.strip()
        if not chunk:
            continue
        candidates.append(chunk)
        candidates.extend(chunk.split())
    for candidate in candidates:
        user_id = by_name.get(_name_key(candidate))
        if user_id is not None and user_id not in found:
            found.append(user_id)
    return found


def _name_key(text: str) -> str:
    return text.strip(AROUND_A_NAME).lstrip("@").casefold()


@dataclass(frozen=True)
class TranscriptEntry:
    author: str
    at: datetime
    content: str
    attachments: tuple[str, ...] = field(default_factory=tuple)


def render_transcript(title: str, entries: Sequence[TranscriptEntry], attachment_label: str) -> str:
    """A plain-text transcript: one block per message, times in UTC, attachments listed."""
    lines = [title, "=" * min(len(title), 80), ""]
    for entry in entries:
        stamp = entry.at.strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"[{stamp}] {entry.author}: {entry.content}".rstrip())
        lines.extend(f"    {attachment_label}: {name}" for name in entry.attachments)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class TicketFacts:
    """What statistics need of one ticket, nothing that names anyone."""

    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    status: str
    rating: int | None


@dataclass(frozen=True)
class Stats:
    opened: int
    open: int
    claimed: int
    closed: int
    median_to_claim: timedelta | None
    median_to_close: timedelta | None
    average_rating: float | None
    ratings: int


def _median(durations: list[timedelta]) -> timedelta | None:
    if len(durations) < SMALL_COUNT:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in durations))


def compute_stats(tickets: Sequence[TicketFacts]) -> Stats:
    """Counts by status, median times (claim, close) and the average rating.

    Medians and the average are given only when at least SMALL_COUNT tickets feed them,
    so a figure never describes one or two identifiable people.
    """
    to_claim = [t.claimed_at - t.created_at for t in tickets if t.claimed_at is not None]
    to_close = [t.closed_at - t.created_at for t in tickets if t.closed_at is not None]
    ratings = [t.rating for t in tickets if t.rating is not None]
    return Stats(
        opened=len(tickets),
        open=sum(1 for t in tickets if t.status == "open"),
        claimed=sum(1 for t in tickets if t.status == "claimed"),
        closed=sum(1 for t in tickets if t.status == "closed"),
        median_to_claim=_median(to_claim),
        median_to_close=_median(to_close),
        average_rating=round(statistics.fmean(ratings), 1) if len(ratings) >= SMALL_COUNT else None,
        ratings=len(ratings),
    )


def shown_count(count: int) -> str:
    """A count as statistics show it: anything under five becomes "<5"."""
    return "<5" if count < SMALL_COUNT else str(count)
