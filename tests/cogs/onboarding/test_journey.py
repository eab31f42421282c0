"""The whole journey as people live it: join, values, introduction, buddy, sign-off."""

from cogs.setup.service import values_cards
from models.onboarding import BuddySlot, Journey, JourneyStatus, Step
from tests.cogs.onboarding.helpers import introduce, walk_values
from tests.helpers import refusal, shown


async def test_full_journey_from_join_to_member(simcord_env, server):
    newcomer = await server.join("nowa")
    guild = server.guild.me.guild
    member = server.discord_member(newcomer)
    assert guild.get_role(server.guild.roles["Newcomer"].id) in member.roles

    thread = server.thread_of(newcomer)
    first = thread.history()[-1]
    cards = await values_cards(guild.id)
    assert f"<@{newcomer.id}>" in first.content
    assert first.embeds[0].title == cards[0].title
    assert first.embeds[0].footer.text == f"Value 1 of {len(cards)}"
    # Back on the first card goes nowhere; Next shows the second card in the same message.
    await newcomer.click(first, label="Next")
    assert thread.history()[-1].embeds[0].title == cards[1].title
    await newcomer.click(thread.history()[-1], label="Back")
    assert thread.history()[-1].embeds[0].title == cards[0].title

    await walk_values(newcomer, thread)
    assert "Thank you for sharing our values" in thread.history()[-1].content
    assert (await Journey.get(user_id=newcomer.id)).step == Step.VALUES

    await introduce(newcomer, thread)
    intro = server.channel("introductions").last_message
    assert f"<@{newcomer.id}>" in intro.content
    assert intro.embeds[0].description == "I bake bread and fix bikes."
    assert not intro.mention_everyone

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.step == Step.MATCHED and journey.buddy_id in {buddy.id for buddy in server.buddies}
    buddy = next(buddy for buddy in server.buddies if buddy.id == journey.buddy_id)
    ping = thread.history()[-1]
    assert f"<@{buddy.id}>" in ping.content
    assert buddy.id in simcord_env.backend.get_channel(thread.id).thread_members

    result = await buddy.click(ping, label="Welcome complete")

    # The buddy is thanked in the thread, without being pinged again.
    thanks = f"Welcome complete! <@{newcomer.id}> is now a member. Thank you, <@{buddy.id}>, for welcoming them."
    assert shown(result) == thanks
    assert thread.history()[-1].content == thanks
    assert simcord_env.backend.get_message(thread.id, thread.history()[-1].id).ping_user_ids == []
    member = server.discord_member(newcomer)
    role_names = {role.name for role in member.roles}
    assert "Member" in role_names and "Newcomer" not in role_names
    stored = simcord_env.backend.get_channel(thread.id)
    assert stored.thread_metadata.archived and stored.thread_metadata.locked
    journey = await Journey.get(user_id=newcomer.id)
    assert journey.status == JourneyStatus.COMPLETED and journey.buddy_id == buddy.id
    assert not await BuddySlot.exists(buddy_id=buddy.id)


async def test_only_the_buddy_can_sign_off(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    await introduce(newcomer, thread)
    ping = thread.history()[-1]
    journey = await Journey.get(user_id=newcomer.id)
    other_buddy = next(buddy for buddy in server.buddies if buddy.id != journey.buddy_id)
    simcord_env.backend.add_thread_member(thread.id, other_buddy.id)

    for person in (newcomer, other_buddy):
        result = await person.click(ping, label="Welcome complete")
        assert "Only the newcomer's buddy" in refusal(simcord_env, result)

    assert (await Journey.get(user_id=newcomer.id)).status == JourneyStatus.ACTIVE
    assert "Newcomer" in {role.name for role in server.discord_member(newcomer).roles}


async def test_another_person_cannot_click_a_newcomers_steps(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    # Someone else in the thread (added by a moderator, say) still cannot take the newcomer's steps.
    simcord_env.backend.add_thread_member(thread.id, server.admin.id)
    result = await server.admin.click(thread.history()[-1], label="Next")

    assert "belongs to someone else" in refusal(simcord_env, result)
    assert (await Journey.get(user_id=newcomer.id)).card == 0


async def test_empty_introduction_is_refused_and_the_draft_kept(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)

    result = await introduce(newcomer, thread, about="   ", interests="chess and choirs", languages="polski i English")

    assert "the “About you” field is empty" in refusal(simcord_env, result)
    assert server.channel("introductions").last_message is None
    shown_modal = await newcomer.click(thread.history()[-1], label="Introduce yourself")
    assert "chess and choirs" in str(shown_modal.modal)  # what they typed comes back
    assert "'pl, en'" in str(shown_modal.modal)  # the languages too, as the codes they named
    assert (await Journey.get(user_id=newcomer.id)).interests == "chess and choirs"


async def test_long_introduction_with_everyone_is_posted_safely(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    about = ("@everyone hello " * 400)[:4000]

    await introduce(newcomer, thread, about=about)

    intro = server.channel("introductions").last_message
    assert not intro.mention_everyone
    assert intro.embeds[0].description == about.strip()  # in full, nothing cut
    assert simcord_env.backend.get_message(intro.channel.id, intro.id).ping_user_ids == [newcomer.id]
    assert (await Journey.get(user_id=newcomer.id)).step == Step.MATCHED
