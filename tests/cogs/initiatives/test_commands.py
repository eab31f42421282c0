"""/initiative archive, reopen, update, need, list, and refusals of bad proposals."""

import asyncio
import re
from datetime import datetime

import discord
from aiohttp.test_utils import TestClient, TestServer

from cogs.initiatives import flows
from cogs.initiatives.views import PROPOSE_COOLDOWN
from gromada.errors import Conflict
from gromada.scheduler import now
from gromada.web import make_app
from models.initiatives import Initiative, InitiativeStatus, NeedHelper
from tests.cogs.initiatives.helpers import field, open_initiative
from tests.cogs.public.helpers import address_of
from tests.helpers import command_mention, refusal, shown, speaking, wait_out


async def test_lead_archives_then_reopens_the_channel(server):
    initiative, channel = await open_initiative(server)
    guild = server.discord_guild()
    lead = guild.get_member(server.member.id)

    archived = await server.member.slash(channel, "initiative archive")

    assert archived.ephemeral and "Archived." in shown(archived)
    assert "archived this initiative" in channel.last_message.content
    assert await command_mention(server.env, "initiative reopen") in channel.last_message.content
    discord_channel = guild.get_channel(channel.id)
    assert discord_channel.category.name == "Initiatives archive"
    assert discord_channel.permissions_for(lead).view_channel
    assert not discord_channel.permissions_for(lead).send_messages
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ARCHIVED
    assert field(server.card(initiative), "Status") == "archived"

    reopened = await server.member.slash(channel, "initiative reopen")

    assert "Reopened." in shown(reopened)
    assert "reopened this initiative" in channel.last_message.content
    assert discord_channel.category.name == "Initiatives"
    assert discord_channel.permissions_for(lead).send_messages
    supporter = guild.get_member(server.supporters[0].id)
    assert discord_channel.permissions_for(supporter).send_messages
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_only_the_lead_or_staff_may_archive(server):
    initiative, channel = await open_initiative(server)

    refused = await server.supporters[0].slash(channel, "initiative archive")
    assert "Only the initiative's lead" in refusal(server.env, refused)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE

    await server.admin.slash(channel, "initiative archive")  # Manage Server counts as staff
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ARCHIVED
    again = await server.admin.slash(channel, "initiative archive")
    assert "already archived" in refusal(server.env, again)


async def test_failed_move_to_the_archive_leaves_the_initiative_active(server):
    initiative, channel = await open_initiative(server)
    server.env.inject_error("PATCH", "/channels/*", status=500)

    result = await server.member.slash(channel, "initiative archive")

    assert "nothing changed" in refusal(server.env, result)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    assert server.discord_guild().get_channel(channel.id).category.name == "Initiatives"


async def test_of_two_archivings_or_reopenings_at_once_the_second_is_refused(server):
    # The lead and staff press at the same moment, after both saw the same state. SimCord runs
    # one command at a time, so the race is run at the level the command uses.
    initiative, _ = await open_initiative(server)
    bot, guild = server.env.bot, server.discord_guild()

    archive, reopen = flows.archive, flows.reopen
    archivings = await asyncio.gather(
        archive(bot, guild, initiative), archive(bot, guild, initiative), return_exceptions=True
    )
    archived = await Initiative.get(id=initiative.pk)
    reopenings = await asyncio.gather(
        reopen(bot, guild, archived), reopen(bot, guild, archived), return_exceptions=True
    )

    [late_archiving] = [outcome for outcome in archivings if isinstance(outcome, BaseException)]
    [late_reopening] = [outcome for outcome in reopenings if isinstance(outcome, BaseException)]
    assert isinstance(late_archiving, Conflict), late_archiving
    assert late_archiving.render("en") == "This initiative is already archived."
    assert isinstance(late_reopening, Conflict), late_reopening
    assert late_reopening.render("en") == "This initiative is not archived."
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_join_and_leave_change_who_can_write(server):
    _, channel = await open_initiative(server)
    newcomer = server.supporters[2]
    person = lambda: server.discord_guild().get_member(newcomer.id)  # noqa: E731
    welcome = channel.pinned_messages()[0]
    text_channel = server.discord_guild().get_channel(channel.id)
    assert not text_channel.permissions_for(person()).send_messages

    await newcomer.click(welcome, label="Join")
    assert text_channel.permissions_for(person()).send_messages
    twice = await newcomer.click(welcome, label="Join")
    assert "already a member" in refusal(server.env, twice)

    await newcomer.click(welcome, label="Leave")
    assert not text_channel.permissions_for(person()).send_messages
    lead_leaving = await server.member.click(welcome, label="Leave")
    assert "cannot leave" in refusal(server.env, lead_leaving)


