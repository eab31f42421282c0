"""Opening the channel: races, Discord failures with a retry, full categories, the server limit."""

import asyncio

import discord
import pytest

from cogs.initiatives import flows, service
from cogs.initiatives.views import PROPOSE_COOLDOWN
from gromada.errors import Conflict
from gromada.scheduler import now
from models.initiatives import Initiative, InitiativeMember, InitiativeStatus
from tests.cogs.initiatives.helpers import field
from tests.helpers import refusal, shown, wait_out


async def test_two_supporters_clicking_at_once_open_exactly_one_channel(server):
    # SimCord runs one click at a time, so the race is run at the level the Support button uses.
    _, initiative = await server.propose()
    bot = server.env.bot

    async def press_support(actor):
        outcome = await service.support(initiative.pk, actor.id, now())
        return await flows.open_space(bot, initiative.pk) if outcome.ready else None

    outcomes = await asyncio.gather(*(press_support(s) for s in server.supporters), return_exceptions=True)
    await server.env.settle()

    # A click that lands while the channel is being opened is refused politely, never a crash.
    assert all(isinstance(o, Conflict) for o in outcomes if isinstance(o, BaseException)), outcomes
    assert sum(isinstance(o, discord.TextChannel) for o in outcomes) == 1
    named = [c for c in server.discord_guild().text_channels if c.name.startswith(initiative.slug)]
    assert len(named) == 1
    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.ACTIVE and row.channel_id == named[0].id
    # Everyone whose support was recorded can write there, late clickers included.
    members = await InitiativeMember.filter(initiative_id=initiative.pk).values_list("user_id", flat=True)
    assert len(members) >= 3
    for user_id in members:
        assert named[0].permissions_for(server.discord_guild().get_member(user_id)).send_messages


async def test_concurrent_support_calls_count_each_person_once(server):
    _, initiative = await server.propose()
    supporter = server.supporters[0]

    outcomes = await asyncio.gather(*(service.support(initiative.pk, supporter.id, now()) for _ in range(5)))

    assert sum(outcome.added for outcome in outcomes) == 1
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 2


async def test_only_one_of_many_concurrent_openers_wins(server):
    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await service.support(initiative.pk, supporter.id, now())

    opened = await asyncio.gather(*(flows.open_space(server.env.bot, initiative.pk) for _ in range(4)))

    assert sum(channel is not None for channel in opened) == 1
    assert len([c for c in server.discord_guild().text_channels if c.name == initiative.slug]) == 1


async def test_failed_channel_creation_keeps_the_proposal_and_retry_opens_it(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)

    failed = await server.supporters[1].click(server.card(initiative), label="Support")

    assert "Your support counts" in refusal(server.env, failed)
    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.PROPOSED and row.channel_id is None
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 3
    assert server.text_channel(initiative.slug) is None
    card = server.card(initiative)
    assert field(card, "Supporters") == "3/3"
    assert "I could not open the channel" in server.channel("mod-log").last_message.content

    retried = await server.supporters[1].click(card, label="Retry opening the channel")

    assert "now has its channel" in shown(retried)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    assert server.text_channel(initiative.slug) is not None


