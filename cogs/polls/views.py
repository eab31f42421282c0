"""What people see of a poll: its text (tally, results, decision lines) in the reader's language,
the poll message's components, the reason modal, the ranking flow, and the tally refresh.

Every component of a poll message is a persistent DynamicItem (`poll:<action>:<id>[:<option>]`)
whose state comes from the database, so buttons keep working after a restart.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from cogs.polls import rules, service
from cogs.polls.service import PollResult
from gromada.errors import Conflict
from gromada.i18n import N_, _, _n, use_locale
from gromada.interactions import language_for_guild
from gromada.ui import BaseModal, BaseView, PersistentItem, paginate_lines, reply, truncate
from models.polls import DecisionOutcome, Poll, PollKind

if TYPE_CHECKING:
    from cogs.polls.cog import PollsCog

log = logging.getLogger(__name__)

# The public tally is edited at most this often, however many votes arrive.
REFRESH_INTERVAL = timedelta(seconds=5)
# Editing a message older than an hour is rate limited harder by Discord: once a poll message
# is that old the tally rides on a vote's own interaction response where it can (see
# TallyRefresher.should_piggyback), and the fallback edit is spaced out further.
OLD_MESSAGE_AGE = timedelta(hours=1)
OLD_MESSAGE_INTERVAL = timedelta(seconds=60)
CONSENT_STYLES = (
    discord.ButtonStyle.success,
    discord.ButtonStyle.secondary,
    discord.ButtonStyle.primary,
    discord.ButtonStyle.danger,
)


# ---------------------------------------------------------------- what people read

KIND_LABELS = {
    PollKind.SINGLE: N_("single choice"),
    PollKind.MULTI: N_("multiple choice"),
    PollKind.RANKED: N_("ranked choice (instant-runoff)"),
    PollKind.CONSENT: N_("consent"),
}
CONSENT_LABELS = (N_("Agree"), N_("Abstain"), N_("Object"), N_("Block"))
BAR_WIDTH = 12


def option_label(poll: Poll, index: int) -> str:
    if poll.kind == PollKind.CONSENT:
        return _(CONSENT_LABELS[index])
    return poll.options[index]


def bar(part: int, whole: int) -> str:
    filled = 0 if whole == 0 else round(BAR_WIDTH * part / whole)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def tally_lines(poll: Poll, votes: tuple[int, ...], counted: int) -> list[str]:
    lines = []
    for index, count in enumerate(votes):
        share = rules.percent(count, counted)
        lines.append(f"`{bar(count, counted)}` **{option_label(poll, index)}**: {count} ({share:.0f}%)")
    return lines


def poll_description(poll: Poll, votes: tuple[int, ...] | None, turnout: int) -> str:
    """The poll message's body: options (with the tally unless hidden) and the facts."""
    if votes is None:
        lines = [f"{index + 1}. **{option_label(poll, index)}**" for index in range(len(poll.options))]
    else:
        counted = turnout if poll.kind != PollKind.MULTI else max(turnout, 1)
        lines = tally_lines(poll, votes, counted)
        if poll.kind == PollKind.RANKED:
            lines.append(_("(first preferences; the rounds are counted at close)"))
    lines.append("")
    lines.append(_("Kind: {kind}", kind=_(KIND_LABELS[poll.kind])))
    if poll.kind == PollKind.MULTI:
        lines.append(_n("Choose up to {n} option.", "Choose up to {n} options.", poll.max_choices))
    if poll.status == "open":
        lines.append(
            _(
                "Closes: {when} ({relative})",
                when=discord.utils.format_dt(poll.closes_at, "f"),
                relative=discord.utils.format_dt(poll.closes_at, "R"),
            )
        )
    else:
        lines.append(_("Closed."))
    lines.append(
        _n(
            "Voted: {turnout} of {n} eligible member",
            "Voted: {turnout} of {n} eligible members",
            poll.electorate_size,
            turnout=turnout,
        )
    )
    if poll.quorum_percent:
        lines.append(_("Quorum: {percent}% of the electorate", percent=poll.quorum_percent))
    if poll.eligible_role_id:
        lines.append(_("Eligible: members of <@&{role}> when the poll opened", role=poll.eligible_role_id))
    if poll.anonymous:
        lines.append(_("Anonymous: nobody can see who voted what, and a vote cannot be changed."))
    if poll.hide_results and poll.status == "open":
        lines.append(_("Results are hidden until the poll closes."))
    return "\n".join(lines)


