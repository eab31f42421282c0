"""What meetings look like: the card with its agenda, RSVP buttons and decisions, and the modals.

Every persistent component carries only a row's id; state is loaded from the database when
used, so the card keeps working after a restart. A click hands off to cogs/meetings/flows.py,
imported inside the handler (flows builds these views).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import discord

from cogs.initiatives.views import ProposalFields
from cogs.meetings.service import GONE, ITEM_GONE
from gromada.checks import require_guild
from gromada.i18n import N_, _
from gromada.ui import BaseModal, IdButton, InServer, PersistentItem, chosen_id, reply, truncate
from models.meetings import AgendaItem, Answer, ItemSource, Meeting, MeetingStatus


def when(moment) -> str:
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


def message_link(guild_id: int, channel_id: int | None, message_id: int | None) -> str | None:
    if channel_id is None or message_id is None:
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


@dataclass(frozen=True)
class Decision:
    """What the card says about an agenda item put to a poll."""

    poll_id: int
    link: str | None
    closed: bool
    outcome: str = ""


SOURCE_LABELS = {ItemSource.INITIATIVE: N_("initiative"), ItemSource.POLL: N_("open poll")}


def agenda_lines(
    items: list[AgendaItem], decisions: dict[int, Decision], proposals: dict[int, str] | None = None
) -> list[str]:
    """The numbered agenda; under an item, the poll deciding it or the initiative proposed from it."""
    proposals = proposals or {}
    lines = []
    for item in items:
        line = f"{item.position}. {item.text}"
        if item.source in SOURCE_LABELS:
            line += f" ({_(SOURCE_LABELS[ItemSource(item.source)])})"
        decision = decisions.get(item.decision_poll) if item.decision_poll else None
        if decision is not None:
            poll = f"[#{decision.poll_id}]({decision.link})" if decision.link else f"#{decision.poll_id}"
            if decision.closed:
                line += "\n   " + _("→ decided by poll {poll}: {outcome}", poll=poll, outcome=decision.outcome)
            else:
                line += "\n   " + _("→ put to poll {poll}, voting is open", poll=poll)
        if item.proposed_initiative in proposals:
            line += "\n   " + _(
                "→ proposed as an initiative: {initiative}", initiative=proposals[item.proposed_initiative]
            )
        lines.append(line)
    return lines


def card_embed(
    meeting: Meeting, items: list[AgendaItem], decisions: dict[int, Decision], proposals: dict[int, str]
) -> discord.Embed:
    cancelled = meeting.status == MeetingStatus.CANCELLED
    embed = discord.Embed(
        title=truncate(meeting.title if not cancelled else _("Cancelled: {title}", title=meeting.title), 256),
        colour=discord.Colour.light_grey() if cancelled else discord.Colour.gold(),
    )
    embed.add_field(name=_("When"), value=when(meeting.starts_at), inline=False)
    place = f"<#{meeting.place_channel_id}>" if meeting.place_channel_id else (meeting.place or "—")
    embed.add_field(name=_("Place"), value=truncate(place, 1024), inline=False)
    embed.add_field(
        name=_("Agenda"),
        value=truncate("\n".join(agenda_lines(items, decisions, proposals)) or "—", 1024),
        inline=False,
    )
    if meeting.minutes_message_id:
        link = message_link(meeting.guild_id, meeting.channel_id, meeting.minutes_message_id)
        embed.add_field(name=_("Minutes"), value=_("[Read the minutes]({link})", link=link), inline=False)
    return embed


# Every persistent item of a meeting names the meeting: clicks in its own server only.
MEETING = InServer(Meeting, GONE)


class _Rsvp(IdButton):
    owner = MEETING
    answer = Answer.COMING

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.meetings import flows

        await reply(interaction, await flows.answer_for(interaction.client, interaction.user, self.ref_id, self.answer))


class ComingButton(_Rsvp, action="meetings:coming"):
    style = discord.ButtonStyle.success
    label_text = N_("Coming")


class MaybeButton(_Rsvp, action="meetings:maybe"):
    answer = Answer.MAYBE
    label_text = N_("Maybe")


class NotComingButton(_Rsvp, action="meetings:not_coming"):
    answer = Answer.NOT_COMING
    label_text = N_("Not coming")


RSVP_BUTTONS = {Answer.COMING: ComingButton, Answer.MAYBE: MaybeButton, Answer.NOT_COMING: NotComingButton}


class AgendaPick(PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"(?!)"):
    """A coordinator picks an agenda item of a meeting and gets a form for it, filled in.

    A subclass names its custom_id prefix (`action`, its template says the same), its
    placeholder, and `open_form` for the item picked.
    """

    owner = MEETING
    action: ClassVar[str] = ""
    placeholder_text: ClassVar[str] = ""

    def __init__(self, meeting_id: int, options: list[discord.SelectOption] | None = None) -> None:
        self.meeting_id = meeting_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"{self.action}:{meeting_id}",
                placeholder=_(self.placeholder_text),
                options=options or [discord.SelectOption(label="-", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]))

    async def check(self, interaction: discord.Interaction) -> None:
        from cogs.meetings import flows

        await flows.require_coordinator(require_guild(interaction))

    async def run(self, interaction: discord.Interaction) -> None:
        await self.open_form(interaction, chosen_id(self.item, ITEM_GONE))

    async def open_form(self, interaction: discord.Interaction, item_id: int) -> None:
        raise NotImplementedError


DECIDE = "meetings:decide"


class DecideSelect(AgendaPick, template=rf"{DECIDE}:(?P<id>\d+)"):
    """“Decide by poll”: the item becomes a poll's question."""

    action = DECIDE
    placeholder_text = N_("Decide by poll…")

    async def open_form(self, interaction: discord.Interaction, item_id: int) -> None:
        from cogs.meetings import flows

        item = await flows.undecided_item(interaction.guild_id, item_id, self.meeting_id)
        await interaction.response.send_modal(DecideModal(item.pk, item.text))


