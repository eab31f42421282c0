"""Numbered seats: a row per holder with a slot in 0..seats-1, unique per (parent, slot).

Volunteer roles and activity dates both give out a limited number of places. Taking one is
an insert into the lowest free slot; the unique constraint on (parent, slot) makes two people
racing for the last seat end with one seat taken and one refusal, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from gromada.errors import GromadaError

SeatRow = TypeVar("SeatRow", bound=Model)


def free_slots(seats: int, taken: Iterable[int]) -> list[int]:
    """Slots a new holder may take, lowest first (slots above `seats` after a shrink stay closed)."""
    occupied = set(taken)
    return [slot for slot in range(seats) if slot not in occupied]


async def take_free_slot(
    model: type[SeatRow],
    parent: dict[str, Any],
    seats: int,
    user_id: int,
    already_holds: GromadaError,
    **fields: Any,
) -> SeatRow | None:
    """Insert `user_id`'s row into the lowest free slot of `parent`; None when every seat is taken.

    `already_holds` is raised when the person has a row of `parent` already (their own
    double click, say); any other clash is someone taking that slot a moment earlier, and the
    next free slot is tried.
    """
    while True:
        taken = await model.filter(**parent).values_list("slot", flat=True)
        free = free_slots(seats, taken)
        if not free:
            return None
        for slot in free:
            try:
                async with in_transaction():
                    return await model.create(**parent, slot=slot, user_id=user_id, **fields)
            except IntegrityError:
                if await model.exists(**parent, user_id=user_id):
                    raise already_holds from None
