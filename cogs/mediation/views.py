"""The panel button, the request and close forms, and the persistent buttons of tickets."""

from __future__ import annotations

import re

import discord

from cogs.mediation import service, space
from gromada import guild_config
from gromada.checks import require_guild
from gromada.errors import NotAllowed
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild, language_for_member
from gromada.scheduler import now
from gromada.ui import BaseModal, BaseView, IdButton, PersistentItem, reply
from models.core import BindingKind
from models.mediation import Ticket, TicketStatus


async def require_mediator_role(interaction: discord.Interaction) -> discord.Member:
    member = require_guild(interaction)
    role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, "mediator")
    if role_id is None or member.get_role(role_id) is None:
        raise NotAllowed(N_("Only mediators (the Mediator role) can do that."))
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
        member = require_guild(interaction)
        await space.places(member.guild)
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
        form = service.clean_form(self.what_happened.value, self.parties.value, self.hoped_outcome.value)
        await interaction.response.defer(ephemeral=True, thinking=True)
        ticket = await space.open_request(interaction, form)
        text = _(
            "Your private mediation space is ready: <#{channel}>. A mediator will join you there.",
            channel=ticket.channel_id,
        )
        where = await space.places(interaction.guild)
        if not space.active_mediators(where.mediator_role):
            text += "\n" + _(
                "Right now nobody holds the Mediator role, so it may take a while. The staff have been told."
            )
            await space.alert_staff_no_mediator(interaction.client, interaction.guild, ticket)
        await reply(interaction, text)


# ---------------------------------------------------------------- claiming


def alert_view(ticket: Ticket) -> BaseView:
    view = BaseView(timeout=None)
    button = ClaimButton(ticket.pk)
    button.item.disabled = ticket.status != TicketStatus.OPEN
    view.add_item(button)
    return view


class ClaimButton(IdButton, action="mediation:claim"):
    style = discord.ButtonStyle.success
    label_text = N_("Claim")

    async def check(self, interaction: discord.Interaction) -> None:
        await require_mediator_role(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        ticket = await service.claim(self.ref_id, interaction.user.id, now())
        await interaction.client.timers.cancel(service.UNCLAIMED_TIMER, ticket.pk)
        await reply(
            interaction, _("You now mediate ticket #{id}: <#{channel}>.", id=ticket.pk, channel=ticket.channel_id)
        )
        await announce_mediator(interaction.client, ticket)
        await space.refresh_alert(interaction.client, ticket)


async def announce_mediator(bot: discord.Client, ticket: Ticket) -> None:
    """Tell the requester (in their space, with a ping) who mediates now."""
    with use_locale(await language_for_member(bot, ticket.requester_id, ticket.guild_id)):
        text = _(
            "<@{requester}>, <@{mediator}> is your mediator and will help you from here.",
            requester=ticket.requester_id,
            mediator=ticket.mediator_id,
        )
    await space.post_in_space(bot, ticket, text, ping=[ticket.requester_id])


# ---------------------------------------------------------------- invitations


def invitation_view(party_id: int) -> BaseView:
    view = BaseView(timeout=None)
    view.add_item(InvitationButton(party_id, "yes"))
    view.add_item(InvitationButton(party_id, "no"))
    return view


class InvitationButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"mediation:invite:(?P<id>\d+):(?P<answer>yes|no)",
):
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
        accept = self.answer == "yes"
        ticket, party = await service.answer_invitation(self.party_id, interaction.user.id, accept)
        if accept:
            try:
                await space.set_access(interaction.client, ticket, interaction.user.id, space.PERSON_ACCESS)
            except Exception:
                await service.revert_acceptance(party.pk)  # the buttons stay, so they can try again
                raise
            text = _("Thank you. You can now see the mediation space: <#{channel}>.", channel=ticket.channel_id)
        else:
            text = _("You declined. Nobody else learns anything more from the bot about it.")
        await interaction.response.edit_message(content=text, view=None)
        await tell_space_about_answer(interaction.client, ticket, interaction.user.id, accept)


async def tell_space_about_answer(bot: discord.Client, ticket: Ticket, user_id: int, accept: bool) -> None:
    with use_locale(await language_for_guild(bot, ticket.guild_id)):
        if accept:
            text = _("<@{user}> accepted the invitation and joined this space.", user=user_id)
        else:
            text = _("<@{user}> declined the invitation.", user=user_id)
    await space.post_in_space(bot, ticket, text)


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
        from cogs.mediation import closing

        await closing.close_ticket(interaction, self.ticket_id, self.outcome.value)


def rating_view(ticket_id: int) -> BaseView:
    view = BaseView(timeout=None)
    for score in range(1, 6):
        view.add_item(RateButton(ticket_id, score))
    return view


class RateButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"mediation:rate:(?P<id>\d+):(?P<score>[1-5])"
):
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
        from cogs.mediation import closing

        if self.answer == "holds":
            await service.record_checkin(self.ticket_id, interaction.user.id, "holds")
            await interaction.response.edit_message(view=None)
            await reply(interaction, _("Good to hear. Thank you for telling us."))
            return
        ticket = await closing.reopen_ticket(interaction.client, self.ticket_id, interaction.user.id)
        await interaction.response.edit_message(view=None)
        await reply(
            interaction,
            _("The mediation is open again: <#{channel}>. A mediator will join you there.", channel=ticket.channel_id),
        )


DYNAMIC_ITEMS = (RequestButton, ClaimButton, InvitationButton, RateButton, CheckinButton)
