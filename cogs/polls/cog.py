"""/poll create|close|results|remind|export and /decisions: parse, call the service, views."""

from __future__ import annotations

import asyncio
import io
import logging
from collections import defaultdict
from datetime import timedelta
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from cogs.polls import access, service, views
from cogs.polls.chart import bar_chart
from cogs.polls.views import REFRESH_INTERVAL, TallyRefresher, current_embed, poll_components
from gromada import cooldowns, guild_config
from gromada.checks import is_moderator, require_guild, require_moderator
from gromada.errors import Conflict, DiscordRefused, InvalidInput, LimitReached
from gromada.i18n import N_, _, _n, use_locale
from gromada.ids import IdOption as PollId
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from gromada.ui import MESSAGE_LIMIT, Pager, mention_only, paginate_lines, reply, truncate
from models.core import BindingKind, Timer
from models.polls import Poll, PollStatus

log = logging.getLogger(__name__)

EMBED_DESCRIPTION_LIMIT = 4096
Kind = Literal["single", "multi", "ranked", "consent"]
# A poll is a post for everyone and a results chart is drawn for the asker: both cost.
CREATE_COOLDOWN = cooldowns.declare(
    "poll_create", timedelta(minutes=5), N_("Time a member waits between creating two polls")
)
RESULTS_COOLDOWN = cooldowns.declare(
    "poll_results", timedelta(seconds=15), N_("Time a member waits between two /poll results")
)
EXPORT_COOLDOWN = cooldowns.export("poll_export")