class DecideModal(BaseModal):
    def __init__(self, item_id: int, question: str) -> None:
        super().__init__(title=_("Decide by poll"))
        self.item_id = item_id
        self.question = discord.ui.TextInput(
            label=_("Question"), custom_id="question", default=question[:300], max_length=300
        )
        self.options = discord.ui.TextInput(
            label=_("Options, separated by “;”"), custom_id="options", default=_("Yes; No; Abstain"), max_length=1000
        )
        self.duration = discord.ui.TextInput(
            label=_("Open for (like 3d or 12h)"), custom_id="duration", default="3d", max_length=20
        )
        for field in (self.question, self.options, self.duration):
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.meetings import flows

        await flows.decide_by_poll(
            interaction, self.item_id, self.question.value, self.options.value, self.duration.value
        )


PROPOSE = "meetings:propose"


class ProposeSelect(AgendaPick, template=rf"{PROPOSE}:(?P<id>\d+)"):
    """“Propose as an initiative”: the item becomes an initiative proposal's title."""

    action = PROPOSE
    placeholder_text = N_("Propose as an initiative…")

    async def open_form(self, interaction: discord.Interaction, item_id: int) -> None:
        from cogs.meetings import flows

        item = await flows.unproposed_item(interaction.guild_id, item_id, self.meeting_id)
        await interaction.response.send_modal(ProposeModal(item.pk, item.text))


class ProposeModal(ProposalFields):
    def __init__(self, item_id: int, title: str) -> None:
        super().__init__(_("Propose as an initiative"), name=title)
        self.item_id = item_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.meetings import flows

        await flows.propose_initiative(
            interaction, self.item_id, self.title_input.value, self.goal.value, self.needs.value, self.first_step.value
        )


class MinutesModal(BaseModal):
    def __init__(self, meeting_id: int, title: str, current: str | None) -> None:
        super().__init__(title=truncate(_("Minutes: {title}", title=title), 45))
        self.meeting_id = meeting_id
        self.text = discord.ui.TextInput(
            label=_("What was said and decided"),
            custom_id="minutes",
            style=discord.TextStyle.paragraph,
            default=current,
            max_length=4000,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.meetings import flows

        await flows.post_minutes(interaction, self.meeting_id, self.text.value)


def card_view(meeting: Meeting, counts: Counter[Answer], items: list[AgendaItem]) -> discord.ui.View | None:
    if meeting.status == MeetingStatus.CANCELLED:
        return None
    view = discord.ui.View(timeout=None)
    for answer, button_class in RSVP_BUTTONS.items():
        button = button_class(meeting.pk)
        button.item.label = f"{button.label()} · {counts.get(answer, 0)}"
        view.add_item(button)
    undecided = [item for item in items if item.decision_poll is None]
    if undecided:
        options = [
            discord.SelectOption(label=truncate(f"{item.position}. {item.text}", 100), value=str(item.pk))
            for item in undecided[:25]
        ]
        view.add_item(DecideSelect(meeting.pk, options))
    proposable = [item for item in items if item.proposed_initiative is None and item.source != ItemSource.INITIATIVE]
    if proposable:
        options = [
            discord.SelectOption(label=truncate(f"{item.position}. {item.text}", 100), value=str(item.pk))
            for item in proposable[:25]
        ]
        view.add_item(ProposeSelect(meeting.pk, options))
    return view


def reminder_text(meeting: Meeting, server: str, *, soon: bool) -> str:
    if soon:
        return _(
            "**{title}** on {server} starts {start}. See you there!",
            title=meeting.title,
            server=server,
            start=discord.utils.format_dt(meeting.starts_at, "R"),
        )
    return _(
        "Reminder: **{title}** on {server} is tomorrow at {time}. You said you are coming.",
        title=meeting.title,
        server=server,
        time=discord.utils.format_dt(meeting.starts_at, "t"),
    )


def cancelled_text(meeting: Meeting, server: str) -> str:
    return _(
        "**{title}** on {server}, {date}, is cancelled.",
        title=meeting.title,
        server=server,
        date=discord.utils.format_dt(meeting.starts_at, "F"),
    )


def minutes_post(meeting: Meeting, text: str, author: str) -> str:
    return truncate(_("**Minutes of {title}** (by {author})", title=meeting.title, author=author) + "\n" + text, 2000)


def list_lines(meetings: list[Meeting], now) -> list[str]:
    lines = []
    for meeting in meetings:
        state = _("cancelled") if meeting.status == MeetingStatus.CANCELLED else ""
        if not state and meeting.ends_at <= now:
            state = _("minutes kept") if meeting.minutes else _("past")
        link = message_link(meeting.guild_id, meeting.channel_id, meeting.message_id)
        line = f"**{meeting.title}** · {when(meeting.starts_at)}"
        line += f" · {state}" if state else ""
        line += f" · {link}" if link else ""
        lines.append(line)
    return lines or [_("No meetings yet.")]


OUTCOMES = {
    "tie": N_("a tie between {winner}"),
    "passed": N_("passed"),
    "blocked": N_("blocked by an objection"),
    "no_quorum": N_("no quorum"),
    "no_votes": N_("no votes"),
}


def outcome_text(outcome: str, winners: list[str]) -> str:
    """A closed poll's outcome in a few words: the winning option, or why there is none."""
    if outcome not in OUTCOMES:
        return ", ".join(winners)
    return _(OUTCOMES[outcome], winner=", ".join(winners))
