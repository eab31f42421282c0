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
from gromada.i18n import N_, Plural
from models.core import BindingKind

PollChannel = discord.abc.GuildChannel | discord.Thread


async def require_creator(member: discord.Member) -> None:
    """The server's `polls_creators` option decides; by default members, not newcomers."""
    creators = service.Creators(await guild_config.get_option(member.guild.id, service.CREATORS))
    staff = await is_moderator(member)
    if service.may_create(creators, is_moderator=staff, is_member=await _is_member(member)):
        return
    if creators == service.Creators.MODERATORS:
        raise NotAllowed(N_("Only moderators can create polls on this server."))
    raise NotAllowed(
        N_(
            "Only members and moderators can create polls on this server: newcomers can once they "
            "have the member role. An admin can change who may with /setup option polls_creators."
        )
    )


async def _is_member(member: discord.Member) -> bool:
    """Holds the member role; where none is set up, anyone who does not hold the newcomer role."""
    bound = await guild_config.bindings(member.guild.id)
    member_role = bound.get((BindingKind.ROLE, "member"))
    if member_role is not None:
        return member.get_role(member_role) is not None
    newcomer_role = bound.get((BindingKind.ROLE, "newcomer"))
    return newcomer_role is None or member.get_role(newcomer_role) is None


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
