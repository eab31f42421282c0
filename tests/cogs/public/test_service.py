"""What the public pages' switches record in the database beside the token."""

from datetime import UTC, datetime, timedelta

from cogs.public import service
from models.public import PublicSite

GUILD = 4242
MOMENT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


async def site() -> PublicSite:
    return await PublicSite.get(guild_id=GUILD)


async def test_enable_records_when_the_pages_went_public_and_enabling_again_keeps_it(database):
    token, newly = await service.enable(GUILD, MOMENT)
    again, newly_again = await service.enable(GUILD, MOMENT + timedelta(hours=1))

    row = await site()
    assert (newly, newly_again, again) == (True, False, token)
    assert (row.token, row.enabled_at, row.rotated_at) == (token, MOMENT, None)


async def test_disable_forgets_the_token_and_when_the_pages_went_public(database):
    await service.enable(GUILD, MOMENT)

    assert await service.disable(GUILD)

    row = await site()
    assert (row.token, row.enabled_at) == (None, None)
    assert not await service.disable(GUILD)


async def test_publishing_again_after_a_disable_records_the_new_moment(database):
    await service.enable(GUILD, MOMENT)
    await service.disable(GUILD)
    later = MOMENT + timedelta(days=2)

    token, newly = await service.enable(GUILD, later)

    row = await site()
    assert newly
    assert (row.token, row.enabled_at) == (token, later)


async def test_rotate_records_when_the_address_changed_and_keeps_when_it_went_public(database):
    first, _ = await service.enable(GUILD, MOMENT)
    later = MOMENT + timedelta(days=1)

    token = await service.rotate(GUILD, later)

    row = await site()
    assert token != first
    assert (row.token, row.enabled_at, row.rotated_at) == (token, MOMENT, later)
