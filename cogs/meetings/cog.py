"""/meeting: plan, minutes, list; RSVP and “Decide by poll” on the card. Parse, call flows, reply."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.meetings import flows, rules, service, views
from gromada import guild_config
from gromada.checks import require_guild
from gromada.durations import parse_duration
from gromada.errors import InvalidInput
from gromada.feature import FeatureCog
from gromada.i18n import N_, _
from gromada.localtime import local_label
from gromada.refresh import Coalescer
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, paginate_lines, reply, truncate

if TYPE_CHECKING:
    from gromada.bot import Gromada


class MeetingsCog(FeatureCog):
    persistent_items = (
        views.ComingButton,
        views.MaybeButton,
        views.NotComingButton,
        views.DecideSelect,
        views.ProposeSelect,
    )

    meeting = app_commands.Group(name="meeting", description="Meetings that end in decisions", guild_only=True)

    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        self.cards = Coalescer(functools.partial(flows.refresh_card, bot), 3.0)

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {
            service.DAY_TIMER: functools.partial(flows.remind_day, self.bot),
            service.HOUR_TIMER: functools.partial(flows.remind_hour, self.bot),
            service.RESULT_TIMER: functools.partial(flows.result_due, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        await flows.ensure_deadlines(self.bot)

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.cards.stop()

    @meeting.command(name="plan", description="Plan a meeting with its agenda (coordinators)")
    @app_commands.describe(
        title="What the meeting is about",
        start="Date and time in the server's time zone, like 2026-12-05 18:00",
        duration="How long it lasts, like 1h30m",
        place="Where it happens",
        place_channel="A voice or stage channel where it happens",
        agenda="Agenda items, separated by “;”",
        include_open="Add the open initiatives and polls to the agenda",
    )
    async def plan(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        start: app_commands.Range[str, 1, 40],
        duration: app_commands.Range[str, 1, 20] = "1h",
        place: app_commands.Range[str, 0, 200] = "",
        place_channel: discord.VoiceChannel | discord.StageChannel | None = None,
        agenda: app_commands.Range[str, 0, 2000] | None = None,
        include_open: bool = False,
    ) -> None:
        member = require_guild(interaction)
        await flows.require_coordinator(member)
        fields = service.MeetingFields(
            title=title,
            start_local=start,
            duration=parse_duration(duration, minimum=rules.MIN_DURATION, maximum=rules.MAX_DURATION),
            timezone=await guild_config.TIMEZONE.get(interaction.guild_id),
            place=place,
            place_channel_id=place_channel.id if place_channel else None,
            agenda=agenda,
            include_open=include_open,
        )
        planned = await service.plan(fields, interaction.guild_id, now())
        await interaction.response.defer(ephemeral=True, thinking=True)
        meeting = await flows.plan_meeting(self.bot, interaction.guild, planned, member.id)
        await reply(
            interaction,
            _("**{title}** is planned for {date}.", title=meeting.title, date=views.when(meeting.starts_at)),
        )

    async def _meetings(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        zone = await guild_config.TIMEZONE.get(interaction.guild_id)
        choices = []
        for meeting in await service.listing(interaction.guild_id, now()):
            name = truncate(f"{meeting.title} · {local_label(meeting.starts_at, zone)}", 100)
            if current.casefold() in name.casefold():
                choices.append(app_commands.Choice(name=name, value=str(meeting.pk)))
        return choices[:25]

    async def _coordinated(self, interaction: discord.Interaction, meeting: str):
        await flows.require_coordinator(require_guild(interaction))
        if not meeting.isdigit():
            raise InvalidInput(N_("Choose a meeting from the list."))
        return await service.meeting_by_id(int(meeting), interaction.guild_id)

    @meeting.command(name="minutes", description="Write the minutes of a meeting; they are posted under its card")
    @app_commands.describe(meeting="The meeting")
    async def minutes(self, interaction: discord.Interaction, meeting: str) -> None:
        found = await self._coordinated(interaction, meeting)
        await interaction.response.send_modal(views.MinutesModal(found.pk, found.title, found.minutes))

    @meeting.command(name="cancel", description="Cancel a meeting to come")
    @app_commands.describe(meeting="The meeting")
    async def cancel(self, interaction: discord.Interaction, meeting: str) -> None:
        found = await self._coordinated(interaction, meeting)
        if await flows.cancel_meeting(self.bot, interaction.guild, found):
            await reply(interaction, _("**{title}** is cancelled. Those coming were told.", title=found.title))
        else:
            await reply(interaction, _("**{title}** was already cancelled.", title=found.title))

    minutes.autocomplete("meeting")(_meetings)
    cancel.autocomplete("meeting")(_meetings)

    @meeting.command(name="list", description="Meetings to come and past ones")
    async def list_(self, interaction: discord.Interaction) -> None:
        lines = views.list_lines(await service.listing(interaction.guild_id, now()), now())
        await Pager(paginate_lines(lines), owner_id=interaction.user.id, title=_("Meetings")).send(interaction)
