"""Per-server configuration: language, which channel/role serves which purpose, and options.

Options are declared (key, type, default, bounds) by the feature that uses them, Red-style,
and stored as validated text; reading one always yields its declared type. No discord import.

A server's configuration is read on every join and nearly every interaction, and changes only
when an admin sets it up, so it is read from the database once and kept in memory
(gromada.cache). Every write goes through this module (/setup, quickstart, import), and each
drops what is kept for its server, so a change takes effect with the next read. Another
process of the bot on the same PostgreSQL hears of the change and drops it too
(gromada.cache_sync); an operator's SQL is seen after `forget` or a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.exceptions import IntegrityError
from tortoise.queryset import ValuesQuery

from gromada.cache import GuildCache
from gromada.durations import format_duration, parse_duration
from gromada.errors import InvalidInput, NotFound
from gromada.i18n import LANGUAGES, N_, current_locale, translate
from models.core import BindingKind, GuildBinding, GuildOption, GuildSettings


class Claim(StrEnum):
    """Whether members may take a purpose's role themselves, through a volunteer role."""

    # Powers over others or standing in the community (moderator, member): given, never claimed.
    NEVER = "never"
    # A coordinator approves each volunteer: the role sees confidential things (mediator).
    APPROVED = "approved"
    # Anyone may take a free seat (buddy).
    OPEN = "open"


@dataclass(frozen=True)
class Purpose:
    """A job a channel, category or role does in the community (its default name in English).

    The default name is marked for translation: quickstart creates the channel or role in the
    server's language, and messages name a role that way where the server has none. A
    channel's name is written as Discord keeps it (lower case, hyphens for spaces).
    """

    key: str
    kind: BindingKind
    default_name: str
    staff_only: bool = False
    description: str = ""
    # False for purposes an admin sets with /setup when wanted (quickstart does not create them).
    create: bool = True
    # Discord permissions a role created for this purpose starts with (permission names).
    grants: tuple[str, ...] = ()
    # For roles: whether a volunteer role may give it (never, unless the purpose says so).
    claim: Claim = Claim.NEVER

    def name_in(self, language: str) -> str:
        """The name quickstart gives what it creates, in the server's language."""
        return translate(self.default_name, locale=language)

    def names(self) -> set[str]:
        """Its default name in every language, as a server may already have it (casefolded)."""
        return {self.name_in(language).casefold() for language in LANGUAGES}


@dataclass(frozen=True)
class RoleShown:
    """A purpose's role as a message names it: the server's role, mentioned (messages ping
    nobody), else, where none is set up, the purpose's name in the reader's language."""

    purpose: Purpose
    role_id: int | None = None

    def __str__(self) -> str:
        if self.role_id is not None:
            return f"<@&{self.role_id}>"
        return f"@{self.purpose.name_in(current_locale())}"


PURPOSES: dict[tuple[BindingKind, str], Purpose] = {}


def declare_purpose(purpose: Purpose) -> Purpose:
    PURPOSES[(purpose.kind, purpose.key)] = purpose
    return purpose


def purposes(kind: BindingKind) -> list[Purpose]:
    return [purpose for (k, _), purpose in PURPOSES.items() if k == kind]


# The purposes of PRODUCT.md's quickstart; features may declare more.
for _purpose in (
    Purpose("welcome", BindingKind.CHANNEL, N_("welcome"), description=N_("Newcomers' private threads")),
    Purpose("introductions", BindingKind.CHANNEL, N_("introductions"), description=N_("Introductions")),
    Purpose("volunteers", BindingKind.CHANNEL, N_("volunteers"), description=N_("Volunteer roles panel")),
    Purpose("initiatives", BindingKind.CHANNEL, N_("initiatives"), description=N_("Initiative proposals")),
    Purpose("decisions", BindingKind.CHANNEL, N_("decisions"), description=N_("Polls and the decision log")),
    Purpose("mediation", BindingKind.CHANNEL, N_("mediation"), description=N_("Mediation requests")),
    Purpose("mod_log", BindingKind.CHANNEL, N_("mod-log"), staff_only=True, description=N_("Staff log")),
    Purpose("initiatives", BindingKind.CATEGORY, N_("Initiatives"), description=N_("Initiative channels")),
    Purpose(
        "initiatives_archive", BindingKind.CATEGORY, N_("Initiatives archive"), description=N_("Archived initiatives")
    ),
    Purpose("newcomer", BindingKind.ROLE, N_("Newcomer")),
    Purpose("member", BindingKind.ROLE, N_("Member")),
    Purpose("buddy", BindingKind.ROLE, N_("Buddy"), claim=Claim.OPEN),
    Purpose("mediator", BindingKind.ROLE, N_("Mediator"), claim=Claim.APPROVED),
    # Moderators can time out and tidy up; that also lets Discord show them the moderator commands.
    Purpose("moderator", BindingKind.ROLE, N_("Moderator"), grants=("moderate_members", "manage_messages")),
):
    declare_purpose(_purpose)


