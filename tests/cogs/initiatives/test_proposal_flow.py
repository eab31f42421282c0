"""Proposal → support → channel, withdraw, double support, and bad titles."""

import asyncio

from cogs.initiatives import service
from gromada.errors import Conflict
from gromada.scheduler import now
from models.initiatives import Initiative, InitiativeMember, InitiativeStatus
from tests.cogs.initiatives.helpers import field
from tests.helpers import refusal, shown


async def test_threshold_reached_opens_a_channel_for_proposer_and_supporters(server):
    result, initiative = await server.propose(title="Ogród społeczny")

    assert "Your proposal is posted" in shown(result) and result.ephemeral
    card = server.card(initiative)
    assert field(card, "Supporters") == "1/3"

    first = await server.supporters[0].click(card, label="Support")
    assert "your support counts" in shown(first)
    assert field(server.card(initiative), "Supporters") == "2/3"

    opened = await server.supporters[1].click(server.card(initiative), label="Support")

    channel = server.text_channel("ogród-społeczny")
    assert channel is not None, "the channel is named with a readable slug"
    assert channel.category.name == "Initiatives"
    assert "now has its channel" in shown(opened)
    guild = server.discord_guild()
    proposer = guild.get_member(server.member.id)
    for person in (proposer, *[guild.get_member(s.id) for s in server.supporters[:2]]):
        assert channel.permissions_for(person).view_channel
        assert channel.permissions_for(person).send_messages
    assert channel.permissions_for(proposer).manage_messages
    assert channel.permissions_for(proposer).pin_messages
    assert not channel.permissions_for(guild.get_member(server.supporters[0].id)).pin_messages
    outsider = guild.get_member(server.supporters[2].id)
    assert channel.permissions_for(outsider).view_channel
    assert not channel.permissions_for(outsider).send_messages
    # The welcome card is pinned, mentions the supporters and carries Join / Leave.
    handle = server.channel("ogród-społeczny")
    pinned = handle.pinned_messages()
    assert len(pinned) == 1
    assert server.supporters[0].mention in pinned[0].content
    assert {c.label for row in pinned[0].components for c in row.children} == {"Join", "Leave"}
    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.ACTIVE and row.channel_id == channel.id
    assert field(server.card(initiative), "Status") == "active"
    assert not server.card(initiative).components, "no Support button once the channel exists"


async def test_support_twice_counts_once_and_withdraw_lowers_the_count(server):
    _, initiative = await server.propose()
    supporter = server.supporters[0]

    await supporter.click(server.card(initiative), label="Support")
    again = await supporter.click(server.card(initiative), label="Support")

    assert "it counts once" in shown(again)
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 2

    withdrawn = await supporter.click(server.card(initiative), label="Withdraw support")

    assert "withdrawn" in shown(withdrawn)
    assert field(server.card(initiative), "Supporters") == "1/3"
    not_supporting = await supporter.click(server.card(initiative), label="Withdraw support")
    assert "You do not support this proposal" in refusal(server.env, not_supporting)
    proposer = await server.member.click(server.card(initiative), label="Withdraw support")
    assert "first supporter" in refusal(server.env, proposer)


async def test_threshold_option_of_one_opens_the_channel_at_once(server):
    await server.admin.slash(server.general, "setup option", key="initiatives_threshold", value="1")

    result, initiative = await server.propose(title="Solo sewing circle")

    assert "has its channel" in shown(result)
    assert server.text_channel("solo-sewing-circle") is not None
    assert (await Initiative.get(id=initiative.pk)).threshold == 1


async def test_support_window_option_sets_the_deadline(server):
    await server.admin.slash(server.general, "setup option", key="initiatives_support_window", value="2d")

    _, initiative = await server.propose()
    await server.env.advance_time(2 * 86400 + 1)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.EXPIRED


async def test_the_card_says_until_which_date_support_is_gathered(server):
    # "Support until: in 2 weeks" does not read: the date comes first, how far away after it.
    await server.admin.slash(server.general, "setup language", language="pl")
    _, initiative = await server.propose()

    deadline = int(initiative.support_until.timestamp())
    assert field(server.card(initiative), "Poparcie do") == f"<t:{deadline}:f> (<t:{deadline}:R>)"


async def test_two_people_proposing_the_same_title_at_once_get_one_proposal_and_a_clear_refusal(server):
    # Both send the form at the same moment. SimCord runs one modal at a time, so the race is
    # run at the level the modal uses: both pass the title check, the database lets one in.
    proposal = service.validate_proposal("Community garden", "Grow vegetables.", "Seeds and tools.", "Ask for a plot.")
    people = server.supporters[:2]

    outcomes = await asyncio.gather(
        *(service.create_proposal(server.guild.id, p.id, proposal, server.proposals.id, now()) for p in people),
        return_exceptions=True,
    )

    [refused] = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert isinstance(refused, Conflict), refused
    assert refused.render("en") == (
        "An initiative called “Community garden” already exists. Support it, or choose another title."
    )
    assert await Initiative.filter(guild_id=server.guild.id).count() == 1
