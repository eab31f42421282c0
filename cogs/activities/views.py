"""What activities look like: the card of each date with its buttons, DMs' buttons, and texts.

Every persistent component is an IdButton whose custom_id carries only a row's id; state is
loaded from the database when clicked, so buttons keep working after a restart. A click hands
off to cogs/activities/flows.py, imported inside the handler (flows builds these views).
"""

from __future__ import annotations

from datetime import datetime

import discord

from cogs.activities import service
from gromada.checks import require_guild
from gromada.i18n import N_, _, _n
from gromada.localtime import local_label, midday_of
from gromada.ui import IdButton, InServer, OfPerson, date_named, reply, truncate
from models.activities import ActivityOccurrence, ActivitySeries, ActivitySignup, OccurrenceStatus, Repeat, Report

REPEAT_LABELS = {
    Repeat.WEEKLY: N_("every week until {date}"),
    Repeat.BIWEEKLY: N_("every two weeks until {date}"),
    Repeat.MONTHLY: N_("every month until {date}"),
}


def when(moment: datetime) -> str:
    """A moment as each reader's Discord shows it: the full date and how far away it is."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


def seats_text(taken: int, seats: int) -> str:
    return _("{taken} of {seats}", taken=taken, seats=seats)


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _n("{n} hour", "{n} hours", hours)
    if not hours:
        return _n("{n} minute", "{n} minutes", rest)
    return _n("{n} hour", "{n} hours", hours) + " " + _n("{n} minute", "{n} minutes", rest)


def place_text(occurrence: ActivityOccurrence, series: ActivitySeries) -> str:
    if series.place_channel_id:
        return f"<#{series.place_channel_id}>" + (f" · {occurrence.place}" if occurrence.place else "")
    return occurrence.place or "—"


def card_embed(occurrence: ActivityOccurrence, signups: list[ActivitySignup]) -> discord.Embed:
    series = occurrence.series
    cancelled = occurrence.status == OccurrenceStatus.CANCELLED
    title = occurrence.title if not cancelled else _("Cancelled: {title}", title=occurrence.title)
    embed = discord.Embed(
        title=truncate(title, 256),
        description=truncate(series.description, 2000) or None,
        colour=discord.Colour.light_grey() if cancelled else discord.Colour.blue(),
    )
    embed.add_field(name=_("When"), value=when(occurrence.starts_at), inline=False)
    embed.add_field(name=_("Duration"), value=duration_text(series.duration_minutes))
    embed.add_field(name=_("Place"), value=truncate(place_text(occurrence, series), 1024))
    embed.add_field(name=_("Seats"), value=seats_text(len(signups), occurrence.seats))
    if signups:
        names = ", ".join(f"<@{signup.user_id}>" for signup in signups)
        embed.add_field(name=_("Coming"), value=truncate(names, 1024), inline=False)
    if series.repeat != Repeat.NONE and series.until_date:
        embed.add_field(
            name=_("Repeats"),
            value=_(
                REPEAT_LABELS[Repeat(series.repeat)], date=date_named(midday_of(series.until_date, series.timezone))
            ),
            inline=False,
        )
    if series.required_role_id:
        embed.add_field(name=_("Who can join"), value=f"<@&{series.required_role_id}>", inline=False)
    if cancelled:
        embed.set_footer(text=_("This date is cancelled."))
    return embed


class _CardButton(IdButton):
    """A button on a date's card: `act` for the person clicking, who gets an ephemeral answer."""

    owner = InServer(ActivityOccurrence, service.GONE)

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        await reply(interaction, await self.act(interaction))

    async def act(self, interaction: discord.Interaction) -> str:
        raise NotImplementedError


class JoinButton(_CardButton, action="activities:join"):
    style = discord.ButtonStyle.success
    label_text = N_("Join")

    async def act(self, interaction: discord.Interaction) -> str:
        from cogs.activities import flows

        return await flows.join_for(interaction.client, interaction.user, self.ref_id)


class LeaveButton(_CardButton, action="activities:leave"):
    style = discord.ButtonStyle.secondary
    label_text = N_("Leave")

    async def act(self, interaction: discord.Interaction) -> str:
        from cogs.activities import flows

        return await flows.leave_for(interaction.client, interaction.user, self.ref_id)


class JoinSeriesButton(_CardButton, action="activities:join_series"):
    owner = InServer(ActivitySeries, service.GONE)  # the id is the series'
    style = discord.ButtonStyle.primary
    label_text = N_("Join every date")

    async def act(self, interaction: discord.Interaction) -> str:
        from cogs.activities import flows

        return await flows.join_series_for(interaction.client, interaction.user, self.ref_id)


class LeaveSeriesButton(_CardButton, action="activities:leave_series"):
    owner = InServer(ActivitySeries, service.GONE)  # the id is the series'
    style = discord.ButtonStyle.secondary
    label_text = N_("Leave every date")

    async def act(self, interaction: discord.Interaction) -> str:
        from cogs.activities import flows

        return await flows.leave_series_for(interaction.client, interaction.user, self.ref_id)


