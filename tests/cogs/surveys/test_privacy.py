"""/privacy export and forget cover a member's named survey response; an anonymous one has nothing of them."""

from __future__ import annotations

from models.surveys import SurveyResponse
from tests.cogs.privacy.helpers import exported_file, tables_holding
from tests.cogs.surveys.helpers import answer_all, published_survey
from tests.helpers import quickstarted, shown

ANSWERS = [["2"], ["1"], ["3"], "40", "A repair café"]


async def test_export_lists_a_named_response_and_forget_deletes_it(simcord_env):
    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server)
    await answer_all(server.member, card, ANSWERS)

    await server.member.slash(server.general, "privacy export")
    _text, data = await exported_file(server.member)
    [row] = data["features"]["surveys"]["survey_response"]
    assert row["survey_id"] == survey.pk and "A repair café" in row["answers"].values()

    preview = await server.member.slash(server.general, "privacy forget")
    done = await server.member.click(preview.response, label="Forget me")

    assert "Done." in shown(done)
    assert not await SurveyResponse.filter(survey_id=survey.pk).exists()
    assert "survey_response" not in await tables_holding(server.member.id)


async def test_an_anonymous_response_is_not_anyones_to_export(simcord_env):
    server = await quickstarted(simcord_env)
    _survey, card = await published_survey(server, anonymous=True)
    await answer_all(server.member, card, ANSWERS)

    await server.member.slash(server.general, "privacy export")
    _text, data = await exported_file(server.member)

    assert "surveys" not in data["features"]
    assert await SurveyResponse.all().count() == 1
