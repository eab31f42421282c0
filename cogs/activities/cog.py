"""/activity: create, list, join from cards, cancel, edit, mark who did not come; parse, call flows, reply."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.activities import flows, rules, service, views
from gromada import guild_config, scheduled_events
from gromada.checks import require_guild
from gromada.durations import parse_duration
from gromada.errors import InvalidInput
from gromada.feature import FeatureCog
from gromada.i18n import N_, _, _n
from gromada.refresh import Coalescer
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, paginate_lines, reply
from models.activities import Repeat

if TYPE_CHECKING:
    from gromada.bot import Gromada

# The card of a date is edited at most this often, however many people join.
CARD_REFRESH_PERIOD = 3.0


class ActivitiesCog(FeatureCog):
    persistent_items = (
        views.JoinButton,
        views.LeaveButton,
        views.JoinSeriesButton,
        views.LeaveSeriesButton,
        views.DoneButton,
        views.NotHappenedButton,
    )

    activity = app_commands.Group(
        name="activity", description="Activities and shifts people sign up for", guild_only=True
    )

    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        self.cards = Coalescer(functools.partial(flows.refresh_card, bot), CARD_REFRESH_PERIOD)

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {
            service.WINDOW_TIMER: functools.partial(flows.window_due, self.bot),
            service.CALL_TIMER: functools.partial(flows.call_for_people, self.bot),
            service.DAY_TIMER: functools.partial(flows.remind_day, self.bot),
            service.HOUR_TIMER: functools.partial(flows.remind_hour, self.bot),
            service.FOLLOWUP_TIMER: functools.partial(flows.follow_up, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        await flows.ensure_deadlines(self.bot)

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.cards.stop()

    # ------------------------------------------------------------ creating

    @activity.command(name="create", description="Plan an activity or a repeating shift (coordinators)")
    @app_commands.describe(
        title="What it is",
        start="Date and time in the server's time zone, like 2026-12-05 10:00",
        duration="How long it lasts, like 2h or 90m",
        seats="How many people it needs",
        description="What people will do",
        place="Where it happens",
        place_channel="A voice or stage channel where it happens",
        required_role="A role people need to join",
        repeat="Whether it repeats",
        until="The last date of a repeating activity, like 2027-03-31",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        start: app_commands.Range[str, 1, 40],
        duration: app_commands.Range[str, 1, 20],
        seats: app_commands.Range[int, 1, 50],
        description: app_commands.Range[str, 0, 1000] = "",
        place: app_commands.Range[str, 0, 200] = "",
        place_channel: discord.VoiceChannel | discord.StageChannel | None = None,
        required_role: discord.Role | None = None,
        repeat: Literal["none", "weekly", "biweekly", "monthly"] = "none",
        until: app_commands.Range[str, 0, 20] | None = None,
    ) -> None:
        member = require_guild(interaction)
        await flows.require_coordinator(member)
        zone = await guild_config.TIMEZONE.get(interaction.guild_id)
        fields = service.ActivityFields(
            title=title,
            start_local=start,
            duration=parse_duration(duration, minimum=rules.MIN_DURATION, maximum=rules.MAX_DURATION),
            seats=seats,
            timezone=zone,
            description=description,
            place=place,
            place_channel_id=place_channel.id if place_channel else None,
            required_role_id=required_role.id if required_role and not required_role.is_default() else None,
            repeat=Repeat(repeat),
            until=until,
        )
        planned = service.plan(fields, now())
        await interaction.response.defer(ephemeral=True, thinking=True)
        series = await flows.create_activity(self.bot, interaction.guild, planned, member.id)
        text = _("**{title}** is planned for {date}.", title=series.title, date=views.when(planned.first_start))
        if not scheduled_events.may_manage_events(interaction.guild):
            text += "\n" + _(
                "I cannot add it to the server's Events: "
                "give me the Create Events and Manage Events permissions to mirror activities there."
            )
        await reply(interaction, text)

    # ------------------------------------------------------------ reading

    @activity.command(name="list", description="Activities coming up")
    async def list_(self, interaction: discord.Interaction) -> None:
        dates = await service.upcoming(interaction.guild_id, now())
        counts = await service.taken_counts([date_.pk for date_ in dates])
        pages = paginate_lines(views.list_lines(dates, counts))
        await Pager(pages, owner_id=interaction.user.id, title=_("Activities coming up")).send(interaction)

    @activity.command(name="mine", description="The activities you joined and those you did")
    async def mine(self, interaction: discord.Interaction) -> None:
        mine = await service.member_activities(interaction.guild_id, interaction.user.id, now())
        pages = paginate_lines(views.mine_lines(mine))
        await Pager(pages, owner_id=interaction.user.id, title=_("Your activities")).send(interaction)

    # ------------------------------------------------------------ coordinating

    async def _dates(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        dates = await service.recent_and_upcoming(interaction.guild_id, now())
        choices = [(views.occurrence_choice(date_), str(date_.pk)) for date_ in dates]
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in choices
            if current.casefold() in name.casefold()
        ][:25]

    async def _coordinated(self, interaction: discord.Interaction, activity: str):
        await flows.require_coordinator(require_guild(interaction))
        if not activity.isdigit():
            raise InvalidInput(N_("Choose an activity from the list."))
        return await service.occurrence(int(activity), interaction.guild_id)

    @activity.command(name="cancel", description="Cancel one date of an activity, or every date to come")
    @app_commands.describe(activity="The activity's date", scope="This date only, or every date to come")
    async def cancel(
        self, interaction: discord.Interaction, activity: str, scope: Literal["this", "series"] = "this"
    ) -> None:
        occurrence = await self._coordinated(interaction, activity)
        await interaction.response.defer(ephemeral=True, thinking=True)
        count = await flows.cancel(self.bot, interaction.guild, occurrence, whole_series=scope == "series")
        if not count:
            await reply(interaction, _("**{title}** was already cancelled.", title=occurrence.title))
            return
        await reply(
            interaction,
            _n(
                "Cancelled {n} date of **{title}**. Those who joined were told.",
                "Cancelled {n} dates of **{title}**. Those who joined were told.",
                count,
                title=occurrence.title,
            ),
        )

    @activity.command(name="edit", description="Change one date of an activity")
    @app_commands.describe(
        activity="The activity's date",
        title="A new title",
        place="A new place",
        start="A new start in the server's time zone, like 2026-12-05 10:00",
        scope="This date only, or every date to come (title and place)",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        activity: str,
        title: app_commands.Range[str, 1, 100] | None = None,
        place: app_commands.Range[str, 1, 200] | None = None,
        start: app_commands.Range[str, 1, 40] | None = None,
        scope: Literal["this", "series"] = "this",
    ) -> None:
        occurrence = await self._coordinated(interaction, activity)
        changes = {"title": title, "place": place, "start": start}
        if scope == "series":
            count = await flows.edit_series(self.bot, interaction.guild, occurrence, changes)
            await reply(
                interaction,
                _n(
                    "Changed {n} date to come of **{title}**.",
                    "Changed {n} dates to come of **{title}**.",
                    count,
                    title=title or occurrence.title,
                ),
            )
            return
        await flows.edit_date(self.bot, interaction.guild, occurrence, changes)
        await reply(
            interaction,
            _("**{title}** now starts {date}.", title=occurrence.title, date=views.when(occurrence.starts_at)),
        )

    @activity.command(name="absent", description="Mark someone who joined a date but did not come")
    @app_commands.describe(activity="The activity's date", member="Who did not come")
    async def absent(self, interaction: discord.Interaction, activity: str, member: discord.Member) -> None:
        occurrence = await self._coordinated(interaction, activity)
        await service.mark_no_show(occurrence, member.id, interaction.user.id, now())
        await reply(
            interaction,
            _(
                "Noted: {member} did not come to **{title}**. It does not count in their activities.",
                member=member.mention,
                title=occurrence.title,
            ),
        )

    cancel.autocomplete("activity")(_dates)
    edit.autocomplete("activity")(_dates)
    absent.autocomplete("activity")(_dates)

    # ------------------------------------------------------------ calendar feeds

    @activity.command(name="calendar", description="The address of a calendar feed to subscribe to")
    @app_commands.describe(
        feed="Your own activities and meetings, or the whole server's (coordinators)",
        rotate="Make a new address; the old one stops working",
    )
    async def calendar(
        self, interaction: discord.Interaction, feed: Literal["mine", "server"] = "mine", rotate: bool = False
    ) -> None:
        member = require_guild(interaction)
        if feed == "server":
            await flows.require_coordinator(member)
        link = await flows.feed_link(
            self.bot, interaction.guild, None if feed == "server" else member.id, rotate=rotate
        )
        text = (
            _("The server's calendar: {link}", link=link)
            if feed == "server"
            else _("Your calendar of what you joined: {link}", link=link)
        )
        text += "\n" + _(
            "Add it to your calendar app as a subscription by address. Anyone with the address can read it: "
            "if it leaks, make a new one with rotate."
        )
        if rotate:
            text += "\n" + _("The old address no longer works.")
        await reply(interaction, text)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        await flows.member_left(self.bot, member)
