"""/setup import with packs that are hostile, half wrong, or bind roles they must not."""

import asyncio
import threading

import discord
import pytest

from cogs.setup import cog as setup_cog
from cogs.setup import service as setup_service
from config.content import ValueCardSpec
from gromada.content_import import PreparedImport, import_sections
from gromada.sql import is_postgres
from models.core import ValueCard
from models.volunteers import Approval, VolunteerRole
from tests.helpers import Server, quickstarted, refusal, shown, speaking

GOOD_VALUES = """
[[values]]
title = "Solidarność"
body = "Pomagamy sobie nawzajem."

[[values]]
title = "Jawność"
body = "Wszystko, co wspólne, jest widoczne."
"""


def volunteer_role(key: str, name: str, **extra: str) -> str:
    lines = [f'[[volunteer_roles]]\nkey = "{key}"\nname = "{name}"\nseats = 2']
    lines.extend(f'{field} = "{value}"' for field, value in extra.items())
    return "\n".join(lines) + "\n"


async def upload(server: Server, filename: str, text: str):
    return await server.admin.slash(server.general, "setup import", file=(filename, text.encode("utf-8")))


async def stored(server: Server) -> dict:
    """What an import can change: the cards, the catalogue, and the server's Discord roles."""
    guild_id = server.guild.id
    return {
        "cards": await ValueCard.filter(guild_id=guild_id).order_by("position").values_list("title", flat=True),
        "catalogue": await VolunteerRole.filter(guild_id=guild_id)
        .order_by("id")
        .values_list("name", "approval", "seats", "discord_role_id"),
        "discord roles": sorted(role.name for role in server.guild.me.guild.roles),
    }


# ------------------------------------------------------------------ hostile files


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("deep.toml", "values = " + "[" * 10_000),
        ("deep.yaml", "values: " + "[" * 10_000),
        ("deep-tables.toml", "values = " + "{a = " * 5_000),
        ("deep-indent.yaml", "values:\n" + "".join("  " * level + "-\n" for level in range(500))),
    ],
)
async def test_deeply_nested_pack_is_a_content_error_not_an_incident(simcord_env, filename, text):
    server = await quickstarted(simcord_env)
    await upload(server, "values.toml", GOOD_VALUES)
    before = await stored(server)

    result = await upload(server, filename, text)

    message = refusal(simcord_env, result)  # an ephemeral refusal, no incident behind it
    assert message.startswith("The file could not be read: its lists or tables are nested too deeply")
    assert "incident" not in message
    assert await stored(server) == before


async def test_the_nesting_error_speaks_the_admins_language(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)

    with speaking(monkeypatch, server.admin, "pl"):
        result = await upload(server, "deep.yaml", "values: " + "[" * 10_000)

    assert refusal(simcord_env, result) == (
        "Nie udało się odczytać pliku: listy lub tabele są zagnieżdżone zbyt głęboko. "
        "Pakiet treści potrzebuje tylko kilku poziomów."
    )


@pytest.mark.parametrize(
    ("filename", "text", "problem"),
    [
        ("control.yaml", "values:\n  - title: Bell\x07\n", "unacceptable character #x0007"),
        ("tag.yaml", "values: !!float lots\n", "a value could not be read: could not convert string to float"),
        ("tag.yml", "values: !!bool maybe\n", "a tagged value (!!…) could not be read"),
        ("number.toml", "values = 1" + "0" * 5_000 + "\n", "Exceeds the limit (4300 digits)"),
        ("number.yaml", "values: 1" + "0" * 5_000 + "\n", "Exceeds the limit (4300 digits)"),
    ],
)
async def test_values_the_parsers_choke_on_are_content_errors(simcord_env, filename, text, problem):
    server = await quickstarted(simcord_env)

    result = await upload(server, filename, text)

    message = refusal(simcord_env, result)
    assert message.startswith("The file could not be read: ")
    assert problem in message
    assert await ValueCard.filter(guild_id=server.guild.id).count() == 0


