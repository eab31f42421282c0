"""The panel button, the request and close forms, the persistent buttons of tickets, and the
messages the bot shows about tickets (the summary, the mediators' alert, reports).

A handler checks who clicks and hands off to cogs.mediation.flows, imported inside it:
flows builds its messages from this module, so this module never imports flows at load.
"""

from __future__ import annotations

import re
from datetime import timedelta

import discord

from cogs.mediation import service
from cogs.mediation.rules import SMALL_COUNT, Stats, shown_count
from cogs.mediation.service import TranscriptPost
from gromada import guild_config
from gromada.checks import require_guild
from gromada.commands import mention
from gromada.durations import format_duration
from gromada.errors import NotAllowed
from gromada.i18n import N_, _, _n
from gromada.scheduler import now
from gromada.ui import BaseModal, BaseView, IdButton, InServer, OfPerson, PersistentItem, reply, truncate
from models.mediation import Ticket, TicketParty, TicketStatus


async def require_mediator_role(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    role_id = await service.mediator_role_id(member.guild.id)
    if role_id is None or member.get_role(role_id) is None:
        raise NotAllowed(
            N_("Only mediators ({role}) can do that."), role=await guild_config.role_shown(member.guild.id, "mediator")
        )
    return member


# ---------------------------------------------------------------- the panel and the request


def panel_message() -> dict:
    view = BaseView(timeout=None)
    view.add_item(RequestButton())
    embed = discord.Embed(
        title=_("Mediation"),
        description=_(
            "A conflict you cannot solve alone? Ask for mediation: a trained mediator will talk "
            "with you in a private space that only you, the mediators and the bot can see."
        ),
    )
    return {"embed": embed, "view": view}


class RequestButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"mediation:request"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Request mediation"), style=discord.ButtonStyle.primary, custom_id="mediation:request"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> RequestButton:
        return cls()

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.mediation import flows

        member = require_guild(interaction)
        await flows.places(member.guild)  # refuses before the form when mediation is not set up
        await service.check_can_request(member.guild.id, member.id, now())
        await interaction.response.send_modal(RequestModal())


class RequestModal(BaseModal):
    def __init__(self) -> None:
        super().__init__(title=_("Request mediation"), timeout=1800)
        self.what_happened = discord.ui.TextInput(
            label=_("What happened?"),
            custom_id="what_happened",
            style=discord.TextStyle.paragraph,
            max_length=service.FIELD_LIMIT,
        )
        self.parties = discord.ui.TextInput(
            label=_("Who else is involved? (optional)"),
            custom_id="parties",
            placeholder=_("@names, separated by commas"),
            required=False,
            max_length=service.FIELD_LIMIT,
        )
        self.hoped_outcome = discord.ui.TextInput(
            label=_("What would you like to come out of it?"),
            custom_id="hoped_outcome",
            style=discord.TextStyle.paragraph,
            max_length=service.FIELD_LIMIT,
        )
        for item in (self.what_happened, self.parties, self.hoped_outcome):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.mediation import flows

        form = service.clean_form(self.what_happened.value, self.parties.value, self.hoped_outcome.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        ticket, has_mediators = await flows.request_mediation(
            interaction.client, interaction.guild, interaction.user, form
        )
        text = _(
            "Your private mediation space is ready: <#{channel}>. A mediator will join you there.",
            channel=ticket.channel_id,
        )
        if not has_mediators:
            text += "\n" + _(
                "Right now nobody holds the {role} role, so it may take a while. The staff have been told.",
                role=await guild_config.role_shown(interaction.guild_id, "mediator"),
            )
        await reply(interaction, text)


def summary_embed(ticket: Ticket, guild: discord.Guild) -> discord.Embed:
    embed = discord.Embed(title=_("Mediation request #{id}", id=ticket.pk), colour=discord.Colour.blurple())
    embed.add_field(name=_("What happened"), value=truncate(ticket.what_happened, 1024), inline=False)
    embed.add_field(name=_("Others involved"), value=truncate(ticket.parties_text or "-", 1024), inline=False)
    embed.add_field(name=_("Hoped outcome"), value=truncate(ticket.hoped_outcome, 1024), inline=False)
    return embed


# ---------------------------------------------------------------- the mediators' alert and claiming


def alert_embed(ticket: Ticket) -> discord.Embed:
    if ticket.status == TicketStatus.OPEN:
        state = _("Waiting for a mediator")
    elif ticket.status == TicketStatus.CLAIMED:
        state = _("Mediated by <@{mediator}>", mediator=ticket.mediator_id)
    else:
        state = _("Closed")
    embed = discord.Embed(
        title=_("Mediation request #{id}", id=ticket.pk),
        description=_(
            "Requested by <@{requester}> in <#{channel}>. If you are involved, leave it to another mediator.",
            requester=ticket.requester_id,
            channel=ticket.channel_id,
        ),
    )
    embed.add_field(name=_("Status"), value=state)
    return embed


def alert_view(ticket: Ticket) -> BaseView:
    view = BaseView(timeout=None)
    button = ClaimButton(ticket.pk)
    button.item.disabled = ticket.status != TicketStatus.OPEN
    view.add_item(button)
    return view


class ClaimButton(IdButton, action="mediation:claim"):
    owner = InServer(Ticket, service.TICKET_GONE)
    style = discord.ButtonStyle.success
    label_text = N_("Claim")

    async def check(self, interaction: discord.Interaction) -> None:
        await require_mediator_role(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.mediation import flows

        ticket = await flows.claim(interaction.client, self.ref_id, interaction.user.id)
        await reply(
            interaction, _("You now mediate ticket #{id}: <#{channel}>.", id=ticket.pk, channel=ticket.channel_id)
        )
        await flows.announce_mediator(interaction.client, ticket)


# ---------------------------------------------------------------- invitations


def invitation_view(party_id: int) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(InvitationButton(party_id, "yes"))
    view.add_item(InvitationButton(party_id, "no"))
    return view


def invitation_message(mediator: discord.Member, party_id: int) -> dict:
    """The DM inviting someone into a mediation (they see the space only once they accept)."""
    return {
        "content": _(
            "{mediator} invites you to a private mediation conversation on {server}. "
            "You will see it only if you accept.",
            mediator=mediator.mention,
            server=mediator.guild.name,
        ),
        "view": invitation_view(party_id),
    }


class InvitationButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"mediation:invite:(?P<id>\d+):(?P<answer>yes|no)",
):
    # In direct messages: the invitation belongs to the person invited.
    owner = OfPerson(TicketParty, service.INVITATION_GONE, service.INVITATION_GONE)

    def __init__(self, party_id: int, answer: str) -> None:
        self.party_id = party_id
        self.answer = answer
        accept = answer == "yes"
        super().__init__(
            discord.ui.Button(
                label=_("Accept") if accept else _("Decline"),
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=f"mediation:invite:{party_id}:{answer}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> InvitationButton:
        return cls(int(match["id"]), match["answer"])

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.mediation import flows

        accept = self.answer == "yes"
        ticket = await flows.answer_invitation(interaction.client, self.party_id, interaction.user.id, accept)
        if accept:
            text = _("Thank you. You can now see the mediation space: <#{channel}>.", channel=ticket.channel_id)
        else:
            text = _("You declined. Nobody else learns anything more from the bot about it.")
        await interaction.response.edit_message(content=text, view=None)
        await flows.tell_space_about_answer(interaction.client, ticket, interaction.user.id, accept)


# ---------------------------------------------------------------- closing and after


class CloseModal(BaseModal):
    def __init__(self, ticket_id: int) -> None:
        super().__init__(title=_("Close mediation #{id}", id=ticket_id), timeout=1800)
        self.ticket_id = ticket_id
        self.outcome = discord.ui.TextInput(
            label=_("Outcome (the agreement)"),
            custom_id="outcome",
            style=discord.TextStyle.paragraph,
            max_length=service.OUTCOME_LIMIT,
        )
        self.add_item(self.outcome)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.mediation import flows

        mediator = await require_mediator_role(interaction)
        ticket = await service.get_ticket(self.ticket_id)
        service.require_mediator_of(ticket, mediator.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed = await flows.close_ticket(interaction.client, ticket, mediator, self.outcome.value)
        await reply(
            interaction,
            closed_report(interaction.client, closed.ticket, closed.transcript, locked=closed.locked, told=closed.told),
        )


def closed_report(bot: discord.Client, ticket: Ticket, transcript: TranscriptPost, *, locked: bool, told: bool) -> str:
    """What the closing mediator reads: the ticket is closed, and what did not work after."""
    transcript_command = mention(bot, "ticket transcript")
    lines = [_("Mediation #{id} is closed and its transcript is kept.", id=ticket.pk)]
    if transcript == TranscriptPost.POSTED:
        lines.append(_("The transcript file is in the mediators' log."))
    elif transcript == TranscriptPost.WITHHELD:
        lines.append(
            _(
                "A mediator is a party to this conflict, so the transcript is not posted in the mediators' log; "
                "{command} here gives it to you.",
                command=transcript_command,
            )
        )
    else:
        lines.append(
            _(
                "I could not post the transcript file in the mediators' log; it is kept, "
                "and {command} here gives it to you.",
                command=transcript_command,
            )
        )
    if not locked:
        lines.append(_("I could not lock the space; please make it read-only by hand."))
    if not told:
        lines.append(_("I could not send the requester a direct message (their DMs may be closed)."))
    return "\n".join(lines)


def closed_message(ticket: Ticket, server: str) -> dict:
    """The requester's DM after the close: the outcome, and a rating from 1 to 5."""
    return {
        "content": truncate(
            _(
                "Your mediation #{id} on {server} is closed.\n**Outcome:** {outcome}\n\n"
                "How helpful was the mediation? Rate it from 1 to 5:",
                id=ticket.pk,
                server=server,
                outcome=ticket.outcome,
            ),
            2000,
        ),
        "view": rating_view(ticket.pk),
    }


def rating_view(ticket_id: int) -> BaseView:
    view = BaseView(timeout=None)
    for score in range(1, 6):
        view.add_item(RateButton(ticket_id, score))
    return view


class RateButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"mediation:rate:(?P<id>\d+):(?P<score>[1-5])"
):
    # In direct messages: the ticket's requester rates it.
    owner = OfPerson(Ticket, service.TICKET_GONE, service.RATING_NOT_THEIRS, "requester_id")

    def __init__(self, ticket_id: int, score: int) -> None:
        self.ticket_id = ticket_id
        self.score = score
        super().__init__(
            discord.ui.Button(
                label="★" * score, style=discord.ButtonStyle.secondary, custom_id=f"mediation:rate:{ticket_id}:{score}"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> RateButton:
        return cls(int(match["id"]), int(match["score"]))

    async def run(self, interaction: discord.Interaction) -> None:
        await service.rate(self.ticket_id, interaction.user.id, self.score)
        await interaction.response.edit_message(view=None)
        await reply(interaction, _("Thank you for your rating ({score}/5).", score=self.score))


def checkin_message(ticket: Ticket, server: str) -> dict:
    """The requester's DM some time after the close: does the agreement still hold?"""
    return {
        "content": truncate(
            _(
                "Some time ago your mediation #{id} on {server} ended with this agreement:\n> {outcome}\n\n"
                "Does it still hold?",
                id=ticket.pk,
                server=server,
                outcome=truncate(ticket.outcome or "", 1500).replace("\n", "\n> "),
            ),
            2000,
        ),
        "view": checkin_view(ticket.pk),
    }


def checkin_view(ticket_id: int) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(CheckinButton(ticket_id, "holds"))
    view.add_item(CheckinButton(ticket_id, "reopen"))
    return view


class CheckinButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"mediation:checkin:(?P<id>\d+):(?P<answer>holds|reopen)",
):
    # In direct messages: the ticket's requester answers.
    owner = OfPerson(Ticket, service.TICKET_GONE, service.CHECKIN_NOT_THEIRS, "requester_id")

    def __init__(self, ticket_id: int, answer: str) -> None:
        self.ticket_id = ticket_id
        self.answer = answer
        holds = answer == "holds"
        super().__init__(
            discord.ui.Button(
                label=_("Yes, it holds") if holds else _("Reopen"),
                style=discord.ButtonStyle.success if holds else discord.ButtonStyle.danger,
                custom_id=f"mediation:checkin:{ticket_id}:{answer}",
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> CheckinButton:
        return cls(int(match["id"]), match["answer"])

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.mediation import flows

        if self.answer == "holds":
            await service.record_checkin(self.ticket_id, interaction.user.id, "holds")
            await interaction.response.edit_message(view=None)
            await reply(interaction, _("Good to hear. Thank you for telling us."))
            return
        ticket = await flows.reopen_ticket(interaction.client, self.ticket_id, interaction.user.id)
        await interaction.response.edit_message(view=None)
        await reply(
            interaction,
            _("The mediation is open again: <#{channel}>. A mediator will join you there.", channel=ticket.channel_id),
        )


# ---------------------------------------------------------------- figures


def stats_report(figures: Stats, days: int) -> str:
    """/ticket stats: counts under five shown as <5, medians and averages only from enough tickets."""

    def duration(value: timedelta | None) -> str:
        return format_duration(value) if value is not None else _("not enough tickets")

    average = f"{figures.average_rating}/5" if figures.average_rating is not None else _("not enough ratings")
    if figures.ratings < SMALL_COUNT:
        rating = _("Average rating: {value} (<5 ratings)", value=average)
    else:
        rating = _n(
            "Average rating: {value} ({n} rating)",
            "Average rating: {value} ({n} ratings)",
            figures.ratings,
            value=average,
        )
    lines = [
        _n("**Mediation in the last {n} day**", "**Mediation in the last {n} days**", days),
        _("Requests: {count}", count=shown_count(figures.opened)),
        _("Waiting: {count}", count=shown_count(figures.open)),
        _("Being mediated: {count}", count=shown_count(figures.claimed)),
        _("Closed: {count}", count=shown_count(figures.closed)),
        _("Median time to claim: {value}", value=duration(figures.median_to_claim)),
        _("Median time to close: {value}", value=duration(figures.median_to_close)),
        rating,
        _("Counts under 5 are shown as <5 so that nobody can be recognised."),
    ]
    return "\n".join(lines)
