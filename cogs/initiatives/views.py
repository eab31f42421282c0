"""What people see and click: the proposal modal, the cards, and their persistent buttons."""

from __future__ import annotations

from datetime import timedelta

import discord

from cogs.initiatives import service
from gromada import cooldowns
from gromada.checks import is_moderator, require_guild
from gromada.errors import NotAllowed, NotFound
from gromada.i18n import N_, _, _n
from gromada.scheduler import now
from gromada.ui import BaseModal, BaseView, IdButton, InServer, moment_with_distance, reply, truncate
from models.initiatives import Initiative, InitiativeNeed, InitiativeStatus, Progress
from models.privacy import is_pseudonym, pseudonym_tag

STATUS_LABELS = {
    InitiativeStatus.PROPOSED: N_("gathering support"),
    InitiativeStatus.OPENING: N_("opening its channel"),
    InitiativeStatus.ACTIVE: N_("active"),
    InitiativeStatus.ARCHIVED: N_("archived"),
    InitiativeStatus.EXPIRED: N_("expired"),
    InitiativeStatus.WITHDRAWN: N_("withdrawn by the proposer"),
}
PROGRESS_LABELS = {
    Progress.PLANNING: N_("planning"),
    Progress.IN_PROGRESS: N_("in progress"),
    Progress.BLOCKED: N_("blocked, needs help"),
    Progress.DONE: N_("done"),
}
MENTION_BUDGET = 1500  # characters of mentions in one message (Discord's cap is 2,000)
# A proposal is a card for everyone in the initiatives channel.
PROPOSE_COOLDOWN = cooldowns.declare(
    "initiative_propose", timedelta(minutes=10), N_("Time a member waits between proposing two initiatives")
)


def card_link(initiative: Initiative) -> str:
    return (
        f"https://discord.com/channels/{initiative.guild_id}/{initiative.card_channel_id}/{initiative.card_message_id}"
    )


def person(user_id: int | None) -> str:
    """A member as a mention; a forgotten one by their pseudonym (a mention of it would show as raw text)."""
    if user_id is None:
        return _("nobody")
    if is_pseudonym(user_id):
        return _("former member #{tag}", tag=pseudonym_tag(user_id))
    return f"<@{user_id}>"


def mentions(user_ids: list[int], budget: int = MENTION_BUDGET) -> str:
    """Mentions that fit the budget, then "and N more"."""
    shown: list[str] = []
    size = 0
    for user_id in user_ids:
        mention = person(user_id)
        if size + len(mention) + 1 > budget:
            rest = len(user_ids) - len(shown)
            return " ".join(shown) + " " + _n("and {n} more person", "and {n} more people", rest)
        shown.append(mention)
        size += len(mention) + 1
    return " ".join(shown)


# ---------------------------------------------------------------- the proposal card


def proposal_embed(initiative: Initiative, supporters: int) -> discord.Embed:
    embed = discord.Embed(title=truncate(initiative.title, 256), description=initiative.goal)
    embed.add_field(name=_("What is needed"), value=initiative.needs, inline=False)
    embed.add_field(name=_("First step"), value=initiative.first_step, inline=False)
    embed.add_field(name=_("Proposed by"), value=person(initiative.proposer_id))
    embed.add_field(name=_("Supporters"), value=f"{supporters}/{initiative.threshold}")
    embed.add_field(name=_("Status"), value=_(STATUS_LABELS[initiative.status]))
    if initiative.status == InitiativeStatus.PROPOSED:
        embed.add_field(name=_("Support until"), value=moment_with_distance(initiative.support_until))
        if initiative.open_error and supporters >= initiative.threshold:
            embed.add_field(
                name=_("The channel could not be opened"),
                value=_("Press Retry to try again. Staff have been told why."),
                inline=False,
            )
    if initiative.channel_id is not None:
        embed.add_field(name=_("Channel"), value=f"<#{initiative.channel_id}>")
        embed.add_field(name=_("Progress"), value=_(PROGRESS_LABELS[initiative.progress]))
        if initiative.last_note:
            embed.add_field(name=_("Latest note"), value=truncate(initiative.last_note, 1024), inline=False)
    return embed


def proposal_view(initiative: Initiative, supporters: int) -> discord.ui.View | None:
    # While opening, the buttons stay: if that attempt is interrupted, Retry picks it up.
    if initiative.status not in (InitiativeStatus.PROPOSED, InitiativeStatus.OPENING):
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(SupportButton(initiative.pk))
    view.add_item(WithdrawButton(initiative.pk))
    if supporters >= initiative.threshold:
        view.add_item(RetryButton(initiative.pk))
    view.add_item(WithdrawProposalButton(initiative.pk))
    return view


