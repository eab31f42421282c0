"""/initiative archive, reopen, update, need, list, and refusals of bad proposals."""

import discord

from cogs.initiatives.views import PROPOSE_COOLDOWN
from models.initiatives import Initiative, InitiativeStatus, NeedHelper
from tests.cogs.initiatives.helpers import field, open_initiative
from tests.helpers import command_mention, refusal, shown, speaking, wait_out


async def test_lead_archives_then_reopens_the_channel(community):
    initiative, channel = await open_initiative(community)
    guild = community.discord_guild()
    lead = guild.get_member(community.member.id)

    archived = await community.member.slash(channel, "initiative archive")

    assert archived.ephemeral and "Archived." in shown(archived)
    assert "archived this initiative" in channel.last_message.content
    assert await command_mention(community.env, "initiative reopen") in channel.last_message.content
    discord_channel = guild.get_channel(channel.id)
    assert discord_channel.category.name == "Initiatives archive"
    assert discord_channel.permissions_for(lead).view_channel
    assert not discord_channel.permissions_for(lead).send_messages
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ARCHIVED
    assert field(community.card(initiative), "Status") == "archived"

    reopened = await community.member.slash(channel, "initiative reopen")

    assert "Reopened." in shown(reopened)
    assert "reopened this initiative" in channel.last_message.content
    assert discord_channel.category.name == "Initiatives"
    assert discord_channel.permissions_for(lead).send_messages
    supporter = guild.get_member(community.supporters[0].id)
    assert discord_channel.permissions_for(supporter).send_messages
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def test_only_the_lead_or_staff_may_archive(community):
    initiative, channel = await open_initiative(community)

    refused = await community.supporters[0].slash(channel, "initiative archive")
    assert "Only the initiative's lead" in refusal(community.env, refused)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE

    await community.admin.slash(channel, "initiative archive")  # Manage Server counts as staff
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ARCHIVED
    again = await community.admin.slash(channel, "initiative archive")
    assert "already archived" in refusal(community.env, again)


async def test_failed_move_to_the_archive_leaves_the_initiative_active(community):
    initiative, channel = await open_initiative(community)
    community.env.inject_error("PATCH", "/channels/*", status=500)

    result = await community.member.slash(channel, "initiative archive")

    assert "nothing changed" in refusal(community.env, result)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE
    assert community.discord_guild().get_channel(channel.id).category.name == "Initiatives"


async def test_join_and_leave_change_who_can_write(community):
    _, channel = await open_initiative(community)
    newcomer = community.supporters[2]
    person = lambda: community.discord_guild().get_member(newcomer.id)  # noqa: E731
    welcome = channel.pinned_messages()[0]
    text_channel = community.discord_guild().get_channel(channel.id)
    assert not text_channel.permissions_for(person()).send_messages

    await newcomer.click(welcome, label="Join")
    assert text_channel.permissions_for(person()).send_messages
    twice = await newcomer.click(welcome, label="Join")
    assert "already a member" in refusal(community.env, twice)

    await newcomer.click(welcome, label="Leave")
    assert not text_channel.permissions_for(person()).send_messages
    lead_leaving = await community.member.click(welcome, label="Leave")
    assert "cannot leave" in refusal(community.env, lead_leaving)


async def test_polish_and_russian_names_are_spelt_as_words(community):
    registered = {command.name: command for command in await community.env.bot.tree.fetch_commands()}
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


async def test_lead_posts_progress_in_the_channel_and_on_the_card(community):
    initiative, channel = await open_initiative(community)

    result = await community.member.slash(channel, "initiative update", status="in_progress", note="Soil delivered.")

    assert not result.ephemeral and "Soil delivered." in shown(result)
    card = community.card(initiative)
    assert field(card, "Progress") == "in progress"
    assert field(card, "Latest note") == "Soil delivered."
    other = await community.supporters[0].slash(channel, "initiative update", status="done", note="Done!")
    assert "Only the initiative's lead" in refusal(community.env, other)
    elsewhere = await community.member.slash(community.general, "initiative update", status="done", note="x")
    assert "inside an initiative's channel" in refusal(community.env, elsewhere)