# ---------------------------------------------------------------- what is kept in memory


@dataclass(frozen=True)
class _Stored:
    """A server's rows as stored: its language (None without a settings row), its bindings
    and its options' stored text."""

    language: str | None
    bindings: Mapping[tuple[BindingKind, str], int]
    options: Mapping[str, str]


async def _load(guild_id: int) -> _Stored:
    settings = await GuildSettings.get_or_none(guild_id=guild_id)
    bound = {(row.kind, row.purpose): row.discord_id for row in await GuildBinding.filter(guild_id=guild_id)}
    options = {row.key: row.value for row in await GuildOption.filter(guild_id=guild_id)}
    return _Stored(settings.language if settings else None, MappingProxyType(bound), MappingProxyType(options))


_STORED: GuildCache[_Stored] = GuildCache(_load)


def forget(guild_id: int) -> None:
    """Read this server's configuration from the database next time, in every process of the
    bot: after every write here, and after an operator's SQL."""
    _STORED.forget(guild_id)


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """A per-server setting. Features keep the declared Option and read it with `get`."""

    key: str
    default: Any
    parse: Callable[[str], Any]
    show: Callable[[Any], str]
    description: str

    async def get(self, guild_id: int) -> Any:
        """This server's value, or the declared default; always of the declared type."""
        stored = (await _STORED.get(guild_id)).options.get(self.key)
        return self.default if stored is None else self.parse(stored)


OPTIONS: dict[str, Option] = {}


def _parse_int(minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise InvalidInput(N_("“{value}” is not a whole number."), value=raw[:40]) from None
        if not minimum <= value <= maximum:
            raise InvalidInput(
                N_("The value must be between {minimum} and {maximum}."), minimum=minimum, maximum=maximum
            )
        return value

    return parse


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("on", "yes", "true", "1", "tak", "да"):
        return True
    if lowered in ("off", "no", "false", "0", "nie", "нет"):
        return False
    raise InvalidInput(N_("“{value}” is not on or off."), value=raw[:40])


def declare_int(key: str, default: int, minimum: int, maximum: int, description: str) -> Option:
    option = Option(key, default, _parse_int(minimum, maximum), str, description)
    OPTIONS[key] = option
    return option


def declare_duration(
    key: str,
    default: timedelta,
    description: str,
    minimum: timedelta = timedelta(minutes=1),
    maximum: timedelta = timedelta(days=3650),
) -> Option:
    option = Option(
        key,
        default,
        lambda raw: parse_duration(raw, minimum=minimum, maximum=maximum),
        format_duration,
        description,
    )
    OPTIONS[key] = option
    return option


def declare_parsed(key: str, default: Any, parse: Callable[[str], Any], description: str) -> Option:
    """An option of a feature's own kind: `parse` reads what an admin typed (or what was stored:
    the value's str()), refusing with InvalidInput; the value is shown as its str()."""
    option = Option(key, default, parse, str, description)
    OPTIONS[key] = option
    return option


def declare_bool(key: str, default: bool, description: str) -> Option:
    option = Option(key, default, _parse_bool, lambda value: "on" if value else "off", description)
    OPTIONS[key] = option
    return option


def declare_choice(key: str, default: str, choices: tuple[str, ...], description: str) -> Option:
    """An option that is one of a few words (stored and shown as that word)."""

    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise InvalidInput(N_("“{value}” is not one of: {choices}."), value=raw[:40], choices=", ".join(choices))
        return value

    option = Option(key, default, parse, str, description)
    OPTIONS[key] = option
    return option


def _parse_timezone(raw: str) -> str:
    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            N_("“{value}” is not a time zone. Write its IANA name, like Europe/Warsaw or UTC."), value=raw[:60]
        ) from None
    return name