async def test_failure_after_the_channel_exists_removes_it_so_discord_and_database_agree(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("PUT", "/channels/*/messages/pins/*", status=500)

    failed = await server.supporters[1].click(server.card(initiative), label="Support")

    refusal(server.env, failed)
    assert server.text_channel(initiative.slug) is None, "the half-opened channel is removed"
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED
    # Retry (shown once the threshold is reached) opens the channel.
    await server.supporters[0].click(server.card(initiative), label="Retry opening the channel")
    assert server.text_channel(initiative.slug) is not None


async def test_a_full_category_sends_the_channel_to_initiatives_2(server):
    base = server.guild.channels["Initiatives"]
    for number in range(flows.CATEGORY_LIMIT):
        server.guild.create_text_channel(f"old-{number}", category=base)
    await server.env.settle()

    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await supporter.click(server.card(initiative), label="Support")

    channel = server.text_channel(initiative.slug)
    assert channel.category.name == "Initiatives 2"
    assert len(server.discord_guild().get_channel(base.id).channels) == flows.CATEGORY_LIMIT

    # The next one reuses "Initiatives 2" rather than opening another category.
    await wait_out(server.env, PROPOSE_COOLDOWN)
    _, second = await server.propose(title="Repair café")
    for supporter in server.supporters[:2]:
        await supporter.click(server.card(second), label="Support")
    assert server.text_channel(second.slug).category.name == "Initiatives 2"
    assert [c.name for c in server.discord_guild().categories].count("Initiatives 2") == 1


async def test_discord_saying_the_category_is_full_moves_on_to_the_next(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error(
        "POST",
        "/guilds/*/channels",
        status=400,
        code=50035,
        message="Invalid Form Body: parent_id CHANNEL_PARENT_MAX_CHANNELS",
    )

    await server.supporters[1].click(server.card(initiative), label="Support")

    assert server.text_channel(initiative.slug).category.name == "Initiatives 2"


async def test_the_server_channel_limit_tells_staff_and_keeps_the_proposal(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    guild = server.discord_guild()
    for number in range(flows.SERVER_CHANNEL_LIMIT - len(guild.channels)):
        server.guild.create_text_channel(f"filler-{number}")
    await server.env.settle()
    assert len(guild.channels) == flows.SERVER_CHANNEL_LIMIT

    result = await server.supporters[1].click(server.card(initiative), label="Support")

    assert "limit of 500 channels" in refusal(server.env, result)
    assert "limit of 500 channels" in server.channel("mod-log").last_message.content
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED
    assert len(guild.channels) == flows.SERVER_CHANNEL_LIMIT


async def test_discord_refusing_for_the_server_limit_is_reported_the_same_way(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error(
        "POST", "/guilds/*/channels", status=400, code=30013, message="Maximum number of guild channels reached (500)"
    )

    result = await server.supporters[1].click(server.card(initiative), label="Support")

    assert "limit of 500 channels" in refusal(server.env, result)
    assert "limit of 500 channels" in server.channel("mod-log").last_message.content
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED


async def test_retry_is_for_supporters_and_staff_only(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)
    refusal(server.env, await server.supporters[1].click(server.card(initiative), label="Support"))

    outsider = await server.supporters[2].click(server.card(initiative), label="Retry opening the channel")
    assert "Only supporters and staff" in refusal(server.env, outsider)

    await server.admin.click(server.card(initiative), label="Retry opening the channel")
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_an_opening_interrupted_by_a_restart_can_be_retried_later(server, settings):
    from gromada.bot import create_bot

    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await service.support(initiative.pk, supporter.id, now())
    # The bot stopped right after claiming the opening, before creating anything.
    claimed = now()
    assert await service.claim_opening(initiative.pk, claimed)
    await server.env.restart_bot(create_bot(settings))
    await flows.refresh_card(server.env.bot, initiative.pk)

    early = await server.supporters[0].click(server.card(initiative), label="Retry opening the channel")
    assert "Someone else is opening" in shown(early)
    # Exactly ten minutes on, the attempt counts as interrupted: Retry picks it up.
    await server.env.advance_time((claimed + service.STALE_OPENING - now()).total_seconds())
    late = await server.supporters[0].click(server.card(initiative), label="Retry opening the channel")

    assert "now has its channel" in shown(late)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    assert len([c for c in server.discord_guild().text_channels if c.name.startswith(initiative.slug)]) == 1


async def test_an_attempt_failing_after_a_retry_opened_the_channel_leaves_it_open(server):
    # An attempt so slow that it counts as interrupted: Retry opens the channel meanwhile, then
    # the slow attempt fails. SimCord answers at once, so the slow one is run at the level it uses.
    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await service.support(initiative.pk, supporter.id, now())
    assert await service.claim_opening(initiative.pk, now())
    await server.env.advance_time(service.STALE_OPENING.total_seconds())
    channel = await flows.open_space(server.env.bot, initiative.pk)

    await service.release_opening(initiative.pk, "Discord took too long")
    await flows.refresh_card(server.env.bot, initiative.pk)

    assert field(server.card(initiative), "Status") == "active"
    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.ACTIVE and row.channel_id == channel.id and row.open_error is None


async def test_a_slow_attempt_ending_after_a_retry_opened_the_channel_leaves_one_channel(server, monkeypatch):
    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await service.support(initiative.pk, supporter.id, now())
    # Discord holds the first attempt's channel creation for over ten minutes.
    holding, released = asyncio.Event(), asyncio.Event()
    create_channel = flows._create_channel

    async def held_the_first_time(guild, row):
        if not holding.is_set():
            holding.set()
            await released.wait()
        return await create_channel(guild, row)

    monkeypatch.setattr(flows, "_create_channel", held_the_first_time)
    slow = asyncio.create_task(flows.open_space(server.env.bot, initiative.pk))
    await holding.wait()
    await flows.refresh_card(server.env.bot, initiative.pk)
    await server.env.advance_time(service.STALE_OPENING.total_seconds())
    retried = await server.supporters[0].click(server.card(initiative), label="Retry opening the channel")
    released.set()
    surplus = await slow
    await server.env.settle()

    assert "now has its channel" in shown(retried)
    assert surplus is None
    row = await Initiative.get(id=initiative.pk)
    named = [c for c in server.discord_guild().text_channels if c.name.startswith(initiative.slug)]
    assert [channel.id for channel in named] == [row.channel_id]
    # The slow attempt's channel went without a welcome: nobody was pinged into it.
    requests = server.env.http_requests
    removed = {
        entry.path.split("/")[2] for entry in requests if entry.method == "DELETE" and entry.path.count("/") == 2
    }
    posted_in = {
        entry.path.split("/")[2] for entry in requests if entry.method == "POST" and entry.path.endswith("/messages")
    }
    assert removed and removed.isdisjoint(posted_in) and str(row.channel_id) in posted_in


async def test_a_slow_attempt_finishing_after_the_proposal_was_withdrawn_does_not_open_it(server):
    _, initiative = await server.propose()
    for supporter in server.supporters[:2]:
        await service.support(initiative.pk, supporter.id, now())
    started = now()
    assert await service.claim_opening(initiative.pk, started)
    # Ten minutes on, the attempt counts as interrupted and the proposer takes the proposal back.
    later = started + service.STALE_OPENING
    await service.withdraw_proposal(initiative.pk, server.member.id, later)

    assert not await service.mark_open(initiative.pk, channel_id=1, welcome_message_id=2, now=later)

    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.WITHDRAWN and row.channel_id is None


@pytest.mark.parametrize(
    ("title", "channel_name"),
    [
        ("हिंदी क्लब", "हिंदी-क्लब"),
        ("Ogród Społeczny", "ogród-społeczny"),
        ("Общий сад", "общий-сад"),
    ],
)
async def test_the_channel_is_named_after_the_title_in_its_own_script(server, title, channel_name):
    _, initiative = await server.propose(title=title)
    for supporter in server.supporters[:2]:
        await supporter.click(server.card(initiative), label="Support")

    assert (await Initiative.get(id=initiative.pk)).slug == channel_name
    assert server.text_channel(channel_name) is not None