async def test_the_pack_is_parsed_off_the_event_loop(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    threads = []
    real_parse = setup_cog.parse_pack

    def parse_and_note_the_thread(text, filename):
        threads.append(threading.current_thread())
        return real_parse(text, filename)

    monkeypatch.setattr(setup_cog, "parse_pack", parse_and_note_the_thread)

    result = await upload(server, "values.toml", GOOD_VALUES)

    assert "values: 2 items imported." in shown(result)
    assert threads and threads[0] is not threading.main_thread()


async def test_an_attachment_over_the_size_limit_is_refused_unread(simcord_env):
    server = await quickstarted(simcord_env)
    padding = "# " + "x" * 100 + "\n"
    text = GOOD_VALUES + padding * (setup_cog.MAX_PACK_BYTES // len(padding) + 1)

    result = await upload(server, "values.toml", text)

    assert refusal(simcord_env, result) == "The file is too large (at most 256 KB)."
    assert await ValueCard.filter(guild_id=server.guild.id).count() == 0


# ------------------------------------------------------------------ all or nothing


async def test_a_refused_volunteer_role_after_good_cards_changes_nothing(simcord_env):
    server = await quickstarted(simcord_env)
    server.guild.create_role("Caretakers", permissions=discord.Permissions(administrator=True))
    await simcord_env.settle()
    before = await stored(server)
    pack = (
        GOOD_VALUES
        + volunteer_role("gardener", "Gardener")  # fine: its Discord role gets created first
        + volunteer_role("caretaker", "Caretakers")  # that role is an admin's: refused
    )

    result = await upload(server, "pack.toml", pack)

    assert "Caretakers gives moderation or admin powers" in refusal(simcord_env, result)
    assert await stored(server) == before  # no cards, no Gardener row, no Gardener Discord role


async def test_a_catalogue_limit_reached_while_writing_rolls_back_the_cards(simcord_env):
    server = await quickstarted(simcord_env)
    catalogue_now = await VolunteerRole.filter(guild_id=server.guild.id).count()
    fill_up = "".join(volunteer_role(f"crew_{n}", f"Crew {n}") for n in range(25 - catalogue_now))
    assert "items imported" in shown(await upload(server, "crews.toml", fill_up))
    before = await stored(server)

    result = await upload(server, "pack.toml", GOOD_VALUES + volunteer_role("extra", "Extra hands"))

    assert refusal(simcord_env, result) == "A server can have at most 25 volunteer roles."
    assert await stored(server) == before  # the cards were written, then rolled back; Extra hands undone


# ------------------------------------------------------------------ what a volunteer role may give


async def test_a_mediator_role_without_coordinator_approval_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    before = await stored(server)

    by_purpose = await upload(
        server, "pack.toml", GOOD_VALUES + volunteer_role("peace", "Peacemaker", role_purpose="mediator")
    )
    by_name = await upload(
        server, "pack.yaml", "volunteer_roles:\n  - {key: peace, name: Mediator, seats: 9, approval: auto}\n"
    )

    mediator = server.role("Mediator").mention
    assert refusal(simcord_env, by_purpose) == (
        f"The volunteer role Peacemaker gives the server's {mediator} role, so a coordinator must approve "
        "each volunteer: set its approval to “coordinator”."
    )
    assert f"The volunteer role Mediator gives the server's {mediator} role" in refusal(simcord_env, by_name)
    assert await stored(server) == before


async def test_a_mediator_role_with_coordinator_approval_is_imported(simcord_env):
    server = await quickstarted(simcord_env)
    pack = volunteer_role("peace", "Peacemaker", role_purpose="mediator", approval="coordinator")

    result = await upload(server, "pack.toml", pack)

    assert "volunteer_roles: 1 item imported." in shown(result)
    peacemaker = await VolunteerRole.get(guild_id=server.guild.id, key="peace")
    assert peacemaker.approval == Approval.COORDINATOR
    assert peacemaker.discord_role_id == server.role("Mediator").id


@pytest.mark.parametrize("purpose", ["moderator", "member", "newcomer"])
async def test_a_pack_cannot_make_a_staff_or_standing_role_claimable(simcord_env, purpose):
    server = await quickstarted(simcord_env)
    before = await stored(server)
    pack = GOOD_VALUES + volunteer_role("helper", "Helper", role_purpose=purpose, approval="coordinator")

    result = await upload(server, "pack.toml", pack)

    role = server.role(purpose.title()).mention
    assert refusal(simcord_env, result) == (
        f"The volunteer role Helper would give the server's {role} role, which people are given "
        "and never take themselves. Choose another role."
    )
    assert await stored(server) == before


async def test_a_volunteer_role_named_like_the_member_role_is_refused(simcord_env):
    server = await quickstarted(simcord_env)
    before = await stored(server)

    result = await upload(server, "pack.toml", volunteer_role("members", "Member"))

    assert f"would give the server's {server.role('Member').mention} role" in refusal(simcord_env, result)
    assert await stored(server) == before


async def test_an_unknown_purpose_is_refused(simcord_env):
    server = await quickstarted(simcord_env)

    result = await upload(server, "pack.toml", volunteer_role("chef", "Chef", role_purpose="kitchen"))

    assert refusal(simcord_env, result) == (
        "The volunteer role Chef names the purpose “kitchen”, which is not a role purpose."
    )
    assert server.role("Chef") is None


# ------------------------------------------------------------------ read while an import is written


async def test_cards_read_while_an_import_is_written_are_not_kept_after_it_on_postgres(database):
    # A newcomer joining while a pack is written is shown the cards still committed: the old ones
    # on PostgreSQL, where the read does not wait (on SQLite it waits for the import's
    # transaction). Once the import is committed the next newcomer must be shown the new cards,
    # not the old ones that read kept in memory. SimCord runs one operation at a time, so the
    # join during the import is its read of the cards here, outside the import's transaction.
    guild_id = 4242
    old = [ValueCardSpec(title="Solidarność", body="Pomagamy sobie nawzajem.")]
    new = [ValueCardSpec(title="Równość", body="Każdy głos waży tyle samo.")]
    await import_sections({"values": setup_service.values_importer}, guild_id, {"values": old})
    assert await setup_service.values_cards(guild_id) == old

    values_written, finish = asyncio.Event(), asyncio.Event()

    async def rest_of_the_pack() -> int:  # a later section of the same pack, still being written
        values_written.set()
        await finish.wait()
        return 0

    async def later_section(guild_id: int, items: list) -> PreparedImport:
        return PreparedImport(write=rest_of_the_pack)

    importers = {"values": setup_service.values_importer, "later": later_section}
    importing = asyncio.create_task(import_sections(importers, guild_id, {"values": new, "later": []}))
    await values_written.wait()
    joining = asyncio.create_task(setup_service.values_cards(guild_id))
    if is_postgres():
        assert await joining == old
    finish.set()
    await importing
    assert await joining in (old, new)

    assert await setup_service.values_cards(guild_id) == new
