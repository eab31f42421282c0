"""/survey create template: starts from a shipped survey in the server's language."""

from __future__ import annotations

import pytest

from cogs.surveys import service
from models.surveys import Survey, SurveyQuestion
from tests.helpers import quickstarted, shown


async def test_a_template_fills_the_builder_in_the_servers_language(simcord_env):
    server = await quickstarted(simcord_env, language="pl")

    created = await server.admin.slash(server.general, "survey create", template="purchase")

    survey = await Survey.get()
    assert survey.title == "Potrzeby wspólnych zakupów"
    questions = await SurveyQuestion.filter(survey_id=survey.pk).order_by("position")
    assert [q.kind for q in questions] == ["multi", "single", "number", "short"]
    assert "Jak często zamawiał(a)byś?" in shown(created)


@pytest.mark.parametrize("language", ["en", "pl", "ru"])
@pytest.mark.parametrize("key", service.TEMPLATES)
def test_every_template_exists_in_every_language_with_the_same_shape(language, key):
    english = service.template_of("en", key)
    template = service.template_of(language, key)
    assert [(q.kind, len(q.options), q.required) for q in template.questions] == [
        (q.kind, len(q.options), q.required) for q in english.questions
    ]
