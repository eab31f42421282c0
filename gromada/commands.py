"""Naming a slash command in a message: a command mention, which Discord shows in each reader's language.

People see the commands under the names of their own language ("/ankieta zamknij"), so a
message that says "run /poll close" names a command a Polish reader cannot find. A mention,
`</poll close:123>`, is rendered by Discord as the command's name in the reader's language,
and a click on it starts the command. A mention needs the id Discord gave the command: the
bot keeps the mentions of the commands it syncs or fetches at start (gromada.bot). Until it
knows them (or if Discord could not tell it), the English "/poll close" stands in.

Flows, views and cogs render a mention with `mention(bot, "poll close")` and pass it to the
message as a placeholder. A service has no bot: it names the command with
`Command("poll close")` as a parameter of the error it raises, and the error path renders it
with the bot that answers. This module imports discord only where it reads synced commands,
so services can use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discord import app_commands


@dataclass(frozen=True)
class Command:
    """A slash command by its English qualified name ("poll close"), shown as a mention."""

    name: str

    def __str__(self) -> str:
        return f"/{self.name}"


def mentions_of(synced: Iterable[app_commands.AppCommand]) -> dict[str, str]:
    """The mention of every command, group and subcommand Discord returned, by qualified name."""
    from discord import app_commands

    found: dict[str, str] = {}

    def add_subcommands(options: Iterable[Any]) -> None:
        for option in options:
            if isinstance(option, app_commands.AppCommandGroup):
                found[option.qualified_name] = option.mention
                add_subcommands(option.options)

    for command in synced:
        found[command.name] = command.mention
        add_subcommands(command.options)
    return found


def mention(bot: Any, name: str) -> str:
    """`</poll close:123>` once the bot knows its commands' ids, else the plain "/poll close"."""
    known: dict[str, str] = getattr(bot, "command_mentions", None) or {}
    return known.get(name) or str(Command(name))


def with_mentions(bot: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Message parameters with every `Command` in them rendered as a mention."""
    return {key: mention(bot, value.name) if isinstance(value, Command) else value for key, value in params.items()}
