"""What volunteer roles look like: the panel and its picker, role cards, the buttons, and texts.

Every persistent component is a DynamicItem whose custom_id carries only an id; state is
loaded from the database when clicked, so buttons keep working after a restart. A click hands
off to cogs/volunteers/flows.py, imported inside the handler (flows builds these views).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import discord

from cogs.volunteers import rules, service
from cogs.volunteers.certificate import CertificateText
from gromada.checks import require_guild, require_moderator
from gromada.commands import mention
from gromada.i18n import N_, _, _n, format_day
from gromada.ui import IdButton, InServer, OfPerson, PersistentItem, TheServer, chosen_id, date_named, reply, truncate
from models.volunteers import ApprovalRequest, SeatStatus, VolunteerRole, VolunteerSeat


def day(value) -> str:
    """A date with its month named, in each reader's own language, or a dash when there is none."""
    return date_named(value) if value else "—"


def offer_deadline(value) -> str:
    """When an offer runs out: an offer lasts hours, so the time counts as much as the day."""
    return discord.utils.format_dt(value, "f")


# ---------------------------------------------------------------- panel


def panel_embed(bot: discord.Client | None, guild_name: str, lines: list[rules.PanelLine]) -> discord.Embed:
    embed = discord.Embed(
        title=_("Volunteer roles"),
        description=_("Pick a role below to read what it involves and to take a seat or step down."),
        colour=discord.Colour.green(),
    )
    if not lines:
        embed.description = _(
            "There are no volunteer roles yet. An admin can add them with {command}.",
            command=mention(bot, "volunteer role create"),
        )
    budget = rules.field_budget(len(lines))
    for line in lines:
        name = _n(
            "{role} · {filled}/{n} seat", "{role} · {filled}/{n} seats", line.seats, role=line.name, filled=line.filled
        )
        if line.waiting:
            name += " · " + _n("{n} waiting", "{n} waiting", line.waiting)
        embed.add_field(name=truncate(name, 120), value=truncate(line.description or "-", budget), inline=False)
    embed.set_footer(text=truncate(guild_name, 100))
    return embed


# The picker carries its server's id (not a row's), so it is a select of its own, not an IdButton.
PICK = "volunteers:pick"


class RolePicker(PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=rf"{PICK}:(?P<id>\d+)"):
    owner = TheServer(N_("This panel belongs to another server."))

    def __init__(self, guild_id: int, options: list[discord.SelectOption] | None = None) -> None:
        self.guild_id = guild_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"{PICK}:{guild_id}",
                placeholder=_("Choose a volunteer role"),
                options=options or [],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]))

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        role = await service.role_by_id(interaction.guild_id, chosen_id(self.item, service.ROLE_GONE))
        card = role_card(role, await service.catalogue_state(interaction.guild_id))
        # Answering with an (empty) update of the panel clears the member's choice in the menu.
        # A plain reply would leave the role selected, and Discord sends nothing when someone
        # picks the selected role again: they could not come back to it without reloading.
        await interaction.response.edit_message()
        await reply(interaction, card, view=card_view(role.pk))


