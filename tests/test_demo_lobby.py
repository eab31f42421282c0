"""The browser demo's whole community and its lobby, driven in-process: who may open what, the
clock (jumps and the wall clock), the language, and refusals that are answers, not failures."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gromada.demo import JUMP_SETTLE_TIMEOUT, advance, count_only_crashes, everyone_speaking, seed
from gromada.demo_community import furnish
from gromada.demo_lobby import Lobby
from models.initiatives import Initiative, InitiativeMember
from models.mediation import Ticket
from models.onboarding import Journey
from models.polls import Poll, PollBallot, PollStatus
from models.purchases import OrderLine, Purchase, PurchaseItem, PurchaseStatus, Supplier, SupplierItem
from models.surveys import Survey, SurveyResponse, SurveyStatus
from models.volunteers import VolunteerRole, VolunteerSeat, WaitlistEntry
from tests.helpers import dms


@pytest.fixture
def speaking():
    with everyone_speaking("en") as language:
        yield language


async def lobby_of(env, speaking, **options) -> Lobby:
    demo = await seed(env, speaking.language)
    return Lobby(demo, await furnish(demo), speaking, wall_clock=False, **options)


def places(lobby: Lobby) -> dict[str, bool]:
    return {place.label: place.open for place in lobby.places()}


async def test_every_feature_has_something_under_way(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)
    guild_id = lobby.demo.guild.id

    assert simcord_env.bot.user.name == "Gromada"
    assert [persona.key for persona in lobby.personas.values()] == [
        "newcomer",
        "buddy",
        "member",
        "coordinator",
        "mediator",
        "admin",
    ]
    poll = await Poll.get(guild_id=guild_id)
    assert poll.status == PollStatus.OPEN and await PollBallot.filter(poll_id=poll.pk).count() == 4
    proposals = {initiative.title: initiative for initiative in await Initiative.filter(guild_id=guild_id)}
    seed_library = proposals["Seed library"]
    assert seed_library.channel_id is None
    assert await InitiativeMember.filter(initiative_id=seed_library.pk).count() == 2  # the threshold is 3
    assert proposals["Community garden"].channel_id is not None
    purchase = await Purchase.get(guild_id=guild_id)
    assert purchase.status == PurchaseStatus.OPEN
    assert await OrderLine.filter(purchase_id=purchase.pk).count() == 2
    # Opened from a supplier's catalogue, which a coordinator can open again.
    farm = await Supplier.get(guild_id=guild_id)
    catalogue = [
        (item.name, item.shop_price) for item in await SupplierItem.filter(supplier_id=farm.pk).order_by("position")
    ]
    assert (purchase.supplier, purchase.delivery_fee) == (farm.name, 1200)
    assert [
        (item.name, item.shop_price) for item in await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    ] == catalogue
    assert [name for name, _shop in catalogue] == ["Potatoes", "Honey"]
    ticket = await Ticket.get(guild_id=guild_id)
    assert ticket.mediator_id is None
    role = await VolunteerRole.get(guild_id=guild_id, name="Tidy-up crew")
    assert await VolunteerSeat.filter(role_id=role.pk).count() == 1
    assert await WaitlistEntry.filter(role_id=role.pk).count() == 1
    journeys = await Journey.filter(guild_id=guild_id).order_by("id")
    assert [journey.buddy_id is not None for journey in journeys] == [True, False]
    survey = await Survey.get(guild_id=guild_id)
    assert survey.status == SurveyStatus.OPEN and await SurveyResponse.filter(survey_id=survey.pk).count() == 4


async def test_a_member_sees_the_staff_channels_locked_and_cannot_open_them(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)

    lobby.person = "member"
    shown = places(lobby)
    assert shown["#decisions"] and shown["#purchases"]
    assert not shown["#mod-log"] and not shown["#mediation-log"]
    mod_log = next(place for place in lobby.places() if place.label == "#mod-log")
    with pytest.raises(PermissionError):
        await lobby.open(mod_log.key)
    assert lobby.preview is None

    lobby.person = "mediator"
    assert places(lobby)["#mediation-log"] and not places(lobby)["#mod-log"]
    lobby.person = "admin"
    assert places(lobby)["#mod-log"]


async def test_the_lobby_page_refuses_a_locked_place_in_the_visitors_words(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)
    lobby.person = "member"
    mod_log = next(place for place in lobby.places() if place.label == "#mod-log")

    async with TestClient(TestServer(lobby.app())) as visitor:
        response = await visitor.post("/open", data={"place": mod_log.key}, allow_redirects=False)
        assert response.status == 403
        assert "celina cannot open this channel." in await response.text()
        opened = await visitor.post("/open", data={"place": "dm"}, allow_redirects=False)
        assert opened.status == 303 and opened.headers["Location"].startswith("http://127.0.0.1:")
        current = 'value="dm" data-group="dm" aria-current="true"'
        assert current in await (await visitor.get("/")).text()
        await visitor.post("/person", data={"person": "buddy"})
        assert current not in await (await visitor.get("/")).text()  # the view still shows celina's
    await lobby._close_preview()


async def test_a_week_closes_the_poll_and_bills_the_purchase(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)
    guild_id = lobby.demo.guild.id

    async with TestClient(TestServer(lobby.app())) as visitor:
        await visitor.post("/time", data={"seconds": str(7 * 86400)}, allow_redirects=False)
        page = await (await visitor.get("/")).text()
        again = await (await visitor.get("/")).text()

    # The lobby says where to look: the poll's channel, the purchase's, the bills by DM.
    assert "The bot wrote or changed messages in: " in page
    for place in ("#decisions", "#purchases", "direct messages of celina"):
        assert place in page.split("The bot wrote or changed messages in: ")[1].split("</p>")[0]
    assert "The bot wrote or changed" not in again  # told once

    assert (await Poll.get(guild_id=guild_id)).status == PollStatus.CLOSED
    assert (await Purchase.get(guild_id=guild_id)).status == PurchaseStatus.CLOSED
    assert any("Farm box" in text for text in dms(lobby.personas["member"].actor))


async def test_without_moving_it_time_passes_with_the_wall_clock(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking, tick=0.2)
    lobby.wall_clock = True
    before = simcord_env.now()
    poll = await Poll.get(guild_id=lobby.demo.guild.id)
    decisions = lobby.demo.channel("decisions")
    card = next(message for message in decisions.history() if message.id == poll.message_id)
    assert "Voted: 4 of" in _card_text(card)
    await lobby.personas["member"].actor.click(card, custom_id=f"poll:vote:{poll.pk}:1")

    clock = asyncio.create_task(lobby.keep_time())
    try:
        await asyncio.sleep(6.5)  # the tally refreshes at most every few seconds
    finally:
        clock.cancel()
        await asyncio.gather(clock, return_exceptions=True)
    await simcord_env.settle()

    assert (simcord_env.now() - before).total_seconds() >= 5
    card = next(message for message in decisions.history() if message.id == poll.message_id)
    assert "Voted: 5 of" in _card_text(card)


def _card_text(message) -> str:
    embed = message.embeds[0]
    return "\n".join([embed.description or "", *(f"{field.name}: {field.value}" for field in embed.fields)])


async def test_choosing_russian_switches_the_server_and_everyones_discord(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)

    await lobby.choose_language("ru")

    member = lobby.personas["member"].actor
    status = await member.slash(lobby.demo.channel("general"), "volunteer mine")
    assert any("очеред" in text for text in [status.response.content, *map(str, status.response.embeds)])
    assert "Кто вы?" in lobby.render()


async def test_an_answered_refusal_is_not_a_failure_but_a_crash_still_is(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)
    count_only_crashes(simcord_env)
    member = lobby.personas["member"].actor
    cursor = simcord_env.error_cursor

    refused = await member.slash(lobby.demo.channel("decisions"), "poll close", poll_id=1)

    assert refused.ephemeral and "creator" in refused.response.content
    assert simcord_env.errors_since(cursor) == ()
    assert len(simcord_env.errors) == 1  # SimCord itself still keeps the refusal for tests
    crash = RuntimeError("a bug")
    simcord_env._record_error(crash)
    assert simcord_env.errors_since(cursor) == (crash,)
    simcord_env.errors  # noqa: B018 - both were expected here


async def test_a_taken_port_is_named_in_one_line(simcord_env, speaking, capsys):
    lobby = await lobby_of(simcord_env, speaking)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert await lobby.serve(port) == 1

    assert capsys.readouterr().err == f"Gromada demo: port {port} on 127.0.0.1 is taken. Pick another with --port.\n"


@pytest.mark.parametrize(("language", "question"), [("pl", "Czy kupujemy"), ("ru", "Покупаем общий")])
async def test_the_community_is_made_in_polish_and_russian_too(simcord_env, language, question):
    # Every button the making presses is found by its label in that language.
    with everyone_speaking(language) as speaking:
        lobby = await lobby_of(simcord_env, speaking)

        poll = await Poll.get(guild_id=lobby.demo.guild.id)
        assert poll.question.startswith(question)
        assert await PollBallot.filter(poll_id=poll.pk).count() == 4
        assert len(lobby.personas) == 6
        assert {"pl": '<h2 id="people">Kim jesteś?</h2>', "ru": '<h2 id="people">Кто вы?</h2>'}[language] in (
            lobby.render()
        )


async def test_the_lobby_answers_only_its_own_page(simcord_env, speaking):
    lobby = await lobby_of(simcord_env, speaking)

    async with TestClient(TestServer(lobby.app(), host="127.0.0.1")) as visitor:
        origin = f"http://127.0.0.1:{visitor.port}"
        assert (await visitor.get("/")).status == 200
        # Another site in the same browser, posting a form, or reading through a rebound name.
        forged = await visitor.post("/time", data={"seconds": "3600"}, headers={"Origin": "https://example.org"})
        assert forged.status == 403
        rebound = await visitor.get("/", headers={"Host": f"attacker.example:{visitor.port}"})
        assert rebound.status == 403
        own = await visitor.post("/time", data={"seconds": "3600"}, headers={"Origin": origin}, allow_redirects=False)
        assert own.status == 303
    assert simcord_env.now().hour == 1  # only the page's own jump moved time


async def test_a_jump_in_time_gets_a_long_settle_limit_and_clicks_keep_the_short_one(simcord_env, speaking):
    # A click's limit also decides which timers it waits for in real time: a long one made a
    # click beside a scheduler wake-up stand still for a minute, so only jumps get it.
    lobby = await lobby_of(simcord_env, speaking)
    ordinary = simcord_env.settle_timeout
    limits_seen = []

    async def jump(seconds):
        limits_seen.append(simcord_env.settle_timeout)
        raise TimeoutError("the jump did not settle")

    simcord_env.advance_time = jump
    with pytest.raises(TimeoutError):
        await advance(simcord_env, 7 * 86400)

    assert ordinary < JUMP_SETTLE_TIMEOUT
    assert limits_seen == [JUMP_SETTLE_TIMEOUT]
    assert simcord_env.settle_timeout == ordinary  # restored though the jump failed
    del simcord_env.advance_time
    before = lobby.demo.env.now()
    await lobby._advance(3600)
    assert (lobby.demo.env.now() - before).total_seconds() == 3600
    assert simcord_env.settle_timeout == ordinary
