"""Process-wide settings: secrets and URLs come from the environment (or a .env file).

Per-server settings live in the database and are edited with /setup; see gromada.guild_config.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gromada.shards import Shards, parse_ids

DEFAULT_DATABASE_URL = "sqlite://./data/gromada.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    # sqlite:///abs/path.sqlite3, sqlite://relative/path.sqlite3 or postgres://user:pass@host/db
    database_url: str = DEFAULT_DATABASE_URL
    # The language used when neither the person nor the server has one we speak.
    default_language: Literal["en", "pl", "ru"] = "en"
    # Push the slash-command tree to Discord on start. Off by default: syncing on every
    # start is rate limited by Discord, so it is done once per release (`gromada run --sync`).
    sync_commands: bool = False
    web_enabled: bool = True
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # When set, /metrics answers only requests with `Authorization: Bearer <token>`.
    metrics_token: SecretStr | None = None
    # The address people reach the web server at (https://gromada.example.org), for the links
    # to the public pages that /setup public shows and to calendar feeds; by default the
    # address it listens on.
    public_url: str | None = None
    # Requests one address may make to the public pages per minute (then 429 with Retry-After).
    public_requests_per_minute: int = 60
    # Reverse proxies in front of the web server (comma-separated addresses): for a request
    # from one of them the limit counts the address the proxy last appended to X-Forwarded-For.
    public_trusted_proxies: str = ""
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    # Discord sharding (gromada.shards): how many shards the bot has in all, and which of them
    # this process holds (`0-3`, `4,5`); empty: one connection holding every server.
    shard_count: int | None = None
    shard_ids: str | None = None
    # Discord's REST API address: point it at a rate-limit proxy (nirn-proxy) that several
    # processes share, e.g. http://proxy:8080/api/v10; empty: Discord itself.
    discord_api_url: str | None = None

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # Tortoise speaks "postgres://"; people and hosting providers often write "postgresql://".
        for prefix in ("postgresql+asyncpg://", "postgresql://"):
            if value.startswith(prefix):
                return "postgres://" + value[len(prefix) :]
        return value

    @field_validator("shard_count", "shard_ids", "discord_api_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `SHARD_IDS=` in .env (as .env.example writes it) means "not set", not an error.
        return None if isinstance(value, str) and not value.strip() else value

    def shards(self) -> Shards:
        """The shards this process holds; ValueError says in a sentence what is wrong with them."""
        if self.shard_count is None:
            if self.shard_ids is not None:
                raise ValueError("SHARD_IDS is set without SHARD_COUNT (how many shards there are in all)")
            return Shards()
        if self.shard_count < 1:
            raise ValueError(f"SHARD_COUNT must be at least 1, not {self.shard_count}")
        ids = None if self.shard_ids is None else parse_ids(self.shard_ids)
        if ids is not None and max(ids) >= self.shard_count:
            raise ValueError(
                f"shard {max(ids)} does not exist with SHARD_COUNT={self.shard_count} (0 to {self.shard_count - 1})"
            )
        return Shards.of(self.shard_count, ids)

    def public_base_url(self) -> str:
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    def sqlite_path(self) -> Path | None:
        """The database file, for creating its folder before the first start."""
        if not self.is_sqlite:
            return None
        raw = self.database_url[len("sqlite://") :]
        return None if raw in ("", ":memory:") else Path(raw)
