"""The forget confirmation: two persistent buttons for the member who asked (they survive restarts)."""

from __future__ import annotations

import re

import discord

from cogs.privacy.texts import forget_report
from gromada.checks import require_guild
from gromada.errors import NotAllowed
from gromada.i18n import N_, _
from gromada.ui import PersistentItem


def _require_owner(interaction: discord.Interaction, user_id: int) -> None:
    require_guild(interaction)
    if interaction.user.id != user_id:
        raise NotAllowed(N_("Only the member who asked can answer this."))


class ForgetButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"privacy:forget:(?P<id>\d+)"):
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            discord.ui.Button(
                label=_("Forget me"), style=discord.ButtonStyle.danger, custom_id=f"privacy:forget:{user_id}"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> ForgetButton:
        return cls(int(match["id"]))

    async def check(self, interaction: discord.Interaction) -> None:
        _require_owner(interaction, self.user_id)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.privacy import flows

        # Acknowledge first: if Discord is unreachable nothing is erased; if the edit after
        # the erasure fails, the button stays and a second click reports what is left.
        await interaction.response.defer()
        report, channels_gone = await flows.forget(interaction.client, interaction.user)
        await interaction.edit_original_response(content=forget_report(report, channels_gone), view=None)


class KeepButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"privacy:keep:(?P<id>\d+)"):
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            discord.ui.Button(
                label=_("Cancel"), style=discord.ButtonStyle.secondary, custom_id=f"privacy:keep:{user_id}"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]) -> KeepButton:
        return cls(int(match["id"]))

    async def check(self, interaction: discord.Interaction) -> None:
        _require_owner(interaction, self.user_id)

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=_("Nothing was erased."), view=None)


def confirmation(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user_id))
    view.add_item(KeepButton(user_id))
    return view


DYNAMIC_ITEMS = (ForgetButton, KeepButton)
