"""Anonymous participation, shared by anonymous polls and anonymous surveys.

A member's taking part is stored only as a keyed hash of (item id, member id) under a secret
that belongs to the poll or survey: it refuses a second ballot or response without naming
anyone, and once the secret is erased at the close nobody can recompute it for any member.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret() -> str:
    return secrets.token_hex(32)


def participation_token(secret: str, item_id: int, user_id: int) -> str:
    """The keyed hash that says "this member took part in this poll or survey" and nothing more."""
    return hmac.new(bytes.fromhex(secret), f"{item_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
