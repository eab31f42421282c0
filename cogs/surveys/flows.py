"""The Discord side of surveys: who may author and answer, the builder, publishing the card,
the answering steps, closing and posting the results, turning answers into action.

A card that could not be posted puts the survey back to draft; a results post that failed is
retried by the close timer until it is out.
"""

from __future__ import annotations

import logging

import discord

from cogs.initiatives import flows as initiatives_flows
from cogs.initiatives import service as initiatives_service
from cogs.polls import flows as polls_flows
from cogs.surveys import service, views
from gromada import guild_config, messaging
from gromada.checks import is_moderator
from gromada.errors import DiscordRefused, NotAllowed
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from gromada.ui import reply
from models.core import BindingKind, Timer
from models.initiatives import InitiativeMember
from models.surveys import Survey

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- who may author, who may answer


async def may_author(member: discord.Member) -> bool:
    if await is_moderator(member):
        return True
    role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, service.AUTHOR_PURPOSE.key)
    if role_id is not None and member.get_role(role_id) is not None:
        return True
    return await InitiativeMember.exists(
        user_id=member.id, is_lead=True, initiative__guild_id=member.guild.id, initiative__status="active"
    )


async def require_author(member: discord.Member) -> None:
    if not await may_author(member):
        raise NotAllowed(
            service.AUTHORS_ONLY, role=await guild_config.role_shown(member.guild.id, service.AUTHOR_PURPOSE.key)
        )


async def require_manager(member: discord.Member, survey: Survey) -> None:
    service.require_manager(survey, member.id, await is_moderator(member))


async def require_builder(interaction: discord.Interaction, survey_id: int) -> Survey:
    survey = await service.get_survey(survey_id, interaction.guild_id)
    if survey.author_id != interaction.user.id:
        raise NotAllowed(N_("This survey draft belongs to someone else."))
    return survey


def require_audience(member: discord.Member, survey: Survey) -> None:
    if survey.audience_role_id is not None and member.get_role(survey.audience_role_id) is None:
        raise NotAllowed(N_("This survey is for members with the <@&{role}> role."), role=survey.audience_role_id)


# ---------------------------------------------------------------- the builder


async def show_builder(interaction: discord.Interaction, survey: Survey, *, edit: bool) -> None:
    questions = await service.questions_of(survey.pk)
    text, view = views.builder_text(survey, questions), views.builder_view(survey, questions)
    if edit:
        await interaction.response.edit_message(content=text, view=view)
    else:
        await reply(interaction, text, view=view)


async def add_question(interaction: discord.Interaction, survey_id: int, spec: service.QuestionSpec) -> None:
    survey = await require_builder(interaction, survey_id)
    await service.add_question(survey, spec)
    await show_builder(interaction, survey, edit=True)


async def change_questions(interaction: discord.Interaction, survey_id: int, action: str, picked: str) -> None:
    survey = await require_builder(interaction, survey_id)
    question_id = service.picked_question(picked)
    if action == "surveys:up":
        await service.move_up(survey, question_id)
    else:
        await service.remove_question(survey, question_id)
    await show_builder(interaction, survey, edit=True)


async def discard(interaction: discord.Interaction, survey_id: int) -> None:
    survey = await require_builder(interaction, survey_id)
    await service.discard_draft_survey(survey)
    await interaction.response.edit_message(content=_("The draft is discarded."), view=None)


async def publish(interaction: discord.Interaction, survey_id: int) -> None:
    survey = await require_builder(interaction, survey_id)
    bot = interaction.client
    survey = await service.publish(survey, service.duration_of(survey), now())
    channel = bot.get_channel(survey.channel_id)
    try:
        if channel is None:
            raise LookupError(survey.channel_id)
        with use_locale(await language_for_guild(bot, survey.guild_id)):
            embed, view = views.card_embed(survey, 0), views.card_view(survey)
        message = await channel.send(embed=embed, view=view)
    except (discord.HTTPException, LookupError):
        # Compensate: a survey nobody can see must not stay open; the draft stays to try again.
        await service.unpublish(survey.pk)
        raise DiscordRefused(
            N_("I could not post the survey in this channel. Check that I may send messages there, then publish again.")
        ) from None
    await service.attach_message(survey.pk, message.id)
    await bot.timers.schedule(service.CLOSE_TIMER, survey.closes_at, ref_id=survey.pk, guild_id=survey.guild_id)
    await interaction.response.edit_message(
        content=_(
            "Survey #{id} is published in {channel}: {link}",
            id=survey.pk,
            channel=channel.mention,
            link=message.jump_url,
        ),
        view=None,
    )


# ---------------------------------------------------------------- answering


async def _answerable(interaction: discord.Interaction, survey_id: int) -> Survey:
    survey = await service.get_survey(survey_id, interaction.guild_id)
    service.require_open(survey, now())
    require_audience(interaction.user, survey)
    return survey


