"""Errors a person can cause, each carrying a translatable message.

Services raise these; the one error path (gromada.error_handler) renders them as
ephemeral replies in the reader's language. Anything else is a bug: it is logged with an
incident id, and the person sees that id to quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gromada.commands import Command, with_mentions
from gromada.i18n import N_, Plural, translate


@dataclass(frozen=True)
class Relative:
    """A moment shown relative to now ("in 3 days", "2 hours ago"), in each reader's language.

    It reads wrong after a word that wants a date ("until in 3 days", "od 2 godziny temu"), so a
    message asks for it by name and tests/gromada/test_relative_time.py checks the words before it.
    """

    moment: datetime


def _moment(value: Any) -> Any:
    # Imported only here: services import this module and stay free of discord.
    from discord.utils import format_dt

    if isinstance(value, Relative):
        return format_dt(value.moment, "R")
    return format_dt(value, "f")


def _shown(params: dict[str, Any], bot: Any = None) -> dict[str, Any]:
    """Parameters as a person reads them. A moment is shown as Discord shows time, in each
    reader's own clock and language: a datetime as a date and time, a `Relative` one relative to
    now; a command as a mention (gromada.commands). A service raises with a plain datetime,
    `Relative` or `Command` and never builds Discord markup itself."""
    params = with_mentions(bot, params)
    if not any(isinstance(value, datetime | Relative) for value in params.values()):
        return params
    return {name: _moment(value) if isinstance(value, datetime | Relative) else value for name, value in params.items()}


class GromadaError(Exception):
    default_message: str = N_("That did not work. Please try again.")

    def __init__(self, message: str | Plural | None = None, /, **params: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params
        # The English text, for logs and tracebacks.
        super().__init__(translate(self.message, locale="en", **_shown(params)))

    def render(self, locale: str | None = None, bot: Any = None) -> str:
        """The message in `locale` (else the current one); `bot` turns named commands into mentions."""
        return translate(self.message, locale=locale, **_shown(self.params, bot))


class InvalidInput(GromadaError):
    default_message = N_("That input is not valid.")


class NotFound(GromadaError):
    default_message = N_("I could not find that. It may have been deleted.")


class NotAllowed(GromadaError):
    default_message = N_("You are not allowed to do that.")


class LimitReached(GromadaError):
    default_message = N_("A limit was reached.")


class Conflict(GromadaError):
    default_message = N_("That was changed by someone else in the meantime. Please try again.")


class NotConfigured(GromadaError):
    default_message = N_("This server is not set up for that yet. An admin can run {command}.")

    def __init__(self, message: str | Plural | None = None, /, **params: Any) -> None:
        super().__init__(message, **({"command": Command("setup quickstart")} | params))


class DiscordRefused(GromadaError):
    """Discord refused an action the bot needed (usually a missing permission)."""

    default_message = N_("Discord refused the action. The bot may be missing a permission.")
