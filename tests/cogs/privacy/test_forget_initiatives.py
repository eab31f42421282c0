"""/privacy forget and initiatives: a proposer or lead is told how to step back, and then nothing
of them is left in any initiative table while every count stays."""

from cogs.initiatives.views import PROPOSE_COOLDOWN
from models.initiatives import Initiative, InitiativeMember, InitiativeStatus
from tests.cogs.initiatives.helpers import InitiativeServer, open_initiative
from tests.cogs.privacy.helpers import tables_holding
from tests.helpers import command_mention, quickstarted, shown, wait_out

DAY = 86400


async def initiative_tables_holding(user_id: int) -> set[str]:
    return {table for table in await tables_holding(user_id) if table.startswith("initiative")}


async def counts() -> dict[int, int]:
    return {row.pk: await InitiativeMember.filter(initiative_id=row.pk).count() for row in await Initiative.all()}


async def test_a_proposer_and_lead_steps_back_and_is_then_forgotten_completely(simcord_env):
    server = await quickstarted(simcord_env, server_class=InitiativeServer)
    member = server.member
    led, channel = await open_initiative(server, title="Repair café")
    await member.slash(channel, "initiative need", text="Someone with a soldering iron")
    await server.supporters[2].click(server.proposals.last_message, label="I can help")
    await wait_out(simcord_env, PROPOSE_COOLDOWN)
    _, expired = await server.propose(title="Seed library")
    await simcord_env.advance_time(15 * DAY)
    _, proposal = await server.propose(title="Community garden")
    await server.supporters[0].click(server.card(proposal), label="Support")
    assert (await Initiative.get(id=expired.pk)).status == InitiativeStatus.EXPIRED

    preview = await member.slash(server.general, "privacy forget")

    told = shown(preview)
    assert "still gathering support" in told and await command_mention(simcord_env, "initiative list") in told
    assert "You lead an active initiative" in told
    assert await command_mention(simcord_env, "initiative handover") in told
    assert await command_mention(simcord_env, "initiative archive") in told
    first = await member.click(preview.response, label="Forget me")
    assert "Not erased yet" in shown(first)
    assert await initiative_tables_holding(member.id) == {"initiative", "initiative_member"}
    # The expired proposal went at once: a pseudonym proposed it and is its one supporter.
    assert (await Initiative.get(id=expired.pk)).proposer_id < 0
    before = await counts()

    asked = await member.click(server.card(proposal), label="Withdraw proposal")
    await member.click(asked.response, label="Withdraw it")
    await member.slash(channel, "initiative handover", member=server.supporters[1])
    again = await member.slash(server.general, "privacy forget")
    assert "These stay for now" not in shown(again)
    done = await member.click(again.response, label="Forget me")

    assert "Done." in shown(done) and "Not erased yet" not in shown(done)
    assert await initiative_tables_holding(member.id) == set()
    assert await tables_holding(member.id) == {}
    assert await counts() == before
    assert (await Initiative.get(id=proposal.pk)).status == InitiativeStatus.WITHDRAWN
    assert (await InitiativeMember.get(initiative_id=led.pk, is_lead=True)).user_id == server.supporters[1].id


async def test_an_archived_initiative_of_a_forgotten_lead_is_reopened_and_reassigned_by_staff(simcord_env):
    server = await quickstarted(simcord_env, server_class=InitiativeServer)
    lead, staff, successor = server.member, server.admin, server.supporters[0]
    _, channel = await open_initiative(server)
    await lead.slash(channel, "initiative archive")
    preview = await lead.slash(server.general, "privacy forget")
    assert "These stay for now" not in shown(preview), "an archived initiative leaves nothing to hand over"
    await lead.click(preview.response, label="Forget me")
    assert await initiative_tables_holding(lead.id) == set()

    reopened = await staff.slash(channel, "initiative reopen")
    assert "Reopened." in shown(reopened)
    handed = await staff.slash(channel, "initiative handover", member=successor)

    assert f"{successor.mention} now leads this initiative" in shown(handed)
    guild = server.discord_guild()
    assert guild.get_channel(channel.id).permissions_for(guild.get_member(successor.id)).pin_messages
    pinned = channel.pinned_messages()[0].content
    assert f"Lead: {successor.mention}" in pinned and "<@-" not in pinned
    assert await initiative_tables_holding(lead.id) == set()
