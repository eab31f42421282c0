"""Server setup rules: what quickstart must provide, the report it gives, content packs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from config.content import ContentPack, ValueCardSpec, load_default_pack
from gromada import guild_config
from gromada.cache import GuildCache
from gromada.content_import import PreparedImport
from gromada.i18n import N_
from models.core import BindingKind, ValueCard

# What the bot needs server-wide to run every feature: the README's invite list and
# permissions number are these (tests/test_invite_permissions.py holds them together).
# Discord lets the bot allow or deny in a channel only what it holds itself, so this
# includes what it denies too (Create Public Threads in an archived initiative), and since
# 2026 pinning needs Pin Messages rather than Manage Messages.
REQUIRED_BOT_PERMISSIONS = (
    "view_channel",
    "send_messages",
    "send_messages_in_threads",
    "embed_links",
    "attach_files",
    "read_message_history",
    "manage_channels",
    "manage_roles",
    "manage_threads",
    "create_public_threads",
    "create_private_threads",
    "manage_messages",
    "pin_messages",
    "moderate_members",
    "kick_members",
    "ban_members",
    # The Mediator and onboarding-team roles are pinged when someone needs them; quickstart makes
    # them not mentionable (so members cannot ping them), and Discord then delivers the bot's
    # ping only with this permission. Each message still names the one role it may ping.
    "mention_everyone",
    # Activities and meetings are mirrored as Discord Scheduled Events (they work without):
    # creating one needs Create Events, editing and cancelling it Manage Events.
    "create_events",
    "manage_events",
)

# Highest first: Moderator stands above Mediator, Buddy, Member and Newcomer.
ROLE_ORDER = ("moderator", "mediator", "buddy", "member", "newcomer")


@dataclass
class QuickstartReport:
    """What quickstart did, in the language of the admin who ran it."""

    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def missing_permissions(granted: Any) -> list[str]:
    """The required permissions `granted` (a discord.Permissions) lacks, in the order above.

    Each is read by its name: iterating discord.Permissions yields some under older names
    (View Channel comes out as read_messages), so a set of iterated names would miss them.
    """
    return [name for name in REQUIRED_BOT_PERMISSIONS if not getattr(granted, name)]


def ordered_roles(below_bot: list[Any], ours: dict[str, Any]) -> list[Any]:
    """The roles below the bot's own, lowest first, with ours together in ROLE_ORDER.

    `below_bot` is every role the bot may move, lowest first; `ours` maps purposes to roles.
    Our roles stay where the lowest of them stands, so other roles keep their places.
    """
    mine = [ours[key] for key in reversed(ROLE_ORDER) if key in ours and ours[key] in below_bot]
    if not mine:
        return list(below_bot)
    anchor = min(below_bot.index(role) for role in mine)
    rest = [role for role in below_bot if role not in mine]
    return rest[:anchor] + mine + rest[anchor:]


async def _imported_values(guild_id: int) -> tuple[ValueCardSpec, ...]:
    rows = await ValueCard.filter(guild_id=guild_id).order_by("position")
    return tuple(ValueCardSpec(title=row.title, body=row.body) for row in rows)


# Read on every join and card click, written only by an import (replace_values).
_IMPORTED_VALUES: GuildCache[tuple[ValueCardSpec, ...]] = GuildCache(_imported_values)


async def values_cards(guild_id: int) -> list[ValueCardSpec]:
    """The server's values cards: imported ones, else the default pack in its language."""
    imported = await _IMPORTED_VALUES.get(guild_id)
    if imported:
        return list(imported)
    language = await guild_config.language(guild_id) or "en"
    return load_default_pack(language).values


async def replace_values(guild_id: int, cards: list[ValueCardSpec]) -> int:
    async with in_transaction():
        await ValueCard.filter(guild_id=guild_id).delete()
        await ValueCard.bulk_create(
            [
                ValueCard(guild_id=guild_id, position=position, title=card.title, body=card.body)
                for position, card in enumerate(cards)
            ]
        )
    _IMPORTED_VALUES.forget(guild_id)
    return len(cards)


async def values_importer(guild_id: int, cards: list[Any]) -> PreparedImport:
    # Nothing on Discord to prepare: the cards are only rows. Once the import's transaction
    # is committed, the cards kept in memory are read again (a read during it saw the old ones).
    return PreparedImport(write=lambda: replace_values(guild_id, cards), done=lambda: _IMPORTED_VALUES.forget(guild_id))


def pack_sections(pack: ContentPack) -> dict[str, list[Any]]:
    """The non-empty sections of a pack, by name."""
    return {
        name: items for name, items in (("values", pack.values), ("volunteer_roles", pack.volunteer_roles)) if items
    }


IMPORT_UNSUPPORTED = N_("The section “{section}” is not used on this server yet, so it was not imported.")
BINDING_KINDS = {
    "channel": BindingKind.CHANNEL,
    "category": BindingKind.CATEGORY,
    "role": BindingKind.ROLE,
}
