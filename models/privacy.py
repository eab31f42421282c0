"""Privacy: how every model declares its personal data, and the privacy feature's own table.

A model that stores a Discord user id carries a class attribute
`personal_data = PersonalData(...)`. From these declarations alone, /privacy export finds
everything about a member and /privacy forget erases or pseudonymises it, so a feature
added later is covered by declaring its fields (a test fails while a model with a user
id field has no declaration covering it).

This module only holds plain declarations and one table, so every models module may
import it (models never import cogs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise import fields
from tortoise.models import Model

# In a Keep rule's `where`, stands for the id of the person being forgotten.
PERSON = "<person>"


@dataclass(frozen=True)
class Keep:
    """Rows matching `where` (Tortoise filter arguments) are left as they are on forget.

    `reason` is a key of cogs.privacy.rules.REASONS, where its text is written and
    translated (model modules are not in any catalog); `fields` narrows the rule to
    matches in those user fields (empty: any). A `where` value PERSON stands for the
    person's id (their own unpaid bill, not anyone's); an empty `where` keeps every row
    the person is in.
    """

    reason: str
    where: Mapping[str, Any]
    fields: tuple[str, ...] = ()

    def applies_to(self, user_field: str) -> bool:
        return not self.fields or user_field in self.fields

    def condition(self, user_id: int) -> dict[str, Any]:
        # `is`-like: a value may be an expression (F("total")) whose == builds a query, not a bool.
        return {
            key: user_id if isinstance(value, str) and value == PERSON else value for key, value in self.where.items()
        }


@dataclass(frozen=True)
class PersonalData:
    """What in a model is personal data, and what forget does with it.

    - user_fields: every field holding a Discord user id.
    - delete_for: a match in these fields deletes the row (it is about that person);
      a match in any other user field replaces the id by a pseudonym (the row stays for
      others: ledgers, tickets of the other party, tallies).
    - texts: free text written by the person named in a user field, erased when that
      field is pseudonymised.
    - quoting_texts: text that may quote people's ids and names (transcripts); forget
      replaces the person's id (and given names next to it) by their pseudonym.
    - keep: rows that must stay as they are for now, and why (an open bill).
    - guild: the filter path to the server id (None: not tied to a server);
      guild_via: (field, "app.Model") when the server is reached through a plain id.
    - owned_channels: fields holding a channel or thread the bot made for the row's person
      (a newcomer's welcome thread); deleted from Discord when forget deletes the row.
    - part_of: (column, table) when a row is part of a thing stored in another table, as
      the person counts it: an order line and a bill are parts of their purchase, a
      supporter's row part of the initiative. The export and forget summaries count each
      thing once (one initiative, not its two rows); None: the row is a thing of its own.
      A thing that is itself part of another (a payment of a bill, part of a purchase)
      counts as the whole it belongs to.
    - exported / export_only_if (a bool option key) / export_exclude (columns never
      exported) / export_only: user field -> the only columns exported when the person
      is in that field alone (a mediator sees the dates of tickets they handled, not
      what others wrote) / export_with: related rows to include, relation -> columns.
    """

    user_fields: tuple[str, ...]
    delete_for: tuple[str, ...] = ()
    texts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    quoting_texts: tuple[str, ...] = ()
    keep: tuple[Keep, ...] = ()
    owned_channels: tuple[str, ...] = ()
    guild: str | None = "guild_id"
    guild_via: tuple[str, str] | None = None
    part_of: tuple[str, str] | None = None
    exported: bool = True
    export_only_if: str | None = None
    export_exclude: tuple[str, ...] = ()
    export_only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    export_with: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# Pseudonyms are negative: a Discord snowflake is always positive, so a pseudonym can never
# be mistaken for (or collide with) a real person.
PSEUDONYM_LIMIT = 2**52


def is_pseudonym(user_id: int | None) -> bool:
    return user_id is not None and user_id < 0


def pseudonym_tag(user_id: int) -> str:
    """The short tag shown for a pseudonym, as in "former member #a1b2c3"."""
    return f"{abs(user_id) % 16**6:06x}"


class Departure(Model):
    """A member who left a server: their onboarding data is deleted when the grace period ends.

    Deleted when they rejoin (the deadline is cancelled) or when the data is deleted.
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    user_id = fields.BigIntField()
    left_at = fields.DatetimeField()

    personal_data = PersonalData(user_fields=("user_id",), delete_for=("user_id",))

    class Meta:
        table = "privacy_departure"
        unique_together = (("guild_id", "user_id"),)
