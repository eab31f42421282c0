"""Claiming seats through the panel: seats fill, then the waitlist; stepping down offers the seat."""

from gromada.bot import create_bot
from models.volunteers import SeatStatus, VolunteerRole, VolunteerSeat, WaitlistEntry
from tests.cogs.volunteers.helpers import create_role, holders, panel_message
from tests.helpers import quickstarted, refusal, shown, speaking


async def pick(actor, server, name):
    """Choose a role in the panel's menu; returns the role and the ephemeral card shown."""
    role = await VolunteerRole.get(guild_id=server.guild.id, name=name)
    panel = panel_message(server)
    result = await actor.select(panel, [str(role.pk)], custom_id=f"volunteers:pick:{server.guild.id}")
    # The panel is answered with an update (which clears the choice in the menu, so the same
    # role can be picked again) and left as it was; the card comes as an ephemeral follow-up.
    assert result.response.id == panel.id
    assert panel_message(server).embeds == panel.embeds
    card = result.followups[-1]
    assert card.ephemeral
    return role, card


async def test_claim_until_full_then_waitlist(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Gardener", 2, description="Looks after the plants")
    await simcord_env.advance_time(5)
    people = [server.add_member(name) for name in ("ola", "piotr", "rysia")]
    await simcord_env.settle()

    replies = []
    for person in people:
        role, card = await pick(person, server, "Gardener")
        assert "Looks after the plants" in card.content
        replies.append(shown(await person.click(card, custom_id=f"volunteers:claim:{role.pk}")))

    assert "You are now **Gardener**" in replies[0] and "You are now **Gardener**" in replies[1]
    assert "waitlist" in replies[2] and "number 1" in replies[2]
    assert holders(server, "Gardener") == {people[0].id, people[1].id}
    assert await VolunteerSeat.filter(role_id=role.pk, status=SeatStatus.ACTIVE).count() == 2
    assert await WaitlistEntry.filter(role_id=role.pk, user_id=people[2].id).exists()
    await simcord_env.advance_time(5)
    field = next(f for f in panel_message(server).embeds[0].fields if f.name.startswith("Gardener"))
    assert "2/2" in field.name and "1 waiting" in field.name


async def test_release_offers_the_seat_and_an_unanswered_offer_passes_on(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Driver", 1)
    holder, first, second = (server.add_member(name) for name in ("tola", "uma", "wit"))
    await simcord_env.settle()
    role = await VolunteerRole.get(name="Driver")
    for person in (holder, first, second):
        await person.slash(server.general, "volunteer claim", role="Driver")

    result = await holder.slash(server.general, "volunteer release", role="Driver")

    assert "You stepped down" in shown(result)
    assert holders(server, "Driver") == set()
    offer = first.user.dm_channel.last_message
    assert "Accept it within 48 hours" in offer.content
    seat = await VolunteerSeat.get(role_id=role.pk)
    assert (seat.user_id, seat.status) == (first.id, SeatStatus.OFFERED)
    # Nobody else can take the reserved seat meanwhile.
    late = server.add_member("xena")
    await simcord_env.settle()
    assert "waitlist" in shown(await late.slash(server.general, "volunteer claim", role="Driver"))

    await simcord_env.advance_time(48 * 3600 + 60)

    assert "passed to the next person" in first.user.dm_channel.last_message.content
    seat = await VolunteerSeat.get(role_id=role.pk)
    assert (seat.user_id, seat.status) == (second.id, SeatStatus.OFFERED)
    accepted = await second.user.click(second.user.dm_channel.last_message, label="Accept")
    assert "you are now **Driver**" in shown(accepted)
    assert holders(server, "Driver") == {second.id}
    assert (await VolunteerSeat.get(role_id=role.pk)).status == SeatStatus.ACTIVE
    # The expired offer's button no longer does anything.
    stale = await first.user.click(first.user.dm_channel.history()[-2], label="Accept")
    assert "no longer open" in refusal(simcord_env, stale)


async def test_someone_waiting_who_leaves_the_server_is_not_offered_the_seat(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Porter", 1)
    holder, leaver, next_in_line = (server.add_member(name) for name in ("ewa", "filip", "gosia"))
    await simcord_env.settle()
    for person in (holder, leaver, next_in_line):
        await person.slash(server.general, "volunteer claim", role="Porter")

    server.guild.remove_member(leaver)
    await simcord_env.advance_time(5)
    field = next(f for f in panel_message(server).embeds[0].fields if f.name.startswith("Porter"))
    assert "1 waiting" in field.name
    await holder.slash(server.general, "volunteer release", role="Porter")

    assert "Accept it within 48 hours" in next_in_line.user.dm_channel.last_message.content
    assert (await VolunteerSeat.get(status=SeatStatus.OFFERED)).user_id == next_in_line.id
    assert not await WaitlistEntry.exists(user_id=leaver.id)


async def test_a_card_of_a_role_deleted_meanwhile_says_so(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Florist", 2)
    await simcord_env.advance_time(5)
    role, card = await pick(server.member, server, "Florist")
    await server.admin.slash(server.general, "volunteer role delete", role="Florist")

    late = await server.member.click(card, custom_id=f"volunteers:claim:{role.pk}")

    assert refusal(simcord_env, late) == "That volunteer role no longer exists."
    assert not await VolunteerSeat.exists(user_id=server.member.id)


async def test_declining_an_offer_passes_it_on(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Cook", 1)
    holder, first, second = (server.add_member(name) for name in ("ada", "bea", "cyd"))
    await simcord_env.settle()
    for person in (holder, first, second):
        await person.slash(server.general, "volunteer claim", role="Cook")
    await holder.slash(server.general, "volunteer release", role="Cook")

    declined = await first.user.click(first.user.dm_channel.last_message, label="Decline")

    assert "You declined" in shown(declined)
    assert "Accept it within 48 hours" in second.user.dm_channel.last_message.content


async def test_prerequisite_is_required(simcord_env):
    server = await quickstarted(simcord_env)
    trained = server.guild.create_role("First aid")
    await simcord_env.settle()
    await create_role(server, "Medic", 2, prerequisite=trained)
    plain = server.add_member("dora")
    qualified = server.add_member("emil", trained)
    await simcord_env.settle()

    refused = await plain.slash(server.general, "volunteer claim", role="Medic")
    granted = await qualified.slash(server.general, "volunteer claim", role="Medic")

    assert "you first need the role" in refusal(simcord_env, refused)
    assert "You are now **Medic**" in shown(granted)
    assert holders(server, "Medic") == {qualified.id}


async def test_claiming_twice_and_releasing_what_you_do_not_hold_are_refused(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Baker", 3)
    await server.member.slash(server.general, "volunteer claim", role="Baker")

    twice = await server.member.slash(server.general, "volunteer claim", role="Baker")
    assert "already hold" in refusal(simcord_env, twice)
    nothing = await server.admin.slash(server.general, "volunteer release", role="Baker")
    assert "do not hold" in refusal(simcord_env, nothing)
    unknown = await server.member.slash(server.general, "volunteer claim", role="Astronaut")
    assert "no volunteer role called" in refusal(simcord_env, unknown)


async def test_failed_role_grant_rolls_the_seat_back(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Porter", 1)
    simcord_env.inject_error("PUT", "/guilds/*/members/*/roles/*", status=500)

    failed = await server.member.slash(server.general, "volunteer claim", role="Porter")

    assert "Nothing was changed" in refusal(simcord_env, failed)
    assert not await VolunteerSeat.exists(user_id=server.member.id)
    retried = await server.member.slash(server.general, "volunteer claim", role="Porter")
    assert "You are now **Porter**" in shown(retried)
    assert holders(server, "Porter") == {server.member.id}


async def test_only_admins_manage_the_catalogue(simcord_env):
    server = await quickstarted(simcord_env)
    await server.open_command_to("volunteer", server.member)

    result = await server.member.slash(server.general, "volunteer role create", name="Boss", seats=1)

    assert "Manage Server" in refusal(simcord_env, result)
    assert not await VolunteerRole.exists(name="Boss")


async def test_closed_dms_pass_the_offer_on(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Sorter", 1)
    closed, open_ = server.add_member("olek"), server.add_member("pola")
    await simcord_env.settle()
    for person in (server.member, closed, open_):
        await person.slash(server.general, "volunteer claim", role="Sorter")
    closed_dm = closed.user.dm_channel.id if closed.user.dm_channel else None
    simcord_env.inject_error("POST", f"/channels/{closed_dm or '*'}/messages", status=403, code=50007)

    await server.member.slash(server.general, "volunteer release", role="Sorter")

    seat = await VolunteerSeat.get(role__name="Sorter")
    assert (seat.user_id, seat.status) == (open_.id, SeatStatus.OFFERED)
    assert "Accept it within 48 hours" in open_.user.dm_channel.last_message.content
    assert not any("Accept it" in m.content for m in closed.user.dm_channel.history())
    assert not await WaitlistEntry.exists(user_id=closed.id)


async def test_an_offer_survives_a_restart_and_still_expires(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await create_role(server, "Clerk", 1)
    first, second = server.add_member("rafal"), server.add_member("sara")
    await simcord_env.settle()
    for person in (server.member, first, second):
        await person.slash(server.general, "volunteer claim", role="Clerk")
    await server.member.slash(server.general, "volunteer release", role="Clerk")

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(49 * 3600)

    assert "passed to the next person" in first.user.dm_channel.last_message.content
    offer = second.user.dm_channel.last_message
    accepted = await second.user.click(offer, label="Accept")
    assert "you are now **Clerk**" in shown(accepted)
    assert holders(server, "Clerk") == {second.id}


async def test_a_polish_member_is_answered_in_polish(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    await create_role(server, "Kucharz", 1)
    other = server.add_member("tomek")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Kucharz")

    with speaking(monkeypatch, other, "pl"):
        result = await other.slash(server.general, "volunteer claim", role="Kucharz")

    assert "liście oczekujących" in shown(result)


async def test_the_role_option_offers_every_role_before_anything_is_typed(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env, "pl")
    names = [role.name for role in await VolunteerRole.filter(guild_id=server.guild.id).order_by("id")]

    with speaking(monkeypatch, server.member, "pl"):
        offered = await server.member.autocomplete(server.general, "volunteer claim", "role", "")
        typed = await server.member.autocomplete(server.general, "volunteer claim", "role", "skar")

    assert [choice["name"] for choice in offered] == names and len(names) == 7
    assert [choice["value"] for choice in typed] == ["Skarbnik"]