def declare_timezone(key: str, default: str, description: str) -> Option:
    """An option naming an IANA time zone (stored as its name, checked with zoneinfo)."""
    option = Option(key, default, _parse_timezone, str, description)
    OPTIONS[key] = option
    return option


# The server's clock: dates people type and see for activities and meetings are in it.
TIMEZONE = declare_timezone("timezone", "UTC", N_("The server's time zone, like Europe/Warsaw"))


def _option(key: str) -> Option:
    try:
        return OPTIONS[key]
    except KeyError:
        raise NotFound(N_("There is no option called “{key}”."), key=key[:60]) from None


def _stored_text(option: Option, value: Any) -> str:
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds())}s"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def servers_with(option: Option, value: Any) -> ValuesQuery:
    """The servers that set `option` to `value` (ids, for a subquery): a feature's start skips
    the rows of servers that turned something off, without reading each server's options."""
    return GuildOption.filter(key=option.key, value=_stored_text(option, value)).values("guild_id")


async def get_option(guild_id: int, key: str) -> Any:
    """An option by the key an admin typed (features read their declared Option with `get`)."""
    return await _option(key).get(guild_id)


async def set_option(guild_id: int, key: str, raw: str) -> Any:
    option = _option(key)
    value = option.parse(raw)
    await GuildOption.update_or_create(defaults={"value": _stored_text(option, value)}, guild_id=guild_id, key=key)
    forget(guild_id)
    return value


async def all_options(guild_id: int) -> dict[str, Any]:
    stored = (await _STORED.get(guild_id)).options
    return {key: option.parse(stored[key]) if key in stored else option.default for key, option in OPTIONS.items()}


# ---------------------------------------------------------------- settings and bindings


async def guild_settings(guild_id: int) -> GuildSettings:
    try:
        settings, created = await GuildSettings.get_or_create(guild_id=guild_id)
    except IntegrityError:  # created concurrently by another handler
        settings, created = await GuildSettings.get(guild_id=guild_id), True
    if created:
        forget(guild_id)  # the server has a language now
    return settings


async def language(guild_id: int | None) -> str | None:
    if guild_id is None:
        return None
    return (await _STORED.get(guild_id)).language


async def set_language(guild_id: int, value: str) -> None:
    if value not in LANGUAGES:
        raise InvalidInput(N_("Choose one of: {languages}."), languages=", ".join(LANGUAGES))
    settings = await guild_settings(guild_id)
    settings.language = value
    await settings.save(update_fields=["language", "updated_at"])
    forget(guild_id)


async def binding(guild_id: int, kind: BindingKind, purpose: str) -> int | None:
    return (await _STORED.get(guild_id)).bindings.get((kind, purpose))


async def bind(guild_id: int, kind: BindingKind, purpose: str, discord_id: int) -> None:
    if (kind, purpose) not in PURPOSES:
        raise NotFound(N_("There is no purpose called “{key}”."), key=purpose[:40])
    await GuildBinding.update_or_create(
        defaults={"discord_id": discord_id}, guild_id=guild_id, kind=kind, purpose=purpose
    )
    forget(guild_id)


async def bindings(guild_id: int) -> Mapping[tuple[BindingKind, str], int]:
    """Which channel, category or role serves each purpose on this server (read-only)."""
    return (await _STORED.get(guild_id)).bindings


async def role_shown(guild_id: int, purpose: str) -> RoleShown:
    """The role serving `purpose` on this server, for a message to name (see RoleShown)."""
    return RoleShown(PURPOSES[(BindingKind.ROLE, purpose)], await binding(guild_id, BindingKind.ROLE, purpose))