class _InServer(IdButton):
    """The initiatives' buttons act for a member of the server (never registered itself)."""

    owner = InServer(Initiative, service.GONE)

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)


CARD_REMOVED = N_("This proposal no longer exists, so I removed its card.")


class _OnCard(_InServer):
    """The buttons of a proposal card (never registered itself).

    A card can outlive its proposal: posted although Discord's answer was lost, while the
    search for it failed too, so the proposal was discarded. A click on such a card removes
    it rather than leaving buttons that lead nowhere.
    """

    async def _admit(self, interaction: discord.Interaction) -> None:
        try:
            await super()._admit(interaction)
        except NotFound:
            from cogs.initiatives import flows

            if await flows.remove_orphan_card(interaction, self.ref_id):
                raise NotFound(CARD_REMOVED) from None
            raise


class SupportButton(_OnCard, action="initiatives:support"):
    style = discord.ButtonStyle.success
    label_text = N_("Support")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome, channel = await flows.support(interaction.client, self.ref_id, interaction.user.id)
        if channel is not None:
            await reply(
                interaction, _("Thank you! The initiative now has its channel: {channel}", channel=channel.mention)
            )
        elif outcome.added:
            await reply(interaction, _("Thank you, your support counts."))
        else:
            await reply(interaction, _("You already support this proposal; it counts once."))


class WithdrawButton(_OnCard, action="initiatives:withdraw"):
    label_text = N_("Withdraw support")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        await service.withdraw(self.ref_id, interaction.user.id, now())
        await interaction.response.defer(ephemeral=True, thinking=True)
        await flows.refresh_card(interaction.client, self.ref_id)
        await reply(interaction, _("Your support is withdrawn."))


class WithdrawProposalButton(_OnCard, action="initiatives:cancel"):
    """The proposer takes the proposal back (after confirming); supporters are not pinged."""

    style = discord.ButtonStyle.danger
    label_text = N_("Withdraw proposal")

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)
        service.require_proposer(await service.get(self.ref_id), interaction.user.id)

    async def run(self, interaction: discord.Interaction) -> None:
        initiative = await service.get(self.ref_id)
        await reply(
            interaction,
            _(
                "Withdraw your proposal “{title}”? It stops gathering support and gets no channel. "
                "Its supporters are not notified; the card shows that you withdrew it.",
                title=initiative.title,
            ),
            view=WithdrawalConfirmation(initiative.pk, interaction.user.id),
        )


