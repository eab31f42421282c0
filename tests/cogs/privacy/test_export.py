"""/privacy export: everything about the member, by DM, as a file and a readable summary."""

from gromada import guild_config
from tests.cogs.mediation.helpers import mediation_server
from tests.cogs.privacy.helpers import closed_ticket, exported_file, mark_paid, purchase_with_orders
from tests.helpers import shown


async def test_export_sends_each_features_data_by_dm(simcord_env):
    server = await mediation_server(simcord_env)
    member, other = server.requester, server.other_party
    ticket = await closed_ticket(server)
    paid = await purchase_with_orders(server, "Apples", {member.id: "2", other.id: "3"})
    await mark_paid(server, paid, member.id)

    result = await member.slash(server.general, "privacy export")

    assert result.ephemeral
    assert "by direct message" in shown(result)
    text, data = await exported_file(member)
    # One purchase, though its order line, its bill and the payment on it are three rows.
    assert "Mediation: 1 record" in text and "Joint purchases: 1 record" in text
    assert data["user_id"] == str(member.id)
    features = data["features"]
    [exported_ticket] = features["mediation"]["mediation_ticket"]
    assert exported_ticket["id"] == ticket.pk
    assert exported_ticket["what_happened"] == "We argue about the garden shifts."
    assert f"({member.id})" in exported_ticket["transcript"]
    [bill] = features["purchases"]["purchase_bill"]
    assert bill["user_id"] == str(member.id) and bill["paid_at"] is not None
    assert bill["purchase"]["title"] == "Apples"
    [payment] = features["purchases"]["purchase_payment"]
    assert payment["amount"] == bill["total"] and payment["kind"] == "payment"
    [line] = features["purchases"]["purchase_order_line"]
    assert line["quantity"] == "2.000" and line["item"]["name"] == "Apples"
    # Nothing of the other member's, and mediators' private notes never.
    assert "mediation_note" not in features.get("mediation", {})
    assert "mediation_note" in data["not_exported"]
    assert all(row["user_id"] == str(member.id) for row in features["purchases"]["purchase_order_line"])


async def test_a_party_sees_the_ticket_they_were_part_of_but_a_mediator_only_its_dates(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await closed_ticket(server)

    await server.other_party.slash(server.general, "privacy export")
    await server.mediators[0].slash(server.general, "privacy export")

    _, party = await exported_file(server.other_party)
    [row] = party["features"]["mediation"]["mediation_party"]
    assert row["ticket"]["id"] == ticket.pk and row["ticket"]["outcome"]
    _, mediator = await exported_file(server.mediators[0])
    [handled] = mediator["features"]["mediation"]["mediation_ticket"]
    assert set(handled) == {"id", "status", "created_at", "claimed_at", "closed_at"}


async def test_someone_who_used_nothing_gets_only_their_language(simcord_env):
    server = await mediation_server(simcord_env)

    await server.outsider.slash(server.general, "privacy export")

    text, data = await exported_file(server.outsider)
    assert "Language preference: 1 record" in text and "Mediation" not in text
    assert data["features"] == {
        "core": {
            "member_locale": [
                {
                    "user_id": str(server.outsider.id),
                    "locale": "en",
                    "updated_at": data["features"]["core"]["member_locale"][0]["updated_at"],
                }
            ]
        }
    }


async def test_a_refused_dm_is_reported_and_a_retry_works(simcord_env):
    server = await mediation_server(simcord_env)
    member = server.requester
    await purchase_with_orders(server, "Apples", {member.id: "1"})
    dm = member.user.dm_channel or await member.user.create_dm()
    simcord_env.inject_error("POST", f"/channels/{dm.id}/messages", status=403, code=50007)

    refused = await member.slash(server.general, "privacy export")

    assert refused.ephemeral and "could not send you a direct message" in shown(refused)
    retried = await member.slash(server.general, "privacy export")
    assert "by direct message" in shown(retried)
    _, data = await exported_file(member)
    assert data["features"]["purchases"]["purchase_bill"]


async def test_export_option_is_declared_and_off_by_default(simcord_env):
    server = await mediation_server(simcord_env)

    assert await guild_config.get_option(server.guild.id, "privacy_export_moderation") is False
