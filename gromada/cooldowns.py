"""Cooldowns: how often one member may repeat an expensive or noisy action in one server.

Each limited action (creating a poll, drawing a results chart, an export) has a window, a
server option `cooldown_<action>` that admins change with `/setup option` ("0s" turns it
off). A member who used the action waits until the window has passed since that use; the
refusal says when they may try again. Limits are per member, per server and per action.

Who is held: everyone but the server's admins (Manage Server). Admins set the windows and
could lift any of them with `/setup option`, so holding them would only make them change a
server-wide setting to get through. Moderators are held like everyone else: the windows are
short, and most exports are theirs.

An attempt that ends in a refusal the person caused (a GromadaError: bad input, no
permission, Discord refusing) does not count: the error path gives the use back, so a typo
in /poll create does not make someone wait. A command that answers a failure itself calls
`give_back` where nothing was done.

A window's length is the server's setting when it starts; a changed setting applies from each
member's next use, except "0s", which lets everyone through at once.

The state is in memory, kept by the bot: the windows are short (a day at most), so a
restart that forgives them costs little; a limit that must survive restarts belongs in the
database. Memory stays bounded: a window that has passed is dropped by the next sweep (at
most a minute later), so only members inside a window are kept.

The buckets are discord.py's own `app_commands.Cooldown`: it is given the current time
(so it follows the bot's clock, which tests move) and a period per instance (so every
server can have its own window). Its decorators `cooldown` and `dynamic_cooldown` are not
used: they read the time from the interaction's snowflake, keep one mapping per command
for the whole process (a new bot would inherit it), cannot give back a use that ended in a
refusal or check without taking (the form of /initiative propose), and refuse with
CommandOnCooldown, which says seconds instead of a moment in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import discord
from discord import app_commands

from gromada import guild_config, scheduler
from gromada.checks import as_check, is_admin
from gromada.errors import LimitReached
from gromada.i18n import N_

# The longest window an admin may set: longer limits belong in the database.
MAX_WINDOW = timedelta(days=1)
# How often expired windows are dropped.
SWEEP_EVERY = timedelta(minutes=1)
# Where a command's interaction remembers the use it took, to give it back on a refusal.
_TAKEN = "gromada.cooldown"

Key = tuple[int, int, str]  # (server, member, action)


@dataclass(frozen=True)
class Action:
    """Something a member may do once per window; the window is a server option."""

    key: str
    window: guild_config.Option


def declare(key: str, default: timedelta, description: str) -> Action:
    """An action with its own window, the option `cooldown_<key>`."""
    return Action(key, declare_window(f"cooldown_{key}", default, description))


def declare_window(option_key: str, default: timedelta, description: str) -> guild_config.Option:
    """A window that several actions share (each still has its own count)."""
    return guild_config.declare_duration(option_key, default, description, minimum=timedelta(0), maximum=MAX_WINDOW)


# The exports share one window: one setting for one kind of cost.
EXPORT_WINDOW = declare_window(
    "cooldown_export", timedelta(minutes=2), N_("Time a member waits between two exports of one kind")
)


def export(key: str) -> Action:
    return Action(key, EXPORT_WINDOW)


class OnCooldown(LimitReached):
    default_message = N_("Please wait a little: you can do that again {when}.")

    def __init__(self, ready_at: datetime) -> None:
        super().__init__(when=discord.utils.format_dt(ready_at, "R"))
        self.ready_at = ready_at


class Cooldowns:
    """The running windows of one bot, per (server, member, action)."""

    def __init__(self) -> None:
        self._buckets: dict[Key, app_commands.Cooldown] = {}
        self._swept_at = 0.0

    def __len__(self) -> int:
        return len(self._buckets)

    def ready_at(self, key: Key, now: datetime) -> datetime | None:
        """When the member may act again, or None if they may now."""
        bucket = self._buckets.get(key)
        wait = bucket.get_retry_after(now.timestamp()) if bucket is not None else 0.0
        return now + timedelta(seconds=wait) if wait > 0 else None

    def take(self, key: Key, window: timedelta, now: datetime) -> app_commands.Cooldown:
        """Count one use, or raise OnCooldown. Returns the bucket, to give the use back."""
        at = now.timestamp()
        self._sweep(at)
        bucket = self._buckets.get(key)
        if bucket is None or bucket.get_retry_after(at) <= 0:
            # A new window takes the server's current setting.
            bucket = self._buckets[key] = app_commands.Cooldown(1, window.total_seconds())
        wait = bucket.update_rate_limit(at)
        if wait is not None:
            raise OnCooldown(now + timedelta(seconds=wait))
        return bucket

    def give_back(self, key: Key, bucket: app_commands.Cooldown) -> None:
        # One use per window: giving it back is forgetting the window (unless a new one began).
        if self._buckets.get(key) is bucket:
            del self._buckets[key]

    def _sweep(self, at: float) -> None:
        if at - self._swept_at < SWEEP_EVERY.total_seconds():
            return
        self._swept_at = at
        for key in [key for key, bucket in self._buckets.items() if bucket.get_retry_after(at) <= 0]:
            del self._buckets[key]


# ---------------------------------------------------------------- for commands


async def _window(interaction: discord.Interaction, action: Action) -> timedelta | None:
    """The window that holds this person, or None when nothing does."""
    if interaction.guild_id is None or is_admin(interaction.user):
        return None
    window: timedelta = await guild_config.get_option(interaction.guild_id, action.window.key)
    return window if window > timedelta(0) else None


def _key(interaction: discord.Interaction, action: Action) -> Key:
    return (interaction.guild_id, interaction.user.id, action.key)


async def take(interaction: discord.Interaction, action: Action) -> None:
    """Count this use of `action`, or refuse with when to try again."""
    window = await _window(interaction, action)
    if window is None:
        return
    key = _key(interaction, action)
    bucket = interaction.client.cooldowns.take(key, window, scheduler.now())
    interaction.extras[_TAKEN] = (key, bucket)


async def ensure_ready(interaction: discord.Interaction, action: Action) -> None:
    """Refuse now if the member must wait, without counting a use (before a form, say)."""
    if await _window(interaction, action) is None:
        return
    ready_at = interaction.client.cooldowns.ready_at(_key(interaction, action), scheduler.now())
    if ready_at is not None:
        raise OnCooldown(ready_at)


def give_back(interaction: discord.Interaction) -> None:
    """Nothing was done after all: the use taken by this interaction does not count."""
    taken = interaction.extras.pop(_TAKEN, None)
    if taken is not None:
        interaction.client.cooldowns.give_back(*taken)


def limited(action: Action):
    """An app-command check: the command counts as a use of `action` (see the module docstring)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        return await as_check(lambda: take(interaction, action))

    return app_commands.check(predicate)
