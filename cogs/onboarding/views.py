"""The steps newcomers see in their thread: values cards, the introduction, the sign-off,
and the answers to /onboarding status and funnel.

Every button is persistent (`onboarding:<action>:<journey id>[:<card>]`) and loads its
state from the database when pressed, so a restart in the middle of a journey changes
nothing for the people in it.
"""

from __future__ import annotations

import re

import discord

from cogs.onboarding import service
from cogs.onboarding.rules import StageFigures
from config.content import ValueCardSpec
from gromada.checks import is_moderator, require_guild
from gromada.durations import format_duration
from gromada.i18n import N_, _, _n
from gromada.ui import BaseModal, IdButton, InServer, PersistentItem, truncate
from models.onboarding import Journey, JourneyStatus, Step

# A newcomer's journey belongs to the server they joined.
JOURNEY = InServer(Journey, service.JOURNEY_GONE)

# ---------------------------------------------------------------- what a step looks like


def card_embed(cards: list[ValueCardSpec], index: int) -> discord.Embed:
    card = cards[index]
    embed = discord.Embed(title=truncate(card.title, 256), description=truncate(card.body, 4096))
    embed.set_footer(text=_("Value {current} of {total}", current=index + 1, total=len(cards)))
    return embed


def walk_view(journey_id: int, index: int, count: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    back = CardButton(journey_id, max(0, index - 1), label=_("Back"))
    back.item.disabled = index == 0
    view.add_item(back)
    if index < count - 1:
        view.add_item(CardButton(journey_id, index + 1, label=_("Next"), style=discord.ButtonStyle.primary))
    else:
        view.add_item(AgreeButton(journey_id))
    return view


def step_message(journey: Journey, cards: list[ValueCardSpec], mention: str) -> dict:
    """The newcomer's current step, as message arguments (content, embed, view)."""
    if journey.step == Step.JOINED:
        index = service.clamp_card(journey.card, len(cards))
        return {
            "content": _(
                "Welcome, {newcomer}! This thread is yours. First, here is how we work together.",
                newcomer=mention,
            ),
            "embed": card_embed(cards, index),
            "view": walk_view(journey.pk, index, len(cards)),
        }
    if journey.step == Step.VALUES:
        view = discord.ui.View(timeout=None)
        view.add_item(IntroduceButton(journey.pk))
        return {
            "content": _(
                "Thank you for sharing our values, {newcomer}! Next, tell the community a little about yourself.",
                newcomer=mention,
            ),
            "embed": None,
            "view": view,
        }
    return {
        "content": _("Your introduction is posted, {newcomer}. Your buddy will write to you here.", newcomer=mention),
        "embed": None,
        "view": None,
    }


def complete_view(journey_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CompleteButton(journey_id))
    return view


# ---------------------------------------------------------------- values walk


class CardButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"onboarding:card:(?P<id>\d+):(?P<index>\d+)"
):
    """Back / Next on the values walk. Not an IdButton: its custom_id carries the card after the journey."""

    owner = JOURNEY

    def __init__(self, journey_id: int, index: int, *, label: str = "…", style=discord.ButtonStyle.secondary) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"onboarding:card:{journey_id}:{index}"))
        self.journey_id = journey_id
        self.index = index

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(int(match["id"]), int(match["index"]))

    async def check(self, interaction: discord.Interaction) -> None:
        await service.own_active_journey(self.journey_id, interaction.user.id)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.onboarding import flows

        await flows.show_card(interaction.client, interaction, self.journey_id, self.index)


class _NewcomerButton(IdButton):
    """A step button on one newcomer's journey (`self.ref_id`), pressed by that newcomer only."""

    owner = JOURNEY
    style = discord.ButtonStyle.primary

    async def check(self, interaction: discord.Interaction) -> None:
        await service.own_active_journey(self.ref_id, interaction.user.id)


class AgreeButton(_NewcomerButton, action="onboarding:agree"):
    style = discord.ButtonStyle.success
    label_text = N_("I share these values")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.onboarding import flows

        await flows.accept_values(interaction.client, interaction, self.ref_id)


# ---------------------------------------------------------------- introduction


class IntroduceButton(_NewcomerButton, action="onboarding:introduce"):
    label_text = N_("Introduce yourself")

    async def run(self, interaction: discord.Interaction) -> None:
        journey = await service.own_active_journey(self.ref_id, interaction.user.id)
        await interaction.response.send_modal(IntroductionModal(journey))


