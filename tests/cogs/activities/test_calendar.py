"""Calendar feeds: the server's and a member's, valid iCalendar with time zones, rotated by staff."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from gromada.web import make_app
from models.meetings import Meeting
from tests.cogs.activities.helpers import advance_to, cards, plan
from tests.helpers import quickstarted, refusal, shown

FEED = re.compile(r"(/calendar/[A-Za-z0-9_-]+\.ics)")


def path_in(text: str) -> str:
    return FEED.search(text)[1]


async def fetch(env, path: str) -> tuple[int, bytes, str]:
    async with TestClient(TestServer(make_app(env.bot), host="127.0.0.1")) as client:
        response = await client.get(path)
        return response.status, await response.read(), response.headers.get("Content-Type", "")


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


async def test_the_server_feed_lists_activities_and_meetings_in_the_server_zone(simcord_env):
    server = await quickstarted(simcord_env)
    await server.admin.slash(server.general, "setup option", key="timezone", value="Europe/Warsaw")
    await plan(server, "Garden watering", "2026-01-10 10:00", seats=2, place="Garden", description="Bring a can.")
    await server.admin.slash(server.general, "meeting plan", title="Animation meeting", start="2026-01-12 18:00")

    shown_link = shown(await server.admin.slash(server.general, "activity calendar", feed="server"))
    status, body, content_type = await fetch(simcord_env, path_in(shown_link))

    assert status == 200 and content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    found = events(body)
    assert set(found) == {"Garden watering", "Animation meeting"}
    start = found["Garden watering"]["dtstart"]
    assert start.params["TZID"] == "Europe/Warsaw"
    assert start.dt.tzinfo == ZoneInfo("Europe/Warsaw") and (start.dt.hour, start.dt.minute) == (10, 0)
    assert str(found["Garden watering"]["location"]) == "Garden"
    assert str(found["Garden watering"]["description"]) == "Bring a can."


async def test_a_member_feed_holds_only_what_they_joined_and_a_rotated_address_stops_working(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Soup kitchen", "2026-01-10 10:00", seats=2)
    await plan(server, "Leaflets", "2026-01-11 10:00", seats=2)
    await server.member.click(cards(server)[0], label="Join")

    mine = path_in(shown(await server.member.slash(server.general, "activity calendar")))
    _status, body, _type = await fetch(simcord_env, mine)
    assert set(events(body)) == {"Soup kitchen"}

    refused = await server.member.slash(server.general, "activity calendar", feed="server")
    assert "Only activity coordinators" in refusal(simcord_env, refused)
    old = path_in(shown(await server.admin.slash(server.general, "activity calendar", feed="server")))
    rotated = shown(await server.admin.slash(server.general, "activity calendar", feed="server", rotate=True))
    new = path_in(rotated)

    assert new != old and "The old address no longer works." in rotated
    assert (await fetch(simcord_env, old))[0] == 404
    assert (await fetch(simcord_env, new))[0] == 200
    assert (await fetch(simcord_env, "/calendar/guessed.ics"))[0] == 404


async def test_the_server_feed_leaves_out_other_servers_and_dates_ended_over_a_month_ago(simcord_env):
    server = await quickstarted(simcord_env)
    other = await quickstarted(simcord_env)
    await plan(server, "Soup kitchen", "2026-01-03 10:00", seats=2)
    await plan(server, "Leaflets", "2026-01-10 10:00", seats=2)
    await plan(other, "Their bake sale", "2026-02-20 10:00", seats=2)
    feed = path_in(shown(await server.admin.slash(server.general, "activity calendar", feed="server")))
    _status, body, _type = await fetch(simcord_env, feed)
    assert set(events(body)) == {"Soup kitchen", "Leaflets"}

    # The soup kitchen ended on 3 January at noon: 30 days later it still shows, then not.
    await advance_to(simcord_env, datetime(2026, 2, 2, 11, tzinfo=UTC))
    _status, body, _type = await fetch(simcord_env, feed)
    assert set(events(body)) == {"Soup kitchen", "Leaflets"}
    await advance_to(simcord_env, datetime(2026, 2, 2, 13, tzinfo=UTC))
    _status, body, _type = await fetch(simcord_env, feed)
    assert set(events(body)) == {"Leaflets"}


async def test_a_member_feed_holds_the_meetings_they_may_come_to_and_no_feed_a_cancelled_one(simcord_env):
    server = await quickstarted(simcord_env)
    titles = {
        "Animation meeting": "2026-01-12 18:00",
        "Budget meeting": "2026-01-13 18:00",
        "Fair planning": "2026-01-14 18:00",
    }
    for title, start in titles.items():
        await server.admin.slash(server.general, "meeting plan", title=title, start=start)
    animation, budget, fair = [await Meeting.get(title=title) for title in titles]

    def card(meeting):
        return next(m for m in server.guild.channels["activities"].history() if m.id == meeting.message_id)

    await server.member.click(card(animation), custom_id=f"meetings:coming:{animation.pk}")
    await server.member.click(card(fair), custom_id=f"meetings:maybe:{fair.pk}")
    await server.member.click(card(budget), custom_id=f"meetings:not_coming:{budget.pk}")
    await server.admin.click(card(budget), custom_id=f"meetings:coming:{budget.pk}")
    mine = path_in(shown(await server.member.slash(server.general, "activity calendar")))
    everyone = path_in(shown(await server.admin.slash(server.general, "activity calendar", feed="server")))
    assert set(events((await fetch(simcord_env, mine))[1])) == {"Animation meeting", "Fair planning"}

    await server.admin.slash(server.general, "meeting cancel", meeting=str(fair.pk))

    assert set(events((await fetch(simcord_env, mine))[1])) == {"Animation meeting"}
    assert set(events((await fetch(simcord_env, everyone))[1])) == {"Animation meeting", "Budget meeting"}
