"""A persistent button or select acts only on rows of the server it is clicked in (or, in direct
messages, on rows of the person clicking).

A custom_id is whatever the client sends. Here a member of one server, with every staff role it
has, clicks components whose custom_id names another server's rows (or, for the buttons that
live in direct messages, someone else's rows), once in a channel of their server and once in
their direct messages. Every one is refused in the reader's language, and nothing in the database
changes. The cases are enumerated from the items the bot registers: an item added later without
a forged click here fails, so its rows must be scoped before it ships.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import discord
import pytest
from tortoise import Tortoise

import gromada.ui
from cogs.activities import service as activities
from cogs.initiatives import service as initiatives
from cogs.mediation import service as mediation
from cogs.meetings import service as meetings
from cogs.polls import service as polls
from cogs.purchases import service as purchases
from cogs.surveys import service as surveys
from cogs.volunteers import service as volunteers
from gromada.error_handler import _unwrap
from gromada.errors import GromadaError
from gromada.scheduler import now
from models.activities import Repeat
from models.onboarding import Journey
from models.polls import PollKind
from models.volunteers import ApprovalRequest, SeatStatus, VolunteerSeat
from tests.cogs.mediation.helpers import MediationServer, mediation_server
from tests.helpers import Server, quickstarted, shown, speaking

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted(path.parent.name for path in ROOT.glob("cogs/*/__init__.py"))


def registered_item_classes() -> list[type]:
    """Every concrete DynamicItem a feature defines (what its cog can register), by name."""
    for feature in FEATURES:
        for module in ("views", "cog"):
            if (ROOT / "cogs" / feature / f"{module}.py").exists():
                importlib.import_module(f"cogs.{feature}.{module}")
    found, pending = set(), list(discord.ui.DynamicItem.__subclasses__())
    while pending:
        item = pending.pop()
        pending.extend(item.__subclasses__())
        if item.__module__.startswith("cogs.") and item.__discord_ui_compiled_template__.pattern != "(?!)":
            found.add(item)
    return sorted(found, key=lambda item: f"{item.__module__}.{item.__qualname__}")


# ---------------------------------------------------------------- two servers


@dataclass
class World:
    env: object
    ours: Server  # where the intruder is an admin, a moderator and a mediator
    theirs: MediationServer  # whose rows the forged clicks name
    intruder: object


async def two_servers(env) -> World:
    theirs = await mediation_server(env)
    ours = await quickstarted(env)
    intruder = ours.admin
    ours.guild.add_member(intruder.user, roles=[await ours.role_for("mediator"), await ours.role_for("moderator")])
    await env.settle()
    return World(env, ours, theirs, intruder)


@dataclass(frozen=True)
class Forged:
    custom_id: str
    values: tuple[str, ...] = ()  # for a select: the options chosen


Forger = Callable[[World], Awaitable[Forged]]


async def their_proposal(world: World):
    theirs = world.theirs
    proposal = initiatives.Proposal("Seed library", "seed-library", "Share seeds.", "Jars.", "Ask around.")
    return await initiatives.create_proposal(theirs.guild.id, theirs.requester.id, proposal, theirs.general.id, now())


async def their_initiative(world: World):
    """An initiative of their server with its channel."""
    initiative = await their_proposal(world)
    assert await initiatives.claim_opening(initiative.pk, now())
    assert await initiatives.mark_open(initiative.pk, world.theirs.general.id, world.theirs.general.id, now())
    return await initiatives.get(initiative.pk)


async def their_need(world: World):
    return await initiatives.add_need(await their_initiative(world), "A van.", world.theirs.general.id, now())


async def their_journey(world: World) -> Journey:
    newcomer = world.theirs.add_member("nowa")
    await world.env.settle()
    return await Journey.get(user_id=newcomer.id)


async def their_poll(world: World, kind: PollKind = PollKind.SINGLE):
    """A poll of their server in which even the intruder may vote (as a member of both servers could)."""
    theirs = world.theirs
    request = polls.PollRequest(theirs.guild.id, theirs.general.id, theirs.admin.id, "Buy a mower?", "yes; no", kind)
    electorate = [theirs.admin.id, theirs.requester.id, world.intruder.id]
    poll = await polls.create_poll(request, electorate, now())
    await polls.attach_message(poll.pk, theirs.general.id)
    return poll


async def their_ticket(world: World, *, claimed: bool = False, closed: bool = False):
    theirs = world.theirs
    form = mediation.clean_form("We argue about the shifts.", "", "A fair rota.")
    ticket = await mediation.open_ticket(theirs.guild.id, theirs.requester.id, theirs.general.id, form, [], now())
    if claimed or closed:
        ticket = await mediation.claim(ticket.pk, theirs.mediators[0].id, now())
    if closed:
        ticket = await mediation.close(ticket.pk, theirs.mediators[0].id, "Mondays and Thursdays.", "…", now())
    return ticket


async def their_party(world: World):
    ticket = await their_ticket(world, claimed=True)
    theirs = world.theirs
    party, _ = await mediation.invite_party(ticket, theirs.other_party.id, theirs.mediators[0].id, now(), is_bot=False)
    return party


async def their_purchase(world: World):
    theirs = world.theirs
    row = await purchases.open_purchase(
        guild_id=theirs.guild.id, user_id=theirs.admin.id, title="Apples", deadline="3d", now=now(), delivery_fee="0"
    )
    item = await purchases.add_item(
        guild_id=theirs.guild.id, purchase_id=row.pk, name="Apples", unit="kg", price="4.50"
    )
    await purchases.mark_published(row.pk, theirs.general.id, 1)
    await purchases.set_quantity(
        guild_id=theirs.guild.id,
        purchase_id=row.pk,
        item_id=item.pk,
        user_id=theirs.requester.id,
        quantity="2",
        now=now(),
    )
    return row, item


async def their_role(world: World):
    return (await volunteers.roles(world.theirs.guild.id))[0]


async def their_seat(world: World, status: SeatStatus) -> VolunteerSeat:
    role = await their_role(world)
    moment = now()
    return await VolunteerSeat.create(
        role=role,
        guild_id=world.theirs.guild.id,
        slot=99,
        user_id=world.theirs.outsider.id,
        status=status,
        started_at=moment if status == SeatStatus.ACTIVE else None,
        term_ends_at=moment + timedelta(days=3) if status == SeatStatus.ACTIVE else None,
        offer_expires_at=moment + timedelta(days=2) if status == SeatStatus.OFFERED else None,
    )


async def their_request(world: World) -> ApprovalRequest:
    role = await their_role(world)
    return await ApprovalRequest.create(
        role=role, guild_id=world.theirs.guild.id, user_id=world.theirs.outsider.id, created_at=now()
    )


async def their_series(world: World):
    """A weekly activity of their server, its first dates created."""
    theirs, moment = world.theirs, now()
    start = (moment + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    until = (moment + timedelta(days=30)).strftime("%Y-%m-%d")
    fields = activities.ActivityFields(
        "Soup kitchen", start, timedelta(hours=2), 3, "UTC", repeat=Repeat.WEEKLY, until=until
    )
    series = await activities.create_series(theirs.guild.id, activities.plan(fields, moment), theirs.admin.id, moment)
    await activities.extend(series, moment)
    return series


async def their_date(world: World):
    series = await their_series(world)
    return (await activities.future_occurrences(series.pk, now()))[0]


async def their_signup(world: World):
    """Someone else's seat in a date of their server (the follow-up question in DMs names it)."""
    return await activities.join(await their_date(world), world.theirs.requester.id, set(), now())


