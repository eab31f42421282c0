"""Who may create a poll, who may vote in it, and whether they can all see where it is posted.

A poll is only fair where its whole electorate can read it: posted in a private thread or
a channel some electors cannot open, it would count them in the quorum and the turnout
while they could never vote.
"""

from __future__ import annotations

import discord

from cogs.polls import service
from gromada import guild_config
from gromada.checks import is_moderator
from gromada.errors import NotAllowed
from gromada.i18n import Plural
from models.core import BindingKind

PollChannel = discord.abc.GuildChannel | discord.Thread


async def require_creator(member: discord.Member) -> None:
    await service.require_creator(
        member.guild.id, is_moderator=await is_moderator(member), is_member=await _is_member(member)
    )


async def _is_member(member: discord.Member) -> bool:
    bound = await guild_config.bindings(member.guild.id)
    return service.counts_as_member(
        {role.id for role in member.roles},
        bound.get((BindingKind.ROLE, "member")),
        bound.get((BindingKind.ROLE, "newcomer")),
    )


async def with_all_members(guild: discord.Guild) -> discord.Guild:
    """The guild with its member cache filled: after a restart it holds nobody until chunked,
    and an electorate or a list of non-voters read from it then would be empty."""
    if not guild.chunked:
        await guild.chunk()
    return guild


async def electorate(guild: discord.Guild, eligible_role: discord.Role | None) -> list[discord.Member]:
    """The people who may vote: holders of the role, or everyone; never bots."""
    await with_all_members(guild)
    holders = eligible_role.members if eligible_role is not None else guild.members
    return [person for person in holders if not person.bot]


async def unable_to_read(channel: PollChannel, electors: list[discord.Member]) -> list[discord.Member]:
    """Electors who cannot read the poll's messages in this channel (nor its history)."""
    inside: set[int] | None = None
    if isinstance(channel, discord.Thread) and channel.type == discord.ChannelType.private_thread:
        # A private thread is open only to its members and to those who manage threads.
        inside = {thread_member.id for thread_member in await channel.fetch_members()}
    blind = []
    for person in electors:
        permissions = channel.permissions_for(person)
        readable = permissions.view_channel and permissions.read_message_history
        if readable and inside is not None:
            readable = person.id in inside or permissions.manage_threads
        if not readable:
            blind.append(person)
    return blind


async def require_readable(channel: PollChannel, electors: list[discord.Member]) -> None:
    """Refuse a channel some electors cannot read, naming the decisions channel if they all can."""
    blind = await unable_to_read(channel, electors)
    if not blind:
        return
    suggestion = await _decisions_channel(channel.guild, electors)
    if suggestion is not None and suggestion.id != channel.id:
        raise NotAllowed(
            Plural(
                "{n} eligible member cannot read this channel and could not vote. "
                "Create the poll in {channel}, which every eligible member can read.",
                "{n} eligible members cannot read this channel and could not vote. "
                "Create the poll in {channel}, which every eligible member can read.",
                len(blind),
            ),
            n=len(blind),
            channel=suggestion.mention,
        )
    raise NotAllowed(
        Plural(
            "{n} eligible member cannot read this channel and could not vote. Create the poll in a "
            "channel every eligible member can read, or choose an eligible role whose members can.",
            "{n} eligible members cannot read this channel and could not vote. Create the poll in a "
            "channel every eligible member can read, or choose an eligible role whose members can.",
            len(blind),
        ),
        n=len(blind),
    )


async def _decisions_channel(guild: discord.Guild, electors: list[discord.Member]) -> discord.TextChannel | None:
    channel_id = await guild_config.binding(guild.id, BindingKind.CHANNEL, "decisions")
    channel = guild.get_channel(channel_id) if channel_id is not None else None
    if not isinstance(channel, discord.TextChannel) or await unable_to_read(channel, electors):
        return None
    return channel
