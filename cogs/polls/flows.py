"""The Discord side of polls: who can read a poll where, posting it, votes and the public tally,
closing and announcing the results, reminders.

The service decides and counts; this module makes Discord show it. A poll that could not be
posted is discarded; a results post that failed is retried by the close timer until it is out.
The bot's one TallyRefresher and the per-poll close locks belong to the cog (one per bot);
functions here reach them through it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import discord

from cogs.polls import service, views
from gromada import guild_config, messaging
from gromada.checks import is_moderator
from gromada.commands import Command
from gromada.errors import DiscordRefused, NotAllowed, NotFound
from gromada.i18n import N_, Plural, use_locale
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from gromada.ui import mention_only, reply
from models.core import BindingKind, Timer
from models.polls import Poll, PollKind

log = logging.getLogger(__name__)

PollChannel = discord.abc.GuildChannel | discord.Thread

# The public tally is edited at most this often, however many votes arrive.
REFRESH_INTERVAL = timedelta(seconds=5)
# Editing a message older than an hour is rate limited harder by Discord: once a poll message
# is that old the tally rides on a vote's own interaction response where it can (see
# TallyRefresher.should_piggyback), and the fallback edit is spaced out further.
OLD_MESSAGE_AGE = timedelta(hours=1)
OLD_MESSAGE_INTERVAL = timedelta(seconds=60)


def _cog(bot: discord.Client):
    """The cog holds the bot's one TallyRefresher, its open polls and its close locks."""
    return bot.get_cog("PollsCog")


async def poll_of(bot: discord.Client, poll_id: int, guild_id: int | None) -> Poll:
    """A poll a button or a modal of the server `guild_id` acts on, from the open polls kept in
    memory (service.PollCache): a poll of another server is refused as if it did not exist."""
    return await _cog(bot).polls.in_server(poll_id, guild_id)


# ---------------------------------------------------------------- who may create a poll, and where
#
# A poll is only fair where its whole electorate can read it: posted in a private thread or
# a channel some electors cannot open, it would count them in the quorum and the turnout
# while they could never vote.


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


async def electorate(guild: discord.Guild, eligible_role: discord.Role | None) -> list[discord.Member]:
    """The people who may vote: holders of the role, or everyone; never bots."""
    await messaging.with_all_members(guild)
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
    channel = await messaging.purpose_channel(guild, "decisions")
    if not isinstance(channel, discord.TextChannel) or await unable_to_read(channel, electors):
        return None
    return channel


# ---------------------------------------------------------------- the poll message


async def current_embed(bot: discord.Client, poll: Poll) -> discord.Embed:
    """The poll message as everyone sees it, in the server's language (not the voter's)."""
    result = await service.result_of(poll)
    turnout = result.turnout
    votes = result.votes if not poll.hide_results or poll.status != "open" else None
    with use_locale(await language_for_guild(bot, poll.guild_id)):
        return views.poll_embed(poll, votes, turnout)


async def create_single_choice_poll(
    guild: discord.Guild,
    channel: PollChannel,
    creator: discord.Member,
    question: str,
    options: str,
    duration: str | None,
) -> Poll:
    """A single-choice poll open to every member, for another feature that starts one from its
    own item (a meeting's agenda, a survey's answer). Not posted yet: the caller links it first."""
    electors = await electorate(guild, None)
    await require_readable(channel, electors)
    request = service.PollRequest(
        guild_id=guild.id,
        channel_id=channel.id,
        creator_id=creator.id,
        question=question,
        options=options,
        kind=PollKind.SINGLE,
        duration=duration,
    )
    return await service.create_poll(request, [person.id for person in electors], now())


async def post_poll(
    bot: discord.Client, channel: discord.abc.Messageable, poll: Poll, *, origin: str | None = None
) -> None:
    """Post the new poll's message and arm its deadline; a poll nobody can see is discarded.

    `origin` is a line above the poll saying where it comes from (a survey's results); the
    poll is redrawn through its embed only, so the line stays."""
    try:
        with use_locale(await language_for_guild(bot, poll.guild_id)):
            view = views.poll_components(poll)
        message = await channel.send(content=origin, embed=await current_embed(bot, poll), view=view)
    except discord.HTTPException:
        # Compensate: a poll nobody can see must not stay open in the database.
        await service.discard_poll(poll.pk)
        raise DiscordRefused(
            N_("I could not post the poll in this channel. Check that I may send messages here, then try again.")
        ) from None
    await service.attach_message(poll.pk, message.id)
    await bot.timers.schedule(service.CLOSE_TIMER, poll.closes_at, ref_id=poll.pk, guild_id=poll.guild_id)


# ---------------------------------------------------------------- votes


