"""Quickstart's catalogue and panel, coalesced panel edits, roster, thanks and certificates."""

import io

from PIL import Image, ImageChops

from cogs.volunteers import certificate
from cogs.volunteers import cog as volunteers_cog
from gromada import guild_config
from gromada.bot import create_bot
from models.core import BindingKind, Timer
from models.volunteers import SeatStatus, Thanks, VolunteerPanel, VolunteerRole, VolunteerSeat
from tests.cogs.volunteers.helpers import create_role, holders, panel_message
from tests.helpers import quickstarted, refusal, shown, speaking


async def test_quickstart_links_the_catalogue_and_posts_one_panel(simcord_env):
    server = await quickstarted(simcord_env)
    buddy_role = server.guild.roles["Buddy"]
    buddy = server.add_member("basia", buddy_role)
    await simcord_env.settle()

    again = await server.admin.slash(server.general, "setup quickstart")

    assert "volunteer panel in #volunteers" in shown(again)
    roles = {role.key: role for role in await VolunteerRole.filter(guild_id=server.guild.id)}
    assert set(roles) == {
        "order_coordinator",
        "treasurer",
        "logistics",
        "supplier_contact",
        "communications",
        "onboarding_buddy",
        "mediator",
    }
    assert roles["onboarding_buddy"].discord_role_id == buddy_role.id
    assert roles["treasurer"].discord_role_id == server.role("Treasurer").id
    # The buddy who already had the role holds a seat, so roster and Discord agree.
    assert await VolunteerSeat.exists(role_id=roles["onboarding_buddy"].pk, user_id=buddy.id)
    assert await VolunteerPanel.filter(guild_id=server.guild.id).count() == 1
    field_names = [f.name for f in panel_message(server).embeds[0].fields]
    assert any(name.startswith("Onboarding buddy · 1/10") for name in field_names)


