"""Privacy's pure rules, tested without Discord or a database.

Why something could not be forgotten yet (by the keys models use in their Keep rules), the
feature names of the readable export summary, how rows become plain JSON values for the
export file, and the pseudonym that stands in for a forgotten person (in ids and quoted text).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from tortoise.fields import BigIntField
from tortoise.models import Model

from gromada.commands import Command
from gromada.i18n import N_, Plural, translate
from models.privacy import PSEUDONYM_LIMIT, pseudonym_tag

# ---------------------------------------------------------------- why something stays, and feature names

# Each reason in the singular and the plural: the person may have one unpaid bill or three.
REASONS: dict[str, Plural] = {
    "open_purchase_coordinated": Plural(
        "You coordinate a purchase that is still open: close it first.",
        "You coordinate purchases that are still open: close them first.",
        1,
    ),
    "open_purchase_orders": Plural(
        "You have orders in a purchase that is still open: remove them, or ask again after it closes.",
        "You have orders in purchases that are still open: remove them, or ask again after they close.",
        1,
    ),
    "unpaid_bill": Plural(
        "You have a bill that is not paid yet: ask again once it is marked as paid.",
        "You have bills that are not paid yet: ask again once they are marked as paid.",
        1,
    ),
    "purchase_credit": Plural(
        "You have credit from a joint purchase: ask the treasurer to pay it back, or ask again once it is used.",
        "You have credit from joint purchases: ask the treasurer to pay it back, or ask again once it is used.",
        1,
    ),
    "open_mediation": Plural(
        "A mediation you take part in is still open: ask again after it is closed.",
        "Mediations you take part in are still open: ask again after they are closed.",
        1,
    ),
    "moderation_record": Plural(
        "A moderation record about you is kept for the server's safety until its retention period ends.",
        "Moderation records about you are kept for the server's safety until their retention period ends.",
        1,
    ),
    "volunteer_seat": Plural(
        "You hold or are offered a volunteer role: step down first.",
        "You hold or are offered volunteer roles: step down first.",
        1,
    ),
    "open_proposal": Plural(
        "You proposed an initiative that is still gathering support: withdraw it with Withdraw proposal on its card "
        "({list} links to it), or ask again after its support window ends.",
        "You proposed initiatives that are still gathering support: withdraw them with Withdraw proposal on their "
        "cards ({list} links to them), or ask again after their support windows end.",
        1,
    ),
    "open_initiative": Plural(
        "You lead an active initiative: in its channel, hand it over with {handover} or archive it with {archive}.",
        "You lead active initiatives: in the channel of each, hand it over with {handover} or archive it with "
        "{archive}.",
        1,
    ),
}
SOME_RECORDS = Plural("A record must be kept for now.", "Some records must be kept for now.", 1)
# The commands a reason names, shown as mentions in the reader's language (gromada.commands).
REASON_COMMANDS: dict[str, dict[str, Command]] = {
    "open_proposal": {"list": Command("initiative list")},
    "open_initiative": {"handover": Command("initiative handover"), "archive": Command("initiative archive")},
}

# Feature names for the readable summary, by app (models module) name.
FEATURES: dict[str, str] = {
    "core": N_("Language preference"),
    "onboarding": N_("Onboarding"),
    "volunteers": N_("Volunteer roles"),
    "initiatives": N_("Initiatives"),
    "polls": N_("Polls"),
    "surveys": N_("Surveys"),
    "mediation": N_("Mediation"),
    "moderation": N_("Moderation"),
    "purchases": N_("Joint purchases"),
    "privacy": N_("Privacy"),
    "public": N_("Public pages"),
    "activities": N_("Activities"),
    "meetings": N_("Meetings"),
}


def reason_text(key: str, count: int) -> Plural:
    """Why `count` things stay, in the singular or the plural as the count asks."""
    return replace(REASONS.get(key, SOME_RECORDS), n=count)


def reason_commands(key: str) -> dict[str, Command]:
    return REASON_COMMANDS.get(key, {})


def feature_name(app: str) -> str:
    return FEATURES.get(app, app)


# ---------------------------------------------------------------- rows in the export file


def plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def columns(model: type[Model]) -> list[str]:
    """Every stored column of a model by its field name (`purchase_id` for a relation)."""
    return list(model._meta.fields_db_projection)


def _is_snowflake(model: type[Model], name: str) -> bool:
    field = model._meta.fields_map.get(name)
    return isinstance(field, BigIntField) and (name.endswith("_id") or name.endswith("_by"))


def row_values(row: Model, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Column values as JSON; Discord ids as strings, as Discord writes them (they exceed
    the integers JavaScript and spreadsheets read exactly)."""
    values = {}
    for name in names:
        value = getattr(row, name, None)
        values[name] = str(value) if value is not None and _is_snowflake(type(row), name) else plain(value)
    return values


# ---------------------------------------------------------------- pseudonyms


def new_pseudonym() -> int:
    """A random negative id: stable across every table of one erasure, and not derivable
    from the person's id (a keyed hash could be recomputed by whoever holds the key)."""
    return -(secrets.randbelow(PSEUDONYM_LIMIT - 1) + 1)


def pseudonym_label(pseudonym: int, language: str | None = None) -> str:
    return translate(N_("former member #{tag}"), locale=language, tag=pseudonym_tag(pseudonym))


def scrub(text: str, user_id: int, names: tuple[str, ...], label: str) -> str:
    """Replace a person's id (as a mention, "Name (id)" or bare) by their pseudonym label."""
    ident = str(user_id)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(f"{name} ({ident})", label)
    text = re.sub(rf"<@!?{ident}>", label, text)
    return re.sub(rf"(?<!\d){ident}(?!\d)", label, text)
