"""What a client forges beyond the server it clicks in: a select's values, and ids too large to be ids.

A select's values are whatever the client sends, not necessarily one of its options: not a number,
a number too large for an id, a row of another server, none, several. Here a member with every
right on their server chooses such values in each select the bot registers, on a row of that very
server, and the digits of a custom_id are forged beyond any id. Every one is refused in the
reader's language (never an incident), and nothing in the database changes. The selects are
enumerated from the items the bot registers: a select added later without its refusal here fails.

The forged clicks reuse the rows test_persistent_scope.py builds on "their" server; here the
person clicking is a member of that server, so only what the client forged can be refused.
"""

from __future__ import annotations

import typing

import discord
import pytest

import gromada.ui
from cogs.meetings import service as meetings
from cogs.polls import service as polls
from cogs.purchases import service as purchases
from cogs.surveys import service as surveys
from cogs.volunteers import service as volunteers
from gromada.error_handler import _unwrap
from gromada.errors import GromadaError, NotFound
from tests.gromada.test_persistent_scope import (
    FORGERIES,
    NO_ROW,
    Forged,
    World,
    database_contents,
    name_of,
    registered_item_classes,
    two_servers,
)
from tests.helpers import forged_select, shown, speaking


def is_select(item: type) -> bool:
    """Whether a registered item is a select (a DynamicItem[discord.ui.Select])."""
    for klass in item.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            if typing.get_origin(base) is discord.ui.DynamicItem:
                return typing.get_args(base)[0] is discord.ui.Select
    return False


SELECTS = [item for item in registered_item_classes() if is_select(item)]

# What each select says to a value that names nothing it lists. Polls list positions, not rows:
# a position beyond the options is their value of "another row".
REFUSALS: dict[str, str] = {
    "cogs.meetings.views.DecideSelect": meetings.ITEM_GONE,
    "cogs.meetings.views.ProposeSelect": meetings.ITEM_GONE,
    "cogs.polls.views.MultiSelect": polls.NOT_AN_OPTION,
    "cogs.purchases.views.ItemPick": purchases.NOT_AN_ITEM_OF,
    "cogs.purchases.views.LineRemove": purchases.NOT_AN_ITEM_OF,
    "cogs.purchases.views.PickupSelect": purchases.NOT_A_POINT_OF,
    "cogs.surveys.views.MoveUpSelect": surveys.QUESTION_GONE,
    "cogs.surveys.views.RemoveSelect": surveys.QUESTION_GONE,
    "cogs.surveys.views.ActionQuestionSelect": surveys.QUESTION_GONE,
    "cogs.surveys.views.PollFromSelect": surveys.QUESTION_GONE,
    "cogs.surveys.views.InitiativeFromSelect": surveys.QUESTION_GONE,
    "cogs.volunteers.views.RolePicker": volunteers.ROLE_GONE,
}
POSITIONS = {"cogs.polls.views.MultiSelect"}

MALFORMED = ["abc", "²", "99999999999999999999", "-1", "1.0", "#"]
HUGE = "99999999999999999999"


async def member_of_theirs(world: World):
    """The intruder, on their server as well, with every right there: an admin, a moderator."""
    theirs = world.theirs
    board = theirs.guild.roles["Board"]
    member = theirs.guild.add_member(
        world.intruder.user, roles=[board, await theirs.role_for("moderator"), await theirs.role_for("mediator")]
    )
    await world.env.settle()
    return member


async def forged_choice(world: World, actor, custom_id: str, values: list[str]):
    """`actor` chooses `values` in a select carrying `custom_id`, on a message of the bot in their
    server's #general, as a modified client could."""
    return await forged_select(world.theirs, actor, custom_id, values)


def recording_refusals(monkeypatch) -> list[BaseException]:
    refused: list[BaseException] = []
    report_error = gromada.ui.report_error

    async def recording(interaction, error):
        refused.append(_unwrap(error))
        await report_error(interaction, error)

    monkeypatch.setattr(gromada.ui, "report_error", recording)
    return refused