def card_view(occurrence: ActivityOccurrence, *, ended: bool = False) -> discord.ui.View | None:
    """Join and Leave (and the series' buttons) while the date is ahead; nothing once it is over."""
    if occurrence.status == OccurrenceStatus.CANCELLED or ended:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(occurrence.pk))
    view.add_item(LeaveButton(occurrence.pk))
    if occurrence.series.repeat != Repeat.NONE:
        view.add_item(JoinSeriesButton(occurrence.series_id))
        view.add_item(LeaveSeriesButton(occurrence.series_id))
    return view


# ---------------------------------------------------------------- afterwards (in DMs)


class _ReportButton(IdButton):
    """“Did it happen?” in the participant's direct messages: the id is their seat."""

    owner = OfPerson(ActivitySignup, service.GONE, service.QUESTION_NOT_THEIRS)
    report = Report.DONE

    async def run(self, interaction: discord.Interaction) -> None:
        signup = await service.record_report(self.ref_id, interaction.user.id, self.report)
        await interaction.response.edit_message(content=report_noted(signup), view=None)


class DoneButton(_ReportButton, action="activities:done"):
    style = discord.ButtonStyle.success
    label_text = N_("It happened")


class NotHappenedButton(_ReportButton, action="activities:not_happened"):
    style = discord.ButtonStyle.secondary
    report = Report.NOT_HAPPENED
    label_text = N_("It did not happen")


def followup_view(signup_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DoneButton(signup_id))
    view.add_item(NotHappenedButton(signup_id))
    return view


def report_noted(signup: ActivitySignup) -> str:
    occurrence = signup.occurrence
    if signup.report == Report.DONE:
        return _(
            "Thank you! **{title}** on {date} counts in your activities.",
            title=occurrence.title,
            date=discord.utils.format_dt(occurrence.starts_at, "D"),
        )
    return _(
        "Noted: **{title}** on {date} did not happen.",
        title=occurrence.title,
        date=discord.utils.format_dt(occurrence.starts_at, "D"),
    )


# ---------------------------------------------------------------- messages


def followup_text(occurrence: ActivityOccurrence, server: str) -> str:
    return _(
        "**{title}** on {server} ended {date}. Did it happen?",
        title=occurrence.title,
        server=server,
        date=discord.utils.format_dt(occurrence.ends_at, "R"),
    )


def reminder_text(occurrence: ActivityOccurrence, server: str, *, soon: bool) -> str:
    place = place_text(occurrence, occurrence.series)
    if soon:
        return _(
            "**{title}** on {server} starts {start}. Place: {place}. See you there!",
            title=occurrence.title,
            server=server,
            start=discord.utils.format_dt(occurrence.starts_at, "R"),
            place=place,
        )
    return _(
        "Reminder: you joined **{title}** on {server}, tomorrow at {time}. Place: {place}. "
        "If you cannot come, press Leave on its card so someone else can take your seat.",
        title=occurrence.title,
        server=server,
        time=discord.utils.format_dt(occurrence.starts_at, "t"),
        place=place,
    )


def call_text(occurrence: ActivityOccurrence, free: int, link: str | None) -> str:
    text = _n(
        "**{title}** {start} still needs {n} person.",
        "**{title}** {start} still needs {n} people.",
        free,
        title=occurrence.title,
        start=discord.utils.format_dt(occurrence.starts_at, "R"),
    )
    if link:
        text += " " + _("Join on its card: {link}", link=link)
    return text


def cancelled_text(occurrence: ActivityOccurrence, server: str) -> str:
    return _(
        "**{title}** on {server}, {date}, is cancelled.",
        title=occurrence.title,
        server=server,
        date=discord.utils.format_dt(occurrence.starts_at, "F"),
    )


def occurrence_choice(occurrence: ActivityOccurrence) -> str:
    """An activity's date as an autocomplete choice names it, in the server's clock."""
    return truncate(f"{occurrence.title} · {local_label(occurrence.starts_at, occurrence.series.timezone)}", 100)


def list_lines(occurrences: list[ActivityOccurrence], counts: dict[int, int]) -> list[str]:
    lines = [
        _(
            "**{title}** · {date} · {seats}",
            title=occurrence.title,
            date=when(occurrence.starts_at),
            seats=seats_text(counts.get(occurrence.pk, 0), occurrence.seats),
        )
        + (f" · {link}" if (link := card_link(occurrence)) else "")
        for occurrence in occurrences
    ]
    return lines or [_("No activities are planned.")]


def mine_lines(mine: service.MemberActivities) -> list[str]:
    lines = [_("**Coming up**")]
    lines += [f"- **{date.title}** · {when(date.starts_at)}" for date in mine.upcoming] or [_("Nothing yet.")]
    lines.append(
        _n(
            "**Done**: {n} activity, {hours} h",
            "**Done**: {n} activities, {hours} h",
            len(mine.done),
            hours=f"{mine.hours:g}",
        )
    )
    lines += [f"- **{date.title}** · {discord.utils.format_dt(date.starts_at, 'D')}" for date in mine.done[-10:]]
    return lines


def card_link(occurrence: ActivityOccurrence) -> str | None:
    if occurrence.channel_id is None or occurrence.message_id is None:
        return None
    return f"https://discord.com/channels/{occurrence.guild_id}/{occurrence.channel_id}/{occurrence.message_id}"
