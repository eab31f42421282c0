"""Closing a survey: results with charts, medians and small groups hidden; anonymity; refusals."""

from __future__ import annotations

from models.core import Timer
from models.surveys import Survey, SurveyDraft, SurveyParticipation, SurveyResponse, SurveyStatus
from tests.cogs.polls.test_anonymous import all_rows
from tests.cogs.surveys.helpers import answer_all, build_survey, four_answers, published_survey
from tests.helpers import quickstarted, refusal, shown


async def test_the_deadline_posts_results_with_charts_medians_and_small_groups_hidden(simcord_env):
    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server, duration="2d")
    people = await four_answers(server, card)
    status = await server.admin.slash(server.general, "survey status", survey_id=survey.pk)
    assert "4 responses submitted." in shown(status)

    await simcord_env.advance_time(2 * 86400 + 5)

    closed = await Survey.get(id=survey.pk)
    assert closed.status == SurveyStatus.CLOSED and closed.results_message_id
    results = next(m for m in server.general.history() if m.id == closed.results_message_id)
    text = results.embeds[0].description
    assert "4 responses." in text
    # Childcare chosen by 3: shown; Repairs by 1 only: not shown on its own.
    assert "- Childcare: 3" in text and "Repairs" not in text
    assert "answers chosen by fewer than 3 people are not shown" in text
    # The number question: 3 answers, median 200.
    assert "Median 200 (from 100 to 300)" in text
    # Free text of a named survey, with the member; only 2 answers: hidden.
    assert "A tool library" not in text and "Fewer than 3 answers: hidden" in text
    assert {attachment.filename for attachment in results.attachments} == {
        "question-1.png",
        "question-2.png",
        "question-3.png",
    }
    assert results.attachments[0].content_type == "image/png" or results.attachments[0].filename.endswith(".png")
    card = next(m for m in server.general.history() if m.id == survey.message_id)
    assert "Closed." in card.embeds[0].description and "4 responses so far." in card.embeds[0].description
    assert len(people) == 4


async def test_small_options_of_a_multiple_choice_question_are_shown_together_as_people(simcord_env):
    server = await quickstarted(simcord_env)
    question = {
        "text": "What is missing most?",
        "kind": ["multi"],
        "options": "Childcare\nRepairs\nCompany\nLanguage help",
        "required": ["yes"],
    }
    survey, card = await published_survey(server, [question])
    people = [server.add_member(f"person{i}") for i in range(4)]
    await simcord_env.settle()
    # Childcare by all four; Repairs and Company by two each (4 ticks, from 3 people); Language help by nobody.
    for person, chosen in zip(people, [["0", "1", "2"], ["0", "1"], ["0", "2"], ["0"]], strict=True):
        await answer_all(person, card, [chosen])

    await server.admin.slash(server.general, "survey close", survey_id=survey.pk)

    closed = await Survey.get(id=survey.pk)
    results = next(m for m in server.general.history() if m.id == closed.results_message_id)
    text = results.embeds[0].description
    bars = [line for line in text.splitlines() if line.startswith("- ")]
    assert bars == ["- Childcare: 4", "- Fewer than 3 each: people who chose any: 3"]
    assert "(fewer than 3 each, shown together: Repairs, Company, Language help)" in text


async def test_a_free_text_answer_stays_inside_its_quote_in_the_results(simcord_env):
    server = await quickstarted(simcord_env)
    question = {"text": "Anything else?", "kind": ["long"], "options": "", "required": ["yes"]}
    survey, card = await published_survey(server, [question])
    people = [server.add_member(f"person{i}") for i in range(3)]
    await simcord_env.settle()
    forged = "Benches\n- Childcare: 99\n# Everyone wants childcare"
    for person, text in zip(people, [forged, "A tool library", "More trees"], strict=True):
        await answer_all(person, card, [text])

    await server.admin.slash(server.general, "survey close", survey_id=survey.pk)

    closed = await Survey.get(id=survey.pk)
    results = next(m for m in server.general.history() if m.id == closed.results_message_id)
    lines = results.embeds[0].description.splitlines()
    # A member's answer cannot pass for a line of the results: every line of it is quoted, as text.
    start = lines.index("> Benches")
    assert lines[start + 1] == "> \\- Childcare: 99"
    assert lines[start + 2] == f"> \\# Everyone wants childcare — <@{people[0].id}>"
    assert not any(line.startswith(("- Childcare", "#")) for line in lines)


async def test_an_anonymous_survey_keeps_no_link_between_a_member_and_their_answers(simcord_env):
    server = await quickstarted(simcord_env)
    survey, card = await published_survey(server, anonymous=True)
    people = await four_answers(server, card)
    secret = (await Survey.get(id=survey.pk)).secret
    assert secret and await SurveyParticipation.filter(survey_id=survey.pk).count() == 4
    again = await people[0].click(card, label="Take the survey")
    assert "Anonymous answers cannot be changed" in refusal(simcord_env, again)

    await server.admin.slash(server.general, "survey close", survey_id=survey.pk)

    closed = await Survey.get(id=survey.pk)
    assert closed.secret is None
    ids = {str(person.id) for person in people}
    for table, rows in await all_rows():
        for row in rows:
            cells = {str(cell) for cell in row}
            assert not any(secret in cell for cell in cells), (table, row)
            if table.startswith("survey") or table == "timer":
                # The survey's own tables hold no respondent id at all.
                assert not cells & ids, (table, row)
    assert all(r.user_id is None and r.submitted_at is None for r in await SurveyResponse.all())
    assert not await SurveyDraft.exists()
    results = next(m for m in server.general.history() if m.id == closed.results_message_id)
    assert "without names" in results.embeds[0].description


async def test_a_card_discord_refused_leaves_the_draft_to_publish_again(simcord_env):
    server = await quickstarted(simcord_env)
    survey, builder = await build_survey(server)
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=500)

    failed = await server.admin.click(builder, label="Publish")

    assert "I could not post the survey" in refusal(simcord_env, failed)
    assert (await Survey.get(id=survey.pk)).status == SurveyStatus.DRAFT
    assert not await Timer.filter(kind="surveys.close").exists()
    published = await server.admin.click(builder, label="Publish")
    assert "is published" in shown(published)
    assert (await Survey.get(id=survey.pk)).status == SurveyStatus.OPEN


async def test_a_plain_member_cannot_create_a_survey_until_given_the_author_role(simcord_env):
    server = await quickstarted(simcord_env)
    researchers = server.guild.create_role("Researchers")
    author = server.add_member("renata", researchers)
    await simcord_env.settle()

    refused = await author.slash(server.general, "survey create", title="My survey")
    assert "Only moderators, initiative leads and holders of the" in refusal(simcord_env, refused)
    await server.admin.slash(server.general, "setup role", purpose="survey_author", role=researchers)
    allowed = await author.slash(server.general, "survey create", title="My survey")

    assert "Survey #1 (draft): My survey" in shown(allowed)