def outcome_line(poll: Poll, result: PollResult) -> str:
    names = ", ".join(f"**{option_label(poll, index)}**" for index in result.winners)
    if result.outcome == DecisionOutcome.NO_VOTES:
        return _("No decision: nobody voted.")
    if result.outcome == DecisionOutcome.NO_QUORUM:
        return _("No decision: the quorum of {percent}% was not reached.", percent=result.quorum_percent)
    if result.outcome == DecisionOutcome.PASSED:
        return _("Passed by consent: nobody blocked.")
    if result.outcome == DecisionOutcome.BLOCKED:
        return _n("Not passed: {n} block.", "Not passed: {n} blocks.", result.votes[rules.BLOCK])
    if result.outcome == DecisionOutcome.TIE:
        return _("A tie between {options}. No single winner.", options=names)
    return _("Decision: {option}", option=names)


def decision_outcome_text(outcome: DecisionOutcome, winners: str) -> str:
    """One line of the decision log (labels were stored as the poll's own text)."""
    return {
        DecisionOutcome.WINNER: lambda: _("chosen: {options}", options=winners),
        DecisionOutcome.TIE: lambda: _("tie: {options}", options=winners),
        DecisionOutcome.PASSED: lambda: _("passed by consent"),
        DecisionOutcome.BLOCKED: lambda: _("blocked"),
        DecisionOutcome.NO_QUORUM: lambda: _("no quorum"),
        DecisionOutcome.NO_VOTES: lambda: _("no votes"),
    }[outcome]()


def results_text(poll: Poll, result: PollResult) -> str:
    """The outcome, counts, percentages, turnout and quorum (the details: detail_lines)."""
    lines = [outcome_line(poll, result), ""]
    counted = result.turnout
    if poll.kind == PollKind.RANKED:
        lines.append(_("First preferences:"))
    lines.extend(tally_lines(poll, result.votes, counted))
    lines.append("")
    share = rules.percent(result.turnout, result.electorate)
    lines.append(
        _n(
            "Turnout: {turnout} of {n} eligible member ({share}%)",
            "Turnout: {turnout} of {n} eligible members ({share}%)",
            result.electorate,
            turnout=result.turnout,
            share=f"{share:.0f}",
        )
    )
    if result.quorum_percent:
        if result.quorum_met:
            lines.append(_("Quorum of {percent}%: reached.", percent=result.quorum_percent))
        else:
            lines.append(_("Quorum of {percent}%: not reached.", percent=result.quorum_percent))
    return "\n".join(lines)


def detail_lines(poll: Poll, result: PollResult) -> list[str]:
    """What follows the counts: the instant-runoff rounds, or the objections and blocks."""
    if result.runoff is not None and result.turnout:
        return runoff_lines(poll, result.runoff)
    return reason_lines(poll, result)


def reason_lines(poll: Poll, result: PollResult) -> list[str]:
    """The objections and blocks of a consent poll, each with its voter unless anonymous."""
    if not result.reasons:
        return []
    lines = [_("Objections and blocks:")]
    for reason in result.reasons:
        who = f" (<@{reason.voter_id}>)" if reason.voter_id is not None else ""
        lines.append(f"- **{option_label(poll, reason.option)}**{who}: {reason.text}")
    return lines


def results_pages(poll: Poll, result: PollResult, limit: int, page_limit: int) -> tuple[str, list[str]]:
    """The results as one text within `limit`, or, when the rounds or the reasons do not fit
    with the counts, the counts and then those details on pages of `page_limit` (shown whole)."""
    text = results_text(poll, result)
    details = detail_lines(poll, result)
    if not details:
        return text, []
    whole = text + "\n\n" + "\n".join(details)
    if len(whole) <= limit:
        return whole, []
    return text + "\n\n" + _("The details follow in the next messages."), paginate_lines(details, limit=page_limit)