def assert_refused(env, result, refused: list[BaseException], message: str, case) -> None:
    """One refusal, with `message`, shown to the person alone in Polish."""
    assert [type(error) for error in refused if not isinstance(error, GromadaError)] == [], case
    assert len(refused) == 1, f"{case} was not refused: {shown(result)!r}"
    [error] = refused
    assert isinstance(error, NotFound) and error.message == message, (case, error)
    polish = error.render("pl", env.bot)
    assert result.ephemeral, case
    assert shown(result) == polish and polish != error.render("en", env.bot), case
    refused.clear()


@pytest.mark.parametrize("item", SELECTS, ids=name_of)
async def test_a_forged_choice_in_a_select_is_refused_and_changes_nothing(simcord_env, monkeypatch, item):
    name = name_of(item)
    assert name in REFUSALS, f"{name} is a select with no forged values here: refuse what it does not list"
    world = await two_servers(simcord_env)
    clicker = await member_of_theirs(world)
    forged = await FORGERIES[name](world)
    [listed] = forged.values
    if name in POSITIONS:
        elsewhere = ["7"]
    else:
        # The same select's value on a server the clicker is not on.
        elsewhere = list((await FORGERIES[name](await two_servers(simcord_env))).values)
    cases = [[value] for value in MALFORMED] + [elsewhere, [], [listed, *elsewhere]]
    if name in POSITIONS:
        cases.remove([listed, *elsewhere])  # several options are what this select is for: see above
    refused = recording_refusals(monkeypatch)
    with speaking(monkeypatch, clicker, "pl"):
        # Once first, so that the language the clicker speaks is already remembered.
        await clicker.slash(world.theirs.general, "initiative list")
        refused.clear()
        before = await database_contents()

        for values in cases:
            result = await forged_choice(world, clicker, forged.custom_id, values)
            assert_refused(simcord_env, result, refused, REFUSALS[name], (name, values))

    assert await database_contents() == before


async def test_every_select_the_bot_registers_is_forged_above():
    assert {name_of(item) for item in SELECTS} == set(REFUSALS)


def with_huge_id(item: type, forged: Forged) -> Forged:
    match = item.__discord_ui_compiled_template__.fullmatch(forged.custom_id)
    custom_id = forged.custom_id[: match.start("id")] + HUGE + forged.custom_id[match.end("id") :]
    assert item.__discord_ui_compiled_template__.fullmatch(custom_id)
    return Forged(custom_id, forged.values)


NAMING_ROWS = [
    item
    for item in registered_item_classes()
    if FORGERIES.get(name_of(item)) is not NO_ROW and isinstance(item.owner, gromada.ui.RowOwner)
]


@pytest.mark.parametrize("item", NAMING_ROWS, ids=name_of)
async def test_an_id_too_large_for_its_column_is_a_row_that_does_not_exist(simcord_env, monkeypatch, item):
    # The digits of a custom_id have no bound; the id column has (on PostgreSQL a larger number
    # overflows it, on SQLite one beyond 64 bits cannot even be sent).
    world = await two_servers(simcord_env)
    clicker = await member_of_theirs(world)
    forged = with_huge_id(item, await FORGERIES[name_of(item)](world))
    refused = recording_refusals(monkeypatch)
    with speaking(monkeypatch, clicker, "pl"):
        await clicker.slash(world.theirs.general, "initiative list")
        refused.clear()
        before = await database_contents()

        if forged.values:
            result = await forged_choice(world, clicker, forged.custom_id, list(forged.values))
        else:
            channel = world.theirs.general
            button = {"type": discord.ComponentType.button.value, "style": 2, "label": "…"}
            component = {**button, "custom_id": forged.custom_id}
            env = simcord_env
            env.backend.create_message(
                channel.id, env.bot.user.id, "…", components=[{"type": 1, "components": [component]}]
            )
            await env.settle()
            result = await clicker.click(channel.last_message, custom_id=forged.custom_id)

    assert_refused(simcord_env, result, refused, item.owner.missing, forged.custom_id)
    assert await database_contents() == before
