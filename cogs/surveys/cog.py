"""/survey create|close|status|export|action: parse, call the service or flows, reply."""

from __future__ import annotations

import functools
import io
from datetime import timedelta

import discord
from discord import app_commands

from cogs.surveys import flows, service, views
from gromada import cooldowns, guild_config
from gromada.checks import require_guild, require_moderator
from gromada.errors import Conflict
from gromada.feature import FeatureCog
from gromada.i18n import N_, _
from gromada.ids import IdOption as SurveyId
from gromada.interactions import language_for_guild
from gromada.scheduler import TimerHandler, now
from gromada.ui import reply
from models.surveys import SurveyStatus

CREATE_COOLDOWN = cooldowns.declare(
    "survey_create", timedelta(minutes=2), N_("Time a member waits between starting two surveys")
)
EXPORT_COOLDOWN = cooldowns.export("survey_export")
TEMPLATE_LABELS = {"neighbourhood": N_("Neighbourhood needs diagnosis"), "purchase": N_("Joint purchase needs")}
TEMPLATE_CHOICES = [app_commands.Choice(name=str(label), value=key) for key, label in TEMPLATE_LABELS.items()]


class SurveysCog(FeatureCog):
    survey = app_commands.Group(name="survey", description="Needs surveys", guild_only=True)
    persistent_items = (
        views.AddQuestionButton,
        views.PublishButton,
        views.DiscardButton,
        views.MoveUpSelect,
        views.RemoveSelect,
        views.TakeButton,
        views.AnswerButton,
        views.StepButton,
        views.SubmitButton,
        views.ActionButton,
        views.ActionQuestionSelect,
        views.PollFromSelect,
        views.InitiativeFromSelect,
    )

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {service.CLOSE_TIMER: functools.partial(flows.on_deadline, self.bot)}

    async def ensure_deadlines(self) -> None:
        # A survey whose close timer was lost (a stop between publishing and arming it, or a
        # results post that failed through every retry) is armed again; an overdue one closes now.
        for survey in await service.surveys_to_finish():
            await self.bot.timers.ensure(
                service.CLOSE_TIMER, survey.closes_at, ref_id=survey.pk, guild_id=survey.guild_id
            )

    @survey.command(name="create", description="Start a survey: build its questions, then publish it here")
    @app_commands.describe(
        title="What the survey is about",
        introduction="A few words shown above the questions",
        audience="Only members holding this role may answer (default: everyone)",
        anonymous="Answers are stored with nobody's name (they cannot be changed once submitted)",
        closes="When it closes, in the server's time: 2026-12-05 18:00, or a date alone (closes at its end)",
        duration="Or how long it stays open once published, like 3d or 2w (default 7d)",
        template="Start from a ready survey, in the server's language",
    )
    @app_commands.choices(template=TEMPLATE_CHOICES)
    @cooldowns.limited(CREATE_COOLDOWN)
    async def create(
        self,
        interaction: discord.Interaction,
        title: str | None = None,
        introduction: str | None = None,
        audience: discord.Role | None = None,
        anonymous: bool = False,
        closes: str | None = None,
        duration: str | None = None,
        template: str | None = None,
    ) -> None:
        member = require_guild(interaction)
        await flows.require_author(member)
        chosen = (
            service.template_of(await language_for_guild(self.bot, interaction.guild_id), template)
            if template
            else service.Template(title or "", introduction or "", ())
        )
        if audience is not None and audience.is_default():
            audience = None
        request = service.SurveyRequest(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            author_id=member.id,
            title=title or chosen.title,
            introduction=introduction or chosen.introduction,
            audience_role_id=audience.id if audience else None,
            anonymous=anonymous,
            duration=duration,
            closes=closes,
            timezone=await guild_config.TIMEZONE.get(interaction.guild_id),
        )
        survey = await service.create_draft(request, chosen.questions, now())
        await flows.show_builder(interaction, survey, edit=False)

    @survey.command(name="close", description="Close a survey now and post its results (its author or a moderator)")
    @app_commands.describe(survey_id="The survey's number")
    async def close(self, interaction: discord.Interaction, survey_id: SurveyId) -> None:
        survey = await service.get_survey(survey_id, interaction.guild_id)
        await flows.require_manager(require_guild(interaction), survey)
        if survey.status != SurveyStatus.OPEN:
            raise Conflict(N_("Survey #{id} is not open."), id=survey_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await flows.close_now(self.bot, survey_id)
        await reply(interaction, _("Survey #{id} is closed; the results are posted.", id=survey_id))

    @survey.command(name="status", description="How many have answered so far (its author or a moderator)")
    @app_commands.describe(survey_id="The survey's number")
    async def status(self, interaction: discord.Interaction, survey_id: SurveyId) -> None:
        survey = await service.get_survey(survey_id, interaction.guild_id)
        await flows.require_manager(require_guild(interaction), survey)
        questions = await service.questions_of(survey.pk)
        counts = await service.live_counts(survey)
        await reply(interaction, views.live_text(survey, questions, counts))

    @survey.command(name="export", description="Download a survey's responses as CSV (moderators)")
    @app_commands.describe(survey_id="The survey's number")
    @cooldowns.limited(EXPORT_COOLDOWN)
    async def export(self, interaction: discord.Interaction, survey_id: SurveyId) -> None:
        await require_moderator(interaction)
        survey = await service.get_survey(survey_id, interaction.guild_id)
        data = await service.export_csv(survey)
        note = (
            _("Anonymous survey: one row per response, no names, in no particular order.")
            if survey.anonymous
            else _("One row per response.")
        )
        await reply(interaction, note, file=discord.File(io.BytesIO(data.encode()), filename=f"survey-{survey.pk}.csv"))

    @survey.command(name="action", description="Start a poll or an initiative from a closed survey's answers")
    @app_commands.describe(survey_id="The survey's number")
    async def action(self, interaction: discord.Interaction, survey_id: SurveyId) -> None:
        require_guild(interaction)
        await flows.show_action_picker(interaction, survey_id)