class WithdrawalConfirmation(BaseView):
    """Yes / No under the question, for the proposer who asked (not persistent: asked again if lost)."""

    def __init__(self, initiative_id: int, proposer_id: int) -> None:
        super().__init__(timeout=600)
        self.initiative_id = initiative_id
        self.proposer_id = proposer_id
        self.confirm.label = _("Withdraw it")
        self.keep.label = _("Keep it")

    async def check(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.proposer_id:
            raise NotAllowed(N_("Only the person who proposed it can withdraw this proposal."))

    @discord.ui.button(style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        from cogs.initiatives import flows

        initiative = await flows.withdraw_proposal(interaction.client, self.initiative_id, interaction.user.id)
        self.stop()
        await interaction.response.edit_message(content=_("You withdrew “{title}”.", title=initiative.title), view=None)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content=_("Your proposal stays as it is."), view=None)


class RetryButton(_OnCard, action="initiatives:retry"):
    style = discord.ButtonStyle.primary
    label_text = N_("Retry opening the channel")

    async def check(self, interaction: discord.Interaction) -> None:
        member = require_guild(interaction)
        await service.require_supporter_or_staff(self.ref_id, member.id, staff=await is_moderator(member))

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await service.ready_to_open(self.ref_id, now()):
            if (await service.get(self.ref_id)).status == InitiativeStatus.OPENING:
                await reply(interaction, _("Someone else is opening the channel right now."))
                return
            await flows.refresh_card(interaction.client, self.ref_id)
            await reply(interaction, _("Nothing to retry: the proposal is not waiting for its channel."))
            return
        channel = await flows.open_space(interaction.client, self.ref_id)
        if channel is None:
            await reply(interaction, _("Someone else is opening the channel right now."))
            return
        await reply(interaction, _("Done: the initiative now has its channel: {channel}", channel=channel.mention))


# ---------------------------------------------------------------- the welcome card in the channel


def welcome_text(initiative: Initiative, lead_id: int | None, member_ids: list[int]) -> str:
    others = [user_id for user_id in member_ids if user_id != lead_id]
    lines = [
        _("Welcome to **{title}**!", title=initiative.title),
        _("Lead: {lead}", lead=person(lead_id)),
    ]
    if others:
        lines.append(_("Members: {members}", members=mentions(others)))
    lines.append(_("Anyone can read along; press Join to take part, Leave to step back."))
    return "\n".join(lines)


def welcome_embed(initiative: Initiative) -> discord.Embed:
    embed = discord.Embed(title=truncate(initiative.title, 256), description=initiative.goal)
    embed.add_field(name=_("What is needed"), value=initiative.needs, inline=False)
    embed.add_field(name=_("First step"), value=initiative.first_step, inline=False)
    return embed


def welcome_view(initiative_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(initiative_id))
    view.add_item(LeaveButton(initiative_id))
    return view


class JoinButton(_InServer, action="initiatives:join"):
    style = discord.ButtonStyle.success
    label_text = N_("Join")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        initiative = await service.get(self.ref_id)
        await flows.join(interaction.guild, initiative, interaction.user)
        await reply(interaction, _("Welcome aboard! You can write here now."))


class LeaveButton(_InServer, action="initiatives:leave"):
    label_text = N_("Leave")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        initiative = await service.get(self.ref_id)
        await flows.leave(interaction.guild, initiative, interaction.user)
        await reply(interaction, _("You left the initiative. You can still read along."))


# ---------------------------------------------------------------- calls for help


def need_text(initiative: Initiative, need: InitiativeNeed, helpers: list[int]) -> str:
    lines = [
        _("**{title}** needs help: {text}", title=initiative.title, text=need.text),
        _("Channel: <#{channel}>", channel=initiative.channel_id),
    ]
    if helpers:
        lines.append(_("Offered to help: {helpers}", helpers=mentions(helpers, budget=600)))
    return truncate("\n".join(lines), 2000)


def need_view(need_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(HelpButton(need_id))
    return view


class HelpButton(_InServer, action="initiatives:help"):
    owner = InServer(InitiativeNeed, service.NEED_GONE, "initiative__guild_id")
    style = discord.ButtonStyle.primary
    label_text = N_("I can help")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        need = await service.get_need(self.ref_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        added = await service.offer_help(need, interaction.user.id, now())
        if added:
            await flows.announce_helper(interaction.client, need, interaction.user.id)
            await reply(interaction, _("Thank you! The lead can see that you offered to help."))
        else:
            await reply(interaction, _("You already offered to help with this."))


# ---------------------------------------------------------------- the proposal modal


class ProposalFields(BaseModal):
    """The four fields of an initiative proposal. Meetings and surveys open it pre-filled and
    hand the values to their own flows; the proposal's rules stay in the initiatives service."""

    def __init__(self, title: str, *, name: str | None = None, goal: str | None = None, timeout: float = 1800) -> None:
        super().__init__(title=title, timeout=timeout)
        self.title_input = discord.ui.TextInput(
            label=_("Title"),
            custom_id="title",
            max_length=100,
            default=truncate(name, 100) if name else None,
            placeholder=None if name else _("Community garden"),
        )
        self.goal = discord.ui.TextInput(
            label=_("Goal"),
            custom_id="goal",
            style=discord.TextStyle.paragraph,
            max_length=1000,
            default=truncate(goal, 1000) if goal else None,
        )
        self.needs = discord.ui.TextInput(
            label=_("What is needed"), custom_id="needs", style=discord.TextStyle.paragraph, max_length=1000
        )
        self.first_step = discord.ui.TextInput(
            label=_("First step"), custom_id="first_step", style=discord.TextStyle.paragraph, max_length=1000
        )
        for item in (self.title_input, self.goal, self.needs, self.first_step):
            self.add_item(item)


class ProposalModal(ProposalFields):
    def __init__(self) -> None:
        super().__init__(_("Propose an initiative"))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.initiatives import flows

        await cooldowns.take(interaction, PROPOSE_COOLDOWN)
        proposal = service.validate_proposal(
            self.title_input.value, self.goal.value, self.needs.value, self.first_step.value
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        initiative, channel = await flows.propose(interaction.client, interaction.guild, interaction.user, proposal)
        if channel is not None:
            await reply(interaction, _("Your initiative has its channel: {channel}", channel=channel.mention))
            return
        await reply(
            interaction,
            _n(
                "Your proposal is posted: {link}\n"
                "It needs {n} supporter; support closes {deadline}. You are the first.",
                "Your proposal is posted: {link}\n"
                "It needs {n} supporters; support closes {deadline}. You are the first.",
                initiative.threshold,
                link=card_link(initiative),
                deadline=discord.utils.format_dt(initiative.support_until, "R"),
            ),
        )
