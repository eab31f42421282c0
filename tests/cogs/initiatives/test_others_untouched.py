"""One initiative's change leaves every other initiative as it was.

A person supports, joins and leads several initiatives at once, and a server runs many:
withdrawing, leaving, handing over, archiving or reopening one must not reach the others.
"""

from cogs.initiatives import service
from cogs.initiatives.views import PROPOSE_COOLDOWN
from gromada.bot import create_bot
from gromada.scheduler import now
from models.core import Timer
from models.initiatives import Initiative, InitiativeMember, InitiativeStatus
from tests.cogs.initiatives.helpers import InitiativeServer, field, open_initiative
from tests.helpers import quickstarted, refusal, shown, speaking, wait_out

DAY = 86400


async def opened_by(server, proposer, supporters, title: str):
    """A proposal by `proposer` that `supporters` took to its channel."""
    _, initiative = await server.propose(actor=proposer, title=title)
    for supporter in supporters:
        await supporter.click(server.card(initiative), label="Support")
    await initiative.refresh_from_db()
    return initiative, server.guild.channels[initiative.slug]


async def members(initiative) -> dict[int, bool]:
    """Who is in the initiative, and whether they lead it."""
    rows = await InitiativeMember.filter(initiative_id=initiative.pk).values_list("user_id", "is_lead")
    return dict(rows)


async def test_withdrawing_support_from_one_proposal_keeps_it_on_another(server):
    fan = server.supporters[0]
    _, garden = await server.propose(title="Community garden")
    _, cafe = await server.propose(actor=server.supporters[2], title="Repair café")
    for proposal in (garden, cafe):
        await fan.click(server.card(proposal), label="Support")

    await fan.click(server.card(garden), label="Withdraw support")

    assert field(server.card(garden), "Supporters") == "1/3"
    assert field(server.card(cafe), "Supporters") == "2/3"
    assert await members(cafe) == {server.supporters[2].id: True, fan.id: False}


async def test_withdrawing_one_proposal_leaves_the_others_gathering_support(server):
    _, garden = await server.propose(title="Community garden")
    _, cafe = await server.propose(actor=server.supporters[2], title="Repair café")

    asked = await server.member.click(server.card(garden), label="Withdraw proposal")
    await server.member.click(asked.response, label="Withdraw it")

    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.WITHDRAWN
    assert (await Initiative.get(id=cafe.pk)).status == InitiativeStatus.PROPOSED
    supported = await server.supporters[0].click(server.card(cafe), label="Support")
    assert shown(supported) == "Thank you, your support counts."


async def test_leaving_one_initiative_keeps_the_others(server):
    garden, garden_channel = await open_initiative(server, title="Community garden")
    cafe, _ = await opened_by(server, server.supporters[2], server.supporters[:2], "Repair café")
    leaver = server.supporters[0]

    await leaver.click(garden_channel.pinned_messages()[0], label="Leave")

    assert leaver.id not in await members(garden)
    assert leaver.id in await members(cafe)


async def test_handing_one_initiative_over_changes_no_other_lead(server):
    garden, garden_channel = await open_initiative(server, title="Community garden")
    cafe, cafe_channel = await opened_by(
        server, server.supporters[2], [server.member, server.supporters[0]], "Repair café"
    )
    tools, _ = await opened_by(server, server.supporters[1], [server.member, server.supporters[0]], "Tool library")
    await wait_out(server.env, PROPOSE_COOLDOWN)
    seeds, _ = await open_initiative(server, title="Seed library")  # led by the same person as the garden
    cafe_before, tools_before, seeds_before = await members(cafe), await members(tools), await members(seeds)

    await server.member.slash(garden_channel, "initiative handover", member=server.supporters[0])

    assert (await members(garden))[server.supporters[0].id] is True
    assert await members(cafe) == cafe_before
    assert await members(tools) == tools_before
    assert await members(seeds) == seeds_before
    # The new lead of one initiative has no say over another.
    refused = await server.supporters[0].slash(cafe_channel, "initiative archive")
    assert refusal(server.env, refused) == "Only the initiative's lead can do that."


