"""What people see of a poll: its text in the reader's language (tally, results, reminders,
decision lines), the poll message's components, the reason modal and the ranking flow.

Every component of a poll message is a persistent DynamicItem (`poll:<action>:<id>[:<option>]`)
whose state comes from the database, so buttons keep working after a restart. What a click
does on Discord beyond answering it (casting the vote, refreshing the public tally) is in flows.
"""

from __future__ import annotations

import asyncio
import io
import re

import discord

from cogs.polls import rules, service
from cogs.polls.chart import bar_chart
from cogs.polls.service import PollResult
from gromada.checks import require_guild
from gromada.errors import Conflict
from gromada.i18n import N_, _, _n
from gromada.scheduler import now
from gromada.ui import (
    EMBED_DESCRIPTION_LIMIT,
    MESSAGE_LIMIT,
    BaseModal,
    BaseView,
    IdButton,
    PersistentItem,
    RowOwner,
    chosen_numbers,
    paginate_lines,
    reply,
    truncate,
)
from models.polls import Decision, DecisionOutcome, Poll, PollKind, PollStatus

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
    if poll.status == PollStatus.OPEN:
        return standing_line(result, names)
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


def standing_line(result: PollResult, names: str) -> str:
    """Where an open poll stands: nothing is decided until it closes."""
    if result.outcome == DecisionOutcome.NO_VOTES:
        return _("No votes yet.")
    if result.outcome == DecisionOutcome.NO_QUORUM:
        return _("The quorum of {percent}% is not reached yet.", percent=result.quorum_percent)
    if result.outcome == DecisionOutcome.PASSED:
        return _("So far nobody blocks.")
    if result.outcome == DecisionOutcome.BLOCKED:
        return _n("So far {n} block.", "So far {n} blocks.", result.votes[rules.BLOCK])
    if result.outcome == DecisionOutcome.TIE:
        return _("Tied so far: {options}.", options=names)
    return _("Leading: {option}", option=names)


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


async def results_embed(
    poll: Poll, result: PollResult, note: str | None = None
) -> tuple[discord.Embed, discord.File, list[str]]:
    """The results embed with its chart, and the messages that carry rounds or reasons too long for it."""
    reserve = len(note) + 2 if note else 0
    text, more = results_pages(poll, result, EMBED_DESCRIPTION_LIMIT - reserve, MESSAGE_LIMIT)
    embed = discord.Embed(
        title=truncate(_("Results: {question}", question=poll.question), 256),
        description=truncate(text + ("\n\n" + note if note else ""), EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour.green(),
    )
    embed.set_footer(text=_("Poll #{id}", id=poll.pk))
    labels = [option_label(poll, index) for index in range(len(poll.options))]
    # Drawing costs 10 ms (3 options) to over 100 ms (25) of CPU: off the event loop, which keeps answering.
    png = await asyncio.to_thread(bar_chart, poll.question, labels, list(result.votes), set(result.winners))
    embed.set_image(url="attachment://results.png")
    return embed, discord.File(io.BytesIO(png), filename="results.png"), more


def decision_line(poll: Poll, decision: Decision, results: discord.Message) -> str:
    """The line the `decisions` channel gets when a poll elsewhere is decided."""
    text = _(
        "Decided (poll #{id}): {question} — {outcome}. {link}",
        id=poll.pk,
        question=poll.question,
        outcome=decision_outcome_text(decision.outcome, decision.winners),
        link=results.jump_url,
    )
    return truncate(text, MESSAGE_LIMIT)


def reminder_header(poll: Poll) -> str:
    return _(
        "Reminder: poll #{id} “{question}” closes {when}. Not voted yet:",
        id=poll.pk,
        question=truncate(poll.question, 200),
        when=discord.utils.format_dt(poll.closes_at, "R"),
    )


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
        rank.item.disabled = closed
        view.add_item(rank)
    return view


def poll_embed(poll: Poll, votes: tuple[int, ...] | None, turnout: int) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(poll.question, 256),
        description=truncate(poll_description(poll, votes, turnout), EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour.blurple() if poll.status == "open" else discord.Colour.dark_grey(),
    )
    embed.set_footer(text=_("Poll #{id}", id=poll.pk))
    return embed


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


class _PollOfThisServer(RowOwner):
    """A poll of the server clicked in, read from the open polls kept in memory, so that a vote
    stays a few statements (flows.poll_of)."""

    async def require_row(self, ref_id: int, interaction: discord.Interaction) -> None:
        from cogs.polls import flows

        require_guild(interaction)
        await flows.poll_of(interaction.client, ref_id, interaction.guild_id)


POLL = _PollOfThisServer(Poll, service.NOT_ON_THIS_SERVER)


class VoteButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"poll:vote:(?P<id>\d+):(?P<option>\d+)"
):
    owner = POLL

    def __init__(self, poll_id: int, option: int) -> None:
        self.poll_id = poll_id
        self.option = option
        super().__init__(discord.ui.Button(label=str(option + 1), custom_id=f"poll:vote:{poll_id}:{option}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["id"]), int(match["option"]))

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.polls import flows

        poll = await flows.poll_of(interaction.client, self.poll_id, interaction.guild_id)
        if poll.kind == PollKind.CONSENT and self.option in rules.NEEDS_REASON:
            await service.require_may_vote(poll, interaction.user.id, now())
            await interaction.response.send_modal(ReasonModal(poll, self.option))
            return
        await flows.vote_and_confirm(interaction, poll, [self.option])


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
        from cogs.polls import flows

        poll = await flows.poll_of(interaction.client, self.poll_id, interaction.guild_id)
        await flows.vote_and_confirm(interaction, poll, [self.option], self.reason.value)


class MultiSelect(PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"poll:multi:(?P<id>\d+)"):
    owner = POLL

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
        from cogs.polls import flows

        poll = await flows.poll_of(interaction.client, self.poll_id, interaction.guild_id)
        options = len(poll.options)
        ballot = chosen_numbers(self.item, service.NOT_AN_OPTION, lowest=0, highest=options - 1, at_most=options)
        await flows.vote_and_confirm(interaction, poll, ballot)


class RankButton(IdButton, action="poll:rank"):
    owner = POLL
    style = discord.ButtonStyle.primary
    label_text = N_("Rank the options")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.polls import flows

        poll = await flows.poll_of(interaction.client, self.ref_id, interaction.guild_id)
        await service.require_may_vote(poll, interaction.user.id, now())
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
        return truncate("\n".join(lines), MESSAGE_LIMIT)

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
        [option] = chosen_numbers(select, service.NOT_AN_OPTION, lowest=0, highest=len(self.poll.options) - 1)
        if option not in self.ranking:
            self.ranking.append(option)
        self._rebuild()
        await interaction.response.edit_message(content=self.render(), view=self)

    @discord.ui.button(custom_id="poll:ranking:submit", style=discord.ButtonStyle.success)
    async def submit(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        from cogs.polls import flows

        await flows.submit_ranking(interaction, self)

    @discord.ui.button(custom_id="poll:ranking:restart", style=discord.ButtonStyle.secondary)
    async def restart(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.ranking = []
        self._rebuild()
        await interaction.response.edit_message(content=self.render(), view=self)
