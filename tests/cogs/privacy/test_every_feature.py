"""A newcomer who used every feature: export holds each feature's data, forget leaves no trace."""

from cogs.initiatives import service as initiatives
from cogs.polls import service as polls
from cogs.purchases import service as purchases
from cogs.volunteers import service as volunteers
from gromada.cooldowns import EXPORT_WINDOW
from gromada.scheduler import now
from models.initiatives import Initiative, InitiativeMember
from models.moderation import CaseAction, ModCase
from models.onboarding import Journey
from models.polls import PollBallot
from models.volunteers import Thanks
from tests.cogs.initiatives.helpers import InitiativeServer
from tests.cogs.mediation.helpers import MediationServer, mediation_server
from tests.cogs.privacy.helpers import closed_ticket, exported_file, mark_paid, purchase_with_orders, tables_holding
from tests.helpers import quickstarted, shown, speaking, wait_out


async def busy_newcomer(server: MediationServer):
    """Ewa joins after quickstart and then takes part in everything."""
    env, other = server.env, server.other_party
    ewa = server.guild.add_member(env.create_user("ewa"))
    await env.settle()
    moment = now()
    role = (await volunteers.roles(server.guild.id))[0]
    granted = await volunteers.take_or_wait(role, ewa.id, moment)
    await volunteers.end_seat(granted.seat, role, moment, "stepped_down")
    await volunteers.thank(server.guild.id, other.id, ewa.id, "Thanks for the shed!", moment)
    await volunteers.thank(server.guild.id, ewa.id, other.id, "You saved the harvest.", moment)
    proposal = initiatives.Proposal(
        "Seed library", "seed-library", "Share seeds", f"Jars (<@{ewa.id}> has some)", "Ask"
    )
    initiative = await initiatives.create_proposal(server.guild.id, other.id, proposal, server.general.id, moment)
    await initiatives.support(initiative.pk, ewa.id, moment)
    request = polls.PollRequest(server.guild.id, server.general.id, server.admin.id, "Buy a mower?", "yes; no")
    poll = await polls.create_poll(request, [ewa.id, other.id, server.admin.id], moment)
    await polls.cast_vote(poll, ewa.id, [0], moment)
    await polls.cast_vote(poll, other.id, [1], moment)
    await closed_ticket(server, ewa)
    purchase = await purchase_with_orders(server, "Apples", {ewa.id: "2", other.id: "3"})
    await mark_paid(server, purchase, ewa.id)
    return ewa, poll, purchase


async def test_export_holds_every_features_data(simcord_env):
    server = await mediation_server(simcord_env)
    ewa, poll, _ = await busy_newcomer(server)
    await ModCase.create(
        guild_id=server.guild.id,
        number=1,
        action=CaseAction.WARN,
        target_id=ewa.id,
        moderator_id=server.admin.id,
        reason="Spoilers in #general.",
        created_at=now(),
    )

    await ewa.slash(server.general, "privacy export")

    text, data = await exported_file(ewa)
    features = data["features"]
    assert set(features) == {"core", "onboarding", "volunteers", "initiatives", "polls", "mediation", "purchases"}
    assert features["onboarding"]["onboarding_journey"][0]["user_id"] == str(ewa.id)
    assert {row["message"] for row in features["volunteers"]["volunteer_thanks"]} == {
        "Thanks for the shed!",
        "You saved the harvest.",
    }
    assert features["volunteers"]["volunteer_term"][0]["reason"] == "stepped_down"
    assert features["initiatives"]["initiative_member"][0]["initiative"]["title"] == "Seed library"
    assert features["polls"]["poll_ballot"] == [
        {**features["polls"]["poll_ballot"][0], "poll_id": poll.pk, "voter_id": str(ewa.id), "choices": [0]}
    ]
    assert "Moderation" not in text and "moderation_case" in data["not_exported"]

    await server.admin.slash(server.general, "setup option", key="privacy_export_moderation", value="on")
    await wait_out(simcord_env, EXPORT_WINDOW)
    await ewa.slash(server.general, "privacy export")
    _, shared = await exported_file(ewa)
    assert shared["features"]["moderation"]["moderation_case"][0]["reason"] == "Spoilers in #general."