async def test_polish_and_russian_names_are_spelt_as_words(server):
    registered = {command.name: command for command in await server.env.bot.tree.fetch_commands()}
    subcommands = {option.name: option for option in registered["initiative"].options}

    def localised(item) -> dict[str, str]:
        return {str(locale): name for locale, name in item.name_localizations.items()}

    assert localised(subcommands["reopen"])["pl"] == "przywróć"
    assert localised(subcommands["update"])["pl"] == "postęp"
    progress = next(option for option in subcommands["update"].options if option.name == "status")
    in_progress = next(choice for choice in progress.choices if choice.value == "in_progress")
    assert in_progress.name == "in progress"
    assert localised(in_progress) == {"pl": "w toku", "ru": "в работе"}
    listing = next(option for option in subcommands["list"].options if option.name == "status")
    archived = next(choice for choice in listing.choices if choice.value == "archived")
    assert localised(archived)["ru"] == "в архиве"


async def test_lead_posts_progress_in_the_channel_and_on_the_card(server):
    initiative, channel = await open_initiative(server)

    result = await server.member.slash(channel, "initiative update", status="in_progress", note="Soil delivered.")

    assert not result.ephemeral and "Soil delivered." in shown(result)
    card = server.card(initiative)
    assert field(card, "Progress") == "in progress"
    assert field(card, "Latest note") == "Soil delivered."
    other = await server.supporters[0].slash(channel, "initiative update", status="done", note="Done!")
    assert "Only the initiative's lead" in refusal(server.env, other)
    elsewhere = await server.member.slash(server.general, "initiative update", status="done", note="x")
    assert "inside an initiative's channel" in refusal(server.env, elsewhere)


async def test_call_for_help_collects_helpers_for_the_lead(server):
    _, channel = await open_initiative(server)

    posted = await server.member.slash(channel, "initiative need", text="Someone with a van on Saturday")

    assert "call for help is posted" in shown(posted)
    call = server.proposals.last_message
    assert "Someone with a van on Saturday" in call.content
    helper = server.supporters[2]
    thanks = await helper.click(call, label="I can help")
    assert "offered to help" in shown(thanks)
    again = await helper.click(call, label="I can help")
    assert "already offered" in shown(again)

    assert helper.mention in server.proposals.last_message.content
    assert f"{helper.mention} offered to help" in channel.last_message.content
    assert await NeedHelper.filter(user_id=helper.id).count() == 1


async def public(server, *addresses: str) -> list:
    """What a visitor reads at the server's public address: each page's text, or its data."""
    token = address_of(await server.admin.slash(server.general, "setup public enable"))
    read = []
    async with TestClient(TestServer(make_app(server.env.bot), host="127.0.0.1")) as client:
        for address in addresses:
            response = await client.get(f"/s/{token}/{address}")
            assert response.status == 200, address
            read.append(await (response.json() if address.endswith(".json") else response.text()))
    return read


async def test_the_public_page_lists_calls_for_help_oldest_first_with_who_offered(server):
    _, channel = await open_initiative(server)
    # Posted in the same instant: the order they were posted in still holds.
    await server.member.slash(channel, "initiative need", text="Someone with a van on Saturday")
    van = server.proposals.last_message
    await server.member.slash(channel, "initiative need", text="Two spades and a rake")
    await server.supporters[2].click(van, label="I can help")

    [page] = await public(server, "initiatives")

    calls = [re.sub(r"\s+", " ", item) for item in re.findall(r"<li>(.*?)</li>", page, re.S)]
    van_call, spades_call = [call for call in calls if "Someone with a van" in call or "Two spades" in call]
    assert van_call.startswith("Someone with a van on Saturday") and "1 person offered to help" in van_call
    assert spades_call.startswith("Two spades and a rake") and "0 people offered to help" in spades_call


async def test_the_public_page_dates_each_opening_and_archiving(server):
    started = now()
    await open_initiative(server, title="Community garden")
    opened = now()
    await wait_out(server.env, PROPOSE_COOLDOWN)
    _, cafe_channel = await open_initiative(server, title="Repair café")
    await server.env.advance_time(86400)
    archiving = now()
    await server.member.slash(cafe_channel, "initiative archive")

    page, data = await public(server, "initiatives", "initiatives.json")

    [garden] = data["active"]
    [cafe] = data["archived"]
    assert started <= datetime.fromisoformat(garden["opened"]) <= opened
    assert archiving <= datetime.fromisoformat(cafe["archived"]) <= now()
    archived_item = re.sub(r"\s+", " ", page.split("Archived initiatives")[1])
    assert "Repair café" in archived_item and "archived on " in archived_item


