"""A community that used every feature, for the public pages: what they may show and what
they never may (mediation, moderation, onboarding and DM text, members' ids)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from cogs.initiatives import service as initiatives
from cogs.purchases import service as purchases
from cogs.volunteers import service as volunteers
from gromada.scheduler import now
from models.polls import Poll
from tests.cogs.mediation.helpers import MediationServer, mediation_server
from tests.cogs.onboarding.helpers import introduce, walk_values
from tests.cogs.privacy.helpers import closed_ticket, mark_paid, purchase_with_orders
from tests.helpers import shown

ADDRESS = re.compile(r"/s/([A-Za-z0-9_-]{43})/")
# Words only private places hold: a mediation (request, note, agreement), a moderation case
# (its reason, also DMed to the member), a newcomer's introduction and welcome thread.
MEDIATION_WHAT = "We argue about the garden shifts."
MEDIATION_NOTE = "Borys seems tired; go gently."
MODERATION_REASON = "Shouted at the treasurer in voice chat"
INTRODUCTION = "I keep bees on the allotment roof"
ANONYMOUS_OBJECTION = "Not everyone can pay more this winter"


@dataclass
class Community:
    server: MediationServer
    token: str = ""
    newcomer: object = None
    private: list[str] = field(default_factory=list)

    @property
    def member_ids(self) -> set[int]:
        guild = self.server.discord_guild()
        return {member.id for member in guild.members}


def address_of(result) -> str:
    found = ADDRESS.search(shown(result))
    assert found, shown(result)
    return found[1]


async def community(env) -> Community:
    """Mediation, moderation, onboarding, polls, initiatives, a purchase and volunteers on one server."""
    server = await mediation_server(env)
    admin, member, other = server.admin, server.member, server.other_party
    seeded = Community(server)

    # Private things.
    ticket = await closed_ticket(server)
    await server.admin.slash(server.general, "mod warn", member=server.outsider, reason=MODERATION_REASON)
    newcomer = server.add_member("nadia")
    await env.settle()
    thread = next(thread for thread in server.channel("welcome").threads if thread.name.endswith("nadia"))
    # Discord adds the person the welcome pings to the private thread; SimCord does not.
    env.backend.add_thread_member(thread.id, newcomer.id)
    await walk_values(newcomer, thread)
    await introduce(newcomer, thread, about=INTRODUCTION)
    seeded.newcomer = newcomer
    seeded.private = [
        MEDIATION_WHAT,
        MEDIATION_NOTE,
        "A fair rota.",
        ticket.outcome,
        MODERATION_REASON,
        INTRODUCTION,
        "mediation-log",
        "mod-log",
    ]

    # Decisions: a ranked poll that needs a second round, and a consent poll with an objection.
    await admin.slash(
        server.general, "poll create", question="Where do we meet next?", options="Library; Park; Café", kind="ranked"
    )
    ranked = await Poll.get(question="Where do we meet next?")
    rankings = {admin: ["Library", "Park"], member: ["Park"], other: ["Café", "Park"], server.outsider: ["Library"]}
    await _rank(server, ranked, rankings)
    await admin.slash(server.general, "poll close", poll_id=ranked.pk)
    await admin.slash(server.general, "poll create", question="Adopt the new statute?", options="", kind="consent")
    consent = server.general.last_message
    await member.click(consent, label="Agree")
    modal = await other.click(consent, label="Object")
    await other.submit_modal(modal, {"reason": f"Article 4 is unclear, ask <@{member.id}>"})
    statute = await Poll.get(question="Adopt the new statute?")
    await admin.slash(server.general, "poll close", poll_id=statute.pk)
    # An anonymous consent poll: its objection is shown, never signed.
    await admin.slash(
        server.general, "poll create", question="Raise the yearly fee?", options="", kind="consent", anonymous=True
    )
    fee = server.general.last_message
    modal = await member.click(fee, label="Object")
    await member.submit_modal(modal, {"reason": ANONYMOUS_OBJECTION})
    await admin.slash(server.general, "poll close", poll_id=(await Poll.get(question="Raise the yearly fee?")).pk)

    # Initiatives: one gathering support, one active with a call for help.
    moment = now()
    proposal = initiatives.Proposal("Seed library", "seed-library", "Share seeds", "Jars and labels", "Ask the library")
    await initiatives.create_proposal(server.guild.id, member.id, proposal, server.general.id, moment)
    garden = initiatives.Proposal("Tool shed", "tool-shed", "Lend tools", "A lock", "Find a shed")
    shed = await initiatives.create_proposal(server.guild.id, other.id, garden, server.general.id, moment)
    for supporter in (admin, server.outsider):
        await initiatives.support(shed.pk, supporter.id, moment)
    assert await initiatives.claim_opening(shed.pk, moment)
    assert await initiatives.mark_open(shed.pk, server.general.id, 1, moment)
    await initiatives.add_need(await initiatives.get(shed.pk), "Two people to build shelves", server.general.id, moment)
    cafe = initiatives.Proposal("Repair café", "repair-cafe", "Fix bikes", "Spanners", "Find a room")
    repair = await initiatives.create_proposal(server.guild.id, admin.id, cafe, server.general.id, moment)
    for supporter in (member, other):
        await initiatives.support(repair.pk, supporter.id, moment)
    assert await initiatives.claim_opening(repair.pk, moment)
    assert await initiatives.mark_open(repair.pk, server.general.id, 1, moment)
    assert await initiatives.begin_archive(await initiatives.get(repair.pk), moment)

    # The ledger: a closed purchase, one bill paid.
    purchase = await purchase_with_orders(server, "Winter apples", {member.id: "2", other.id: "3"})
    await mark_paid(server, purchase, member.id)

    # Volunteers: the member holds the first role of the catalogue.
    role = (await volunteers.roles(server.guild.id))[0]
    await volunteers.take_or_wait(role, member.id, moment)

    seeded.token = address_of(await admin.slash(server.general, "setup public enable"))
    return seeded


@dataclass(frozen=True)
class Saving:
    """What a purchase with shop prices and a community-fund share leaves in the books."""

    saved: int  # against the shop, by the whole purchase
    fund: int  # the bills' part for the community fund
    member_fund: int  # the member's own part of it


async def purchase_with_savings(seeded: Community) -> Saving:
    """The server gives 10% of the savings to its fund; a second closed purchase, priced against
    the shop: 2 + 3 kg of pears at 6.00 that cost 7.20 in a shop."""
    server = seeded.server
    await server.admin.slash(server.general, "setup option", key="purchases_fund_share", value="10%")
    moment = now()
    row = await purchases.open_purchase(
        guild_id=server.guild.id, user_id=server.admin.id, title="Autumn pears", deadline="3d", now=moment
    )
    pears = await purchases.add_item(
        guild_id=server.guild.id, purchase_id=row.pk, name="Pears", unit="kg", price="6", shop_price="7.20"
    )
    await purchases.mark_published(row.pk, server.general.id, 1)
    for member, quantity in ((server.member, "2"), (server.other_party, "3")):
        await purchases.set_quantity(
            guild_id=server.guild.id,
            purchase_id=row.pk,
            item_id=pears.pk,
            user_id=member.id,
            quantity=quantity,
            now=moment,
        )
    assert await purchases.close_purchase(row.pk, moment + timedelta(seconds=1))
    # Saved 2.40 and 3.60: 0.24 and 0.36 to the fund.
    return Saving(saved=600, fund=60, member_fund=24)


async def _rank(server, poll: Poll, rankings: dict) -> None:
    message = next(m for m in server.general.history() if m.id == poll.message_id)
    labels = list(poll.options)
    for voter, ranking in rankings.items():
        flow = await voter.click(message, label="Rank the options")
        for label in ranking:
            flow = await voter.select(flow.response, [str(labels.index(label))], custom_id="poll:ranking:choose")
        await voter.click(flow.response, label="Submit ranking")
