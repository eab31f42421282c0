"""What activities keep about a member goes into /privacy export and goes with /privacy forget."""

from datetime import datetime

from models.activities import ActivitySeries, ActivitySignup, ActivitySubscription
from tests.cogs.activities.helpers import cards, plan
from tests.cogs.privacy.helpers import exported_file, tables_holding
from tests.helpers import quickstarted, shown


async def test_export_and_forget_cover_signups_and_series_joined(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Pantry shift", "2026-01-10 10:00", seats=3, repeat="weekly", until="2026-01-31")
    await server.member.click(cards(server)[0], label="Join every date")
    series = await ActivitySeries.get(title="Pantry shift")
    # Three dates fall within the window so far.
    assert await ActivitySignup.filter(user_id=server.member.id).count() == 3

    await server.member.slash(server.general, "privacy export")

    text, data = await exported_file(server.member)
    assert "Activities: 4 records" in text
    exported = data["features"]["activities"]
    assert len(exported["activity_signup"]) == 3
    assert exported["activity_signup"][0]["occurrence"]["title"] == "Pantry shift"
    assert exported["activity_subscription"][0]["series"]["title"] == "Pantry shift"

    preview = await server.member.slash(server.general, "privacy forget")
    done = await server.member.click(preview.response, label="Forget me")

    assert "Done." in shown(done)
    assert not await ActivitySignup.filter(user_id=server.member.id).exists()
    assert not await ActivitySubscription.filter(series_id=series.pk).exists()
    assert await tables_holding(server.member.id) == {}
    # The coordinator's activity stays for everyone else.
    assert (await ActivitySeries.get(id=series.pk)).creator_id == server.admin.id


async def test_the_summary_counts_an_activity_once_for_its_coordinator(simcord_env):
    server = await quickstarted(simcord_env)
    await plan(server, "Pantry shift", "2026-01-10 10:00", seats=3, repeat="weekly", until="2026-01-31")
    await server.admin.click(cards(server)[0], label="Join every date")
    assert await ActivitySignup.filter(user_id=server.admin.id).count() == 3

    await server.admin.slash(server.general, "privacy export")

    text, data = await exported_file(server.admin)
    # The series planned and joined as a whole is one activity (two rows), each date joined one.
    assert len(data["features"]["activities"]["activity_series"]) == 1
    assert len(data["features"]["activities"]["activity_subscription"]) == 1
    assert "Activities: 4 records" in text


async def test_the_export_dates_a_calendar_address_from_its_last_rotation(simcord_env):
    server = await quickstarted(simcord_env)
    await server.member.slash(server.general, "activity calendar")
    await simcord_env.advance_time(2 * 24 * 3600)
    rotated_at = simcord_env.now()
    await server.member.slash(server.general, "activity calendar", rotate=True)

    await server.member.slash(server.general, "privacy export")

    _text, data = await exported_file(server.member)
    (feed,) = data["features"]["activities"]["activity_calendar_feed"]
    assert "token" not in feed
    assert datetime.fromisoformat(feed["created_at"]) == rotated_at