async def vote_and_confirm(
    interaction: discord.Interaction, poll: Poll, ballot: list[int], reason: str | None = None
) -> None:
    """Cast the vote, then answer with one call: the ephemeral confirmation.

    When the tally is due and the poll message is old, the same single response edits the
    poll message instead and the confirmation follows (see TallyRefresher).
    """
    refresher = _cog(interaction.client).refresher
    outcome = await cast_vote(interaction.client, poll, interaction.user.id, ballot, reason)
    text = views.confirmation(poll, ballot, outcome)
    on_poll_message = interaction.message is not None and interaction.message.id == poll.message_id
    if on_poll_message and refresher.should_piggyback(poll):
        await interaction.response.edit_message(embed=await current_embed(interaction.client, poll))
        await interaction.followup.send(text, ephemeral=True)
        return
    await reply(interaction, text)
    if outcome != service.VoteOutcome.UNCHANGED:
        refresher.poke(poll)


async def cast_vote(
    bot: discord.Client, poll: Poll, user_id: int, ballot: list[int], reason: str | None = None
) -> service.VoteOutcome:
    try:
        return await service.cast_vote(poll, user_id, ballot, now(), reason)
    except service.PollClosed:
        _cog(bot).polls.forget(poll.pk)  # closed by its deadline or elsewhere: read it afresh
        raise


async def submit_ranking(interaction: discord.Interaction, flow: views.RankingFlow) -> None:
    """Cast the ranking built in the flow, and show the confirmation in its place."""
    outcome = await cast_vote(interaction.client, flow.poll, interaction.user.id, flow.ranking)
    flow.stop()
    text = views.confirmation(flow.poll, flow.ranking, outcome)
    await interaction.response.edit_message(content=text, view=None)
    if outcome != service.VoteOutcome.UNCHANGED:
        _cog(interaction.client).refresher.poke(flow.poll)


class TallyRefresher:
    """At most one edit of a poll message per interval, however many votes arrive.

    A vote marks its poll dirty; a flush (PollsCog.flush_tallies, every REFRESH_INTERVAL while
    anything is dirty) edits a dirty poll message once the interval has passed since it was
    first marked (and since its last edit), reading the tally as it is *then*: every vote
    before the edit is shown and the votes after it mark the poll again. Nothing runs, reads
    or writes while no vote arrives.
    """

    def __init__(self, bot: discord.Client, polls: service.PollCache, on_dirty: Callable[[], None]) -> None:
        self.bot = bot
        self._polls = polls
        self._on_dirty = on_dirty
        self._dirty: dict[int, Poll] = {}
        self._dirty_since: dict[int, float] = {}
        self._last_edit: dict[int, float] = {}

    @staticmethod
    def _is_old(poll: Poll) -> bool:
        return now() - poll.created_at >= OLD_MESSAGE_AGE

    def _since_last_edit(self, poll_id: int) -> float:
        return now().timestamp() - self._last_edit.get(poll_id, 0.0)

    def should_piggyback(self, poll: Poll) -> bool:
        """Old poll message and a refresh due: let this vote's response carry the new tally."""
        if not self._is_old(poll) or self._since_last_edit(poll.pk) < REFRESH_INTERVAL.total_seconds():
            return False
        self._last_edit[poll.pk] = now().timestamp()
        self._unmark(poll.pk)
        return True

    def poke(self, poll: Poll) -> None:
        if poll.message_id is not None:
            self._dirty[poll.pk] = poll
            self._dirty_since.setdefault(poll.pk, now().timestamp())
            self._on_dirty()

    @property
    def pending(self) -> set[int]:
        return set(self._dirty)

    async def flush(self) -> None:
        for poll_id, poll in list(self._dirty.items()):
            interval = (OLD_MESSAGE_INTERVAL if self._is_old(poll) else REFRESH_INTERVAL).total_seconds()
            waited = now().timestamp() - self._dirty_since.get(poll_id, 0.0)
            # Half a second of slack: the loop's ticks and the interval are the same length.
            if waited < interval - 0.5 or self._since_last_edit(poll_id) < interval - 0.5:
                continue
            # Leave the dirty set before reading: a vote committed from now on marks it again.
            self._unmark(poll_id)
            await self.refresh(poll_id)

    def _unmark(self, poll_id: int) -> None:
        self._dirty.pop(poll_id, None)
        self._dirty_since.pop(poll_id, None)

    async def refresh(self, poll_id: int) -> None:
        try:
            poll = await self._polls.get(poll_id)
        except NotFound:
            return
        if poll.message_id is None or poll.status != "open":
            return  # closing edits the message itself
        channel = self.bot.get_channel(poll.channel_id)
        if channel is None:
            return
        self._last_edit[poll_id] = now().timestamp()
        try:
            await channel.get_partial_message(poll.message_id).edit(embed=await current_embed(self.bot, poll))
        except discord.HTTPException:
            # The next vote (or the close) shows the tally again; nothing is lost.
            log.warning("could not refresh the tally of poll %s", poll_id, exc_info=True)

    def forget(self, poll_id: int) -> None:
        self._unmark(poll_id)
        self._last_edit.pop(poll_id, None)


