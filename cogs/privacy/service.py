"""Privacy rules: export everything about a member, forget them, and keep data no longer than needed.

Everything is driven by the models' `personal_data` declarations (models/privacy.py), so
this module names no other feature's tables except where a retention rule is about one
(closed mediation tickets, moderation notes, onboarding data of people who left).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from cogs.privacy.declarations import Declared, declared, in_server, wholes
from cogs.privacy.rules import columns, new_pseudonym, plain, pseudonym_label, row_values, scrub
from gromada.cache import GuildCache
from gromada.guild_config import declare_bool, declare_duration, get_option
from gromada.i18n import N_
from models.privacy import Departure

RETENTION_TIMER = "privacy.retention"
DEPARTURE_TIMER = "privacy.departure"
# What a member who left loses when the grace period ends.
DEPARTED_APPS = {"onboarding"}
# The retention sweep runs this often (a lowered retention period applies within a day).
SWEEP_EVERY = timedelta(days=1)

MEDIATION_RETENTION = declare_duration(
    "privacy_mediation_retention",
    timedelta(days=365),
    N_("How long closed mediation tickets (transcripts and notes) are kept"),
    minimum=timedelta(days=1),
)
MODERATION_NOTE_RETENTION = declare_duration(
    "privacy_moderation_note_retention",
    timedelta(days=365),
    N_("How long moderators' notes about members are kept"),
    minimum=timedelta(days=1),
)
DEPARTURE_GRACE = declare_duration(
    "privacy_departure_grace",
    timedelta(days=30),
    N_("How long onboarding data of a member who left is kept in case they come back"),
    minimum=timedelta(hours=1),
)
EXPORT_MODERATION = declare_bool(
    "privacy_export_moderation",
    False,
    N_("Whether a member's export of their data includes moderation cases about them"),
)

# ---------------------------------------------------------------- export


@dataclass
class Export:
    data: dict[str, Any]
    counts: Counter[str] = field(default_factory=Counter)  # things per feature (app), as the person counts them
    left_out: list[str] = field(default_factory=list)  # tables never exported, or not shared by this server


async def _exported(entry: Declared, guild_id: int) -> bool:
    personal = entry.personal
    if not personal.exported:
        return False
    if personal.export_only_if is not None:
        # Models name the option by its key: they cannot import the feature that declares it.
        return bool(await get_option(guild_id, personal.export_only_if))
    return True


async def export(guild_id: int, user_id: int, now: datetime) -> Export:
    """Every row about the member on this server, grouped by feature and table."""
    features: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    things: dict[str, set[tuple[str, Any]]] = defaultdict(set)
    result = Export(data={})
    for entry in declared():
        if not await _exported(entry, guild_id):
            result.left_out.append(entry.table)
            continue
        personal = entry.personal
        if not personal.user_fields:
            continue  # declared only for the ids its texts may quote
        match = Q(*(Q(**{name: user_id}) for name in personal.user_fields), join_type="OR")
        query = (await in_server(entry, guild_id)).filter(match)
        if personal.export_with:
            query = query.prefetch_related(*personal.export_with)
        rows = await query.order_by(entry.model._meta.pk_attr)
        if not rows:
            continue
        features[entry.app][entry.table] = [_export_row(entry, row, user_id) for row in rows]
        things[entry.app] |= {entry.thing(getattr(row, entry.part_column)) for row in rows}
    whole = await wholes(set().union(*things.values()))
    result.counts.update({app: len({whole[thing] for thing in found}) for app, found in things.items()})
    result.data = {
        "guild_id": str(guild_id),
        "user_id": str(user_id),
        "exported_at": plain(now),
        "features": dict(features),
        "not_exported": sorted(result.left_out),
    }
    return result


def _export_row(entry: Declared, row, user_id: int) -> dict[str, Any]:
    personal = entry.personal
    names = [name for name in columns(entry.model) if name not in personal.export_exclude]
    matched = [name for name in personal.user_fields if getattr(row, name) == user_id]
    if matched and all(name in personal.export_only for name in matched):
        names = [name for name in names if any(name in personal.export_only[m] for m in matched)]
    values = row_values(row, names)
    for relation, wanted in personal.export_with.items():
        related = getattr(row, relation, None)
        values[relation] = row_values(related, wanted) if related is not None else None
    return values


# ---------------------------------------------------------------- forget


@dataclass
class ForgetPlan:
    """What forgetting would do: per table, the rows to delete and to pseudonymise.

    The counts people read are of things, as they count them (one initiative, not its two
    rows): `things` names the thing each row found is part of (PersonalData.part_of).
    """

    deletions: dict[Declared, set[Any]] = field(default_factory=lambda: defaultdict(set))
    pseudonymise: dict[tuple[Declared, str], set[Any]] = field(default_factory=lambda: defaultdict(set))
    kept: dict[str, set[tuple[str, Any]]] = field(default_factory=lambda: defaultdict(set))
    things: dict[tuple[str, Any], tuple[str, Any]] = field(default_factory=dict)

    def _count(self, rows: Iterable[tuple[str, Any]]) -> int:
        return len({self.things[row] for row in rows})

    @property
    def kept_counts(self) -> dict[str, int]:
        return {reason: self._count(rows) for reason, rows in self.kept.items()}

    @property
    def deleted_count(self) -> int:
        return self._count(self._deleted_rows())

    @property
    def pseudonymised_count(self) -> int:
        rows = {(entry.table, pk) for (entry, _field), ids in self.pseudonymise.items() for pk in ids}
        return self._count(rows - self._deleted_rows())

    def _deleted_rows(self) -> set[tuple[str, Any]]:
        return {(entry.table, pk) for entry, ids in self.deletions.items() for pk in ids}

    def found(self, entry: Declared, rows: Iterable[tuple[Any, Any]]) -> set[Any]:
        """Note the thing each (key, part) row is part of; the rows' keys."""
        keys = set()
        for pk, part in rows:
            self.things[(entry.table, pk)] = entry.thing(part)
            keys.add(pk)
        return keys


