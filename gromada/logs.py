"""Logging to stdout: one JSON object per line (or plain text for people at a terminal)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def brief(error: BaseException) -> str:
    """An error in a few words, for one line of log or console."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class ReconnectsInOneLine(logging.Filter):
    """discord.py logs every gateway reconnect with a traceback; a dropped network is no bug.

    Each becomes one line that names the failure, as the bot's own retries do (gromada.startup).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "discord.client" and record.exc_info and str(record.msg).startswith("Attempting a reconnect"):
            record.msg = f"{record.msg} (%s)"
            record.args = (*(record.args or ()), brief(record.exc_info[1]))
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(ReconnectsInOneLine())
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # discord.py's HTTP layer logs request details at DEBUG; keep it quieter than our own logs.
    logging.getLogger("discord.http").setLevel(max(logging.INFO, root.level))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