async def _show_step(interaction: discord.Interaction, survey: Survey, answers: dict, step: int, *, edit: bool) -> None:
    questions = await service.questions_of(survey.pk)
    text = views.step_text(survey, questions, answers, step)
    view = views.step_view(survey, questions, answers, step)
    if edit:
        await interaction.response.edit_message(content=text, view=view)
    else:
        await reply(interaction, text, view=view)


async def take(interaction: discord.Interaction, survey_id: int) -> None:
    """Start, or resume where the member left off (or, for a named survey, edit the response)."""
    survey = await _answerable(interaction, survey_id)
    draft = await service.start_or_resume(survey, interaction.user.id, now())
    await _show_step(interaction, survey, draft.answers, draft.step, edit=False)


async def ask(interaction: discord.Interaction, survey_id: int, step: int) -> None:
    survey = await _answerable(interaction, survey_id)
    draft = await service.require_draft_of(survey, interaction.user.id, now())
    questions = await service.questions_of(survey.pk)
    if not 0 <= step < len(questions):
        await _show_step(interaction, survey, draft.answers, draft.step, edit=True)
        return
    question = questions[step]
    await interaction.response.send_modal(views.AnswerModal(survey, question, draft.answers.get(str(question.pk))))


async def answer(interaction: discord.Interaction, survey_id: int, question_id: int, raw) -> None:
    survey = await _answerable(interaction, survey_id)
    question = next((q for q in await service.questions_of(survey.pk) if q.pk == question_id), None)
    if question is None:
        raise NotAllowed(service.QUESTION_GONE)
    value = service.read_answer(question, raw)
    step = await service.record_answer(survey, interaction.user.id, question, value, now())
    draft = await service.require_draft_of(survey, interaction.user.id, now())
    await _show_step(interaction, survey, draft.answers, step, edit=True)


async def go_to(interaction: discord.Interaction, survey_id: int, step: int) -> None:
    survey = await _answerable(interaction, survey_id)
    step = await service.go_to_step(survey, interaction.user.id, step, now())
    draft = await service.require_draft_of(survey, interaction.user.id, now())
    await _show_step(interaction, survey, draft.answers, step, edit=True)


async def submit(interaction: discord.Interaction, survey_id: int) -> None:
    survey = await _answerable(interaction, survey_id)
    first = await service.submit(survey, interaction.user.id, now())
    if survey.anonymous:
        text = _("Thank you! Your anonymous answers are in.")
    elif first:
        text = _("Thank you! Your answers are in. You can change them until the survey closes.")
    else:
        text = _("Your changed answers are saved.")
    await interaction.response.edit_message(content=text, view=None)
    await refresh_card(interaction.client, survey)


async def refresh_card(bot: discord.Client, survey: Survey) -> None:
    channel = bot.get_channel(survey.channel_id)
    if channel is None or survey.message_id is None:
        return
    survey = await Survey.get(id=survey.pk)
    with use_locale(await language_for_guild(bot, survey.guild_id)):
        embed, view = views.card_embed(survey, await service.response_count(survey.pk)), views.card_view(survey)
    try:
        await channel.get_partial_message(survey.message_id).edit(embed=embed, view=view)
    except discord.HTTPException:
        # The count shows again with the next response or at the close; nothing is lost.
        log.warning("could not refresh the card of survey %s", survey.pk, exc_info=True)


# ---------------------------------------------------------------- closing


async def on_deadline(bot: discord.Client, timer: Timer) -> None:
    survey = await Survey.get_or_none(id=timer.ref_id)
    if survey is None or service.announced(survey):
        return
    await finish(bot, survey.pk)


async def close_now(bot: discord.Client, survey_id: int) -> None:
    await bot.timers.cancel(service.CLOSE_TIMER, survey_id)
    try:
        await finish(bot, survey_id)
    except discord.HTTPException:
        # Closed; only the announcement is missing: the timer retries it.
        survey = await Survey.get(id=survey_id)
        await bot.timers.schedule(service.CLOSE_TIMER, now(), ref_id=survey_id, guild_id=survey.guild_id)
        raise DiscordRefused(
            N_("Survey #{id} is closed, but I could not post its results yet. I will try again shortly."),
            id=survey_id,
        ) from None


async def finish(bot: discord.Client, survey_id: int) -> None:
    """Close (once) and post the results (until it succeeds: a failed post is retried by the timer)."""
    await service.close_survey(survey_id, now())
    survey = await Survey.get(id=survey_id)
    if survey.results_message_id is None:
        await _announce(bot, survey)


