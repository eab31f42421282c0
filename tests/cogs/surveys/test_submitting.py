"""What a member is told when their Submit cannot go through: answers already in (from a second
step message left open), no answers any more (forgotten meanwhile), a required question skipped
(a step reached by a modified client)."""

from __future__ import annotations

import discord

from models.surveys import SurveyDraft, SurveyResponse
from tests.cogs.surveys.helpers import _answer_id, answer_steps, published_survey
from tests.helpers import quickstarted, refusal, shown

ALL_ANSWERS = [["1"], ["0", "2"], ["4"], None, None]


async def at_submit(person, step, answers):
    """From a step message at the first question, answer each step in turn; returns the Submit step."""
    step = await answer_steps(person, step, answers)
    assert "Submit my answers" in str(step.response.components)
    return step


async def test_submit_on_a_second_open_step_message_says_the_answers_are_already_in(simcord_env):
    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server)
    first = await server.member.click(card, label="Take the survey")
    first = await at_submit(server.member, first, ALL_ANSWERS)
    # The member opens the survey again (another device): it resumes at the end, with Submit.
    second = await server.member.click(card, label="Take the survey")
    assert "Submit my answers" in str(second.response.components)

    done = await server.member.click(first.response, label="Submit my answers")
    again = await server.member.click(second.response, label="Submit my answers")

    assert "Your answers are in" in shown(done)
    assert refusal(simcord_env, again) == "Your answers to this survey are already in."
    assert await SurveyResponse.filter(survey_id=survey.pk).count() == 1


async def test_submit_after_the_member_forgot_their_data_asks_to_take_the_survey_again(simcord_env):
    server = await quickstarted(simcord_env)
    _survey, card = await published_survey(server)
    step = await server.member.click(card, label="Take the survey")
    step = await at_submit(server.member, step, ALL_ANSWERS)
    preview = await server.member.slash(server.general, "privacy forget")
    await server.member.click(preview.response, label="Forget me")
    assert not await SurveyDraft.exists()

    refused = await server.member.click(step.response, label="Submit my answers")

    assert refusal(simcord_env, refused) == "There are no answers to submit. Start with “Take the survey”."
    assert not await SurveyResponse.exists()


def forged_button(server, custom_id: str) -> None:
    """A bot message in #general carrying a button with `custom_id`: what a modified client can click."""
    button = {"type": discord.ComponentType.button.value, "style": 2, "label": "Next", "custom_id": custom_id}
    server.env.backend.create_message(
        server.general.id, server.env.bot.user.id, "…", components=[{"type": 1, "components": [button]}]
    )


async def test_submit_with_a_required_question_skipped_names_that_question(simcord_env):
    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server)
    step = await server.member.click(card, label="Take the survey")
    modal = await server.member.click(step.response, custom_id=_answer_id(step.response))
    await server.member.submit_modal(modal, {"answer": ["1"]})
    # Question 2 shows no Next while unanswered; a modified client jumps to the end anyway.
    forged_button(server, f"surveys:step:{survey.pk}:5:next")
    await simcord_env.settle()
    end = await server.member.click(server.general.last_message, label="Next")

    refused = await server.member.click(end.response, label="Submit my answers")

    assert refusal(simcord_env, refused) == "Please answer question 2: it is required."
    assert not await SurveyResponse.exists()
    assert await SurveyDraft.filter(survey_id=survey.pk, user_id=server.member.id).exists()
