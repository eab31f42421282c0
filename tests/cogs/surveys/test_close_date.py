"""A survey closes at a date and time in the server's clock, or after a duration from publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from gromada.scheduler import now
from models.surveys import Survey, SurveyStatus
from tests.cogs.surveys.helpers import QUESTIONS, build_survey
from tests.helpers import quickstarted, refusal

WARSAW = ZoneInfo("Europe/Warsaw")


async def in_warsaw(env):
    server = await quickstarted(env)
    await server.admin.slash(server.general, "setup option", key="timezone", value="Europe/Warsaw")
    return server


async def test_a_survey_closes_at_the_date_and_time_given_in_the_servers_clock(simcord_env):
    server = await in_warsaw(simcord_env)
    day = (now().astimezone(WARSAW) + timedelta(days=10)).date()
    survey, builder = await build_survey(server, QUESTIONS[:1], closes=f"{day:%Y-%m-%d} 18:00")
    expected = datetime(day.year, day.month, day.day, 18, 0, tzinfo=WARSAW).astimezone(UTC)
    assert survey.closes_at == expected and survey.close_date_fixed
    assert "Closes <t:" in builder.content

    # Publishing a day later does not move the close: it is a date, not a duration.
    await simcord_env.advance_time(86400)
    await server.admin.click(builder, label="Publish")
    published = await Survey.get(id=survey.pk)
    assert published.status == SurveyStatus.OPEN and published.closes_at == expected

    await simcord_env.advance_time((expected - now()).total_seconds() - 60)
    assert (await Survey.get(id=survey.pk)).status == SurveyStatus.OPEN
    await simcord_env.advance_time(120)
    closed = await Survey.get(id=survey.pk)
    assert closed.status == SurveyStatus.CLOSED and closed.results_message_id


async def test_a_date_alone_closes_at_the_end_of_that_day(simcord_env):
    server = await in_warsaw(simcord_env)
    day = (now().astimezone(WARSAW) + timedelta(days=3)).date()

    survey, _builder = await build_survey(server, QUESTIONS[:1], closes=f"{day:%Y-%m-%d}")

    assert survey.closes_at == datetime(day.year, day.month, day.day, 23, 59, tzinfo=WARSAW).astimezone(UTC)


async def test_a_past_or_malformed_close_date_is_refused_and_nothing_is_created(simcord_env):
    server = await in_warsaw(simcord_env)
    yesterday = (now().astimezone(WARSAW) - timedelta(days=1)).date()
    ahead = (now().astimezone(WARSAW) + timedelta(days=3)).date()

    past = await server.admin.slash(server.general, "survey create", title="T", closes=f"{yesterday:%Y-%m-%d} 10:00")
    malformed = await server.admin.slash(server.general, "survey create", title="T", closes="next friday")
    both = await server.admin.slash(
        server.general, "survey create", title="T", closes=f"{ahead:%Y-%m-%d}", duration="3d"
    )
    too_far = await server.admin.slash(server.general, "survey create", title="T", closes="2099-01-01 10:00")

    assert "That close date has passed. Choose a date ahead." in refusal(simcord_env, past)
    assert "“next friday” is not a date and time. Write it like 2026-12-05 10:00." in refusal(simcord_env, malformed)
    assert "Give either a close date or a duration, not both." in refusal(simcord_env, both)
    assert "A survey can close at most 90 days from now" in refusal(simcord_env, too_far)
    assert not await Survey.exists()


async def test_a_draft_whose_close_date_has_passed_is_not_published(simcord_env):
    server = await in_warsaw(simcord_env)
    day = (now().astimezone(WARSAW) + timedelta(days=2)).date()
    survey, builder = await build_survey(server, QUESTIONS[:1], closes=f"{day:%Y-%m-%d} 12:00")

    await simcord_env.advance_time(3 * 86400)
    refused = await server.admin.click(builder, label="Publish")

    assert "The close date of this draft has passed" in refusal(simcord_env, refused)
    assert (await Survey.get(id=survey.pk)).status == SurveyStatus.DRAFT