class PollsCog(commands.Cog):
    poll = app_commands.Group(name="poll", description="Decision polls", guild_only=True)

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.refresher = TallyRefresher(bot, on_dirty=self._flush_soon)
        # One close at a time per poll in this process (deadline and /poll close may meet).
        self._closing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        bot.add_timer_handler(service.CLOSE_TIMER, self._on_deadline)

    async def cog_load(self) -> None:
        # A poll whose close timer was lost (a stop between posting the poll and arming its
        # timer, or a results post that failed through every retry) is armed again, so every
        # poll closes and announces its results; one past its deadline closes right away.
        for poll in await service.polls_to_finish():
            if await self.bot.timers.pending(service.CLOSE_TIMER, poll.pk) is None:
                await self.bot.timers.schedule(
                    service.CLOSE_TIMER, poll.closes_at, ref_id=poll.pk, guild_id=poll.guild_id
                )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Votes of the last seconds before a stop may not be shown yet: refresh open polls once
        # (here rather than in cog_load: editing messages needs the connection to Discord).
        for poll in await Poll.filter(status=PollStatus.OPEN, message_id__isnull=False):
            self.refresher.poke(poll)

    async def cog_unload(self) -> None:
        self.flush_tallies.cancel()

    def _flush_soon(self) -> None:
        """Run the flush loop while some poll has unshown votes, and only then.

        An idle loop ticking every few seconds would cost work for nothing, and would make a
        simulated clock step through every tick when tests move time forward by days.
        """
        if not self.flush_tallies.is_running():
            self.flush_tallies.start()

    @tasks.loop(seconds=REFRESH_INTERVAL.total_seconds())
    async def flush_tallies(self) -> None:
        """The one place poll messages are edited for new votes (coalesced, see TallyRefresher)."""
        try:
            await self.refresher.flush()
        except Exception:
            # A database hiccup must not stop refreshing for good; the next round tries again.
            log.exception("refreshing poll tallies failed")
        if not self.refresher.pending:
            self.flush_tallies.stop()

    @flush_tallies.after_loop
    async def _resume_if_votes_arrived(self) -> None:
        # A vote that came while the loop was stopping found it still running: start anew.
        if self.refresher.pending and not self.flush_tallies.is_being_cancelled():
            asyncio.get_running_loop().call_soon(self._flush_soon)

    # ------------------------------------------------------------ create

    @poll.command(name="create", description="Open a decision poll in this channel")
    @app_commands.describe(
        question="What is being decided",
        options="The options, separated by ; (ignored for consent)",
        kind="single, multi, ranked (instant-runoff) or consent",
        duration="How long it stays open, like 90m, 36h or 3d (default 3d)",
        anonymous="Nobody can see who voted what (votes cannot be changed)",
        eligible_role="Only members holding this role now may vote (default: everyone)",
        quorum="Percent of the electorate that must vote",
        hide_results="Hide the tally until the poll closes",
        max_choices="For multi: how many options each member may choose",
    )
    @cooldowns.limited(CREATE_COOLDOWN)
    async def create(
        self,
        interaction: discord.Interaction,
        question: str,
        options: str | None = None,
        kind: Kind = "single",
        duration: str | None = None,
        anonymous: bool = False,
        eligible_role: discord.Role | None = None,
        quorum: app_commands.Range[int, 0, 100] = 0,
        hide_results: bool = False,
        max_choices: app_commands.Range[int, 1, service.MAX_OPTIONS] | None = None,
    ) -> None:
        member = require_guild(interaction)
        await access.require_creator(member)
        channel = interaction.channel
        if eligible_role is not None and eligible_role.is_default():
            eligible_role = None
        electors = await access.electorate(interaction.guild, eligible_role)
        await access.require_readable(channel, electors)
        electorate = [person.id for person in electors]
        request = service.PollRequest(
            guild_id=interaction.guild_id,
            channel_id=channel.id,
            creator_id=member.id,
            question=question,
            options=options,
            kind=service.PollKind(kind),
            duration=duration,
            anonymous=anonymous,
            eligible_role_id=eligible_role.id if eligible_role else None,
            quorum_percent=quorum,
            hide_results=hide_results,
            max_choices=max_choices,
        )
        poll = await service.create_poll(request, electorate, discord.utils.utcnow())
        try:
            with use_locale(await language_for_guild(self.bot, poll.guild_id)):
                view = poll_components(poll)
            message = await channel.send(embed=await current_embed(self.bot, poll), view=view)
        except discord.HTTPException:
            # Compensate: a poll nobody can see must not stay open in the database.
            await service.discard_poll(poll.pk)
            raise DiscordRefused(
                N_("I could not post the poll in this channel. Check that I may send messages here, then try again.")
            ) from None
        await service.attach_message(poll.pk, message.id)
        await self.bot.timers.schedule(service.CLOSE_TIMER, poll.closes_at, ref_id=poll.pk, guild_id=poll.guild_id)
        await reply(
            interaction,
            _n(
                "Poll #{id} is open for {n} eligible member until {when}.",
                "Poll #{id} is open for {n} eligible members until {when}.",
                poll.electorate_size,
                id=poll.pk,
                when=discord.utils.format_dt(poll.closes_at, "f"),
            ),
        )

    # ------------------------------------------------------------ close

    @poll.command(name="close", description="Close a poll now (its creator or a moderator)")
    @app_commands.describe(poll_id="The poll's number")
    async def close(self, interaction: discord.Interaction, poll_id: PollId) -> None:
        poll = await service.get_poll(poll_id, interaction.guild_id)
        service.require_manager(poll, interaction.user.id, await is_moderator(interaction.user))
        if service.announced(poll):
            raise Conflict(N_("Poll #{id} is already closed."), id=poll_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.timers.cancel(service.CLOSE_TIMER, poll_id)
        try:
            await self.finish(poll_id)
        except discord.HTTPException:
            # The poll is closed and its decision logged; only the announcement is missing.
            raise DiscordRefused(
                N_("Poll #{id} is closed, but I could not post its results. Run /poll close again to retry."),
                id=poll_id,
            ) from None
        await reply(interaction, _("Poll #{id} is closed; the results are posted.", id=poll_id))

    async def _on_deadline(self, timer: Timer) -> None:
        poll = await Poll.get_or_none(id=timer.ref_id)
        if poll is None or service.announced(poll):
            return  # deleted, or closed and announced already
        await self.finish(poll.pk)

    async def finish(self, poll_id: int) -> None:
        """Close (once) and announce (until it succeeds: a failed post is retried by the timer)."""
        async with self._closing[poll_id]:
            await service.close_poll(poll_id, discord.utils.utcnow())
            self.refresher.forget(poll_id)
            poll = await Poll.get(id=poll_id)
            if poll.results_message_id is None:
                await self._announce(poll)

    async def _announce(self, poll: Poll) -> None:
        channel = self.bot.get_channel(poll.channel_id)
        if channel is None:
            log.warning("poll %s: channel %s is gone; results stay in the decision log", poll.pk, poll.channel_id)
            await service.mark_announced(poll.pk, 0)
            return
        result = await service.result_of(poll)
        with use_locale(await language_for_guild(self.bot, poll.guild_id)):
            embed, chart, more = await self._results_embed(poll, result)
            view = poll_components(poll, closed=True)
        message = await channel.send(embed=embed, file=chart)
        await service.mark_announced(poll.pk, message.id)
        try:
            for page in more:
                await channel.send(page)
        except discord.HTTPException:
            log.warning("poll %s: could not post all details of the results", poll.pk, exc_info=True)
        if poll.message_id:
            try:
                await channel.get_partial_message(poll.message_id).edit(
                    embed=await current_embed(self.bot, poll), view=view
                )
            except discord.HTTPException:
                log.warning("poll %s: could not disable the buttons of the poll message", poll.pk)
        await self._log_decision(poll, message)

    async def _results_embed(
        self, poll: Poll, result: service.PollResult, note: str | None = None
    ) -> tuple[discord.Embed, discord.File, list[str]]:
        """The results embed with its chart, and the messages that carry rounds or reasons too long for it."""
        reserve = len(note) + 2 if note else 0
        text, more = views.results_pages(poll, result, EMBED_DESCRIPTION_LIMIT - reserve, MESSAGE_LIMIT)
        embed = discord.Embed(
            title=truncate(_("Results: {question}", question=poll.question), 256),
            description=truncate(text + ("\n\n" + note if note else ""), EMBED_DESCRIPTION_LIMIT),
            colour=discord.Colour.green(),
        )
        embed.set_footer(text=_("Poll #{id}", id=poll.pk))
        labels = [views.option_label(poll, index) for index in range(len(poll.options))]
        # Drawing costs 10 ms (3 options) to over 100 ms (25) of CPU: off the event loop, which keeps answering.
        png = await asyncio.to_thread(bar_chart, poll.question, labels, list(result.votes), set(result.winners))
        embed.set_image(url="attachment://results.png")
        return embed, discord.File(io.BytesIO(png), filename="results.png"), more

    async def _log_decision(self, poll: Poll, results: discord.Message) -> None:
        """A line in the `decisions` channel, if the server has one and the poll was elsewhere."""
        channel_id = await guild_config.binding(poll.guild_id, BindingKind.CHANNEL, "decisions")
        if channel_id is None or channel_id == poll.channel_id:
            return
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            return
        decision = await service.decisions_for_poll(poll.pk)
        with use_locale(await language_for_guild(self.bot, poll.guild_id)):
            text = _(
                "Decided (poll #{id}): {question} — {outcome}. {link}",
                id=poll.pk,
                question=poll.question,
                outcome=views.decision_outcome_text(decision.outcome, decision.winners),
                link=results.jump_url,
            )
        try:
            await channel.send(truncate(text, MESSAGE_LIMIT))
        except discord.HTTPException:
            log.warning("poll %s: could not post to the decisions channel", poll.pk)

    # ------------------------------------------------------------ results, remind, export

    @poll.command(name="results", description="Show a poll's results (or its standings while open)")
    @app_commands.describe(poll_id="The poll's number")
    @cooldowns.limited(RESULTS_COOLDOWN)
    async def results(self, interaction: discord.Interaction, poll_id: PollId) -> None:
        poll = await service.get_poll(poll_id, interaction.guild_id)
        service.require_visible_results(poll)
        result = await service.result_of(poll)
        still_open = poll.status == PollStatus.OPEN
        embed, chart, more = await self._results_embed(
            poll, result, _("The poll is still open.") if still_open else None
        )
        if still_open:
            embed.title = truncate(_("Standings so far: {question}", question=poll.question), 256)
        await reply(interaction, embed=embed, file=chart)
        for page in more:
            await reply(interaction, page)

    @poll.command(name="remind", description="Ping the eligible members who have not voted yet")
    @app_commands.describe(poll_id="The poll's number")
    async def remind(self, interaction: discord.Interaction, poll_id: PollId) -> None:
        poll = await service.get_poll(poll_id, interaction.guild_id)
        service.require_manager(poll, interaction.user.id, await is_moderator(interaction.user))
        moment = now()
        service.require_open(poll, moment)
        guild = await access.with_all_members(interaction.guild)
        waiting = [user_id for user_id in await service.non_voters(poll) if guild.get_member(user_id) is not None]
        if not waiting:
            await reply(interaction, _("Everyone eligible has already voted in poll #{id}.", id=poll_id))
            return
        next_allowed = await service.claim_reminder(poll.pk, moment)
        if next_allowed is not None:
            raise LimitReached(
                N_("Poll #{id} already had a reminder {last}. The next reminder is possible {when}."),
                id=poll_id,
                last=next_allowed - service.REMINDER_INTERVAL,
                when=next_allowed,
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = self.bot.get_channel(poll.channel_id) or interaction.channel
        with use_locale(await language_for_guild(self.bot, poll.guild_id)):
            header = _(
                "Reminder: poll #{id} “{question}” closes {when}. Not voted yet:",
                id=poll.pk,
                question=truncate(poll.question, 200),
                when=discord.utils.format_dt(poll.closes_at, "R"),
            )
        batches = reminder_batches(header, waiting)
        sent = 0
        try:
            for batch in batches:
                text = header + "\n" + " ".join(f"<@{user_id}>" for user_id in batch)
                await channel.send(text, allowed_mentions=mention_only(*(discord.Object(id=i) for i in batch)))
                sent += 1
        except discord.HTTPException:
            if sent == 0:
                # Nobody was pinged: the reminder may be asked for again at once.
                await service.release_reminder(poll.pk, moment, poll.reminded_at)
            raise DiscordRefused(
                N_("I could not post the reminder in the poll's channel. Check that I may send messages there."),
            ) from None
        await reply(
            interaction,
            _n(
                "Reminded {n} member who has not voted.",
                "Reminded {n} members who have not voted.",
                len(waiting),
            ),
        )

    @poll.command(name="export", description="Download a poll's ballots as CSV (moderators)")
    @app_commands.describe(poll_id="The poll's number")
    @cooldowns.limited(EXPORT_COOLDOWN)
    async def export(self, interaction: discord.Interaction, poll_id: PollId) -> None:
        await require_moderator(interaction)
        poll = await service.get_poll(poll_id, interaction.guild_id)
        data = await service.export_csv(poll)
        note = (
            _("Anonymous poll: counts per distinct ballot, no voters.") if poll.anonymous else _("One row per ballot.")
        )
        await reply(interaction, note, file=discord.File(io.BytesIO(data.encode()), filename=f"poll-{poll.pk}.csv"))

    # ------------------------------------------------------------ decision log

    @app_commands.command(name="decisions", description="The decision log: outcomes of closed polls, newest first")
    @app_commands.describe(search="Words in the question or the chosen option")
    @app_commands.guild_only()
    async def decisions(self, interaction: discord.Interaction, search: str | None = None) -> None:
        rows = await service.decisions(interaction.guild_id, search)
        if not rows:
            if search:
                raise InvalidInput(N_("No decision matches “{search}”."), search=search[:60])
            await reply(interaction, _("No decisions yet: closed polls appear here."))
            return
        lines = [
            _(
                "#{id} · {date} · **{question}** — {outcome} ({turnout}/{electorate})",
                id=row.poll_id,
                date=discord.utils.format_dt(row.decided_at, "d"),
                question=truncate(row.question, 200),
                outcome=views.decision_outcome_text(row.outcome, truncate(row.winners, 200)),
                turnout=row.turnout,
                electorate=row.electorate,
            )
            for row in rows
        ]
        pager = Pager(paginate_lines(lines, limit=1500), owner_id=interaction.user.id, title=_("Decision log"))
        await pager.send(interaction)


def reminder_batches(header: str, user_ids: list[int], limit: int = MESSAGE_LIMIT) -> list[list[int]]:
    """Split mentions into messages that each stay within Discord's length limit."""
    batches: list[list[int]] = []
    current: list[int] = []
    size = len(header) + 1
    for user_id in user_ids:
        mention = len(f"<@{user_id}>") + 1
        if current and size + mention > limit:
            batches.append(current)
            current, size = [], len(header) + 1
        current.append(user_id)
        size += mention
    if current:
        batches.append(current)
    return batches
