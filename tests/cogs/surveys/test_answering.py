"""Taking a survey: ephemeral steps, resuming, editing a named response, one response per member."""

from __future__ import annotations

from models.surveys import SurveyDraft, SurveyResponse
from tests.cogs.surveys.helpers import answer_all, published_survey
from tests.helpers import shown


async def test_a_member_answers_in_steps_and_the_response_is_stored(simcord_env):
    from tests.helpers import quickstarted

    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server)

    done = await answer_all(server.member, card, [["1"], ["0", "2"], ["4"], "1 200,5", "More benches"])

    assert "Your answers are in" in shown(done)
    response = await SurveyResponse.get(survey_id=survey.pk)
    assert response.user_id == server.member.id
    assert sorted(response.answers.values(), key=str) == sorted([1, [0, 2], 4, 1200.5, "More benches"], key=str)
    assert not await SurveyDraft.filter(survey_id=survey.pk).exists()
    card = next(m for m in server.general.history() if m.id == survey.message_id)
    assert "1 response so far." in card.embeds[0].description


async def test_answers_resume_after_a_restart_and_a_named_response_can_be_edited(simcord_env, settings):
    from cogs.surveys import service
    from gromada.bot import create_bot
    from tests.cogs.surveys.helpers import _answer_id
    from tests.helpers import quickstarted

    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server)
    step = await server.member.click(card, label="Take the survey")
    modal = await server.member.click(step.response, custom_id=_answer_id(step.response))
    second = await server.member.submit_modal(modal, {"answer": ["2"]})
    assert "question 2 of 5" in shown(second)

    await simcord_env.restart_bot(create_bot(settings))
    # The step message from before the restart still works, and so does taking the survey again.
    modal = await server.member.click(second.response, custom_id=_answer_id(second.response))
    third = await server.member.submit_modal(modal, {"answer": ["1"]})
    resumed = await server.member.click(card, label="Take the survey")

    assert "question 3 of 5" in shown(third) and "question 3 of 5" in shown(resumed)
    draft = await SurveyDraft.get(survey_id=survey.pk, user_id=server.member.id)
    assert sorted(draft.answers.values(), key=str) == [2, [1]]

    modal = await server.member.click(resumed.response, custom_id=_answer_id(resumed.response))
    step = await server.member.submit_modal(modal, {"answer": ["5"]})
    step = await server.member.click(step.response, label="Next")
    step = await server.member.click(step.response, label="Next")
    await server.member.click(step.response, label="Submit my answers")
    # Editing: the member comes back, changes the first answer, submits again.
    again = await server.member.click(card, label="Take the survey")
    assert "Your answer: Company" in shown(again)
    modal = await server.member.click(again.response, label="Change the answer")
    await server.member.submit_modal(modal, {"answer": ["0"]})
    review = await server.member.click(card, label="Take the survey")
    while "Submit my answers" not in str(review.response.components):
        review = await server.member.click(review.response, label="Next")
    edited = await server.member.click(review.response, label="Submit my answers")

    assert "Your changed answers are saved." in shown(edited)
    [response] = await SurveyResponse.filter(survey_id=survey.pk)
    questions = {q.position: q.pk for q in await service.questions_of(survey.pk)}
    assert response.answers[str(questions[0])] == 0 and response.answers[str(questions[2])] == 5


async def test_a_double_submit_keeps_one_response_on_postgres(simcord_env):
    # On SQLite the submits run one after another; on PostgreSQL the draft's delete is the claim.
    import asyncio

    import discord

    from cogs.surveys import service
    from tests.helpers import quickstarted

    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server, anonymous=True)
    for person in (server.member, server.admin):
        await service.start_or_resume(survey, person.id, discord.utils.utcnow())
        for question in await service.questions_of(survey.pk):
            await service.record_answer(
                survey, person.id, question, 1 if question.kind != "multi" else [1], discord.utils.utcnow()
            )

    outcomes = await asyncio.gather(
        *(service.submit(survey, server.member.id, discord.utils.utcnow()) for _ in range(3)), return_exceptions=True
    )

    assert outcomes.count(True) == 1, outcomes
    assert all(isinstance(o, service.Conflict) for o in outcomes if o is not True)
    assert await SurveyResponse.filter(survey_id=survey.pk).count() == 1
    # Through Discord: a second click on Submit tells the member their answers are in.
    again = await server.member.click(card, label="Take the survey")
    assert "Anonymous answers cannot be changed" in shown(again)
