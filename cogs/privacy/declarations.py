"""Finding every model's personal-data declaration, and the rows a declaration points at.

Works on whatever models are loaded (every app in models/), so a feature is covered by
declaring `personal_data` on its models; nothing here names another feature.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise
from tortoise.fields import BigIntField
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.privacy import PersonalData

# A BigIntField holding a person's Discord id, by its name. Anything else ending in _id
# must name a Discord object (guild, channel, message, role…) or a row.
PERSON_FIELD = re.compile(
    r"^(?:.*_)?(?:user|requester|buddy|member|mediator|moderator|target|author|voter|proposer|creator|owner)_id$"
    r"|^.+_by$"
)


# BigIntFields that name a Discord object (a scheduled event too) or a row, never a person.
OBJECT_FIELD = re.compile(r"^(?:.*_)?(?:guild|channel|message|role|thread|category|event)_id$|^(?:discord_id|ref_id)$")


@dataclass(frozen=True)
class Declared:
    model: type[Model]
    personal: PersonalData = field(compare=False, hash=False)

    @property
    def app(self) -> str:
        return self.model._meta.app

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def part_column(self) -> str:
        """The column naming the thing a row is part of (its own key when it is one)."""
        return self.personal.part_of[0] if self.personal.part_of else self.model._meta.pk_attr

    def thing(self, part: Any) -> tuple[str, Any]:
        """The thing a row is part of, from its `part_column` value, as the person counts it."""
        return (self.personal.part_of[1] if self.personal.part_of else self.table, part)


Thing = tuple[str, Any]  # (table, key)


async def wholes(things: Iterable[Thing]) -> dict[Thing, Thing]:
    """Each thing mapped to the whole it belongs to, as the person counts it.

    A thing can itself be a row that is part of another (a payment is part of its bill, the
    bill part of its purchase): its `part_of` is followed, a table at a time, until a thing
    that is part of nothing. Rows that are gone stay the thing they were.
    """
    parts = {entry.table: entry for entry in declared() if entry.personal.part_of}
    whole = {thing: thing for thing in things}
    for _level in range(len(parts)):  # a chain is at most every such table long
        nested: dict[str, set[Any]] = defaultdict(set)
        for table, key in set(whole.values()):
            if table in parts:
                nested[table].add(key)
        step: dict[Thing, Thing] = {}
        for table, keys in nested.items():
            entry = parts[table]
            pk = entry.model._meta.pk_attr
            rows = await entry.model.filter(**{f"{pk}__in": list(keys)}).values_list(pk, entry.part_column)
            step.update({(table, key): entry.thing(part) for key, part in rows})
        if not step:
            break
        whole = {thing: step.get(found, found) for thing, found in whole.items()}
    return whole


def all_models() -> list[type[Model]]:
    apps = Tortoise.apps
    return sorted(apps.get_models_iterable(), key=lambda model: model._meta.db_table) if apps else []


def person_fields(model: type[Model]) -> list[str]:
    """The fields of a model that hold a person's id, judged by name and type."""
    return [
        name
        for name, kind in model._meta.fields_map.items()
        if isinstance(kind, BigIntField) and PERSON_FIELD.match(name)
    ]


def unclassified() -> dict[str, list[str]]:
    """BigInt id fields that are neither a person's nor a Discord object's, by their name:
    a new kind of id must be named so that it is clear (and the person ones declared)."""
    found: dict[str, list[str]] = {}
    for model in all_models():
        for name, kind in model._meta.fields_map.items():
            if not isinstance(kind, BigIntField) or not name.endswith("_id"):
                continue
            if not PERSON_FIELD.match(name) and not OBJECT_FIELD.match(name):
                found.setdefault(model._meta.db_table, []).append(name)
    return found


def declared(apps: set[str] | None = None) -> Iterator[Declared]:
    for model in all_models():
        personal = getattr(model, "personal_data", None)
        if isinstance(personal, PersonalData) and (apps is None or model._meta.app in apps):
            yield Declared(model, personal)


def undeclared() -> dict[str, list[str]]:
    """Tables whose person fields no declaration covers (what the coverage test reports)."""
    missing: dict[str, list[str]] = {}
    for model in all_models():
        personal = getattr(model, "personal_data", None)
        covered = set(personal.user_fields) if isinstance(personal, PersonalData) else set()
        uncovered = [name for name in person_fields(model) if name not in covered]
        if uncovered:
            missing[model._meta.db_table] = uncovered
    return missing


async def in_server(entry: Declared, guild_id: int) -> QuerySet:
    """The model's rows on one server (all rows for data not tied to a server)."""
    personal = entry.personal
    query = entry.model.all()
    if personal.guild_via is not None:
        field, target = personal.guild_via
        app, name = target.split(".", 1)
        parent = Tortoise.apps.get_model(app, name)
        ids = await parent.filter(guild_id=guild_id).values_list("id", flat=True)
        return query.filter(**{f"{field}__in": list(ids)})
    if personal.guild is None:
        return query
    return query.filter(**{personal.guild: guild_id})
