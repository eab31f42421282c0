"""Cooldowns on expensive or noisy commands, each used through SimCord as a member would."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from cogs.initiatives.views import PROPOSE_COOLDOWN
from cogs.mediation.cog import TRANSCRIPT_COOLDOWN
from cogs.polls.cog import CREATE_COOLDOWN, EXPORT_COOLDOWN, RESULTS_COOLDOWN
from cogs.privacy.cog import EXPORT_COOLDOWN as PRIVACY_EXPORT_COOLDOWN
from cogs.purchases.cog import EXPORT_COOLDOWN as PURCHASE_EXPORT_COOLDOWN
from cogs.volunteers.cog import CERTIFICATE_COOLDOWN, THANKS_COOLDOWN
from gromada.cooldowns import Action, Cooldowns, OnCooldown
from gromada.scheduler import now
from models.initiatives import Initiative
from models.polls import Poll
from models.volunteers import Thanks
from tests.cogs.initiatives.helpers import InitiativeServer
from tests.cogs.mediation.helpers import mediation_server
from tests.cogs.polls.helpers import member_server, open_poll
from tests.cogs.privacy.helpers import closed_ticket
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import Server, quickstarted, refusal, shown, speaking

WAIT = re.compile(r"Please wait a little: you can do that again <t:(\d+):R>\.")


@dataclass
class Scene:
    """Someone who is held by a cooldown, how they use the command, and how many uses took effect."""

    server: Server
    use: Callable[[], Awaitable[Any]]
    done: Callable[[], Awaitable[int]]


def files_in(answers: list, suffix: str) -> Callable[[], Awaitable[int]]:
    """Counts the answers that carried a file ending in `suffix`."""

    async def count() -> int:
        return sum(
            1
            for result in answers
            for message in (result.response, *result.followups)
            if message is not None and any(a.filename.endswith(suffix) for a in message.attachments)
        )

    return count


async def poll_create(env) -> Scene:
    server = await member_server(env)

    async def use():
        return await server.member.slash(server.general, "poll create", question="Paint the door?", options="Yes; No")

    return Scene(server, use, Poll.all().count)


async def poll_results(env) -> Scene:
    server = await quickstarted(env)
    poll, _ = await open_poll(server)
    answers: list = []

    async def use():
        answers.append(await server.member.slash(server.general, "poll results", poll_id=poll.pk))
        return answers[-1]

    return Scene(server, use, files_in(answers, "results.png"))


async def poll_export(env) -> Scene:
    server = await quickstarted(env)
    moderator = server.guild.add_member(env.create_user("mod"), roles=[server.guild.roles["Moderator"]])
    await env.settle()
    poll, _ = await open_poll(server)
    answers: list = []

    async def use():
        answers.append(await moderator.slash(server.general, "poll export", poll_id=poll.pk))
        return answers[-1]

    return Scene(server, use, files_in(answers, ".csv"))


async def initiative_propose(env) -> Scene:
    server = await quickstarted(env, server_class=InitiativeServer)
    titles = iter(["Community garden", "Repair café", "Seed library", "Book swap", "Tool shed"])

    async def use():
        form = await server.member.slash(server.general, "initiative propose")
        if form.modal is None:
            return form  # refused before the form
        return await server.member.submit_modal(
            form, {"title": next(titles), "goal": "Do it together.", "needs": "Hands.", "first_step": "Ask."}
        )

    return Scene(server, use, Initiative.all().count)


async def thanks(env) -> Scene:
    server = await quickstarted(env)
    helper = server.guild.add_member(env.create_user("celina"))
    await env.settle()

    async def use():
        return await server.member.slash(server.general, "thanks", member=helper, message="for the soup")

    return Scene(server, use, Thanks.all().count)


async def volunteer_certificate(env) -> Scene:
    server = await quickstarted(env)

    async def use():
        return await server.member.slash(server.general, "volunteer certificate", member=server.admin)

    async def done() -> int:
        return sum(1 for m in server.general.history() if any(a.filename == "certificate.png" for a in m.attachments))

    return Scene(server, use, done)


async def purchase_export(env) -> Scene:
    coop = await coop_server(env)
    purchase = await coop.open()
    answers: list = []

    async def use():
        answers.append(await coop.coordinator.slash(coop.general, "purchase export", purchase=purchase.pk))
        return answers[-1]

    return Scene(coop, use, files_in(answers, ".csv"))


async def privacy_export(env) -> Scene:
    server = await mediation_server(env)

    async def use():
        return await server.member.slash(server.general, "privacy export")

    async def done() -> int:
        return sum(1 for m in server.member.user.dm_channel.history() if m.attachments)

    return Scene(server, use, done)


async def mediation_transcript(env) -> Scene:
    server = await mediation_server(env)
    ticket = await closed_ticket(server)
    space = server.space(ticket)
    answers: list = []

    async def use():
        answers.append(await server.mediators[0].slash(space, "ticket transcript"))
        return answers[-1]

    return Scene(server, use, files_in(answers, ".txt"))


SCENES: dict[str, tuple[Action, Callable[[Any], Awaitable[Scene]]]] = {
    "poll create": (CREATE_COOLDOWN, poll_create),
    "poll results": (RESULTS_COOLDOWN, poll_results),
    "poll export": (EXPORT_COOLDOWN, poll_export),
    "initiative propose": (PROPOSE_COOLDOWN, initiative_propose),
    "thanks": (THANKS_COOLDOWN, thanks),
    "volunteer certificate": (CERTIFICATE_COOLDOWN, volunteer_certificate),
    "purchase export": (PURCHASE_EXPORT_COOLDOWN, purchase_export),
    "privacy export": (PRIVACY_EXPORT_COOLDOWN, privacy_export),
    "ticket transcript": (TRANSCRIPT_COOLDOWN, mediation_transcript),
}


def ready_at(env, result) -> datetime:
    """The moment a refusal names, after checking it is a refusal by the cooldown."""
    found = WAIT.search(refusal(env, result))
    assert found, shown(result)
    return datetime.fromtimestamp(int(found.group(1)), now().tzinfo)


@pytest.mark.parametrize("command", SCENES)
async def test_a_second_use_inside_the_window_is_refused_and_the_window_is_a_server_option(simcord_env, command):
    action, arrange = SCENES[command]
    scene = await arrange(simcord_env)
    window = action.window.default
    start = now()

    await scene.use()
    assert await scene.done() == 1
    refused = await scene.use()

    # Refused, told when to try again, and nothing happened.
    assert abs((ready_at(simcord_env, refused) - (start + window)).total_seconds()) <= 1
    assert await scene.done() == 1
    await simcord_env.advance_time(window.total_seconds() + 1)
    await scene.use()
    assert await scene.done() == 2

    # An admin makes the window longer: the default no longer frees the member, the new length does.
    longer = timedelta(hours=3)
    server = scene.server
    changed = await server.admin.slash(server.general, "setup option", key=action.window.key, value="3h")
    assert f"{action.window.key} is now" in shown(changed)
    await simcord_env.advance_time(window.total_seconds() + 1)
    start = now()
    await scene.use()
    assert await scene.done() == 3
    await simcord_env.advance_time(window.total_seconds() + 1)
    refused = await scene.use()
    assert abs((ready_at(simcord_env, refused) - (start + longer)).total_seconds()) <= 1
    assert await scene.done() == 3
    await simcord_env.advance_time(longer.total_seconds())
    await scene.use()
    assert await scene.done() == 4


async def test_the_refusal_is_in_the_members_language(simcord_env, monkeypatch):
    scene = await thanks(simcord_env)
    with speaking(monkeypatch, scene.server.member, "pl"):
        await scene.use()
        refused = await scene.use()

    assert re.search(r"Poczekaj chwilę: możesz to zrobić ponownie <t:\d+:R>\.", refusal(simcord_env, refused))
    assert await scene.done() == 1


async def test_a_refused_attempt_does_not_count(simcord_env):
    server = await member_server(simcord_env)

    typo = await server.member.slash(server.general, "poll create", question="Paint the door?", options="Yes")
    created = await server.member.slash(server.general, "poll create", question="Paint the door?", options="Yes; No")

    assert "Give at least two options" in refusal(simcord_env, typo)
    assert "Poll #" in shown(created)
    assert await Poll.all().count() == 1


async def test_admins_are_not_held_and_zero_turns_a_cooldown_off(simcord_env):
    server = await quickstarted(simcord_env)
    helper = server.guild.add_member(simcord_env.create_user("celina"))
    await simcord_env.settle()

    for _ in range(3):
        await server.admin.slash(server.general, "thanks", member=helper, message="for the soup")
    await server.member.slash(server.general, "thanks", member=helper, message="for the soup")
    await server.admin.slash(server.general, "setup option", key=THANKS_COOLDOWN.window.key, value="0s")
    await server.member.slash(server.general, "thanks", member=helper, message="for the bread")

    assert await Thanks.all().count() == 5


async def test_two_forms_opened_at_once_give_one_proposal(simcord_env):
    server = await quickstarted(simcord_env, server_class=InitiativeServer)
    fields = {"goal": "Do it together.", "needs": "Hands.", "first_step": "Ask."}
    first_form = await server.member.slash(server.general, "initiative propose")
    second_form = await server.member.slash(server.general, "initiative propose")

    await server.member.submit_modal(first_form, {"title": "Community garden", **fields})
    refused = await server.member.submit_modal(second_form, {"title": "Repair café", **fields})

    assert WAIT.search(refusal(simcord_env, refused))
    assert [i.title for i in await Initiative.all()] == ["Community garden"]
    # From now on the member is told before filling in the form.
    again = await server.member.slash(server.general, "initiative propose")
    assert again.modal is None and WAIT.search(refusal(simcord_env, again))


def test_passed_windows_are_forgotten():
    cooldowns = Cooldowns()
    start = datetime(2026, 1, 1, tzinfo=now().tzinfo)
    for member in range(1000):
        cooldowns.take((1, member, "thanks"), timedelta(seconds=30), start)
    with pytest.raises(OnCooldown):
        cooldowns.take((1, 0, "thanks"), timedelta(seconds=30), start + timedelta(seconds=29))
    assert len(cooldowns) == 1000

    cooldowns.take((1, 0, "thanks"), timedelta(seconds=30), start + timedelta(minutes=2))

    assert len(cooldowns) == 1
