"""/poll create|close|results|remind|export and /decisions: parse, call the service or flows, reply."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from cogs.polls import flows, service, views
from gromada import cooldowns
from gromada.checks import is_moderator, require_guild, require_moderator
from gromada.errors import Conflict, InvalidInput, LimitReached, Relative
from gromada.feature import FeatureCog
from gromada.i18n import N_, _, _n
from gromada.ids import IdOption as PollId
from gromada.scheduler import TimerHandler, now
from gromada.text import clean
from gromada.ui import Pager, date_named, paginate_lines, reply, truncate
from models.polls import PollKind, PollStatus

if TYPE_CHECKING:
    from gromada.bot import Gromada

log = logging.getLogger(__name__)

# A choice's name is what people read (and translators translate): the kind as the poll card names it.
KIND_CHOICES = [app_commands.Choice(name=str(label), value=kind.value) for kind, label in views.KIND_LABELS.items()]
# A poll is a post for everyone and a results chart is drawn for the asker: both cost.
CREATE_COOLDOWN = cooldowns.declare(
    "poll_create", timedelta(minutes=5), N_("Time a member waits between creating two polls")
)
RESULTS_COOLDOWN = cooldowns.declare(
    "poll_results", timedelta(seconds=15), N_("Time a member waits between two requests for poll results")
)
EXPORT_COOLDOWN = cooldowns.export("poll_export")


class PollsCog(FeatureCog):
    poll = app_commands.Group(name="poll", description="Decision polls", guild_only=True)
    persistent_items = (views.VoteButton, views.MultiSelect, views.RankButton)

    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        # The open polls votes read (flows reaches them and the refresher through the cog).
        self.polls = service.PollCache()
        # The bot's one coalescing refresher of poll messages.
        self.refresher = flows.TallyRefresher(bot, self.polls, on_dirty=self._flush_soon)
        # One close at a time per poll in this process (deadline and /poll close may meet).
        self.closing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {service.CLOSE_TIMER: functools.partial(flows.on_deadline, self.bot)}

    async def ensure_deadlines(self) -> None:
        # A poll whose close timer was lost (a stop between posting the poll and arming its
        # timer, or a results post that failed through every retry) is armed again, so every
        # poll closes and announces its results; one past its deadline closes right away.
        for poll in await service.polls_to_finish():
            await self.bot.timers.ensure(service.CLOSE_TIMER, poll.closes_at, ref_id=poll.pk, guild_id=poll.guild_id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Votes of the last seconds before a stop may not be shown yet: refresh open polls once
        # (here rather than in cog_load: editing messages needs the connection to Discord).
        for poll in await service.displayed_open_polls():
            self.refresher.poke(poll)

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.flush_tallies.cancel()

    def _flush_soon(self) -> None:
        """Run the flush loop while some poll has unshown votes, and only then.

        An idle loop ticking every few seconds would cost work for nothing, and would make a
        simulated clock step through every tick when tests move time forward by days.
        """
        if not self.flush_tallies.is_running():
            self.flush_tallies.start()

    @tasks.loop(seconds=flows.REFRESH_INTERVAL.total_seconds())
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
        kind="How people vote: for one option, for several, by ranking them, or by consent",
        duration="How long it stays open, like 90m, 36h or 3d (default 3d)",
        anonymous="Nobody can see who voted what (votes cannot be changed)",
        eligible_role="Only members holding this role now may vote (default: everyone)",
        quorum="Percent of the electorate that must vote",
        hide_results="Hide the tally until the poll closes",
        max_choices="For multiple choice: how many options each member may choose",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @cooldowns.limited(CREATE_COOLDOWN)
    async def create(
        self,
        interaction: discord.Interaction,
        question: str,
        options: str | None = None,
        kind: str = PollKind.SINGLE.value,
        duration: str | None = None,
        anonymous: bool = False,
        eligible_role: discord.Role | None = None,
        quorum: app_commands.Range[int, 0, 100] = 0,
        hide_results: bool = False,
        max_choices: app_commands.Range[int, 1, service.MAX_OPTIONS] | None = None,
    ) -> None:
        member = require_guild(interaction)
        await flows.require_creator(member)
        channel = interaction.channel
        if eligible_role is not None and eligible_role.is_default():
            eligible_role = None
        electors = await flows.electorate(interaction.guild, eligible_role)
        await flows.require_readable(channel, electors)
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
        poll = await service.create_poll(request, electorate, now())
        await flows.post_poll(self.bot, channel, poll)
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
        await flows.close_now(self.bot, poll_id)
        await reply(interaction, _("Poll #{id} is closed; the results are posted.", id=poll_id))

    # ------------------------------------------------------------ results, remind, export

    @poll.command(name="results", description="Show a poll's results (or its standings while open)")
    @app_commands.describe(poll_id="The poll's number")
    @cooldowns.limited(RESULTS_COOLDOWN)
    async def results(self, interaction: discord.Interaction, poll_id: PollId) -> None:
        poll = await service.get_poll(poll_id, interaction.guild_id)
        service.require_visible_results(poll)
        result = await service.result_of(poll)
        still_open = poll.status == PollStatus.OPEN
        embed, chart, more = await views.results_embed(
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
        waiting = await flows.not_voted_yet(interaction.guild, poll)
        if not waiting:
            await reply(interaction, _("Everyone eligible has already voted in poll #{id}.", id=poll_id))
            return
        next_allowed = await service.claim_reminder(poll.pk, moment)
        if next_allowed is not None:
            raise LimitReached(
                N_("Poll #{id} already had a reminder {last}. The next reminder is possible {when}."),
                id=poll_id,
                last=Relative(next_allowed - service.REMINDER_INTERVAL),
                when=Relative(next_allowed),
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await flows.remind(self.bot, poll, waiting, moment, interaction.channel)
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
        search = clean(search)
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
                date=date_named(row.decided_at),
                question=truncate(row.question, 200),
                outcome=views.decision_outcome_text(row.outcome, truncate(row.winners, 200)),
                turnout=row.turnout,
                electorate=row.electorate,
            )
            for row in rows
        ]
        pager = Pager(paginate_lines(lines, limit=1500), owner_id=interaction.user.id, title=_("Decision log"))
        await pager.send(interaction)