class IntroductionModal(BaseModal):
    def __init__(self, journey: Journey) -> None:
        super().__init__(title=_("Introduce yourself"), custom_id=f"onboarding:introduction:{journey.pk}")
        self.journey_id = journey.pk
        self.about = discord.ui.TextInput(
            label=_("About you"),
            custom_id="about",
            style=discord.TextStyle.paragraph,
            placeholder=_("Who are you? What brings you here?"),
            default=journey.about or None,
            max_length=service.ABOUT_LIMIT,
        )
        self.interests = discord.ui.TextInput(
            label=_("Interests"),
            custom_id="interests",
            style=discord.TextStyle.paragraph,
            default=journey.interests or None,
            required=False,
            max_length=service.INTERESTS_LIMIT,
        )
        self.languages = discord.ui.TextInput(
            label=_("Languages you speak"),
            custom_id="languages",
            placeholder=_("e.g. Polish, English"),
            default=journey.languages.replace(",", ", ") or None,  # a refused draft's languages, as codes
            required=False,
            max_length=service.LANGUAGES_LIMIT,
        )
        for item in (self.about, self.interests, self.languages):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.onboarding import flows

        await flows.introduce(
            interaction.client,
            interaction,
            self.journey_id,
            self.about.value,
            self.interests.value,
            self.languages.value,
        )


def introduction_embed(member: discord.abc.User, introduction: service.Introduction) -> discord.Embed:
    embed = discord.Embed(
        title=_("Meet {name}", name=truncate(member.display_name, 200)), description=introduction.about
    )
    embed.set_thumbnail(url=member.display_avatar.url)
    if introduction.interests:
        embed.add_field(name=_("Interests"), value=truncate(introduction.interests, 1024), inline=False)
    if introduction.languages:
        embed.add_field(name=_("Languages"), value=truncate(introduction.languages, 1024), inline=False)
    return embed


# ---------------------------------------------------------------- sign-off


class CompleteButton(IdButton, action="onboarding:complete"):
    """The sign-off, pressed by the newcomer's buddy or by staff."""

    owner = JOURNEY
    style = discord.ButtonStyle.success
    label_text = N_("Welcome complete")

    async def check(self, interaction: discord.Interaction) -> None:
        member = require_guild(interaction)
        await service.completion_target(self.ref_id, member.id, await is_moderator(member))

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.onboarding import flows

        await flows.complete(interaction.client, interaction, self.ref_id)


# ---------------------------------------------------------------- /onboarding status


def status_text(journey: Journey) -> str:
    done, todo = "✅", "⬜"
    steps = (
        (Step.VALUES, _("Values shared")),
        (Step.INTRODUCED, _("Introduction posted")),
        (Step.MATCHED, _("Buddy assigned")),
        (Step.COMPLETED, _("Welcome complete")),
    )
    lines = [_("**Welcome of <@{newcomer}>**", newcomer=journey.user_id)]
    lines.append(_("Joined {when}", when=discord.utils.format_dt(journey.joined_at, "R")))
    lines.extend(f"{done if journey.step >= step else todo} {label}" for step, label in steps)
    if journey.buddy_id:
        lines.append(_("Buddy: <@{buddy}>", buddy=journey.buddy_id))
    if journey.thread_id and journey.status == JourneyStatus.ACTIVE:
        lines.append(_("Thread: <#{thread}>", thread=journey.thread_id))
    elif journey.status == JourneyStatus.ACTIVE:
        lines.append(_("The welcome thread is being prepared."))
    if journey.status == JourneyStatus.LEFT:
        lines.append(_("Left the server; the welcome resumes if they come back."))
    return "\n".join(lines)


# ---------------------------------------------------------------- /onboarding funnel

MILESTONE_LABELS = {
    "joined_at": N_("Joined"),
    "values_at": N_("Shared the values"),
    "introduced_at": N_("Introduced themselves"),
    "matched_at": N_("Got a buddy"),
    "completed_at": N_("Welcome complete"),
}


def funnel_text(days: int, figures: list[StageFigures]) -> str:
    lines = [_n("**Onboarding in the last {n} day**", "**Onboarding in the last {n} days**", days)]
    for stage in figures:
        line = f"{_(MILESTONE_LABELS[stage.milestone])}: {stage.reached}"
        if stage.median_from_previous is not None:
            line += " " + _(
                "(median {duration} after the previous step)", duration=format_duration(stage.median_from_previous)
            )
        lines.append(line)
    return "\n".join(lines)


PERSISTENT_ITEMS = (CardButton, AgreeButton, IntroduceButton, CompleteButton)