# ---------------------------------------------------------------- closing


async def on_deadline(bot: discord.Client, timer: Timer) -> None:
    poll = await Poll.get_or_none(id=timer.ref_id)
    if poll is None or service.announced(poll):
        return  # deleted, or closed and announced already
    await finish(bot, poll.pk)


async def close_now(bot: discord.Client, poll_id: int) -> None:
    """Close before the deadline (its creator or a moderator asked) and post the results."""
    await bot.timers.cancel(service.CLOSE_TIMER, poll_id)
    try:
        await finish(bot, poll_id)
    except discord.HTTPException:
        # The poll is closed and its decision logged; only the announcement is missing.
        raise DiscordRefused(
            N_("Poll #{id} is closed, but I could not post its results. Run {command} again to retry."),
            id=poll_id,
            command=Command("poll close"),
        ) from None


async def finish(bot: discord.Client, poll_id: int) -> None:
    """Close (once) and announce (until it succeeds: a failed post is retried by the timer)."""
    cog = _cog(bot)
    async with cog.closing[poll_id]:
        await service.close_poll(poll_id, now())
        cog.polls.forget(poll_id)
        cog.refresher.forget(poll_id)
        poll = await Poll.get(id=poll_id)
        if poll.results_message_id is None:
            await _announce(bot, poll)


async def _announce(bot: discord.Client, poll: Poll) -> None:
    channel = bot.get_channel(poll.channel_id)
    if channel is None:
        log.warning("poll %s: channel %s is gone; results stay in the decision log", poll.pk, poll.channel_id)
        await service.mark_announced(poll.pk, 0)
        return
    result = await service.result_of(poll)
    with use_locale(await language_for_guild(bot, poll.guild_id)):
        embed, chart, more = await views.results_embed(poll, result)
        view = views.poll_components(poll, closed=True)
    message = await channel.send(embed=embed, file=chart)
    await service.mark_announced(poll.pk, message.id)
    try:
        for page in more:
            await channel.send(page)
    except discord.HTTPException:
        log.warning("poll %s: could not post all details of the results", poll.pk, exc_info=True)
    if poll.message_id:
        try:
            await channel.get_partial_message(poll.message_id).edit(embed=await current_embed(bot, poll), view=view)
        except discord.HTTPException:
            log.warning("poll %s: could not disable the buttons of the poll message", poll.pk)
    await _log_decision(bot, poll, message)


async def _log_decision(bot: discord.Client, poll: Poll, results: discord.Message) -> None:
    """A line in the `decisions` channel, if the server has one and the poll was elsewhere."""
    guild = bot.get_guild(poll.guild_id)
    channel = await messaging.purpose_channel(guild, "decisions") if guild is not None else None
    if channel is None or channel.id == poll.channel_id:
        return
    decision = await service.decisions_for_poll(poll.pk)
    await messaging.post_to(bot, guild, "decisions", lambda: views.decision_line(poll, decision, results))


# ---------------------------------------------------------------- reminders


async def not_voted_yet(guild: discord.Guild, poll: Poll) -> list[int]:
    """Electors still on the server who have not voted yet."""
    guild = await messaging.with_all_members(guild)
    return [user_id for user_id in await service.non_voters(poll) if guild.get_member(user_id) is not None]


async def remind(
    bot: discord.Client, poll: Poll, waiting: list[int], claimed_at: datetime, fallback: discord.abc.Messageable
) -> None:
    """Ping the members who have not voted, in the poll's channel, a message per batch of mentions.

    When Discord refuses before anyone was pinged, the reminder slot claimed at `claimed_at`
    is given back, so the reminder may be asked for again at once.
    """
    channel = bot.get_channel(poll.channel_id) or fallback
    with use_locale(await language_for_guild(bot, poll.guild_id)):
        header = views.reminder_header(poll)
    sent = 0
    try:
        for batch in views.reminder_batches(header, waiting):
            text = header + "\n" + " ".join(f"<@{user_id}>" for user_id in batch)
            await channel.send(text, allowed_mentions=mention_only(*(discord.Object(id=i) for i in batch)))
            sent += 1
    except discord.HTTPException:
        if sent == 0:
            await service.release_reminder(poll.pk, claimed_at, poll.reminded_at)
        raise DiscordRefused(
            N_("I could not post the reminder in the poll's channel. Check that I may send messages there."),
        ) from None