async def test_a_burst_of_claims_edits_the_panel_far_fewer_times(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Helper", 30)
    await simcord_env.advance_time(5)
    people = [server.add_member(f"p{n}") for n in range(12)]
    await simcord_env.settle()
    panel_id = panel_message(server).id
    before = len(simcord_env.http_requests)

    for person in people:
        await person.slash(server.general, "volunteer claim", role="Helper")
    for person in people[:6]:
        await person.slash(server.general, "volunteer release", role="Helper")
    await simcord_env.advance_time(10)

    edits = [r for r in simcord_env.http_requests[before:] if r.method == "PATCH" and str(panel_id) in r.path]
    assert 1 <= len(edits) <= 3, f"{len(edits)} edits for 18 changes"
    field = next(f for f in panel_message(server).embeds[0].fields if f.name.startswith("Helper"))
    assert "6/30" in field.name
    assert len(holders(server, "Helper")) == 6


async def test_roster_and_mine(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Florist", 1, term_days=60)
    waiting = server.add_member("zosia")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Florist")
    await waiting.slash(server.general, "volunteer claim", role="Florist")

    roster = shown(await server.admin.slash(server.general, "volunteer roster"))
    mine = shown(await server.member.slash(server.general, "volunteer mine"))
    queued = shown(await waiting.slash(server.general, "volunteer mine"))

    assert f"<@{server.member.id}> since" in roster and "1 on the waitlist" in roster
    assert "**Florist** since" in mine
    assert "number 1 on the waitlist" in queued


async def test_thanks_is_public_and_recorded(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(server.general, "thanks", member=server.member, message="for fixing the fridge")
    own = await server.admin.slash(server.general, "thanks", member=server.admin, message="me")

    assert not result.ephemeral
    assert f"<@{server.member.id}>" in shown(result) and "for fixing the fridge" in shown(result)
    # Only the thanked person is pinged (not the author, nobody else).
    sent = next(r.json for r in simcord_env.http_requests if "for fixing the fridge" in str(r.json))
    allowed = sent["data"]["allowed_mentions"]
    assert [int(user) for user in allowed["users"]] == [server.member.id] and not allowed.get("parse")
    assert "thanking yourself" in refusal(simcord_env, own)
    assert await Thanks.filter(to_user_id=server.member.id).count() == 1


def ink_in(png: bytes, box) -> int:
    """How many pixels in `box` differ from the certificate's background."""
    region = Image.open(io.BytesIO(png)).convert("RGB").crop(box)
    blank = Image.new("RGB", region.size, certificate.BACKGROUND)
    changed = ImageChops.difference(region, blank).convert("L").point(lambda value: 255 if value else 0)
    return changed.histogram()[255]


async def test_certificate_is_a_png_with_the_name_drawn(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Archivist", 1)
    await server.member.slash(server.general, "volunteer claim", role="Archivist")
    await server.admin.slash(server.general, "thanks", member=server.member, message="for the archive")

    result = await server.admin.slash(server.general, "volunteer certificate", member=server.member)

    message = result.followups[-1] if result.followups else result.response
    attachment = message.attachments[0]
    assert attachment.filename == "certificate.png"
    png = await attachment.read()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == certificate.SIZE
    # The same certificate without the name leaves the name's area blank.
    facts = certificate.CertificateText("Certificate of appreciation", "presented with gratitude to", "", ["x"], "")
    assert ink_in(certificate.render(facts), certificate.NAME_BOX) == 0
    assert ink_in(png, certificate.NAME_BOX) > 500


def test_certificate_draws_polish_and_cyrillic_names():
    text = certificate.CertificateText(
        "Podziękowanie", "dla", "Żaneta Щукина", ["Skarbnik: 2026-01-01 – 2026-06-01"], ""
    )
    blank = certificate.CertificateText("Podziękowanie", "dla", "", [], "")
    named = ink_in(certificate.render(text), certificate.NAME_BOX)
    assert named > 1000
    assert ink_in(certificate.render(blank), certificate.NAME_BOX) == 0
    # A font without these letters draws the same empty box for each: the diacritics must show.
    for plain, accented in (("Z", "Ż"), ("L", "Ł"), ("Ш", "Щ"), ("Е", "Ё")):
        assert name_area(plain) != name_area(accented), f"{accented} is drawn like {plain}"


def name_area(name: str) -> bytes:
    text = certificate.CertificateText("", "", name, [], "")
    png = certificate.render(text)
    return Image.open(io.BytesIO(png)).convert("RGB").crop(certificate.NAME_BOX).tobytes()


async def test_panel_command_posts_once_per_channel_and_reports_a_refusal(simcord_env):
    server = await quickstarted(simcord_env)

    posted = await server.admin.slash(server.general, "volunteer panel")
    again = await server.admin.slash(server.general, "volunteer panel")
    simcord_env.inject_error("POST", f"/channels/{server.general.id}/messages", status=403, code=50013)
    await VolunteerPanel.filter(channel_id=server.general.id).delete()
    refused = await server.admin.slash(server.general, "volunteer panel")

    assert "Panel posted" in shown(posted)
    assert "up to date" in shown(again)
    assert "I cannot post in" in refusal(simcord_env, refused)
    panels = [m for m in server.general.history() if m.embeds and m.embeds[0].title == "Volunteer roles"]
    assert len(panels) == 1


async def test_roster_mine_and_certificate_name_the_month(simcord_env, monkeypatch):
    # "since 01/01/2026, until 04/01/2026" reads as January or April depending on the reader.
    server = await quickstarted(simcord_env)
    await create_role(server, "Florist", 1, term_days=90)
    await server.member.slash(server.general, "volunteer claim", role="Florist")
    seat = await VolunteerSeat.get(user_id=server.member.id)
    start, end = int(seat.started_at.timestamp()), int(seat.term_ends_at.timestamp())
    drawn = []
    monkeypatch.setattr(volunteers_cog, "render", lambda text: drawn.append(text) or certificate.render(text))

    with speaking(monkeypatch, server.member, "pl"):
        roster = shown(await server.member.slash(server.general, "volunteer roster"))
        mine = shown(await server.member.slash(server.general, "volunteer mine"))
        await server.member.slash(server.general, "volunteer certificate", member=server.member)

    assert f"<@{server.member.id}> od <t:{start}:D>, do <t:{end}:D>" in roster
    assert f"**Florist** od <t:{start}:D>, do <t:{end}:D>" in mine
    [text] = drawn
    assert text.lines[0] == "Florist: od 1 stycznia 2026 (1 kadencja)"
    assert text.footer == "Spółdzielnia Gromada · 1 stycznia 2026"


async def test_an_offer_in_the_roster_says_the_day_and_the_hour_it_runs_out(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Florist", 1)
    waiting = server.add_member("zosia")
    await simcord_env.settle()
    await server.member.slash(server.general, "volunteer claim", role="Florist")
    await waiting.slash(server.general, "volunteer claim", role="Florist")
    await server.member.slash(server.general, "volunteer release", role="Florist")

    roster = shown(await server.admin.slash(server.general, "volunteer roster"))

    offer = await VolunteerSeat.get(user_id=waiting.id)
    assert f"<@{waiting.id}>: offered, until <t:{int(offer.offer_expires_at.timestamp())}:f>" in roster


async def test_whoever_acts_as_a_buddy_holds_the_onboarding_buddy_role(simcord_env, monkeypatch):
    # The volunteer role Onboarding buddy and the server's Buddy role are one thing: holding
    # either is holding both, however the role came (here: with a join, as the demo seeds it).
    server = await quickstarted(simcord_env, "pl")
    buddy_role = await server.role_for("buddy")
    basia = server.add_member("basia", buddy_role)
    await simcord_env.settle()

    with speaking(monkeypatch, server.admin, "pl"):
        roster = shown(await server.admin.slash(server.general, "volunteer roster"))

    onboarding = await VolunteerRole.get(guild_id=server.guild.id, key="onboarding_buddy")
    assert f"**{onboarding.name}** · 1/10" in roster and f"<@{basia.id}> od" in roster
    claimer = server.add_member("celina")
    await simcord_env.settle()
    await claimer.slash(server.general, "volunteer claim", role=onboarding.name)
    available = await claimer.slash(server.general, "buddy available", state="on")
    assert "You are available as a buddy" in shown(available)
    assert onboarding.purpose == "buddy" and onboarding.discord_role_id == buddy_role.id


async def test_the_onboarding_buddy_role_follows_the_buddy_role_setup_binds(simcord_env):
    server = await quickstarted(simcord_env)
    helpers = server.guild.create_role("Helpers")
    helper = server.add_member("hania", helpers)
    seated = server.add_member("iga")
    await simcord_env.settle()
    await seated.slash(server.general, "volunteer claim", role="Onboarding buddy")

    await server.admin.slash(server.general, "setup role", purpose="buddy", role=helpers)
    await simcord_env.settle()
    roster = shown(await server.admin.slash(server.general, "volunteer roster"))

    onboarding = await VolunteerRole.get(guild_id=server.guild.id, key="onboarding_buddy")
    assert onboarding.discord_role_id == helpers.id
    assert "**Onboarding buddy** · 2/10" in roster
    assert f"<@{helper.id}> since" in roster and f"<@{seated.id}> since" in roster
    # The seated volunteer now holds the server's buddy role, and only that one.
    member = server.discord_member(seated)
    assert helpers.id in {role.id for role in member.roles} and server.role("Buddy") not in member.roles


async def test_editing_the_onboarding_buddy_role_moves_the_servers_buddy_role_with_it(simcord_env):
    server = await quickstarted(simcord_env)
    helpers = server.guild.create_role("Helpers")
    await simcord_env.settle()

    await server.admin.slash(
        server.general,
        "volunteer role edit",
        role="Onboarding buddy",
        discord_role=helpers,
    )

    assert await guild_config.binding(server.guild.id, BindingKind.ROLE, "buddy") == helpers.id


async def test_the_roster_says_who_has_the_role_without_a_seat(simcord_env):
    server = await quickstarted(simcord_env)
    await create_role(server, "Gardener", 1)
    gardener = server.role("Gardener")
    first = server.add_member("jan")
    second = server.add_member("kasia")
    await simcord_env.settle()
    for person in (first, second):
        await server.discord_member(person).add_roles(gardener)
    await simcord_env.settle()

    roster = shown(await server.admin.slash(server.general, "volunteer roster"))

    assert "**Gardener** · 1/1" in roster
    assert f"- 1 more person has the role <@&{gardener.id}> but no seat: every seat is taken" in roster


async def test_the_roster_only_reads_and_the_next_start_seats_a_holder_left_without_one(simcord_env, settings):
    server = await quickstarted(simcord_env)
    await create_role(server, "Gardener", 1)
    gardener = server.role("Gardener")
    first = server.add_member("jan")
    second = server.add_member("kasia")
    await simcord_env.settle()
    # One after the other: given together, the two seat claims race on PostgreSQL and either may win.
    for person in (first, second):
        await server.discord_member(person).add_roles(gardener)
        await simcord_env.settle()
    # The seat frees with nobody waiting: Kasia has the role, and now a seat is free.
    await first.slash(server.general, "volunteer release", role="Gardener")
    await simcord_env.settle()
    seats_before = await VolunteerSeat.all().order_by("id").values()
    timers_before = await Timer.all().order_by("id").values()

    roster = shown(await server.admin.slash(server.general, "volunteer roster"))

    assert await VolunteerSeat.all().order_by("id").values() == seats_before
    assert await Timer.all().order_by("id").values() == timers_before
    assert "**Gardener** · 0/1" in roster
    assert f"- 1 more person has the role <@&{gardener.id}> but no seat yet" in roster
    # Catching up with Discord is the start's job: then Kasia gets the free seat.
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.settle()
    role = await VolunteerRole.get(guild_id=server.guild.id, name="Gardener")
    seated = await VolunteerSeat.filter(role_id=role.pk, status=SeatStatus.ACTIVE).values_list("user_id", flat=True)
    assert seated == [second.id]