def panel_view(guild_id: int, lines: list[rules.PanelLine], role_ids: list[int]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if role_ids:
        options = [
            discord.SelectOption(
                label=truncate(line.name, 100),
                value=str(role_id),
                description=truncate(f"{line.filled}/{line.seats}", 100),
            )
            for line, role_id in zip(lines, role_ids, strict=True)
        ]
        view.add_item(RolePicker(guild_id, options[:25]))
    return view


def role_card(role, states) -> str:
    state = next((state for state in states if state.role.pk == role.pk), None)
    filled = state.filled if state else 0
    waiting = len(state.waiting) if state else 0
    lines = [f"**{role.name}**"]
    if role.description:
        lines.append(role.description)
    if role.responsibilities:
        lines.append(_("Responsibilities: {text}", text=role.responsibilities))
    lines.append(_("Seats: {filled}/{seats}", filled=filled, seats=role.seats))
    if waiting:
        lines.append(_n("{n} person on the waitlist", "{n} people on the waitlist", waiting))
    if role.term_days:
        lines.append(_n("A term lasts {n} day.", "A term lasts {n} days.", role.term_days))
    if role.approval == "coordinator":
        lines.append(_("A coordinator approves each new volunteer."))
    if role.prerequisite_role_id:
        lines.append(_("You need the role <@&{role}> first.", role=role.prerequisite_role_id))
    return truncate("\n".join(lines), 1900)


class _RoleAction(IdButton):
    """A button on a role's card: does `act` for the person clicking, in the server."""

    owner = InServer(VolunteerRole, service.ROLE_GONE)

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        role = await service.role_by_id(interaction.guild_id, self.ref_id)
        await reply(interaction, await self.act(interaction.client, interaction.user, role))

    @staticmethod
    async def act(bot, member: discord.Member, role) -> str:
        raise NotImplementedError


class ClaimButton(_RoleAction, action="volunteers:claim"):
    style = discord.ButtonStyle.success
    label_text = N_("Take a seat")

    @staticmethod
    async def act(bot, member: discord.Member, role) -> str:
        from cogs.volunteers import flows

        return await flows.claim_for(bot, member, role)


class ReleaseButton(_RoleAction, action="volunteers:release"):
    style = discord.ButtonStyle.danger
    label_text = N_("Step down")

    @staticmethod
    async def act(bot, member: discord.Member, role) -> str:
        from cogs.volunteers import flows

        return await flows.release_for(bot, member, role)


def card_view(role_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimButton(role_id))
    view.add_item(ReleaseButton(role_id))
    return view


# ---------------------------------------------------------------- offers and renewal (in DMs)


# Offers and renewals come by direct message: the seat belongs to the person it is offered to.
OFFERED_SEAT = OfPerson(VolunteerSeat, service.NO_LONGER_OPEN, service.OFFER_NOT_THEIRS)
HELD_SEAT = OfPerson(VolunteerSeat, service.NO_LONGER_OPEN, service.SEAT_NOT_THEIRS)


class AcceptOffer(IdButton, action="volunteers:accept"):
    owner = OFFERED_SEAT
    style = discord.ButtonStyle.success
    label_text = N_("Accept")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.volunteers import flows

        seat = await flows.accept(interaction.client, self.ref_id, interaction.user.id)
        await interaction.response.edit_message(
            content=_("You accepted: you are now **{role}**. Thank you!", role=seat.role.name), view=None
        )


class DeclineOffer(IdButton, action="volunteers:decline"):
    owner = OFFERED_SEAT
    label_text = N_("Decline")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.volunteers import flows

        seat = await flows.decline_offer(interaction.client, self.ref_id, interaction.user.id)
        await interaction.response.edit_message(
            content=_("You declined the seat as **{role}**. It goes to the next person.", role=seat.role.name),
            view=None,
        )


def offer_view(seat_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AcceptOffer(seat_id))
    view.add_item(DeclineOffer(seat_id))
    return view


class RenewTerm(IdButton, action="volunteers:renew"):
    owner = HELD_SEAT
    style = discord.ButtonStyle.success
    label_text = N_("Renew")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.volunteers import flows

        seat = await flows.renew(interaction.client, self.ref_id, interaction.user.id)
        await interaction.response.edit_message(
            content=_(
                "Renewed: you stay **{role}** until {date}. Thank you!",
                role=seat.role.name,
                date=discord.utils.format_dt(seat.term_ends_at, "D"),
            ),
            view=None,
        )


def renew_view(seat_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RenewTerm(seat_id))
    return view


# ---------------------------------------------------------------- coordinator approval


def request_decided_text(
    request: ApprovalRequest, role: VolunteerRole, coordinator: discord.abc.User, approved: bool
) -> str:
    if approved:
        return _(
            "<@{user}> asked to become **{role}**: approved by {coordinator}.",
            user=request.user_id,
            role=role.name,
            coordinator=coordinator.mention,
        )
    return _(
        "<@{user}> asked to become **{role}**: declined by {coordinator}.",
        user=request.user_id,
        role=role.name,
        coordinator=coordinator.mention,
    )


def request_closed_text(request: ApprovalRequest, role: VolunteerRole) -> str:
    return _(
        "<@{user}> asked to become **{role}**: closed, they left the server.", user=request.user_id, role=role.name
    )


class _Decision(IdButton):
    """A coordinator's Approve or Decline on a request (staff only, re-checked on every click)."""

    owner = InServer(ApprovalRequest, service.REQUEST_GONE)
    approves = True

    async def check(self, interaction: discord.Interaction) -> None:
        await require_moderator(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.volunteers import flows

        request = await flows.decide(
            interaction.client, interaction.guild, self.ref_id, interaction.user.id, approve=self.approves
        )
        await interaction.response.edit_message(
            content=request_decided_text(request, request.role, interaction.user, self.approves), view=None
        )


class ApproveRequest(_Decision, action="volunteers:approve"):
    style = discord.ButtonStyle.success
    label_text = N_("Approve")


class RejectRequest(_Decision, action="volunteers:reject"):
    style = discord.ButtonStyle.danger
    approves = False
    label_text = N_("Decline")


def request_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ApproveRequest(request_id))
    view.add_item(RejectRequest(request_id))
    return view


# ---------------------------------------------------------------- reading: roster, mine, certificate


def roster_lines(states: list[service.RoleState], unseated: Mapping[int, int] | None = None) -> list[str]:
    """/volunteer roster: each role, who holds or is offered its seats, and its waitlist.

    `unseated` counts, by role id, people who hold the role's Discord role without a seat (every
    seat was taken when they got it): they act in the role, so the roster says why it counts fewer.
    """
    unseated = unseated or {}
    lines: list[str] = []
    for state in states:
        lines.append(
            _("**{role}** · {filled}/{seats}", role=state.role.name, filled=state.filled, seats=state.role.seats)
        )
        for seat in state.seats:
            if seat.status == SeatStatus.OFFERED:
                lines.append(
                    _(
                        "- <@{user}>: offered, until {date}",
                        user=seat.user_id,
                        date=offer_deadline(seat.offer_expires_at),
                    )
                )
            else:
                lines.append(
                    _(
                        "- <@{user}> since {start}, until {end}",
                        user=seat.user_id,
                        start=day(seat.started_at),
                        end=day(seat.term_ends_at),
                    )
                )
        if unseated.get(state.role.pk) and state.filled >= state.role.seats:
            lines.append(
                _n(
                    "- {n} more person has the role <@&{role}> but no seat: every seat is taken",
                    "- {n} more people have the role <@&{role}> but no seat: every seat is taken",
                    unseated[state.role.pk],
                    role=state.role.discord_role_id,
                )
            )
        elif unseated.get(state.role.pk):
            # A seat freed while they held the role: the next start gives it to them.
            lines.append(
                _n(
                    "- {n} more person has the role <@&{role}> but no seat yet",
                    "- {n} more people have the role <@&{role}> but no seat yet",
                    unseated[state.role.pk],
                    role=state.role.discord_role_id,
                )
            )
        if state.waiting:
            lines.append(_n("- {n} on the waitlist", "- {n} on the waitlist", len(state.waiting)))
    if not lines:
        lines = [_("There are no volunteer roles yet.")]
    return lines


def member_lines(mine: service.MemberVolunteering) -> list[str]:
    """/volunteer mine: the member's seats, offers, waitlist places and pending requests."""
    lines = []
    for seat in mine.seats:
        if seat.status == SeatStatus.OFFERED:
            lines.append(
                _(
                    "**{role}**: a seat is offered to you until {date} (see your DMs)",
                    role=seat.role.name,
                    date=offer_deadline(seat.offer_expires_at),
                )
            )
        else:
            lines.append(
                _(
                    "**{role}** since {start}, until {end}",
                    role=seat.role.name,
                    start=day(seat.started_at),
                    end=day(seat.term_ends_at),
                )
            )
    for role, position in mine.waiting:
        lines.append(_("**{role}**: number {position} on the waitlist", role=role.name, position=position))
    for request in mine.requests:
        lines.append(_("**{role}**: waiting for a coordinator", role=request.role.name))
    if not lines:
        lines.append(_("You hold no volunteer role yet. Pick one on the volunteer panel!"))
    return lines


def certificate_text(
    server_name: str, member_name: str, mine: service.MemberVolunteering, today: date, more: Sequence[str] = ()
) -> CertificateText:
    """What the certificate of appreciation says: seats held, past terms, `more` (other features'
    lines, such as activities taken part in), thanks received."""
    lines = []
    for seat in mine.seats:
        if seat.status == SeatStatus.ACTIVE:
            lines.append(
                _n(
                    "{role}: since {start} ({n} term)",
                    "{role}: since {start} ({n} terms)",
                    seat.terms,
                    role=seat.role.name,
                    start=format_day(seat.started_at.date()),
                )
            )
    for term in mine.past:
        lines.append(
            _n(
                "{role}: {start} – {end} ({n} term)",
                "{role}: {start} – {end} ({n} terms)",
                term.terms,
                role=term.role_name,
                start=format_day(term.started_at.date()),
                end=format_day(term.ended_at.date()),
            )
        )
    lines.extend(more)
    if not lines:
        lines.append(_("A valued member of our community"))
    lines.append(_n("Thanked {n} time by fellow members", "Thanked {n} times by fellow members", len(mine.thanks)))
    return CertificateText(
        title=_("Certificate of appreciation"),
        presented_to=_("presented with gratitude to"),
        name=member_name,
        lines=lines,
        footer=f"{server_name} · {format_day(today)}",
    )