async def test_a_refused_handover_restores_that_initiative_alone(server):
    # The previous lead and the would-be lead are both plain members of another initiative.
    garden, garden_channel = await open_initiative(server, title="Community garden")
    cafe, _ = await opened_by(server, server.supporters[2], [server.member, server.supporters[0]], "Repair café")
    garden_before, cafe_before = await members(garden), await members(cafe)
    server.env.inject_error("PUT", f"/channels/{garden_channel.id}/permissions/*", status=500)

    result = await server.member.slash(garden_channel, "initiative handover", member=server.supporters[0])

    assert refusal(server.env, result) == (
        "Discord refused to change the channel's permissions, so the lead did not change. Please try again later."
    )
    assert await members(garden) == garden_before, "the would-be lead is still a member, and nothing more"
    assert await members(cafe) == cafe_before


async def test_archiving_or_reopening_one_initiative_moves_no_other(server):
    garden, garden_channel = await open_initiative(server, title="Community garden")
    cafe, cafe_channel = await opened_by(server, server.supporters[2], server.supporters[:2], "Repair café")
    await server.supporters[2].slash(cafe_channel, "initiative archive")

    # Discord refuses the move: the garden stays active, the café stays archived.
    server.env.inject_error("PATCH", f"/channels/{garden_channel.id}", status=500)
    refused = await server.member.slash(garden_channel, "initiative archive")
    assert "nothing changed" in refusal(server.env, refused)
    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.ACTIVE
    assert (await Initiative.get(id=cafe.pk)).status == InitiativeStatus.ARCHIVED

    await server.member.slash(garden_channel, "initiative archive")
    await server.member.slash(garden_channel, "initiative reopen")

    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.ACTIVE
    assert (await Initiative.get(id=cafe.pk)).status == InitiativeStatus.ARCHIVED
    assert server.discord_guild().get_channel(cafe_channel.id).category.name == "Initiatives archive"


async def test_a_refused_reopening_leaves_that_initiative_archived_and_the_others_open(server):
    garden, garden_channel = await open_initiative(server, title="Community garden")
    cafe, cafe_channel = await opened_by(server, server.supporters[2], server.supporters[:2], "Repair café")
    await server.supporters[2].slash(cafe_channel, "initiative archive")
    archived_at = (await Initiative.get(id=cafe.pk)).archived_at
    server.env.inject_error("PATCH", f"/channels/{cafe_channel.id}", status=500)

    refused = await server.supporters[2].slash(cafe_channel, "initiative reopen")

    assert "nothing changed" in refusal(server.env, refused)
    cafe_row = await Initiative.get(id=cafe.pk)
    assert cafe_row.status == InitiativeStatus.ARCHIVED and cafe_row.archived_at == archived_at
    # The garden's lead still works in an open channel.
    updated = await server.member.slash(garden_channel, "initiative update", status="in_progress", note="Digging.")
    assert "Digging." in shown(updated)
    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.ACTIVE
    assert field(server.card(garden), "Status") == "active"


async def test_a_reopened_initiative_gets_thirty_quiet_days_again(server, settings):
    # Archived for silence, then reopened: the old silence does not count again, even when
    # the bot stopped before arming the reopened channel's deadline.
    initiative, channel = await open_initiative(server)
    await server.env.advance_time(37 * DAY + 120)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ARCHIVED

    await server.member.slash(channel, "initiative reopen")
    await Timer.filter(kind="initiatives.inactivity", ref_id=initiative.pk).delete()
    await server.env.restart_bot(create_bot(settings))
    await server.env.advance_time(29 * DAY)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    assert "nobody has written here" not in (channel.last_message.content or "")
    await server.env.advance_time(DAY + 60)
    assert "nobody has written here for 30 days" in channel.last_message.content


