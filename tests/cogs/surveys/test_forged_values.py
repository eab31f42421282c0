"""A select's values are whatever the client sends: a value that is not one of the list's (not a
number, a number too large for an id, a question of another survey, nothing at all) is refused
in the reader's language, and nothing changes.

The values are forged as a modified client could: on a message of the bot carrying a select
with the feature's custom_id and whatever options the client claims.
"""

from __future__ import annotations

import pytest

from cogs.surveys import service
from gromada.errors import InvalidInput
from gromada.scheduler import now
from models.surveys import Survey, SurveyAction, SurveyQuestion
from tests.cogs.surveys.helpers import QUESTIONS, build_survey
from tests.cogs.surveys.test_action import closed_survey
from tests.helpers import forged_select, quickstarted, refusal, speaking

GONE_EN = "This question is no longer in the survey."
GONE_PL = "Tego pytania nie ma już w badaniu."
ANSWER_GONE_PL = "Tej odpowiedzi nie ma już w wynikach badania."


async def another_survey(server) -> Survey:
    request = service.SurveyRequest(server.guild.id, server.general.id, server.admin.id, "Another survey")
    spec = service.question_spec("single", "Which day?", "Monday\nFriday")
    return await service.create_draft(request, [spec], now())


async def questions(survey_id: int) -> list[tuple[int, int, str]]:
    return [(q.pk, q.position, q.text) for q in await SurveyQuestion.filter(survey_id=survey_id).order_by("id")]


FORGED = ["abc", "²", "99999999999999999999", "-1", "#"]


@pytest.mark.parametrize("action", ["up", "remove"])
async def test_the_builder_refuses_a_question_that_is_not_one_of_the_survey(simcord_env, monkeypatch, action):
    server = await quickstarted(simcord_env)
    survey, _builder = await build_survey(server, QUESTIONS[:3])
    other = await another_survey(server)
    [foreign] = await service.questions_of(other.pk)
    before = await questions(survey.pk), await questions(other.pk)

    for values in [[value] for value in FORGED] + [[str(foreign.pk)], []]:
        with speaking(monkeypatch, server.admin, "pl"):
            refused = await forged_select(server, server.admin, f"surveys:{action}:{survey.pk}", values)
        assert refusal(simcord_env, refused) == GONE_PL, values

    refused = await forged_select(server, server.admin, f"surveys:{action}:{survey.pk}", ["abc"])
    assert refusal(simcord_env, refused) == GONE_EN
    assert (await questions(survey.pk), await questions(other.pk)) == before


async def test_turning_into_action_refuses_a_question_or_answer_that_is_not_the_surveys(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    survey, _results = await closed_survey(server)
    other = await another_survey(server)
    [foreign] = await service.questions_of(other.pk)
    first = (await service.questions_of(survey.pk))[0]

    picks = {
        "actq": [*FORGED, str(foreign.pk), f"{first.pk}:0"],
        "topoll": [*FORGED, str(foreign.pk), f"{foreign.pk}:0", f"{first.pk}:x", f"{first.pk}:²", f"{first.pk}:"],
        "toinit": [*FORGED, f"{first.pk}:99999999999999999999", "abc:0"],
    }
    for action, values in picks.items():
        for value in values:
            with speaking(monkeypatch, server.admin, "pl"):
                refused = await forged_select(server, server.admin, f"surveys:{action}:{survey.pk}", [value])
            assert refusal(simcord_env, refused) in (GONE_PL, ANSWER_GONE_PL), (action, value)
    assert not await SurveyAction.exists()


async def test_an_answer_index_out_of_the_results_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    survey, _results = await closed_survey(server)
    first = (await service.questions_of(survey.pk))[0]

    refused = await forged_select(server, server.admin, f"surveys:topoll:{survey.pk}", [f"{first.pk}:7"])

    assert refusal(simcord_env, refused) == "This answer is no longer in the survey's results."
    assert not await SurveyAction.exists()


def test_a_type_of_question_that_is_not_one_of_the_list_is_refused():
    # A modified client can send any value for the modal's select of types.
    with pytest.raises(InvalidInput) as refused:
        service.question_spec("essay", "What do you need?")

    assert refused.value.render("en") == "Choose the type of answer from the list."