def runoff_lines(poll: Poll, runoff: rules.RunoffResult) -> list[str]:
    lines = [_("Instant-runoff rounds (tie-break seed {seed}):", seed=runoff.seed)]
    for number, round_ in enumerate(runoff.rounds, start=1):
        counts = ", ".join(f"{option_label(poll, option)} {count}" for option, count in round_.votes.items())
        line = _(
            "Round {number}: {counts}; exhausted {exhausted}", number=number, counts=counts, exhausted=round_.exhausted
        )
        if round_.eliminated is not None:
            line += " — " + _("eliminated: {option}", option=option_label(poll, round_.eliminated))
            if round_.tie_break == "earlier_rounds":
                line += " " + _("(tie broken by earlier rounds)")
            elif round_.tie_break == "seed":
                line += " " + _("(tie broken by the seed)")
        lines.append(line)
    return lines


def cog_of(interaction: discord.Interaction) -> PollsCog:
    return interaction.client.get_cog("PollsCog")  # type: ignore[return-value]


# ---------------------------------------------------------------- the poll message


def poll_components(poll: Poll, *, closed: bool = False) -> discord.ui.View:
    """The components of a poll message (all disabled once the poll is closed)."""
    view = discord.ui.View(timeout=None)
    if poll.kind in (PollKind.SINGLE, PollKind.CONSENT):
        for index in range(len(poll.options)):
            button = VoteButton(poll.pk, index)
            button.item.label = truncate(option_label(poll, index), 80)
            if poll.kind == PollKind.CONSENT:
                button.item.style = CONSENT_STYLES[index]
            button.item.disabled = closed
            view.add_item(button)
    elif poll.kind == PollKind.MULTI:
        select = MultiSelect(poll.pk)
        select.item.options = [
            discord.SelectOption(label=truncate(label, 100), value=str(index))
            for index, label in enumerate(poll.options)
        ]
        select.item.max_values = poll.max_choices
        select.item.placeholder = _("Choose up to {n}", n=poll.max_choices)
        select.item.disabled = closed
        view.add_item(select)
    else:
        rank = RankButton(poll.pk)
        rank.item.label = _("Rank the options")
        rank.item.disabled = closed
        view.add_item(rank)
    return view


def poll_embed(poll: Poll, votes: tuple[int, ...] | None, turnout: int) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(poll.question, 256),
        description=truncate(poll_description(poll, votes, turnout), 4096),
        colour=discord.Colour.blurple() if poll.status == "open" else discord.Colour.dark_grey(),
    )
    embed.set_footer(text=_("Poll #{id}", id=poll.pk))
    return embed


async def current_embed(bot: discord.Client, poll: Poll) -> discord.Embed:
    """The poll message as everyone sees it, in the server's language (not the voter's)."""
    turnout = await service.turnout(poll)
    votes = None
    if not poll.hide_results or poll.status != "open":
        votes = (await service.result_of(poll)).votes
    with use_locale(await language_for_guild(bot, poll.guild_id)):
        return poll_embed(poll, votes, turnout)


def confirmation(poll: Poll, ballot: list[int], outcome: service.VoteOutcome) -> str:
    separator = " > " if poll.kind == PollKind.RANKED else ", "
    chosen = separator.join(f"**{option_label(poll, index)}**" for index in ballot)
    if poll.anonymous:
        return _("Your anonymous vote is recorded: {choice}. It cannot be changed.", choice=chosen)
    if outcome == service.VoteOutcome.CHANGED:
        return _("Your vote is changed to: {choice}.", choice=chosen)
    if outcome == service.VoteOutcome.UNCHANGED:
        return _("You already voted for {choice}; your vote stays as it is.", choice=chosen)
    return _("Your vote is recorded: {choice}. You can change it until the poll closes.", choice=chosen)


async def vote_and_confirm(
    interaction: discord.Interaction, poll_id: int, ballot: list[int], reason: str | None = None
) -> None:
    """Cast the vote, then answer with one call: the ephemeral confirmation.

    When the tally is due and the poll message is old, the same single response edits the
    poll message instead and the confirmation follows (see TallyRefresher).
    """
    cog = cog_of(interaction)
    outcome = await service.cast_vote(poll_id, interaction.user.id, ballot, discord.utils.utcnow(), reason)
    poll = await Poll.get(id=poll_id)
    text = confirmation(poll, ballot, outcome)
    on_poll_message = interaction.message is not None and interaction.message.id == poll.message_id
    if on_poll_message and cog.refresher.should_piggyback(poll):
        await interaction.response.edit_message(embed=await current_embed(interaction.client, poll))
        await interaction.followup.send(text, ephemeral=True)
        return
    await reply(interaction, text)
    if outcome != service.VoteOutcome.UNCHANGED:
        cog.refresher.poke(poll)