async def test_list_shows_initiatives_by_status(server):
    await open_initiative(server, title="Community garden")
    await wait_out(server.env, PROPOSE_COOLDOWN)
    await server.propose(title="Repair café")

    everything = await server.member.slash(server.general, "initiative list")
    proposed = await server.member.slash(server.general, "initiative list", status="proposed")

    assert "Community garden" in shown(everything) and "Repair café" in shown(everything)
    assert "Repair café" in shown(proposed) and "Community garden" not in shown(proposed)


async def test_bad_titles_get_a_clear_answer_and_post_nothing(server):
    before = len(server.proposals.history())

    empty, _ = await server.propose(title="   ")
    emoji, _ = await server.propose(title="🌱🌻🎉")
    await server.propose(title="Community garden")
    duplicate, _ = await server.propose(actor=server.supporters[0], title="community GARDEN")

    assert refusal(server.env, empty) == "The title is empty. Give your initiative a short name."
    assert refusal(server.env, emoji) == (
        "The title needs at least one letter or digit (emoji alone cannot name a channel)."
    )
    # The refusal names the proposal that holds the title, as it was written there.
    assert refusal(server.env, duplicate) == (
        "An initiative called “Community garden” already exists. Support it, or choose another title."
    )
    assert len(server.proposals.history()) == before + 1
    assert await Initiative.all().count() == 1


async def test_an_expired_title_can_be_proposed_again_under_a_new_channel_name(server):
    _, first = await server.propose()
    await server.env.advance_time(15 * 86400)

    _, second = await server.propose()

    assert second.pk != first.pk and second.slug == "community-garden-2"
    # The title is taken again by the second proposal, whatever its channel name.
    third, _ = await server.propose(actor=server.supporters[0], title="Community Garden")
    assert "already exists" in refusal(server.env, third)
    assert await Initiative.filter(title__iexact="community garden").count() == 2


async def test_a_polish_member_sees_polish(server, monkeypatch):
    with speaking(monkeypatch, server.member, "pl"):
        result, initiative = await server.propose(title="Ogród")
    assert "Twoja propozycja" in shown(result)
    assert initiative is not None


async def test_the_threshold_is_told_in_words_that_agree_with_it(server, monkeypatch):
    # Three supporters by default: "3 сторонника" (few), and five take the other form.
    with speaking(monkeypatch, server.member, "ru"):
        three, _ = await server.propose(title="Огород")
    await server.admin.slash(server.general, "setup option", key="initiatives_threshold", value="5")
    with speaking(monkeypatch, server.supporters[0], "pl"):
        five, _ = await server.propose(actor=server.supporters[0], title="Rowery")

    assert "Ему нужно 3 сторонника; сбор поддержки закончится <t:" in shown(three)
    assert "Первая поддержка — ваша." in shown(three)
    assert "Potrzebuje poparcia 5 osób; zbieranie poparcia kończy się <t:" in shown(five)


async def test_join_button_works_after_a_restart(server, settings):
    from gromada.bot import create_bot

    _, channel = await open_initiative(server)
    welcome = channel.pinned_messages()[0]

    await server.env.restart_bot(create_bot(settings))
    result = await server.supporters[2].click(welcome, label="Join")

    assert "You can write here now" in shown(result)
    overwrite = server.discord_guild().get_channel(channel.id).overwrites_for(discord.Object(server.supporters[2].id))
    assert overwrite.send_messages is True


async def test_help_offers_stop_when_the_initiative_is_archived(server):
    _, channel = await open_initiative(server)
    await server.member.slash(channel, "initiative need", text="Paint for the fence")
    call = server.proposals.last_message
    await server.member.slash(channel, "initiative archive")

    late = await server.supporters[2].click(call, label="I can help")

    assert "not looking for help" in refusal(server.env, late)
    assert await NeedHelper.all().count() == 0


async def test_proposing_on_a_server_without_setup_says_what_to_do(simcord_env):
    from tests.cogs.initiatives.helpers import InitiativeServer

    bare = InitiativeServer(simcord_env)
    await simcord_env.settle()

    result = await bare.member.slash(bare.general, "initiative propose")

    assert await command_mention(simcord_env, "setup quickstart") in refusal(simcord_env, result)
