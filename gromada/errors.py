"""Errors a person can cause, each carrying a translatable message.

Services raise these; the one error path (gromada.error_handler) renders them as
ephemeral replies in the reader's language. Anything else is a bug: it is logged with an
incident id, and the person sees that id to quote.
"""

from __future__ import annotations

from typing import Any

from gromada.i18n import N_, Plural, translate


class GromadaError(Exception):
    default_message: str = N_("That did not work. Please try again.")

    def __init__(self, message: str | Plural | None = None, /, **params: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params
        # The English text, for logs and tracebacks.
        super().__init__(translate(self.message, locale="en", **params))

    def render(self, locale: str | None = None) -> str:
        return translate(self.message, locale=locale, **self.params)


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
    default_message = N_("This server is not set up for that yet. An admin can run /setup quickstart.")


class DiscordRefused(GromadaError):
    """Discord refused an action the bot needed (usually a missing permission)."""

    default_message = N_("Discord refused the action. The bot may be missing a permission.")
