"""What people read about a poll: its live tally and its results, in the reader's language.

Pure text (no Discord objects), so it is tested without a bot; the cog puts it in embeds.
"""

from __future__ import annotations

from datetime import datetime

from cogs.polls import rules
from cogs.polls.service import PollResult
from gromada.i18n import N_, _, _n
from gromada.ui import paginate_lines
from models.polls import DecisionOutcome, Poll, PollKind

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


def timestamp(moment: datetime, style: str = "f") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


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
            _("Closes: {when} ({relative})", when=timestamp(poll.closes_at), relative=timestamp(poll.closes_at, "R"))
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
