"""Turning a closed survey's answers into action: a poll or an initiative proposal, filled from
an option or a question, linked back to the survey; refused to members and on open surveys."""

from __future__ import annotations

from models.initiatives import Initiative
from models.polls import Poll
from models.surveys import Survey, SurveyAction
from tests.cogs.surveys.helpers import four_answers, published_survey
from tests.helpers import quickstarted, refusal, shown


async def closed_survey(server):
    """A survey four members answered, closed by the admin; returns (survey, its results message)."""
    survey, card = await published_survey(server)
    await four_answers(server, card)
    await server.admin.slash(server.general, "survey close", survey_id=survey.pk)
    survey = await Survey.get(id=survey.pk)
    results = next(m for m in server.general.history() if m.id == survey.results_message_id)
    return survey, results


def posted_message(server, channel_id: int, message_id: int):
    channel = next(handle for handle in server.guild.channels.values() if handle.id == channel_id)
    return next(message for message in channel.history() if message.id == message_id)


def prefilled(shown_modal) -> dict[str, str]:
    """The text fields of a form as it opens, by custom_id."""
    fields = {}
    for row in shown_modal.modal["components"]:
        for control in row.get("components") or [row.get("component") or {}]:
            if control.get("custom_id"):
                fields[control["custom_id"]] = control.get("value") or ""
    return fields


async def pick(person, survey, results, question_position: int, target: str, answer: int | None):
    """From the results: "Turn into action", a question, then what a poll or a proposal starts from."""
    from cogs.surveys import service

    question = (await service.questions_of(survey.pk))[question_position]
    picker = await person.click(results, label="Turn into action")
    assert picker.ephemeral, picker
    sources = await person.select(picker.response, [str(question.pk)], custom_id=f"surveys:actq:{survey.pk}")
    value = str(question.pk) if answer is None else f"{question.pk}:{answer}"
    custom_id = f"surveys:{'topoll' if target == 'poll' else 'toinit'}:{survey.pk}"
    return question, sources, await person.select(sources.response, [value], custom_id=custom_id)


async def test_a_poll_starts_from_an_option_and_links_back_to_the_survey(simcord_env):
    server = await quickstarted(simcord_env)
    survey, results = await closed_survey(server)

    question, sources, form = await pick(server.admin, survey, results, 0, "poll", 0)

    assert "Childcare" in str(sources.response.components)
    fields = prefilled(form)
    assert fields["question"] == "Shall we take up “Childcare”?"
    assert fields["options"] == "Yes; No" and fields["duration"] == "3d"
    done = await server.admin.submit_modal(form, fields)

    poll = await Poll.get()
    assert poll.question == "Shall we take up “Childcare”?" and poll.options == ["Yes", "No"]
    assert f"Poll #{poll.pk} is open" in shown(done) and f"started from survey #{survey.pk}" in shown(done)
    posted = posted_message(server, poll.channel_id, poll.message_id)
    assert f"From survey #{survey.pk} “Neighbourhood needs”" in posted.content
    assert f"/{survey.channel_id}/{survey.results_message_id}" in posted.content
    action = await SurveyAction.get(survey_id=survey.pk)
    assert (action.kind, action.ref_id, action.question_id, action.created_by) == (
        "poll",
        poll.pk,
        question.pk,
        server.admin.id,
    )


async def test_an_initiative_proposal_starts_from_a_question_after_a_restart(simcord_env, settings):
    from gromada.bot import create_bot

    server = await quickstarted(simcord_env)
    survey, results = await closed_survey(server)
    await simcord_env.restart_bot(create_bot(settings))

    # The results' button from before the restart still works.
    _question, _sources, form = await pick(server.admin, survey, results, 1, "initiative", None)

    fields = prefilled(form)
    assert fields["title"] == "Which skills can you offer?"
    assert f"Survey #{survey.pk} “Neighbourhood needs” asked: Which skills can you offer?" in fields["goal"]
    fields |= {"title": "Skill swap evenings", "needs": "A room once a month.", "first_step": "Ask the library."}
    done = await server.admin.submit_modal(form, fields)

    initiative = await Initiative.get()
    assert initiative.title == "Skill swap evenings" and "asked: Which skills can you offer?" in initiative.goal
    assert "is proposed as an initiative, started from survey" in shown(done)
    card = posted_message(server, initiative.card_channel_id, initiative.card_message_id)
    assert f"From survey #{survey.pk} “Neighbourhood needs”" in card.content
    assert await SurveyAction.filter(survey_id=survey.pk, kind="initiative", ref_id=initiative.pk).exists()


async def test_a_member_cannot_turn_answers_into_action(simcord_env):
    server = await quickstarted(simcord_env)
    survey, results = await closed_survey(server)

    refused = await server.member.click(results, label="Turn into action")
    by_command = await server.member.slash(server.general, "survey action", survey_id=survey.pk)

    assert "Only the survey's author or a moderator can do that." in refusal(simcord_env, refused)
    assert "Only the survey's author or a moderator can do that." in refusal(simcord_env, by_command)
    assert not await SurveyAction.exists() and not await Poll.exists()


async def test_an_open_survey_cannot_be_turned_into_action_yet(simcord_env):
    server = await quickstarted(simcord_env)
    survey, _card = await published_survey(server)

    refused = await server.admin.slash(server.general, "survey action", survey_id=survey.pk)

    assert "is still open: turn its answers into action once it is closed" in refusal(simcord_env, refused)
    assert not await SurveyAction.exists()
