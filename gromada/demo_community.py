"""The demo's whole community, for the browser demo: people, and each feature under way.

`furnish(demo)` adds the people a visitor can be and then runs each feature's
`furnish(demo)` hook (in cogs/<feature>/demo.py, optional beside its `walk`), which makes
that feature's history the way people make it, through the real bot: slash commands, clicks
and forms. A visitor then finds an open poll with votes, a proposal one supporter short, an
initiative with its own channel, a purchase taking orders, a ticket waiting for a mediator, a
full volunteer role with a waitlist, a moderation case, a joint-purchase needs survey four
people answered, and a newcomer half-way through their welcome with a buddy beside them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import cogs
from gromada.demo import add_mentioned_people_to_threads
from gromada.i18n import N_
from models.volunteers import VolunteerRole


@dataclass(frozen=True)
class Persona:
    """Someone a visitor can be: their key in the lobby, what they are (N_ text), their actor."""

    key: str
    title: str
    actor: Any


# The people a visitor can be, in the lobby's order; `demo.people` holds their actors.
PERSONAS = (
    ("newcomer", N_("Newcomer who has just joined")),
    ("buddy", N_("Buddy who welcomes them")),
    ("member", N_("Ordinary member")),
    ("coordinator", N_("Order coordinator and treasurer")),
    ("mediator", N_("Mediator")),
    ("admin", N_("Admin")),
)


def furnishings() -> list[tuple[int, str, Callable[[Any], Awaitable[None]]]]:
    """Each feature's `furnish` hook, in the order of its walk."""
    hooks = []
    for info in pkgutil.iter_modules(cogs.__path__):
        try:
            module = importlib.import_module(f"cogs.{info.name}.demo")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "furnish"):
            hooks.append((getattr(module, "ORDER", 50), info.name, module.furnish))
    return sorted(hooks)


async def furnish(demo) -> list[Persona]:
    """Give the seeded server (gromada.demo.seed) its people and history; return the personas."""
    env, guild = demo.env, demo.guild
    add_mentioned_people_to_threads(env)
    member_role = await demo.role("member")
    demo.people.update(admin=demo.admin, buddy=demo.buddy, member=demo.members[0])
    # The admin moderates too, so that someone a visitor can be reads #mod-log.
    env.backend.add_member_role(guild.id, demo.admin.id, (await demo.role("moderator")).id)
    demo.people["coordinator"] = guild.add_member(
        env.create_user("olek_coordinator"), roles=[member_role, *await _catalogue_roles(demo)]
    )
    demo.people["mediator"] = guild.add_member(
        env.create_user("mira_mediator"), roles=[member_role, await demo.role("mediator")]
    )
    await env.settle()
    for _order, _name, hook in furnishings():
        await hook(demo)
    return [Persona(key, title, demo.people[key]) for key, title in PERSONAS if key in demo.people]


async def _catalogue_roles(demo) -> list:
    """The Discord roles quickstart made for the order coordinator and treasurer volunteer roles."""
    role_ids = {
        role.discord_role_id
        for role in await VolunteerRole.filter(guild_id=demo.guild.id, key__in=["order_coordinator", "treasurer"])
    }
    return [role for role in demo.guild.roles.values() if role.id in role_ids]