async def refuse_if_cannot_vote(poll_id: int, user_id: int) -> Poll:
    """The checks before showing a modal or the ranking flow (cast_vote repeats them)."""
    poll = await service.get_poll(poll_id)
    service.require_open(poll, discord.utils.utcnow())
    await service.require_elector(poll, user_id)
    if poll.anonymous and await service.has_voted(poll, user_id):
        raise Conflict(N_("You have already voted. Anonymous votes cannot be changed."))
    return poll


class VoteButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"poll:vote:(?P<id>\d+):(?P<option>\d+)"
):
    def __init__(self, poll_id: int, option: int) -> None:
        self.poll_id = poll_id
        self.option = option
        super().__init__(discord.ui.Button(label=str(option + 1), custom_id=f"poll:vote:{poll_id}:{option}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["id"]), int(match["option"]))

    async def run(self, interaction: discord.Interaction) -> None:
        poll = await service.get_poll(self.poll_id)
        if poll.kind == PollKind.CONSENT and self.option in rules.NEEDS_REASON:
            await refuse_if_cannot_vote(self.poll_id, interaction.user.id)
            await interaction.response.send_modal(ReasonModal(poll, self.option))
            return
        await vote_and_confirm(interaction, self.poll_id, [self.option])


class ReasonModal(BaseModal):
    def __init__(self, poll: Poll, option: int) -> None:
        super().__init__(title=truncate(_("Why: {option}", option=option_label(poll, option)), 45))
        self.poll_id = poll.pk
        self.option = option
        self.reason = discord.ui.TextInput(
            label=_("Your reason"),
            custom_id="reason",
            style=discord.TextStyle.paragraph,
            required=True,
            max_length=service.MAX_REASON_LENGTH,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await vote_and_confirm(interaction, self.poll_id, [self.option], self.reason.value)


class MultiSelect(PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"poll:multi:(?P<id>\d+)"):
    def __init__(self, poll_id: int) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"poll:multi:{poll_id}",
                min_values=1,
                options=[discord.SelectOption(label="-", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str]):
        return cls(int(match["id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values", [])
        await vote_and_confirm(interaction, self.poll_id, [int(value) for value in values])


class RankButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"poll:rank:(?P<id>\d+)"):
    def __init__(self, poll_id: int) -> None:
        self.poll_id = poll_id
        super().__init__(
            discord.ui.Button(label="Rank", style=discord.ButtonStyle.primary, custom_id=f"poll:rank:{poll_id}")
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        poll = await refuse_if_cannot_vote(self.poll_id, interaction.user.id)
        flow = RankingFlow(poll, interaction.user.id)
        await reply(interaction, flow.render(), view=flow)


class RankingFlow(BaseView):
    """Choose the first preference, then the second, …; submit any time after the first."""

    def __init__(self, poll: Poll, owner_id: int) -> None:
        super().__init__(timeout=900)
        self.poll = poll
        self.owner_id = owner_id
        self.ranking: list[int] = []
        self.submit.label = _("Submit ranking")
        self.restart.label = _("Start over")
        self._rebuild()

    def render(self) -> str:
        lines = [_("Rank the options for: {question}", question=self.poll.question)]
        for place, option in enumerate(self.ranking, start=1):
            lines.append(f"{place}. {option_label(self.poll, option)}")
        if len(self.ranking) < len(self.poll.options):
            lines.append(_("Choose your preference number {n}, or submit now.", n=len(self.ranking) + 1))
        return truncate("\n".join(lines), 2000)

    def _rebuild(self) -> None:
        self.choose.options = [
            discord.SelectOption(label=truncate(option_label(self.poll, index), 100), value=str(index))
            for index in range(len(self.poll.options))
            if index not in self.ranking
        ] or [discord.SelectOption(label="-", value="-1")]
        self.choose.disabled = len(self.ranking) >= len(self.poll.options)
        self.choose.placeholder = _("Preference number {n}", n=len(self.ranking) + 1)
        self.submit.disabled = not self.ranking

    async def check(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            raise Conflict(N_("This ranking belongs to someone else."))

    @discord.ui.select(
        custom_id="poll:ranking:choose", min_values=1, max_values=1, options=[discord.SelectOption(label="-")]
    )
    async def choose(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        option = int(select.values[0])
        if 0 <= option < len(self.poll.options) and option not in self.ranking:
            self.ranking.append(option)
        self._rebuild()
        await interaction.response.edit_message(content=self.render(), view=self)

    @discord.ui.button(custom_id="poll:ranking:submit", style=discord.ButtonStyle.success)
    async def submit(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        outcome = await service.cast_vote(self.poll.pk, interaction.user.id, self.ranking, discord.utils.utcnow())
        self.stop()
        text = confirmation(self.poll, self.ranking, outcome)
        await interaction.response.edit_message(content=text, view=None)
        if outcome != service.VoteOutcome.UNCHANGED:
            cog_of(interaction).refresher.poke(self.poll)

    @discord.ui.button(custom_id="poll:ranking:restart", style=discord.ButtonStyle.secondary)
    async def restart(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.ranking = []
        self._rebuild()
        await interaction.response.edit_message(content=self.render(), view=self)


# ---------------------------------------------------------------- coalesced tally refresh


class TallyRefresher:
    """At most one edit of a poll message per interval, however many votes arrive.

    A vote marks its poll dirty; a flush (PollsCog.flush_tallies, every REFRESH_INTERVAL while
    anything is dirty) edits a dirty poll message once the interval has passed since it was
    first marked (and since its last edit), reading the tally as it is *then*: every vote
    before the edit is shown and the votes after it mark the poll again. Nothing runs, reads
    or writes while no vote arrives.
    """

    def __init__(self, bot: discord.Client, on_dirty: Callable[[], None]) -> None:
        self.bot = bot
        self._on_dirty = on_dirty
        self._dirty: dict[int, Poll] = {}
        self._dirty_since: dict[int, float] = {}
        self._last_edit: dict[int, float] = {}

    @staticmethod
    def _is_old(poll: Poll) -> bool:
        return discord.utils.utcnow() - poll.created_at >= OLD_MESSAGE_AGE

    def _since_last_edit(self, poll_id: int) -> float:
        return discord.utils.utcnow().timestamp() - self._last_edit.get(poll_id, 0.0)

    def should_piggyback(self, poll: Poll) -> bool:
        """Old poll message and a refresh due: let this vote's response carry the new tally."""
        if not self._is_old(poll) or self._since_last_edit(poll.pk) < REFRESH_INTERVAL.total_seconds():
            return False
        self._last_edit[poll.pk] = discord.utils.utcnow().timestamp()
        self._unmark(poll.pk)
        return True

    def poke(self, poll: Poll) -> None:
        if poll.message_id is not None:
            self._dirty[poll.pk] = poll
            self._dirty_since.setdefault(poll.pk, discord.utils.utcnow().timestamp())
            self._on_dirty()

    @property
    def pending(self) -> set[int]:
        return set(self._dirty)

    async def flush(self) -> None:
        for poll_id, poll in list(self._dirty.items()):
            interval = (OLD_MESSAGE_INTERVAL if self._is_old(poll) else REFRESH_INTERVAL).total_seconds()
            waited = discord.utils.utcnow().timestamp() - self._dirty_since.get(poll_id, 0.0)
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
        poll = await Poll.get_or_none(id=poll_id)
        if poll is None or poll.message_id is None or poll.status != "open":
            return  # closing edits the message itself
        channel = self.bot.get_channel(poll.channel_id)
        if channel is None:
            return
        self._last_edit[poll_id] = discord.utils.utcnow().timestamp()
        try:
            await channel.get_partial_message(poll.message_id).edit(embed=await current_embed(self.bot, poll))
        except discord.HTTPException:
            # The next vote (or the close) shows the tally again; nothing is lost.
            log.warning("could not refresh the tally of poll %s", poll_id, exc_info=True)

    def forget(self, poll_id: int) -> None:
        self._unmark(poll_id)
        self._last_edit.pop(poll_id, None)


PERSISTENT_ITEMS = (VoteButton, MultiSelect, RankButton)
