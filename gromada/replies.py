"""Answering an interaction, and who a message may ping.

Kept apart from gromada.ui so that the one error path can answer with the same function.
"""

from __future__ import annotations

from typing import Any

import discord

NO_MENTIONS = discord.AllowedMentions.none()


def mention_only(*users: discord.abc.Snowflake) -> discord.AllowedMentions:
    """Allowed mentions that ping exactly these people and nobody else."""
    return discord.AllowedMentions(everyone=False, roles=False, users=list(users), replied_user=False)


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = True,
    allowed_mentions: discord.AllowedMentions = NO_MENTIONS,
    **kwargs: Any,
) -> None:
    """Answer an interaction whether or not it was deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=ephemeral, allowed_mentions=allowed_mentions, **kwargs)
    else:
        await interaction.response.send_message(
            content, ephemeral=ephemeral, allowed_mentions=allowed_mentions, **kwargs
        )
