"""The catalogue: create, edit, delete, import, and Discord's role hierarchy."""

import discord
import pytest

from config.content import VolunteerRoleSpec
from gromada.content_import import import_sections
from gromada.errors import InvalidInput
from models.volunteers import Approval, VolunteerRole, VolunteerSeat, VolunteerTerm
from tests.cogs.volunteers.helpers import create_role, holders
from tests.helpers import quickstarted, refusal, shown


async def test_create_reuses_a_role_of_that_name_and_refuses_one_above_the_bot(simcord_env):
    server = await quickstarted(simcord_env)
    existing = server.guild.create_role("Gardener")
    await simcord_env.settle()

    created = await create_role(server, "Gardener", 2)
    assert "linked to" in shown(created)
    assert (await VolunteerRole.get(name="Gardener")).discord_role_id == existing.id

    # An admin made "Chair" by hand and dragged it above the bot's role.
    high = server.guild.create_role("Chair")
    top = server.guild.me.top_role.position
    simcord_env.backend.edit_role(server.guild.id, high.id, {"position": top + 1})
    await simcord_env.settle()
    assert server.role("Chair") > server.guild.me.top_role
    too_high = await create_role(server, "Chair", 1)
    assert "above my highest role" in refusal(simcord_env, too_high)
    assert not await VolunteerRole.exists(name="Chair")
    duplicate = await create_role(server, "gardener", 1)
    assert "already exists" in refusal(simcord_env, duplicate)