@dataclass(frozen=True)
class ForgetReport:
    pseudonym: int
    deleted: int
    pseudonymised: int
    kept: dict[str, int]


async def plan_forget(guild_id: int, user_id: int, apps: set[str] | None = None) -> ForgetPlan:
    plan = ForgetPlan()
    for entry in declared(apps):
        personal = entry.personal
        scope = await in_server(entry, guild_id)
        pk = entry.model._meta.pk_attr
        for name in personal.user_fields:
            query = scope.filter(**{name: user_id})
            for rule in personal.keep:
                if not rule.applies_to(name):
                    continue
                where = rule.condition(user_id)
                for key in plan.found(entry, await query.filter(**where).values_list(pk, entry.part_column)):
                    plan.kept[rule.reason].add((entry.table, key))
                # An empty `where` keeps every row the person is in.
                query = query.filter(~Q(**where)) if where else query.filter(**{f"{pk}__in": []})
            ids = plan.found(entry, await query.values_list(pk, entry.part_column))
            if not ids:
                continue
            if name in personal.delete_for:
                plan.deletions[entry] |= ids
            else:
                plan.pseudonymise[(entry, name)] |= ids
    # A row kept for one reason is left whole, whichever field matched.
    kept_rows = {row for rows in plan.kept.values() for row in rows}
    for entry, ids in plan.deletions.items():
        ids -= {pk for table, pk in kept_rows if table == entry.table}
    for (entry, _name), ids in plan.pseudonymise.items():
        ids -= {pk for table, pk in kept_rows if table == entry.table}
    whole = await wholes(set(plan.things.values()))
    plan.things = {row: whole[thing] for row, thing in plan.things.items()}
    return plan


async def owned_channels(guild_id: int, user_id: int, apps: set[str] | None = None) -> list[int]:
    """Channels and threads made for the person, in rows forget would delete."""
    plan = await plan_forget(guild_id, user_id, apps)
    found: list[int] = []
    for entry, ids in plan.deletions.items():
        for name in entry.personal.owned_channels:
            rows = await entry.model.filter(**{f"{entry.model._meta.pk_attr}__in": list(ids)}).values_list(
                name, flat=True
            )
            found.extend(channel_id for channel_id in rows if channel_id)
    return found


async def forget(
    guild_id: int,
    user_id: int,
    *,
    names: tuple[str, ...] = (),
    language: str | None = None,
    apps: set[str] | None = None,
) -> ForgetReport:
    """Erase or pseudonymise everything about the member on this server, in one transaction.

    `names` are the person's display names, scrubbed from transcripts next to their id.
    """
    pseudonym = new_pseudonym()
    label = pseudonym_label(pseudonym, language)
    async with in_transaction():
        plan = await plan_forget(guild_id, user_id, apps)
        kept_rows = {row for rows in plan.kept.values() for row in rows}
        # Each change also requires the person's id still in place: a second forget racing
        # this one then leaves rows the first has already pseudonymised alone.
        for entry, ids in plan.deletions.items():
            if ids:
                still_theirs = Q(*(Q(**{name: user_id}) for name in entry.personal.delete_for), join_type="OR")
                await entry.model.filter(still_theirs, **{f"{entry.model._meta.pk_attr}__in": list(ids)}).delete()
        for (entry, name), ids in plan.pseudonymise.items():
            ids = ids - plan.deletions.get(entry, set())
            if ids:
                changes: dict[str, Any] = {name: pseudonym}
                for text in entry.personal.texts.get(name, ()):
                    changes[text] = None if entry.model._meta.fields_map[text].null else ""
                await entry.model.filter(**{name: user_id, f"{entry.model._meta.pk_attr}__in": list(ids)}).update(
                    **changes
                )
        await _scrub_quotes(guild_id, user_id, names, label, kept_rows, apps)
    return ForgetReport(pseudonym, plan.deleted_count, plan.pseudonymised_count, plan.kept_counts)