async def _announce(bot: discord.Client, survey: Survey) -> None:
    channel = bot.get_channel(survey.channel_id)
    if channel is None:
        log.warning("survey %s: channel %s is gone; results stay available to staff", survey.pk, survey.channel_id)
        await service.mark_announced(survey.pk, 0)
        return
    questions = await service.questions_of(survey.pk)
    summaries = await service.summary_of(survey, questions)
    responses = await service.response_count(survey.pk)
    with use_locale(await language_for_guild(bot, survey.guild_id)):
        messages = await views.results_messages(survey, questions, summaries, responses)
    first = await channel.send(**messages[0])
    await service.mark_announced(survey.pk, first.id)
    for message in messages[1:]:
        try:
            await channel.send(**message)
        except discord.HTTPException:
            log.warning("survey %s: a part of the results could not be posted", survey.pk, exc_info=True)
    await refresh_card(bot, survey)


# ---------------------------------------------------------------- turning answers into action
#
# From a closed survey's results (its "Turn into action" button or /survey action), its author
# or a moderator picks a question, then the question itself or one of its options or answers
# to start a poll or an initiative proposal from; a form opens filled from it, to adjust. The
# poll or the proposal carries a line linking back to the survey's results.


async def require_action_taker(interaction: discord.Interaction, survey_id: int) -> Survey:
    survey = await service.get_survey(survey_id, interaction.guild_id)
    await require_manager(interaction.user, survey)
    service.require_closed(survey)
    return survey


async def show_action_picker(interaction: discord.Interaction, survey_id: int) -> None:
    survey = await require_action_taker(interaction, survey_id)
    questions = await service.questions_of(survey.pk)
    await reply(interaction, views.action_text(survey), view=views.action_question_view(survey, questions))


async def pick_action_question(interaction: discord.Interaction, survey_id: int, picked: str) -> None:
    survey = await require_action_taker(interaction, survey_id)
    question = await service.question_by_id(survey, service.picked_question(picked))
    answers = await service.action_answers(survey, question)
    await interaction.response.edit_message(
        content=views.action_sources_text(survey, question, answers),
        view=views.action_sources_view(survey, question, answers),
    )


async def open_action_form(interaction: discord.Interaction, survey_id: int, kind: str, picked: str) -> None:
    """The form of a poll or a proposal, filled from what was picked (`<question id>[:<answer index>]`)."""
    survey = await require_action_taker(interaction, survey_id)
    source = await service.action_source(survey, picked)
    form = views.PollFromSurveyModal if kind == "poll" else views.ProposalFromSurveyModal
    modal = form(survey, source)
    await interaction.response.send_modal(modal)


async def _origin(bot: discord.Client, survey: Survey) -> str:
    """The line on the poll or proposal linking back to the survey, in the server's language."""
    with use_locale(await language_for_guild(bot, survey.guild_id)):
        return views.origin_line(survey)


async def start_poll(
    interaction: discord.Interaction, survey_id: int, question_id: int, question: str, options: str, duration: str
) -> None:
    """A poll prefilled from a question or an answer (the polls feature creates and posts it), linked back."""
    survey = await require_action_taker(interaction, survey_id)
    source = await service.question_by_id(survey, question_id)
    guild, member = interaction.guild, interaction.user
    await polls_flows.require_creator(member)
    channel = await messaging.purpose_channel(guild, "decisions") or interaction.channel
    poll = await polls_flows.create_single_choice_poll(guild, channel, member, question, options, duration or None)
    await interaction.response.defer(ephemeral=True, thinking=True)
    await polls_flows.post_poll(interaction.client, channel, poll, origin=await _origin(interaction.client, survey))
    await service.link_action(survey, source, "poll", poll.pk, member.id, now())
    await reply(
        interaction,
        _(
            "Poll #{id} is open in {channel}, started from survey #{survey}.",
            id=poll.pk,
            channel=channel.mention,
            survey=survey.pk,
        ),
    )


async def start_initiative(
    interaction: discord.Interaction,
    survey_id: int,
    question_id: int,
    title: str,
    goal: str,
    needs: str,
    first_step: str,
) -> None:
    """An initiative proposal prefilled from a question or an answer (the initiatives feature posts it), linked back."""
    survey = await require_action_taker(interaction, survey_id)
    source = await service.question_by_id(survey, question_id)
    proposal = initiatives_service.validate_proposal(title, goal, needs, first_step)
    await initiatives_flows.proposals_channel(interaction.guild)  # not set up: say so before anything
    await interaction.response.defer(ephemeral=True, thinking=True)
    initiative, _channel = await initiatives_flows.propose(
        interaction.client,
        interaction.guild,
        interaction.user,
        proposal,
        origin=await _origin(interaction.client, survey),
    )
    await service.link_action(survey, source, "initiative", initiative.pk, interaction.user.id, now())
    await reply(
        interaction,
        _(
            "“{title}” is proposed as an initiative, started from survey #{survey}.",
            title=initiative.title,
            survey=survey.pk,
        ),
    )
