"""The audience refusal, the CSV export, a results post Discord refused, and the builder's order."""

from __future__ import annotations

import csv
import io

from cogs.surveys import service
from models.surveys import Survey, SurveyQuestion, SurveyResponse
from tests.cogs.surveys.helpers import QUESTIONS, build_survey, four_answers, published_survey
from tests.helpers import deadline_failures, quickstarted, refusal, shown, speaking


async def test_a_member_outside_the_audience_role_is_refused_in_their_language(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    gardeners = server.guild.create_role("Gardeners")
    gardener = server.add_member("gosia", gardeners)
    await simcord_env.settle()
    survey, card = await published_survey(server, audience=gardeners)

    with speaking(monkeypatch, server.member, "pl"):
        refused = await server.member.click(card, label="Take the survey")
    allowed = await gardener.click(card, label="Take the survey")

    assert f"To badanie jest dla osób z rolą <@&{gardeners.id}>." in refusal(simcord_env, refused)
    assert not await SurveyResponse.exists() and "question 1 of 5" in shown(allowed)
    assert survey.audience_role_id == gardeners.id


async def exported(server, survey) -> list[list[str]]:
    result = await server.admin.slash(server.general, "survey export", survey_id=survey.pk)
    assert result.ephemeral
    [attachment] = result.response.attachments
    assert attachment.filename == f"survey-{survey.pk}.csv"
    return list(csv.reader(io.StringIO((await attachment.read()).decode())))


async def test_the_csv_export_has_a_row_per_response_and_names_only_for_a_named_survey(simcord_env):
    server = await quickstarted(simcord_env)
    named, card = await published_survey(server)
    people = await four_answers(server, card)

    header, *rows = await exported(server, named)

    questions = [f"{position}. {question['text']}" for position, question in enumerate(QUESTIONS, start=1)]
    assert header == ["user_id", "submitted_at", *questions]
    by_member = {row[0]: row for row in rows}
    assert len(rows) == 4 and set(by_member) == {str(person.id) for person in people}
    first = by_member[str(people[0].id)]
    assert first[1] and first[2:] == ["Childcare", "Cooking; DIY", "4", "100", "A tool library"]
    assert by_member[str(people[3].id)][2:] == ["Repairs", "DIY", "2", "", ""]

    anonymous, card = await published_survey(server, title="Anonymous needs", anonymous=True)
    people = await four_answers(server, card)
    header, *rows = await exported(server, anonymous)

    assert header == questions
    assert sorted(rows) == sorted(
        [
            ["Childcare", "Cooking; DIY", "4", "100", "A tool library"],
            ["Childcare", "DIY", "5", "200", "Benches"],
            ["Childcare", "DIY; Languages", "4", "300", ""],
            ["Repairs", "DIY", "2", "", ""],
        ]
    )
    member_ids = {str(person.id) for person in people}
    assert not any(cell in member_ids for row in rows for cell in row)


async def test_a_results_post_discord_refused_is_retried_by_the_timer_and_posted_once(simcord_env, caplog):
    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server, duration="2d")
    await four_answers(server, card)
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=403, code=50013)

    await simcord_env.advance_time(2 * 86400 + 5)

    closed = await Survey.get(id=survey.pk)
    assert closed.closed_at is not None and closed.results_message_id is None
    assert len(deadline_failures(caplog)) == 1
    # The scheduler tries again a minute later: the results go out, once.
    await simcord_env.advance_time(61)
    await simcord_env.advance_time(3600)
    closed = await Survey.get(id=survey.pk)
    results = [m for m in server.general.history() if m.embeds and m.embeds[0].title == "Results: Neighbourhood needs"]
    assert [m.id for m in results] == [closed.results_message_id]
    assert "4 responses." in results[0].embeds[0].description


async def test_the_builder_moves_a_question_up_and_removes_one(simcord_env):
    server = await quickstarted(simcord_env)
    survey, builder = await build_survey(server, QUESTIONS[:3])
    first, second, third = await service.questions_of(survey.pk)

    moved = await server.admin.select(builder, [str(third.pk)], custom_id=f"surveys:up:{survey.pk}")

    texts = [q.text for q in await service.questions_of(survey.pk)]
    assert texts == [first.text, third.text, second.text]
    assert f"2. **{third.text}**" in moved.response.content and f"3. **{second.text}**" in moved.response.content

    removed = await server.admin.select(moved.response, [str(first.pk)], custom_id=f"surveys:remove:{survey.pk}")

    left = await SurveyQuestion.filter(survey_id=survey.pk).order_by("position")
    assert [(q.position, q.text) for q in left] == [(0, third.text), (1, second.text)]
    assert first.text not in removed.response.content and f"1. **{third.text}**" in removed.response.content
    assert "2 of 15 questions" in removed.response.content

    # The first question moved up goes to the end.
    wrapped = await server.admin.select(removed.response, [str(third.pk)], custom_id=f"surveys:up:{survey.pk}")
    assert [q.text for q in await service.questions_of(survey.pk)] == [second.text, third.text]
    assert f"1. **{second.text}**" in wrapped.response.content


async def test_the_author_discards_a_draft_and_only_that_draft_goes(simcord_env):
    server = await quickstarted(simcord_env)
    kept, _kept_builder = await build_survey(server, QUESTIONS[:1], title="Kept draft")
    survey, builder = await build_survey(server, QUESTIONS[:2])

    discarded = await server.admin.click(builder, label="Discard the draft")

    assert "The draft is discarded." in shown(discarded)
    assert [s.pk for s in await Survey.all()] == [kept.pk]
    assert not await SurveyQuestion.exists(survey_id=survey.pk)
    assert await SurveyQuestion.filter(survey_id=kept.pk).count() == 1