async def _scrub_quotes(
    guild_id: int,
    user_id: int,
    names: tuple[str, ...],
    label: str,
    kept_rows: set[tuple[str, Any]],
    apps: set[str] | None,
) -> None:
    for entry in declared(apps):
        pk = entry.model._meta.pk_attr
        for text in entry.personal.quoting_texts:
            scope = await in_server(entry, guild_id)
            for row in await scope.filter(**{f"{text}__contains": str(user_id)}):
                if (entry.table, row.pk) in kept_rows:
                    continue
                value = getattr(row, text)
                await entry.model.filter(**{pk: row.pk}).update(**{text: scrub(value, user_id, names, label)})


# ---------------------------------------------------------------- retention


async def tickets_past_retention(now: datetime) -> list[Any]:
    """Closed mediation tickets older than their server's retention period."""
    from models.mediation import Ticket, TicketStatus

    due = []
    guilds = await Ticket.filter(status=TicketStatus.CLOSED).distinct().values_list("guild_id", flat=True)
    for guild_id in set(guilds):
        keep_for = await MEDIATION_RETENTION.get(guild_id)
        due.extend(
            await Ticket.filter(guild_id=guild_id, status=TicketStatus.CLOSED, closed_at__lt=now - keep_for).order_by(
                "id"
            )
        )
    return due


async def purge_ticket(ticket_id: int) -> bool:
    """Delete a closed ticket with its transcript, parties and notes (False if reopened meanwhile)."""
    from models.mediation import Ticket, TicketStatus

    return bool(await Ticket.filter(id=ticket_id, status=TicketStatus.CLOSED).delete())


async def purge_moderation_notes(now: datetime) -> int:
    """Delete moderators' notes about members past retention (other cases stay on record)."""
    from models.moderation import CaseAction, ModCase

    purged = 0
    guilds = await ModCase.filter(action=CaseAction.NOTE).distinct().values_list("guild_id", flat=True)
    for guild_id in set(guilds):
        keep_for = await MODERATION_NOTE_RETENTION.get(guild_id)
        purged += await ModCase.filter(
            guild_id=guild_id, action=CaseAction.NOTE, created_at__lt=now - keep_for
        ).delete()
    return purged


# ---------------------------------------------------------------- people who left


async def _departed(guild_id: int) -> set[int]:
    return set(await Departure.filter(guild_id=guild_id).values_list("user_id", flat=True))


# Who left each server within the grace period: checked on every join, which is mostly
# someone new. Holds every member with a departure row (rows are written only by
# record_departure below); it may hold a few more, which costs a look-up, never a miss.
_DEPARTED: GuildCache[set[int]] = GuildCache(_departed)


def may_have_departed(guild_id: int, user_id: int) -> bool:
    """False only when it is known, without reading anything, that this member left no departure here."""
    departed = _DEPARTED.kept(guild_id)
    return departed is None or user_id in departed


async def record_departure(guild_id: int, user_id: int, now: datetime) -> tuple[Departure, datetime]:
    """Remember that someone left; returns the row and when their onboarding data goes."""
    row, _created = await Departure.update_or_create(defaults={"left_at": now}, guild_id=guild_id, user_id=user_id)
    _DEPARTED.update(guild_id, lambda departed: departed.add(user_id))
    return row, now + await DEPARTURE_GRACE.get(guild_id)


async def cancel_departure(guild_id: int, user_id: int) -> int | None:
    """They came back: nothing is deleted. Returns the departure's id (for its deadline)."""
    if user_id not in await _DEPARTED.get(guild_id):
        return None
    row = await Departure.get_or_none(guild_id=guild_id, user_id=user_id)
    if row is None:
        return None
    await Departure.filter(id=row.pk).delete()
    _DEPARTED.update(guild_id, lambda departed: departed.discard(user_id))
    return row.pk


async def departure(departure_id: int) -> Departure | None:
    return await Departure.get_or_none(id=departure_id)


async def erase_departed(departure_id: int, language: str | None = None) -> ForgetReport | None:
    """The grace period ended: delete their onboarding data (once; None if they came back)."""
    row = await Departure.get_or_none(id=departure_id)
    if row is None:
        return None
    async with in_transaction():
        if not await Departure.filter(id=departure_id).delete():
            return None
        report = await forget(row.guild_id, row.user_id, language=language, apps=DEPARTED_APPS)
    # Only once the row is gone for good: a departure the cache lacks would never be cancelled.
    _DEPARTED.update(row.guild_id, lambda departed: departed.discard(row.user_id))
    return report