async def their_meeting(world: World):
    theirs, moment = world.theirs, now()
    start = (moment + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    fields = meetings.MeetingFields("Animation meeting", start, timedelta(hours=1), "UTC", agenda="Garden rota")
    planned = await meetings.plan(fields, theirs.guild.id, moment)
    return await meetings.create_meeting(theirs.guild.id, planned, theirs.admin.id, moment)


async def their_survey(world: World, *, published: bool = True):
    """A survey of their server (open, or a draft in its builder) with one choice question."""
    theirs, moment = world.theirs, now()
    request = surveys.SurveyRequest(theirs.guild.id, theirs.general.id, world.intruder.id, "Neighbourhood needs")
    question = surveys.question_spec("single", "What do you need?", "Childcare\nRepairs")
    survey = await surveys.create_draft(request, [question], moment)
    if published:
        survey = await surveys.publish(survey, timedelta(days=3), moment)
        await surveys.attach_message(survey.pk, theirs.general.id)
    return survey


async def their_draft_survey(world: World):
    return await their_survey(world, published=False)


async def their_closed_survey(world: World):
    """A survey of their server, closed with its results posted (what "Turn into action" acts on)."""
    survey = await their_survey(world)
    await surveys.close_survey(survey.pk, now())
    await surveys.mark_announced(survey.pk, world.theirs.general.id)
    return survey


def survey_action_pick(action: str, answer: str = "") -> Forger:
    """A pick, in a closed survey of theirs, of its question (and of an answer of it)."""

    async def forge(world: World) -> Forged:
        survey = await their_closed_survey(world)
        [question] = await surveys.questions_of(survey.pk)
        return Forged(f"{action}:{survey.pk}", (f"{question.pk}{answer}",))

    return forge


def survey_step(action: str, suffix: str = "") -> Forger:
    async def forge(world: World) -> Forged:
        return Forged(f"{action}:{(await their_survey(world)).pk}:0{suffix}")

    return forge


def survey_question_pick(action: str) -> Forger:
    async def forge(world: World) -> Forged:
        survey = await their_draft_survey(world)
        [question] = await surveys.questions_of(survey.pk)
        return Forged(f"{action}:{survey.pk}", (str(question.pk),))

    return forge


def agenda_pick(action: str) -> Forger:
    """A pick of their meeting's agenda item from its card's select."""

    async def forge(world: World) -> Forged:
        meeting = await their_meeting(world)
        [item] = await meetings.agenda(meeting.pk)
        return Forged(f"{action}:{meeting.pk}", (str(item.pk),))

    return forge


def named(action: str, make) -> Forger:
    """A forger for `<action>:<id of the row make() builds>`."""

    async def forge(world: World) -> Forged:
        return Forged(f"{action}:{(await make(world)).pk}")

    return forge


async def forge_card_step(world: World) -> Forged:
    return Forged(f"onboarding:card:{(await their_journey(world)).pk}:1")


async def forge_vote(world: World) -> Forged:
    return Forged(f"poll:vote:{(await their_poll(world)).pk}:0")


async def forge_multi(world: World) -> Forged:
    return Forged(f"poll:multi:{(await their_poll(world, PollKind.MULTI)).pk}", ("0",))


async def forge_invitation(world: World) -> Forged:
    return Forged(f"mediation:invite:{(await their_party(world)).pk}:yes")


async def forge_rating(world: World) -> Forged:
    return Forged(f"mediation:rate:{(await their_ticket(world, closed=True)).pk}:5")


async def forge_checkin(world: World) -> Forged:
    return Forged(f"mediation:checkin:{(await their_ticket(world, closed=True)).pk}:reopen")


async def forge_pick(world: World) -> Forged:
    purchase, item = await their_purchase(world)
    return Forged(f"purchase:pick:{purchase.pk}:0", (str(item.pk),))


async def forge_remove(world: World) -> Forged:
    purchase, item = await their_purchase(world)
    return Forged(f"purchase:remove:{purchase.pk}:0", (str(item.pk),))


async def forge_items_page(world: World) -> Forged:
    purchase, _ = await their_purchase(world)
    return Forged(f"purchase:items:{purchase.pk}:0")


async def forge_order(world: World) -> Forged:
    purchase, _ = await their_purchase(world)
    return Forged(f"purchase:order:{purchase.pk}")


async def their_pickup_point(world: World):
    purchase, _ = await their_purchase(world)
    point = await purchases.add_pickup_point(
        guild_id=world.theirs.guild.id, purchase_id=purchase.pk, place="Community hall", slot="Saturday 10-12"
    )
    return purchase, point


async def forge_pickup(world: World) -> Forged:
    purchase, point = await their_pickup_point(world)
    return Forged(f"purchase:pickup:{purchase.pk}", (str(point.pk),))


async def their_pickup_choice(world: World):
    """A member's choice of where to collect their order, on their server's distribution list."""
    purchase, point = await their_pickup_point(world)
    await purchases.choose_pickup(
        guild_id=world.theirs.guild.id, purchase_id=purchase.pk, point_id=point.pk, user_id=world.theirs.requester.id
    )
    return await purchases.pickup_of(purchase.pk, world.theirs.requester.id)


async def their_item(world: World):
    _, item = await their_purchase(world)
    return item


async def forge_role_pick(world: World) -> Forged:
    return Forged(f"volunteers:pick:{world.theirs.guild.id}", (str((await their_role(world)).pk),))


def their_person(action: str) -> Forger:
    """A confirmation carrying someone else's id (privacy's buttons name the person who asked)."""

    async def forge(world: World) -> Forged:
        return Forged(f"{action}:{world.theirs.requester.id}")

    return forge


async def seat_offered(world: World) -> VolunteerSeat:
    return await their_seat(world, SeatStatus.OFFERED)


async def seat_held(world: World) -> VolunteerSeat:
    return await their_seat(world, SeatStatus.ACTIVE)


NO_ROW = None  # the custom_id names no row: nothing to forge

# How to forge a click naming another server's row (or another person's), per item, by name.
FORGERIES: dict[str, Forger | None] = {
    "cogs.activities.views.JoinButton": named("activities:join", their_date),
    "cogs.activities.views.LeaveButton": named("activities:leave", their_date),
    "cogs.activities.views.JoinSeriesButton": named("activities:join_series", their_series),
    "cogs.activities.views.LeaveSeriesButton": named("activities:leave_series", their_series),
    "cogs.activities.views.DoneButton": named("activities:done", their_signup),
    "cogs.activities.views.NotHappenedButton": named("activities:not_happened", their_signup),
    "cogs.meetings.views.ComingButton": named("meetings:coming", their_meeting),
    "cogs.meetings.views.MaybeButton": named("meetings:maybe", their_meeting),
    "cogs.meetings.views.NotComingButton": named("meetings:not_coming", their_meeting),
    "cogs.meetings.views.DecideSelect": agenda_pick("meetings:decide"),
    "cogs.meetings.views.ProposeSelect": agenda_pick("meetings:propose"),
    "cogs.initiatives.views.SupportButton": named("initiatives:support", their_proposal),
    "cogs.initiatives.views.WithdrawButton": named("initiatives:withdraw", their_proposal),
    "cogs.initiatives.views.RetryButton": named("initiatives:retry", their_proposal),
    "cogs.initiatives.views.WithdrawProposalButton": named("initiatives:cancel", their_proposal),
    "cogs.initiatives.views.JoinButton": named("initiatives:join", their_initiative),
    "cogs.initiatives.views.LeaveButton": named("initiatives:leave", their_initiative),
    "cogs.initiatives.views.HelpButton": named("initiatives:help", their_need),
    "cogs.onboarding.views.CardButton": forge_card_step,
    "cogs.onboarding.views.AgreeButton": named("onboarding:agree", their_journey),
    "cogs.onboarding.views.IntroduceButton": named("onboarding:introduce", their_journey),
    "cogs.onboarding.views.CompleteButton": named("onboarding:complete", their_journey),
    "cogs.polls.views.VoteButton": forge_vote,
    "cogs.polls.views.MultiSelect": forge_multi,
    "cogs.polls.views.RankButton": named("poll:rank", lambda world: their_poll(world, PollKind.RANKED)),
    "cogs.mediation.views.RequestButton": NO_ROW,
    "cogs.mediation.views.ClaimButton": named("mediation:claim", their_ticket),
    "cogs.mediation.views.InvitationButton": forge_invitation,
    "cogs.mediation.views.RateButton": forge_rating,
    "cogs.mediation.views.CheckinButton": forge_checkin,
    "cogs.privacy.views.ForgetButton": their_person("privacy:forget"),
    "cogs.privacy.views.KeepButton": their_person("privacy:keep"),
    "cogs.purchases.views.OrderButton": forge_order,
    "cogs.purchases.views.ItemPick": forge_pick,
    "cogs.purchases.views.LineRemove": forge_remove,
    "cogs.purchases.views.ItemsPage": forge_items_page,
    "cogs.purchases.views.PickupSelect": forge_pickup,
    "cogs.purchases.views.HandedOverButton": named("purchase:handed", their_pickup_choice),
    "cogs.purchases.views.DropButton": named("purchase:drop", their_item),
    "cogs.purchases.views.ExtendButton": named("purchase:extend", their_item),
    "cogs.purchases.views.BuyButton": named("purchase:buy", their_item),
    "cogs.surveys.views.AddQuestionButton": named("surveys:add", their_draft_survey),
    "cogs.surveys.views.PublishButton": named("surveys:publish", their_draft_survey),
    "cogs.surveys.views.DiscardButton": named("surveys:discard", their_draft_survey),
    "cogs.surveys.views.MoveUpSelect": survey_question_pick("surveys:up"),
    "cogs.surveys.views.RemoveSelect": survey_question_pick("surveys:remove"),
    "cogs.surveys.views.TakeButton": named("surveys:take", their_survey),
    "cogs.surveys.views.AnswerButton": survey_step("surveys:answer"),
    "cogs.surveys.views.StepButton": survey_step("surveys:step", ":next"),
    "cogs.surveys.views.SubmitButton": named("surveys:submit", their_survey),
    "cogs.surveys.views.ActionButton": named("surveys:act", their_closed_survey),
    "cogs.surveys.views.ActionQuestionSelect": survey_action_pick("surveys:actq"),
    "cogs.surveys.views.PollFromSelect": survey_action_pick("surveys:topoll", ":0"),
    "cogs.surveys.views.InitiativeFromSelect": survey_action_pick("surveys:toinit"),
    "cogs.volunteers.views.RolePicker": forge_role_pick,
    "cogs.volunteers.views.ClaimButton": named("volunteers:claim", their_role),
    "cogs.volunteers.views.ReleaseButton": named("volunteers:release", their_role),
    "cogs.volunteers.views.AcceptOffer": named("volunteers:accept", seat_offered),
    "cogs.volunteers.views.DeclineOffer": named("volunteers:decline", seat_offered),
    "cogs.volunteers.views.RenewTerm": named("volunteers:renew", seat_held),
    "cogs.volunteers.views.ApproveRequest": named("volunteers:approve", their_request),
    "cogs.volunteers.views.RejectRequest": named("volunteers:reject", their_request),
}


def name_of(item: type) -> str:
    return f"{item.__module__}.{item.__qualname__}"


# ---------------------------------------------------------------- clicking what the client forged


async def database_contents() -> dict[str, list[str]]:
    """Every row of every table, read with raw SQL, in a stable order."""
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "sqlite":
        _, rows = await connection.execute_query("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [row["name"] for row in rows if not row["name"].startswith("sqlite_")]
    else:
        _, rows = await connection.execute_query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        tables = [row["table_name"] for row in rows]
    return {
        table: sorted(
            repr(sorted(row.items())) for row in await connection.execute_query_dict(f'SELECT * FROM "{table}"')
        )
        for table in tables
    }


async def forged_click(world: World, forged: Forged, *, in_dms: bool):
    """The intruder presses a component carrying `forged.custom_id`, on a message of the bot in a
    channel of their own server (or in their direct messages), as a modified client could."""
    env, intruder = world.env, world.intruder
    channel = intruder.user.dm_channel if in_dms else world.ours.general
    actor = intruder.user if in_dms else intruder
    if forged.values:
        component = {
            "type": discord.ComponentType.string_select.value,
            "custom_id": forged.custom_id,
            "options": [{"label": value, "value": value} for value in forged.values],
        }
    else:
        component = {
            "type": discord.ComponentType.button.value,
            "style": 2,
            "label": "…",
            "custom_id": forged.custom_id,
        }
    env.backend.create_message(channel.id, env.bot.user.id, "…", components=[{"type": 1, "components": [component]}])
    await env.settle()
    message = channel.last_message
    if forged.values:
        return await actor.select(message, list(forged.values), custom_id=forged.custom_id)
    return await actor.click(message, custom_id=forged.custom_id)


@pytest.mark.parametrize("item", registered_item_classes(), ids=name_of)
@pytest.mark.parametrize("where", ["in_a_server_channel", "in_direct_messages"])
async def test_a_forged_click_on_another_servers_row_is_refused_and_changes_nothing(
    simcord_env, monkeypatch, item, where
):
    name = name_of(item)
    if name not in FORGERIES:
        pytest.fail(
            f"{name} is a persistent item with no forged click here: look its row up with the server it is "
            "clicked in (or, in direct messages, with the person clicking), then add it to FORGERIES"
        )
    forge = FORGERIES[name]
    if forge is NO_ROW:
        assert "id" not in item.__discord_ui_compiled_template__.groupindex, f"{name} names a row: forge it"
        return
    world = await two_servers(simcord_env)
    forged = await forge(world)
    assert item.__discord_ui_compiled_template__.fullmatch(forged.custom_id), f"{forged.custom_id} is not {name}'s"
    refused: list[BaseException] = []
    report_error = gromada.ui.report_error

    async def recording(interaction, error):
        refused.append(_unwrap(error))
        await report_error(interaction, error)

    monkeypatch.setattr(gromada.ui, "report_error", recording)
    with speaking(monkeypatch, world.intruder, "pl"):
        # Once first, so that the language the intruder speaks is already remembered.
        await world.intruder.slash(world.ours.general, "initiative list")
        before = await database_contents()

        result = await forged_click(world, forged, in_dms=where == "in_direct_messages")

    assert result.ephemeral, f"{name}: {shown(result)!r}"
    assert [type(error) for error in refused if not isinstance(error, GromadaError)] == []
    assert len(refused) == 1, f"{name} was not refused: {shown(result)!r}"
    [error] = refused
    polish = error.render("pl", simcord_env.bot)
    assert shown(result) == polish and polish != error.render("en", simcord_env.bot)
    assert await database_contents() == before


async def test_every_item_the_bot_registers_is_forged_above(simcord_env):
    # discord.py keeps the registered items in its view store; it offers no public way to list them.
    registered = set(simcord_env.bot._connection._view_store._dynamic_items.values())

    assert {name_of(item) for item in registered} == set(FORGERIES)
    assert registered == set(registered_item_classes())


def test_a_template_with_ids_names_its_row_as_id():
    """gromada.ui requires an owner of every item whose template has the group `id`: a row named
    by any other group would slip past that rule."""
    for item in registered_item_classes():
        groups = set(item.__discord_ui_compiled_template__.groupindex)
        assert not groups or "id" in groups, f"{name_of(item)}: {item.__discord_ui_compiled_template__.pattern}"
        assert "id" not in groups or item.owner is not None, name_of(item)