async def test_call_for_help_collects_helpers_for_the_lead(community):
    _, channel = await open_initiative(community)

    posted = await community.member.slash(channel, "initiative need", text="Someone with a van on Saturday")

    assert "call for help is posted" in shown(posted)
    call = community.proposals.last_message
    assert "Someone with a van on Saturday" in call.content
    helper = community.supporters[2]
    thanks = await helper.click(call, label="I can help")
    assert "offered to help" in shown(thanks)
    again = await helper.click(call, label="I can help")
    assert "already offered" in shown(again)

    assert helper.mention in community.proposals.last_message.content
    assert f"{helper.mention} offered to help" in channel.last_message.content
    assert await NeedHelper.filter(user_id=helper.id).count() == 1


async def test_list_shows_initiatives_by_status(community):
    await open_initiative(community, title="Community garden")
    await wait_out(community.env, PROPOSE_COOLDOWN)
    await community.propose(title="Repair café")

    everything = await community.member.slash(community.general, "initiative list")
    proposed = await community.member.slash(community.general, "initiative list", status="proposed")

    assert "Community garden" in shown(everything) and "Repair café" in shown(everything)
    assert "Repair café" in shown(proposed) and "Community garden" not in shown(proposed)


async def test_bad_titles_get_a_clear_answer_and_post_nothing(community):
    before = len(community.proposals.history())

    empty, _ = await community.propose(title="   ")
    emoji, _ = await community.propose(title="🌱🌻🎉")
    await community.propose(title="Community garden")
    duplicate, _ = await community.propose(actor=community.supporters[0], title="community GARDEN")

    assert "The title is empty" in refusal(community.env, empty)
    assert "at least one letter or digit" in refusal(community.env, emoji)
    assert "already exists" in refusal(community.env, duplicate)
    assert len(community.proposals.history()) == before + 1
    assert await Initiative.all().count() == 1


async def test_an_expired_title_can_be_proposed_again_under_a_new_channel_name(community):
    _, first = await community.propose()
    await community.env.advance_time(15 * 86400)

    _, second = await community.propose()

    assert second.pk != first.pk and second.slug == "community-garden-2"
    # The title is taken again by the second proposal, whatever its channel name.
    third, _ = await community.propose(actor=community.supporters[0], title="Community Garden")
    assert "already exists" in refusal(community.env, third)
    assert await Initiative.filter(title__iexact="community garden").count() == 2


async def test_a_polish_member_sees_polish(community, monkeypatch):
    with speaking(monkeypatch, community.member, "pl"):
        result, initiative = await community.propose(title="Ogród")
    assert "Twoja propozycja" in shown(result)
    assert initiative is not None


async def test_the_threshold_is_told_in_words_that_agree_with_it(community, monkeypatch):
    # Three supporters by default: "3 сторонника" (few), and five take the other form.
    with speaking(monkeypatch, community.member, "ru"):
        three, _ = await community.propose(title="Огород")
    await community.admin.slash(community.general, "setup option", key="initiatives_threshold", value="5")
    with speaking(monkeypatch, community.supporters[0], "pl"):
        five, _ = await community.propose(actor=community.supporters[0], title="Rowery")

    assert "Ему нужно 3 сторонника; сбор поддержки закончится <t:" in shown(three)
    assert "Первая поддержка — ваша." in shown(three)
    assert "Potrzebuje poparcia 5 osób; zbieranie poparcia kończy się <t:" in shown(five)


async def test_join_button_works_after_a_restart(community, settings):
    from gromada.bot import create_bot

    _, channel = await open_initiative(community)
    welcome = channel.pinned_messages()[0]

    await community.env.restart_bot(create_bot(settings))
    result = await community.supporters[2].click(welcome, label="Join")

    assert "You can write here now" in shown(result)
    overwrite = (
        community.discord_guild().get_channel(channel.id).overwrites_for(discord.Object(community.supporters[2].id))
    )
    assert overwrite.send_messages is True


async def test_help_offers_stop_when_the_initiative_is_archived(community):
    _, channel = await open_initiative(community)
    await community.member.slash(channel, "initiative need", text="Paint for the fence")
    call = community.proposals.last_message
    await community.member.slash(channel, "initiative archive")

    late = await community.supporters[2].click(call, label="I can help")

    assert "not looking for help" in refusal(community.env, late)
    assert await NeedHelper.all().count() == 0


async def test_proposing_on_a_server_without_setup_says_what_to_do(simcord_env):
    from tests.cogs.initiatives.helpers import Community

    bare = Community(simcord_env)
    await simcord_env.settle()

    result = await bare.member.slash(bare.general, "initiative propose")

    assert await command_mention(simcord_env, "setup quickstart") in refusal(simcord_env, result)
