"""`gromada run`: reach Discord and stay connected, or say in one line why not.

Once the bot holds a gateway connection, discord.py keeps it: `connect(reconnect=True)`
backs off and tries again whenever the network or Discord drops. Before that it does not:
logging in makes one attempt, and a first gateway connection that fails crashes inside
discord.py (it resumes a session it never had). A machine that starts before its network
is up would stop at once, so until the first connection is made the whole start is tried
again here, a bounded number of times with growing pauses, each time on a fresh bot (a
start that failed part-way may have run some of setup_hook, which must not run twice).

What retrying cannot mend (a token Discord refuses, privileged intents not enabled) ends
the process with exit code 2 and one line saying what to change, the way a missing token
does. Anything else is a bug and keeps its traceback. The console speaks English.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

import aiohttp
import discord

from gromada.logs import brief

log = logging.getLogger(__name__)

# Seconds to wait before each new attempt to reach Discord; when they run out, give up.
LOGIN_PAUSES: tuple[float, ...] = (5, 15, 30, 60, 120, 300, 300, 300)
EXIT_CHANGE_NEEDED = 2  # a setting must change before a new start can work
EXIT_UNREACHABLE = 1

# Failures to reach Discord that a later attempt may not meet.
UNREACHABLE = (aiohttp.ClientError, discord.GatewayNotFound, discord.DiscordServerError)

BAD_TOKEN = (
    "Discord refused the token in DISCORD_TOKEN. Copy the bot's token again in the Discord developer "
    "portal (your application, Bot, Reset Token), put it in DISCORD_TOKEN (or .env) and run again."
)
NO_INTENTS = (
    "Discord refused the connection: the privileged intents Server Members and Message Content are not "
    "enabled for this bot. Turn both on in the Discord developer portal (your application, Bot, "
    "Privileged Gateway Intents) and run again."
)
GAVE_UP = (
    "Could not reach Discord in {attempts} attempts ({error}). Check this machine's internet "
    "connection (DNS, proxy, firewall) and Discord's status, then run again."
)


def unreachable(error: BaseException) -> BaseException | None:
    """The network failure behind `error`, if it is one (discord.py may raise another on top)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, UNREACHABLE):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def use_api_url(url: str) -> None:
    """Send Discord's REST calls to `url` (a rate-limit proxy shared by several processes).

    discord.py has no option for it; its requests are built on `discord.http.Route.BASE`,
    which nirn-proxy's README suggests changing ("changes to the library code"). The gateway
    and interaction responses (webhook routes, limited per interaction) still go to Discord.
    """
    discord.http.Route.BASE = url.rstrip("/")
    log.info("Discord's REST API is reached through %s", discord.http.Route.BASE)


def run(make_bot: Callable[[], discord.Client], token: str) -> int:
    """Run the bot until it stops; the process's exit code."""
    try:
        return asyncio.run(_serve(make_bot, token))
    except KeyboardInterrupt:
        return 0
    except discord.LoginFailure:
        print(BAD_TOKEN, file=sys.stderr)
    except discord.PrivilegedIntentsRequired:
        print(NO_INTENTS, file=sys.stderr)
    return EXIT_CHANGE_NEEDED


async def _serve(make_bot: Callable[[], discord.Client], token: str) -> int:
    attempts = len(LOGIN_PAUSES) + 1
    for attempt in range(1, attempts + 1):
        bot = make_bot()
        try:
            async with bot:
                await bot.login(token)
                await bot.connect(reconnect=True)
            return 0
        except Exception as error:
            cause = unreachable(error)
            if cause is None or bot.ws is not None:
                raise  # not the network, or past the first connection (discord.py retried already)
            if attempt == attempts:
                print(GAVE_UP.format(attempts=attempts, error=brief(cause)), file=sys.stderr)
                return EXIT_UNREACHABLE
            pause = LOGIN_PAUSES[attempt - 1]
            log.warning(
                "cannot reach Discord (%s); trying again in %s s (attempt %s of %s)",
                brief(cause),
                pause,
                attempt,
                attempts,
            )
        await asyncio.sleep(pause)
    return EXIT_UNREACHABLE
