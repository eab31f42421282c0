"""Public pages' pure rules: the unguessable token and the address built from it."""

from __future__ import annotations

import re
import secrets

# 32 random bytes, written in 43 URL-safe characters: no one finds a server's pages by trying.
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    """Whether `token` could be one we made (anything else is refused without a query)."""
    return TOKEN_SHAPE.fullmatch(token) is not None


def site_address(base_url: str, token: str) -> str:
    """The address of a server's pages under the web server's public base address."""
    return f"{base_url.rstrip('/')}/s/{token}/"