async def test_each_proposal_expires_at_the_end_of_its_own_window(server):
    _, garden = await server.propose(title="Community garden")
    await server.env.advance_time(2 * DAY)
    _, cafe = await server.propose(actor=server.supporters[2], title="Repair café")

    await server.env.advance_time(12 * DAY + 60)

    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.EXPIRED
    assert (await Initiative.get(id=cafe.pk)).status == InitiativeStatus.PROPOSED
    assert field(server.card(cafe), "Status") == "gathering support"


async def test_an_opened_initiative_whose_supporters_left_does_not_expire(server):
    # The support window's deadline still fires after the channel opened: with fewer members
    # than the threshold by then, the initiative is no proposal to expire.
    initiative, channel = await open_initiative(server)
    for supporter in server.supporters[:2]:
        await supporter.click(channel.pinned_messages()[0], label="Leave")
    messages_before = len(server.proposals.history())

    await server.env.advance_time(15 * DAY)

    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    assert len(server.proposals.history()) == messages_before, "nobody is told it expired"


async def test_talk_in_one_channel_keeps_only_that_one_from_the_inactivity_warning(server):
    _, garden_channel = await open_initiative(server, title="Community garden")
    _, cafe_channel = await opened_by(server, server.supporters[2], server.supporters[:2], "Repair café")

    for _ in range(3):
        await server.env.advance_time(10 * DAY)
        await server.member.send(garden_channel, "Watering again.")
    await server.env.advance_time(60)

    assert "nobody has written here for 30 days" in cafe_channel.last_message.content
    assert garden_channel.last_message.content == "Watering again."


async def test_retry_is_for_the_supporters_of_that_proposal(server, monkeypatch):
    _, garden = await server.propose(title="Community garden")
    await server.supporters[0].click(server.card(garden), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)
    refusal(server.env, await server.supporters[1].click(server.card(garden), label="Support"))
    await server.propose(actor=server.supporters[2], title="Repair café")

    # supporters[2] supports only their own café.
    with speaking(monkeypatch, server.supporters[2], "pl"):
        outsider = await server.supporters[2].click(server.card(garden), label="Retry opening the channel")

    assert refusal(server.env, outsider) == "Ponowić otwarcie kanału mogą tylko popierający i moderacja."
    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.PROPOSED


async def test_another_proposals_opening_leaves_an_interrupted_one_waiting_for_retry(server):
    _, stuck = await server.propose(actor=server.supporters[2], title="Repair café")
    for supporter in (server.member, server.supporters[0]):
        await service.support(stuck.pk, supporter.id, now())
    # The café's opening was claimed, then the bot stopped before creating anything.
    assert await service.claim_opening(stuck.pk, now())
    _, garden = await server.propose(title="Community garden")
    await server.supporters[0].click(server.card(garden), label="Support")
    server.env.inject_error("POST", "/guilds/*/channels", status=500)
    refusal(server.env, await server.supporters[1].click(server.card(garden), label="Support"))

    assert (await Initiative.get(id=stuck.pk)).status == InitiativeStatus.OPENING
    await server.supporters[0].click(server.card(garden), label="Retry opening the channel")

    row = await Initiative.get(id=stuck.pk)
    assert (row.status, row.channel_id, row.open_error) == (InitiativeStatus.OPENING, None, None)
    assert (await Initiative.get(id=garden.pk)).status == InitiativeStatus.ACTIVE


async def test_one_proposal_opening_leaves_the_others_gathering_support(server):
    _, cafe = await server.propose(actor=server.supporters[2], title="Repair café")

    await open_initiative(server, title="Community garden")
    supported = await server.supporters[0].click(server.card(cafe), label="Support")

    assert shown(supported) == "Thank you, your support counts."
    assert (await Initiative.get(id=cafe.pk)).status == InitiativeStatus.PROPOSED


async def test_the_same_title_may_be_proposed_on_another_server(server, simcord_env):
    other = await quickstarted(simcord_env, server_class=InitiativeServer)
    await server.propose(title="Community garden")

    result, there = await other.propose(title="Community garden")

    assert "Your proposal is posted" in shown(result)
    assert (there.guild_id, there.slug) == (other.guild.id, "community-garden")
