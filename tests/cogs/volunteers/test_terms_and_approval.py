"""Coordinator approval, terms that end or are renewed, and panels across restarts."""

from datetime import timedelta

from gromada import guild_config
from gromada.bot import create_bot
from models.core import BindingKind, GuildBinding, Timer
from models.volunteers import (
    ApprovalRequest,
    RequestStatus,
    SeatStatus,
    VolunteerRole,
    VolunteerSeat,
    VolunteerTerm,
)
from tests.cogs.volunteers.helpers import create_role, holders, panel_message
from tests.helpers import quickstarted, refusal, shown


def staff_log(server):
    return server.guild.channels["mod-log"]


async def requested(server, role: str):
    """The member claims `role`, which needs a coordinator's approval: the request in the staff log."""
    await create_role(server, role, 1, approval="coordinator")
    await server.member.slash(server.general, "volunteer claim", role=role)
    return staff_log(server).last_message


async def test_coordinator_approves_a_request(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Keeper", 1, approval="coordinator")

    asked = await server.member.slash(server.general, "volunteer claim", role="Keeper")

    assert "went to the coordinators" in shown(asked)
    assert holders(server, "Keeper") == set()
    request_message = staff_log(server).last_message
    assert "asks to become **Keeper**" in request_message.content
    stored = await ApprovalRequest.get(user_id=server.member.id)
    assert (stored.channel_id, stored.message_id) == (staff_log(server).id, request_message.id)
    moderator = server.add_member("mod", await server.role_for("moderator"))
    await simcord_env.settle()

    approved = await moderator.click(request_message, label="Approve")

    assert "approved by" in shown(approved)
    assert holders(server, "Keeper") == {server.member.id}
    assert "was approved" in server.member.user.dm_channel.last_message.content
    assert (await ApprovalRequest.get(user_id=server.member.id)).status == RequestStatus.APPROVED


async def test_non_coordinator_cannot_approve_and_decline_tells_the_member(simcord_env):
    server = await quickstarted(simcord_env)
    request_message = await requested(server, "Auditor")
    moderator = server.add_member("mod", await server.role_for("moderator"))
    outsider = server.add_member("nosy")
    await simcord_env.settle()
    # Someone who can read the staff log but is no moderator may not decide.
    guild = server.guild.me.guild
    log_channel = guild.get_channel(staff_log(server).id)
    await log_channel.set_permissions(guild.get_member(outsider.id), view_channel=True, read_message_history=True)
    await simcord_env.settle()

    refused = await outsider.click(request_message, label="Approve")
    assert "Only moderators" in refusal(simcord_env, refused)

    declined = await moderator.click(request_message, label="Decline")
    assert "declined by" in shown(declined)
    assert "was declined" in server.member.user.dm_channel.last_message.content
    assert holders(server, "Auditor") == set()


async def test_a_member_who_left_with_a_request_waiting_can_ask_again_on_return(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Keeper", 1, approval="coordinator")
    await server.member.slash(server.general, "volunteer claim", role="Keeper")

    request_message = staff_log(server).last_message
    left_at = simcord_env.now()
    server.guild.remove_member(server.member)
    await simcord_env.settle()
    closed = await ApprovalRequest.get(user_id=server.member.id)
    assert closed.status == RequestStatus.DECLINED and left_at <= closed.decided_at <= simcord_env.now()
    # The staff log says so, and nothing is left to approve there.
    request_message = next(m for m in staff_log(server).history() if m.id == request_message.id)
    assert request_message.content == (
        f"<@{server.member.id}> asked to become **Keeper**: closed, they left the server."
    )
    assert not request_message.components
    back = server.guild.add_member(server.member.user)
    await simcord_env.settle()
    asked = await back.slash(server.general, "volunteer claim", role="Keeper")

    assert shown(asked) == (
        "Your request to become **Keeper** went to the coordinators. I will write to you when they decide."
    )
    requests = await ApprovalRequest.filter(user_id=back.id).order_by("id")
    assert [request.status for request in requests] == [RequestStatus.DECLINED, RequestStatus.PENDING]


async def test_approving_the_request_of_someone_since_forgotten_says_it_is_gone(simcord_env):
    server = await quickstarted(simcord_env)
    request_message = await requested(server, "Keeper")
    moderator = server.add_member("mod", await server.role_for("moderator"))
    await simcord_env.settle()
    preview = await server.member.slash(server.general, "privacy forget")
    await server.member.click(preview.response, label="Forget me")

    late = await moderator.click(request_message, label="Approve")

    assert refusal(simcord_env, late) == "That request no longer exists."
    assert holders(server, "Keeper") == set()


async def test_term_ends_unless_renewed(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Steward", 1, term_days=30)
    renewer = server.add_member("hania")
    await simcord_env.settle()
    await renewer.slash(server.general, "volunteer claim", role="Steward")
    await server.member.slash(server.general, "volunteer claim", role="Steward")

    await simcord_env.advance_time(timedelta(days=23, hours=1).total_seconds())
    prompt = renewer.user.dm_channel.last_message
    assert "Press Renew" in prompt.content
    renewed = await renewer.user.click(prompt, label="Renew")
    assert "Renewed" in shown(renewed)

    await simcord_env.advance_time(timedelta(days=8).total_seconds())
    assert holders(server, "Steward") == {renewer.id}

    # The second term is not renewed: the seat is released and offered to the waitlist.
    await simcord_env.advance_time(timedelta(days=29, hours=1).total_seconds())
    assert holders(server, "Steward") == set()
    assert "has ended" in renewer.user.dm_channel.last_message.content
    assert "Accept it within 48 hours" in server.member.user.dm_channel.last_message.content
    term = await VolunteerTerm.get(user_id=renewer.id)
    assert (term.terms, term.reason) == (2, "term_ended")


async def test_panel_buttons_work_after_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await create_role(server, "Librarian", 2)
    await simcord_env.advance_time(5)
    role = await VolunteerRole.get(name="Librarian")

    await simcord_env.restart_bot(create_bot(settings))

    card = await server.member.select(
        panel_message(server), [str(role.pk)], custom_id=f"volunteers:pick:{server.guild.id}"
    )
    claimed = await server.member.click(card.followups[-1], label="Take a seat")
    assert "You are now **Librarian**" in shown(claimed)
    assert holders(server, "Librarian") == {server.member.id}
    await simcord_env.advance_time(5)
    field = next(f for f in panel_message(server).embeds[0].fields if f.name.startswith("Librarian"))
    assert "1/2" in field.name
    released = await server.member.click(card.followups[-1], label="Step down")
    assert "You stepped down" in shown(released)
    assert not await VolunteerSeat.exists(role_id=role.pk)


async def test_term_end_retries_when_discord_refuses_to_take_the_role(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Scribe", 1, term_days=10)
    await server.member.slash(server.general, "volunteer claim", role="Scribe")
    simcord_env.inject_error("DELETE", "/guilds/*/members/*/roles/*", status=500)

    await simcord_env.advance_time(timedelta(days=10, seconds=1).total_seconds())
    # Discord refused: the seat and the role both stay, nothing disagrees.
    assert holders(server, "Scribe") == {server.member.id}
    assert await VolunteerSeat.exists(user_id=server.member.id)

    await simcord_env.advance_time(120)  # the deadline is retried a minute later
    assert holders(server, "Scribe") == set()
    assert not await VolunteerSeat.exists(user_id=server.member.id)
    assert "has ended" in server.member.user.dm_channel.last_message.content


async def test_an_approved_request_for_a_full_role_joins_the_waitlist(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Treasurer deputy", 1, approval="coordinator")
    later = server.add_member("ula")
    moderator = server.add_member("mod", await server.role_for("moderator"))
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Treasurer deputy")
    await moderator.click(staff_log(server).last_message, label="Approve")

    await later.slash(server.general, "volunteer claim", role="Treasurer deputy")
    twice = await later.slash(server.general, "volunteer claim", role="Treasurer deputy")
    await moderator.click(staff_log(server).last_message, label="Approve")

    assert "already waiting for a coordinator" in refusal(simcord_env, twice)
    assert "number 1 on the waitlist" in later.user.dm_channel.last_message.content
    assert holders(server, "Treasurer deputy") == {server.member.id}


async def test_a_request_the_staff_log_refuses_is_not_kept(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Archivist", 1, approval="coordinator")
    simcord_env.inject_error("POST", f"/channels/{staff_log(server).id}/messages", status=403, code=50013)

    refused = await server.member.slash(server.general, "volunteer claim", role="Archivist")

    assert "could not reach the coordinators" in refusal(simcord_env, refused)
    assert not await ApprovalRequest.exists(user_id=server.member.id)
    assert holders(server, "Archivist") == set()


async def test_a_request_without_a_staff_log_is_refused_and_not_kept(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Gardener", 1, approval="coordinator")
    await GuildBinding.filter(guild_id=server.guild.id, kind=BindingKind.CHANNEL, purpose="mod_log").delete()
    guild_config.forget(server.guild.id)  # written behind the bot's back: it reads the rows again

    refused = await server.member.slash(server.general, "volunteer claim", role="Gardener")

    assert "staff log, which is not set up" in refusal(simcord_env, refused)
    assert not await ApprovalRequest.exists(user_id=server.member.id)


async def test_a_term_and_an_offer_whose_deadlines_were_lost_still_end_after_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await create_role(server, "Warden", 1, term_days=30)
    holder, waiting, next_in_line = server.add_member("ola"), server.add_member("piotr"), server.add_member("rysiek")
    await simcord_env.settle()
    for person in (holder, waiting, next_in_line):
        await person.slash(server.general, "volunteer claim", role="Warden")
    await holder.slash(server.general, "volunteer release", role="Warden")
    await holder.slash(server.general, "volunteer claim", role="Warden")  # back on the waitlist
    offer = await VolunteerSeat.get(user_id=waiting.id)
    assert offer.status == SeatStatus.OFFERED
    # The bot stopped between storing the offer and writing its deadline.
    await Timer.filter(ref_id=offer.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(49 * 3600)

    assert "passed to the next person" in waiting.user.dm_channel.last_message.content
    accepted = await next_in_line.user.click(next_in_line.user.dm_channel.last_message, label="Accept")
    assert "you are now **Warden**" in shown(accepted)
    seat = await VolunteerSeat.get(user_id=next_in_line.id, status=SeatStatus.ACTIVE)
    # Again the bot stopped, now between the seat and its term's deadlines.
    await Timer.filter(ref_id=seat.pk).delete()

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(days=30, hours=1).total_seconds())

    assert next_in_line.id not in holders(server, "Warden")
    assert not await VolunteerSeat.filter(user_id=next_in_line.id, status=SeatStatus.ACTIVE).exists()


async def test_a_request_decided_while_its_member_leaves_keeps_the_decision_in_the_staff_log(simcord_env, monkeypatch):
    import cogs.volunteers.service as volunteers

    server = await quickstarted(simcord_env)
    request_message = await requested(server, "Keeper")
    request = await ApprovalRequest.get(user_id=server.member.id)
    forget_member = volunteers.forget_member

    async def decided_first(guild_id, user_id, now):
        # A coordinator's Decline lands between the leave reading the requests and closing them.
        await volunteers.decide_request(request, approve=False, coordinator_id=server.admin.id, now=now)
        return await forget_member(guild_id, user_id, now)

    monkeypatch.setattr(volunteers, "forget_member", decided_first)
    server.guild.remove_member(server.member)
    await simcord_env.settle()

    stored = await ApprovalRequest.get(id=request.pk)
    assert (stored.status, stored.decided_by) == (RequestStatus.DECLINED, server.admin.id)
    message = next(m for m in staff_log(server).history() if m.id == request_message.id)
    assert "left the server" not in message.content
