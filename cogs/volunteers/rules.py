"""Pure rules of volunteer seats and terms (no database, no Discord)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

OFFER_VALIDITY = timedelta(hours=48)
RENEWAL_NOTICE = timedelta(days=7)
# The catalogue fits one select menu and one embed (25 options, 25 fields).
MAX_ROLES = 25


class _Named(Protocol):
    name: str


NamedT = TypeVar("NamedT", bound=_Named)


def named(items: Iterable[NamedT], name: str) -> NamedT | None:
    """The first item called `name`, ignoring case (catalogue roles, Discord roles)."""
    wanted = name.casefold()
    return next((item for item in items if item.name.casefold() == wanted), None)


def term_end(start: datetime, term_days: int | None) -> datetime | None:
    return None if term_days is None else start + timedelta(days=term_days)


def renewal_prompt_at(term_ends_at: datetime, now: datetime) -> datetime:
    """When to ask about renewal: a week before the end, or now if that moment has passed."""
    return max(term_ends_at - RENEWAL_NOTICE, now)


def renewal_open(term_ends_at: datetime | None, now: datetime) -> bool:
    return term_ends_at is not None and term_ends_at - now <= RENEWAL_NOTICE


def extended_term(term_ends_at: datetime, term_days: int, now: datetime) -> datetime:
    """A renewed term runs on from the old end (or from now, if it already passed)."""
    return max(term_ends_at, now) + timedelta(days=term_days)


@dataclass(frozen=True)
class PanelLine:
    name: str
    description: str
    filled: int
    seats: int
    waiting: int


def field_budget(count: int, *, total: int = 5400, per_field: int = 1024) -> int:
    """Characters each role's description may use so the panel embed stays under 6,000."""
    return max(40, min(per_field, total // max(count, 1) - 130))
