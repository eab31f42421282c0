"""The `gromada` command: run, demo, migrate, sync-free by default."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from config.settings import Settings
from gromada.i18n import LANGUAGES
from gromada.logs import configure_logging

log = logging.getLogger("gromada")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gromada", description="Gromada, a Discord bot for community servers")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot (needs DISCORD_TOKEN)")
    run.add_argument("--sync", action="store_true", help="push the slash commands to Discord on start")
    run.add_argument("--shard-count", type=int, help="how many Discord shards the bot has in all (SHARD_COUNT)")
    run.add_argument("--shard-ids", help="the shards this process holds, like 0-3 or 4,5 (SHARD_IDS)")
    demo = commands.add_parser("demo", help="run the bot offline in a simulated Discord")
    demo.add_argument("--script", action="store_true", help="walk the main flows and print a transcript")
    demo.add_argument("--port", type=int, default=None, help="port of the demo's page on 127.0.0.1")
    demo.add_argument(
        "--stopped-clock", action="store_true", help="time moves only when you move it, not with the wall clock"
    )
    demo.add_argument(
        "--language", choices=LANGUAGES, default="en", help="the server's language, and the one everyone's Discord uses"
    )
    commands.add_parser("migrate", help="apply database migrations and exit")
    i18n = commands.add_parser("i18n", help="update the translation catalogs from the code (for developers)")
    i18n.add_argument("--domain", action="append", help="only this domain (core or a feature); repeatable")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from gromada.demo import run_demo

        configure_logging("WARNING", "text")
        try:
            return asyncio.run(
                run_demo(script=args.script, port=args.port, language=args.language, wall_clock=not args.stopped_clock)
            )
        except KeyboardInterrupt:
            return 0
    settings = Settings()
    configure_logging(settings.log_level, "text" if args.command == "i18n" else settings.log_format)
    if args.command == "run":
        if args.shard_count is not None or args.shard_ids is not None:
            settings = settings.model_copy(
                update={
                    "shard_count": args.shard_count if args.shard_count is not None else settings.shard_count,
                    "shard_ids": args.shard_ids if args.shard_ids is not None else settings.shard_ids,
                }
            )
        return _run(settings, sync=args.sync)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "i18n":
        return asyncio.run(_update_catalogs(args.domain))
    return 2


def _run(settings: Settings, *, sync: bool) -> int:
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print(
            "DISCORD_TOKEN is not set. Create a bot in the Discord developer portal, put its token in "
            "the DISCORD_TOKEN environment variable (or .env), and run again. "
            "To try Gromada without a token: gromada demo",
            file=sys.stderr,
        )
        return 2
    problem = sharding_problem(settings) or api_url_problem(settings)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from gromada.bot import create_bot
    from gromada.startup import run, use_api_url

    if settings.discord_api_url:
        use_api_url(settings.discord_api_url)

    if sync:
        settings = settings.model_copy(update={"sync_commands": True})
    return run(lambda: create_bot(settings), settings.discord_token.get_secret_value())


def sharding_problem(settings: Settings) -> str | None:
    """Why these shard settings cannot run, in one line; None when they can."""
    try:
        shards = settings.shards()
    except ValueError as error:
        return f"The shard settings are wrong: {error}. Give SHARD_COUNT and SHARD_IDS like 4 and 0-1, or neither."
    if not shards.holds_all and settings.is_sqlite:
        return (
            f"This process would hold {shards.describe()}, so other processes hold the rest, and they must "
            "share one database: set DATABASE_URL to PostgreSQL (postgres://user:password@host/gromada). "
            "SQLite serves one process only."
        )
    return None


def api_url_problem(settings: Settings) -> str | None:
    url = settings.discord_api_url
    if url and not url.startswith(("http://", "https://")):
        return (
            f"DISCORD_API_URL must be an http:// or https:// address ending in the API version, like "
            f"http://nirn-proxy:8080/api/v10, not {url!r}."
        )
    return None


async def _migrate(settings: Settings) -> int:
    from gromada.db import close_database, open_database

    await open_database(settings)
    await close_database()
    log.info("database is up to date")
    return 0


async def _update_catalogs(domains: list[str] | None) -> int:
    from gromada.i18n_catalogs import all_messages, loaded_tree, update_catalogs

    messages = all_messages(await loaded_tree())
    if domains:
        messages = {domain: entries for domain, entries in messages.items() if domain in domains}
    for path in update_catalogs(messages):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
