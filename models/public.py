"""Public community pages: whether a server publishes them, and at which unguessable address.

Nothing personal is stored here: the pages read what the other features already keep, and
show members' names only where the server's `public_names` option allows it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PublicSite(Model):
    """One row per server that has ever published its pages.

    The token is the secret part of the address (/s/<token>/). Rotating replaces it, so
    the old address stops working at once. Disabling clears it.
    """

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    token = fields.CharField(max_length=64, null=True, unique=True)
    enabled_at = fields.DatetimeField(null=True)
    rotated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "public_site"