async def test_forget_leaves_no_trace_and_totals_and_tallies_stay(simcord_env):
    server = await mediation_server(simcord_env)
    ewa, poll, purchase = await busy_newcomer(server)
    ledger = await purchases.ledger(server.guild.id, purchase.pk)
    tally = sorted(await PollBallot.filter(poll_id=poll.pk).values_list("choices", flat=True))
    supporters = await InitiativeMember.all().count()

    thread_id = (await Journey.get(user_id=ewa.id)).thread_id

    preview = await ewa.slash(server.general, "privacy forget")
    done = await ewa.click(preview.response, label="Forget me")

    assert "Done." in shown(done) and "Not erased yet" not in shown(done)
    assert server.guild.me.guild.get_channel_or_thread(thread_id) is None
    assert await tables_holding(ewa.id) == {}
    after = await purchases.ledger(server.guild.id, purchase.pk)
    assert (after.billed, after.paid) == (ledger.billed, ledger.paid)
    assert sorted(await PollBallot.filter(poll_id=poll.pk).values_list("choices", flat=True)) == tally
    assert await InitiativeMember.all().count() == supporters
    assert (await Initiative.get()).needs.startswith("Jars (former member #")
    # Thanks she gave stay for the person thanked; thanks she received went with her.
    assert [thanks.message for thanks in await Thanks.all()] == ["You saved the harvest."]


async def test_moderation_records_and_a_volunteer_seat_stay_and_are_explained(simcord_env):
    server = await mediation_server(simcord_env)
    member = server.requester
    role = (await volunteers.roles(server.guild.id))[0]
    await volunteers.take_or_wait(role, member.id, now())
    await ModCase.create(
        guild_id=server.guild.id,
        number=1,
        action=CaseAction.BAN,
        target_id=member.id,
        moderator_id=server.admin.id,
        reason="Harassment.",
        created_at=now(),
    )

    preview = await member.slash(server.general, "privacy forget")
    done = await member.click(preview.response, label="Forget me")

    assert "- 1 record: A moderation record about you is kept for the server's safety" in shown(done)
    assert "volunteer role: step down first" in shown(done)
    assert set(await tables_holding(member.id)) == {"moderation_case", "volunteer_seat"}


async def test_a_thread_that_cannot_be_deleted_is_reported_and_the_data_still_goes(simcord_env):
    server = await mediation_server(simcord_env)
    ewa = server.guild.add_member(simcord_env.create_user("ewa"))
    await simcord_env.settle()
    journey = await Journey.get(user_id=ewa.id)
    simcord_env.inject_error("DELETE", f"/channels/{journey.thread_id}", status=403, code=50013)

    preview = await ewa.slash(server.general, "privacy forget")
    done = await ewa.click(preview.response, label="Forget me")

    assert "could not delete a channel made for you" in shown(done)
    assert await tables_holding(ewa.id) == {}


async def test_the_summaries_count_one_initiative_and_one_poll_as_the_person_does(simcord_env, monkeypatch):
    # Leading an initiative is two rows (the proposal and its lead's membership), voting in a poll
    # two more (being eligible and the ballot): the person counts one initiative and one poll.
    server = await quickstarted(simcord_env, server_class=InitiativeServer)
    lead = server.member
    _, initiative = await server.propose(lead)
    await server.supporters[0].click(server.card(initiative), label="Support")
    await server.admin.slash(server.general, "poll create", question="Mower?", options="yes; no")
    poll_message = server.general.last_message
    await lead.click(poll_message, label="yes")

    with speaking(monkeypatch, lead, "ru"):
        preview = shown(await lead.slash(server.general, "privacy forget"))
    with speaking(monkeypatch, lead, "pl"):
        await lead.slash(server.general, "privacy export")
    text, data = await exported_file(lead)

    # One proposal still gathering support (its row and its lead's membership): one record, one reason.
    assert "- 1 запись: Ваше предложение инициативы ещё собирает поддержку" in preview
    assert len(data["features"]["initiatives"]["initiative"]) == 1
    assert len(data["features"]["initiatives"]["initiative_member"]) == 1
    assert "- Inicjatywy: 1 wpis" in text and "- Ankiety: 1 wpis" in text