async def test_edit_more_seats_offers_them_to_the_waitlist(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Runner", 1)
    waiting = server.add_member("kuba")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Runner")
    await waiting.slash(server.general, "volunteer claim", role="Runner")

    edited = await server.admin.slash(server.general, "volunteer role edit", role="Runner", seats=2, description="Runs")

    assert "updated" in shown(edited)
    assert "Accept it within 48 hours" in waiting.user.dm_channel.last_message.content
    nothing = await server.admin.slash(server.general, "volunteer role edit", role="Runner")
    assert "Say what to change" in refusal(simcord_env, nothing)


async def test_delete_takes_the_role_back_and_keeps_the_history(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Painter", 2)
    await server.member.slash(server.general, "volunteer claim", role="Painter")

    deleted = await server.admin.slash(server.general, "volunteer role delete", role="Painter")

    assert "deleted" in shown(deleted)
    assert holders(server, "Painter") == set()
    assert not await VolunteerRole.exists(name="Painter")
    assert (await VolunteerTerm.get(user_id=server.member.id)).reason == "deleted"


async def test_delete_refused_halfway_leaves_seats_and_roles_in_step(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Glazier", 2)
    second = server.add_member("iga")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Glazier")
    await second.slash(server.general, "volunteer claim", role="Glazier")
    # Discord takes the role from the first holder, then refuses for the second.
    simcord_env.inject_error("DELETE", f"/guilds/*/members/{second.id}/roles/*", status=500)

    refused = await server.admin.slash(server.general, "volunteer role delete", role="Glazier")

    assert "not deleted yet" in refusal(simcord_env, refused)
    assert await VolunteerRole.exists(name="Glazier")
    # Whoever lost the Discord role lost the seat too; whoever kept one kept the other.
    assert holders(server, "Glazier") == {second.id}
    assert [seat.user_id for seat in await VolunteerSeat.all()] == [second.id]
    assert (await VolunteerTerm.get(user_id=server.member.id)).reason == "deleted"

    retried = await server.admin.slash(server.general, "volunteer role delete", role="Glazier")

    assert "deleted" in shown(retried)
    assert not await VolunteerRole.exists(name="Glazier")
    assert not await VolunteerSeat.exists() and holders(server, "Glazier") == set()


async def test_linking_another_discord_role_moves_the_holders_to_it(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Mason", 2)
    await server.member.slash(server.general, "volunteer claim", role="Mason")
    stonemason = server.guild.create_role("Stonemason")
    await simcord_env.settle()

    edited = await server.admin.slash(server.general, "volunteer role edit", role="Mason", discord_role=stonemason)

    assert "updated" in shown(edited)
    assert holders(server, "Stonemason") == {server.member.id} and holders(server, "Mason") == set()
    assert await VolunteerSeat.exists(user_id=server.member.id)
    # The seat now follows the new role: taking it away by hand ends the seat.
    guild = server.guild.me.guild
    await guild.get_member(server.member.id).remove_roles(guild.get_role(stonemason.id))
    await simcord_env.settle()
    assert not await VolunteerSeat.exists(user_id=server.member.id)


async def test_a_refused_move_to_another_discord_role_changes_nothing(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Mason", 2)
    second = server.add_member("iwo")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Mason")
    await second.slash(server.general, "volunteer claim", role="Mason")
    stonemason = server.guild.create_role("Stonemason")
    await simcord_env.settle()
    simcord_env.inject_error("PATCH", f"/guilds/*/members/{second.id}", status=500)

    refused = await server.admin.slash(
        server.general, "volunteer role edit", role="Mason", name="Stonemason", discord_role=stonemason
    )

    assert "Nothing was changed" in refusal(simcord_env, refused)
    assert holders(server, "Mason") == {server.member.id, second.id} and holders(server, "Stonemason") == set()
    mason = await VolunteerRole.get(guild_id=server.guild.id, discord_role_id=server.role("Mason").id)
    assert mason.name == "Mason"  # the new name is undone with the new Discord role


async def test_import_updates_the_catalogue(simcord_env):
    server = await quickstarted(simcord_env)
    specs = [
        # The treasurer sees who owes what, so a coordinator approves each volunteer for it.
        VolunteerRoleSpec(key="treasurer", name="Treasurer", seats=2, term_days=180, approval="coordinator"),
        VolunteerRoleSpec(key="tool_keeper", name="Tool keeper", seats=1, prerequisite="Member"),
    ]

    counts = await import_sections(simcord_env.bot.content_importers, server.guild.id, {"volunteer_roles": specs})
    await simcord_env.settle()

    assert counts == {"volunteer_roles": 2}
    treasurer = await VolunteerRole.get(guild_id=server.guild.id, key="treasurer")
    assert (treasurer.seats, treasurer.term_days) == (2, 180)
    keeper = await VolunteerRole.get(guild_id=server.guild.id, key="tool_keeper")
    assert keeper.discord_role_id == server.role("Tool keeper").id
    assert keeper.prerequisite_role_id == server.role("Member").id


async def test_renaming_a_role_to_another_roles_name_is_refused_whatever_its_capitals(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Runner", 1)
    await create_role(server, "Gardener", 1)

    same = await server.admin.slash(server.general, "volunteer role edit", role="Runner", name="Gardener")
    capitals = await server.admin.slash(server.general, "volunteer role edit", role="Runner", name="gardener")
    own = await server.admin.slash(server.general, "volunteer role edit", role="Runner", name="RUNNER")

    assert refusal(simcord_env, same) == "A volunteer role called “Gardener” already exists."
    assert refusal(simcord_env, capitals) == "A volunteer role called “gardener” already exists."
    assert shown(own) == "Volunteer role **RUNNER** updated."
    names = await VolunteerRole.filter(guild_id=server.guild.id).values_list("name", flat=True)
    assert sorted(name for name in names if name.casefold() in ("runner", "gardener")) == ["Gardener", "RUNNER"]


async def test_a_pack_naming_a_wrong_purpose_is_refused_whole_before_discord_changes(simcord_env):
    server = await quickstarted(simcord_env)
    kitchen = VolunteerRoleSpec(key="kitchen", name="Kitchen", seats=2)

    async def refused(spec: VolunteerRoleSpec) -> str:
        # The role without a purpose comes first: the one after it is checked all the same.
        with pytest.raises(InvalidInput) as caught:
            await import_sections(
                simcord_env.bot.content_importers, server.guild.id, {"volunteer_roles": [kitchen, spec]}
            )
        await simcord_env.settle()
        return caught.value.render("en")

    unknown = await refused(VolunteerRoleSpec(key="chefs", name="Chefs", seats=2, role_purpose="cooking"))
    never = await refused(VolunteerRoleSpec(key="greeters", name="Greeters", seats=3, role_purpose="member"))

    assert unknown == "The volunteer role Chefs names the purpose “cooking”, which is not a role purpose."
    assert never == (
        f"The volunteer role Greeters would give the server's {server.role('Member').mention} role, which people "
        "are given and never take themselves. Choose another role."
    )
    assert not await VolunteerRole.exists(key__in=["kitchen", "chefs", "greeters"])
    assert (server.role("Kitchen"), server.role("Chefs"), server.role("Greeters")) == (None, None, None)


async def test_accept_that_cannot_be_granted_stays_an_open_offer(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Host", 1)
    waiting = server.add_member("lena")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Host")
    await waiting.slash(server.general, "volunteer claim", role="Host")
    await server.member.slash(server.general, "volunteer release", role="Host")
    offer = waiting.user.dm_channel.last_message

    offered = await VolunteerSeat.get(user_id=waiting.id)
    simcord_env.inject_error("PUT", "/guilds/*/members/*/roles/*", status=500)
    failed = await waiting.user.click(offer, label="Accept")
    assert "Nothing was changed" in refusal(simcord_env, failed)
    # The offer as it was: no term started, the same deadline.
    seat = await VolunteerSeat.get(user_id=waiting.id)
    assert (seat.status, seat.started_at, seat.term_ends_at) == ("offered", None, None)
    assert seat.offer_expires_at == offered.offer_expires_at

    accepted = await waiting.user.click(offer, label="Accept")
    assert "you are now **Host**" in shown(accepted)
    assert holders(server, "Host") == {waiting.id}


async def test_a_holder_leaving_the_server_frees_the_seat(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Guide", 1)
    waiting = server.add_member("marta")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Guide")
    await waiting.slash(server.general, "volunteer claim", role="Guide")

    server.guild.remove_member(server.member)
    await simcord_env.settle()

    assert (await VolunteerTerm.get(user_id=server.member.id)).reason == "left"
    assert "Accept it within 48 hours" in waiting.user.dm_channel.last_message.content


async def test_roles_given_or_taken_by_hand_keep_the_seats_in_step(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Usher", 1, term_days=30)
    waiting = server.add_member("nina")
    await simcord_env.settle()
    guild = server.guild.me.guild
    usher = guild.get_role(server.role("Usher").id)

    # An admin gives the role in Discord's settings: the member gets the free seat.
    await guild.get_member(server.member.id).add_roles(usher)
    await simcord_env.settle()
    seat = await VolunteerSeat.get(user_id=server.member.id)
    assert seat.status == "active" and seat.term_ends_at is not None
    queued = await waiting.slash(server.general, "volunteer claim", role="Usher")
    assert "waitlist" in shown(queued)

    # And takes it away again: the seat ends and goes to the waitlist.
    await guild.get_member(server.member.id).remove_roles(usher)
    await simcord_env.settle()
    assert (await VolunteerTerm.get(user_id=server.member.id)).reason == "removed"
    assert "Accept it within 48 hours" in waiting.user.dm_channel.last_message.content


async def test_a_role_with_staff_powers_cannot_become_a_volunteer_role(simcord_env):
    server = await quickstarted(simcord_env)
    server.guild.create_role("Wardens", permissions=discord.Permissions(ban_members=True))
    await simcord_env.settle()

    powerful = await create_role(server, "Wardens", 1)
    moderator = await create_role(server, "Moderator", 1)

    assert "moderation or admin powers" in refusal(simcord_env, powerful)
    assert "moderation or admin powers" in refusal(simcord_env, moderator)
    assert not await VolunteerRole.exists(name__in=["Wardens", "Moderator"])


async def test_the_member_role_cannot_be_taken_as_a_volunteer_role(simcord_env):
    server = await quickstarted(simcord_env)

    # A newcomer who could claim it would skip onboarding.
    refused = await create_role(server, "Member", 3)

    assert refusal(simcord_env, refused) == (
        f"The volunteer role Member would give the server's {server.role('Member').mention} role, which people "
        "are given and never take themselves. Choose another role."
    )
    assert not await VolunteerRole.exists(name="Member")


async def test_the_mediator_role_always_needs_a_coordinators_approval(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Listener", 2, approval="coordinator")

    opened = await server.admin.slash(server.general, "volunteer role edit", role="Mediator", approval="auto")
    moved = await server.admin.slash(
        server.general, "volunteer role edit", role="Listener", discord_role=server.guild.roles["Mediator"]
    )
    moved_and_opened = await server.admin.slash(
        server.general,
        "volunteer role edit",
        role="Listener",
        approval="auto",
        discord_role=server.guild.roles["Mediator"],
    )

    mediator_role = server.role("Mediator").mention
    assert f"The volunteer role Mediator gives the server's {mediator_role} role" in refusal(simcord_env, opened)
    assert shown(moved) == "Volunteer role **Listener** updated."
    refused = refusal(simcord_env, moved_and_opened)
    assert f"The volunteer role Listener gives the server's {mediator_role} role" in refused
    mediator = await VolunteerRole.get(name="Mediator")
    listener = await VolunteerRole.get(name="Listener")
    assert (mediator.approval, listener.approval) == (Approval.COORDINATOR, Approval.COORDINATOR)
    assert listener.discord_role_id == server.role("Mediator").id


async def test_a_role_created_after_roles_changed_by_hand_is_followed_too(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild.me.guild
    gardeners = server.guild.create_role("Gardeners")
    await simcord_env.settle()
    # A role change the catalogue has nothing to do with: it is looked at, and ignored.
    await guild.get_member(server.member.id).add_roles(guild.get_role(gardeners.id))
    await simcord_env.settle()
    assert not await VolunteerSeat.exists(user_id=server.member.id)

    await create_role(server, "Usher", 1)
    await guild.get_member(server.member.id).add_roles(guild.get_role(server.role("Usher").id))
    await simcord_env.settle()

    assert (await VolunteerSeat.get(user_id=server.member.id)).status == "active"
