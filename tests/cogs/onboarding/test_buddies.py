"""Buddies' commands, nobody being free, leaving and coming back, status and funnel."""

from gromada.scheduler import now
from models.onboarding import BuddyProfile, BuddySlot, Journey, JourneyStatus, Step
from tests.cogs.onboarding.helpers import introduce, onboarding_server, ready_for_a_buddy, walk_values
from tests.helpers import refusal, shown, speaking

HOUR = 3600


async def test_buddy_commands_are_for_buddies_only(simcord_env, server):
    result = await server.member.slash(server.general, "buddy available", state="on")
    assert f"Only members with the {server.role('Buddy').mention} role" in refusal(simcord_env, result)

    buddy = server.buddies[0]
    result = await buddy.slash(server.general, "buddy capacity", newcomers=2)
    assert "at most 2 newcomers at once (now: 0)" in shown(result)
    result = await buddy.slash(server.general, "buddy available", state="off", languages="polski, angielski")
    assert shown(result) == (
        "No more newcomers will come to you until you turn this on again. "
        "The newcomers you look after now stay with you."
    )
    profile = await BuddyProfile.get(user_id=buddy.id)
    assert (profile.capacity, profile.available, profile.languages) == (2, False, "pl,en")


async def test_nobody_free_tells_the_team_then_a_buddy_comes(simcord_env, server):
    for buddy in server.buddies:
        await buddy.slash(server.general, "buddy available", state="off")

    newcomer, thread = await ready_for_a_buddy(server, "nowa")

    assert "Someone from the team will come to you soon" in thread.history()[-1].content
    staff_note = server.channel("mod-log").last_message
    moderator = server.guild.roles["Moderator"]
    assert f"No buddy is free to welcome <@{newcomer.id}>" in staff_note.content
    stored = simcord_env.backend.get_message(staff_note.channel.id, staff_note.id)
    assert stored.ping_role_ids == [moderator.id] and stored.ping_user_ids == []
    assert (await Journey.get(user_id=newcomer.id)).buddy_id is None

    buddy = server.buddies[1]
    await buddy.slash(server.general, "buddy available", state="on")

    assert (await Journey.get(user_id=newcomer.id)).buddy_id == buddy.id
    assert f"<@{buddy.id}>, you are the buddy of <@{newcomer.id}>" in thread.history()[-1].content


async def test_fewest_newcomers_first_then_a_shared_language(simcord_env, server):
    polish_speaker = server.buddies[1]
    await polish_speaker.slash(server.general, "buddy available", state="on", languages="Polish")

    first, _ = await ready_for_a_buddy(server, "pierwsza", languages="polski")
    second, _ = await ready_for_a_buddy(server, "druga", languages="polski")

    # Equal load: the Polish speaker; then the other buddy, who has fewer newcomers.
    assert (await Journey.get(user_id=first.id)).buddy_id == polish_speaker.id
    assert (await Journey.get(user_id=second.id)).buddy_id == server.buddies[0].id


async def test_a_newcomer_who_names_no_language_is_matched_in_their_own(simcord_env, server, monkeypatch):
    polish_speaker = server.buddies[1]
    await polish_speaker.slash(server.general, "buddy available", state="on", languages="Polish")
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)

    await walk_values(newcomer, thread)
    with speaking(monkeypatch, newcomer, "pl"):
        await introduce(newcomer, thread, languages="")

    journey = await Journey.get(user_id=newcomer.id)
    assert (journey.languages, journey.buddy_id) == ("pl", polish_speaker.id)


async def test_capacity_is_never_exceeded(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    await server.buddies[0].slash(server.general, "buddy capacity", newcomers=1)

    first, _ = await ready_for_a_buddy(server, "pierwsza")
    second, thread = await ready_for_a_buddy(server, "druga")

    assert (await Journey.get(user_id=first.id)).buddy_id == server.buddies[0].id
    assert (await Journey.get(user_id=second.id)).buddy_id is None
    assert "Someone from the team will come" in thread.history()[-1].content


async def test_leaving_frees_the_buddy_and_rejoining_resumes(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    buddy = server.buddies[0]
    await buddy.slash(server.general, "buddy capacity", newcomers=1)
    leaver, old_thread = await ready_for_a_buddy(server, "odchodzi")
    waiting, _ = await ready_for_a_buddy(server, "czeka")
    assert (await Journey.get(user_id=waiting.id)).buddy_id is None

    server.guild.remove_member(leaver)
    await simcord_env.settle()

    journey = await Journey.get(user_id=leaver.id)
    assert journey.status == JourneyStatus.LEFT and journey.step == Step.MATCHED
    # The freed slot went to the newcomer who was waiting.
    assert (await Journey.get(user_id=waiting.id)).buddy_id == buddy.id
    assert await BuddySlot.filter(buddy_id=buddy.id).count() == 1

    back = server.guild.add_member(leaver.user)
    await simcord_env.settle()

    journey = await Journey.get(user_id=back.id)
    assert journey.status == JourneyStatus.ACTIVE and journey.step == Step.MATCHED
    assert "Welcome back!" in "\n".join(message.content for message in old_thread.history())
    assert back.id in simcord_env.backend.get_channel(old_thread.id).thread_members
    assert "Newcomer" in {role.name for role in server.discord_member(back).roles}


async def test_rejoining_after_the_thread_was_deleted_opens_a_new_one(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    server.guild.remove_member(newcomer)
    await simcord_env.settle()
    simcord_env.backend.delete_channel(thread.id)

    back = server.guild.add_member(newcomer.user)
    await simcord_env.settle()

    new_thread = server.thread_of(back)
    assert new_thread.id != thread.id
    assert "Introduce yourself" in str(new_thread.history()[-1].components)
    await introduce(back, new_thread)
    assert (await Journey.get(user_id=back.id)).step == Step.MATCHED


async def test_status_for_oneself_and_for_staff(simcord_env, server):
    newcomer, _ = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)

    own = shown(await newcomer.slash(server.general, "onboarding status"))
    assert "✅ Values shared" in own and "✅ Buddy assigned" in own and "⬜ Welcome complete" in own
    assert f"Buddy: <@{journey.buddy_id}>" in own

    result = await newcomer.slash(server.general, "onboarding status", member=server.buddies[0])
    assert "Only moderators can do that" in refusal(simcord_env, result)

    moderator = server.guild.add_member(simcord_env.create_user("moderatorka"), roles=[server.guild.roles["Moderator"]])
    await simcord_env.settle()
    staff = shown(await moderator.slash(server.general, "onboarding status", member=newcomer))
    assert f"**Welcome of <@{newcomer.id}>**" in staff


async def test_funnel_counts_steps_and_median_times(simcord_env, server):
    await ready_for_a_buddy(server, "pierwsza")
    await simcord_env.advance_time(2 * HOUR)
    await server.join("druga")

    result = await server.admin.slash(server.general, "onboarding funnel", days=7)

    text = shown(result)
    assert "Joined: 2" in text and "Shared the values: 1" in text and "Got a buddy: 1" in text
    assert "Welcome complete: 0" in text
    result = await server.member.slash(server.general, "onboarding funnel")
    assert "Only moderators" in refusal(simcord_env, result)


async def test_the_funnel_counts_only_those_who_joined_in_its_days(simcord_env, server):
    await ready_for_a_buddy(server, "dawno")
    await simcord_env.advance_time(8 * 24 * HOUR)
    await server.join("niedawno")

    text = shown(await server.admin.slash(server.general, "onboarding funnel", days=7))

    assert "Joined: 1" in text and "Got a buddy: 0" in text


async def test_the_funnel_agrees_with_its_number_of_days_in_russian(simcord_env, server, monkeypatch):
    await server.join("pierwsza")

    with speaking(monkeypatch, server.admin, "ru"):
        days = {n: shown(await server.admin.slash(server.general, "onboarding funnel", days=n)) for n in (21, 22)}

    # 21 takes the singular noun and no adjective can agree with it ("за последние 21 день").
    assert days[21].startswith("**Знакомство новичков: итоги за 21 день**")
    assert days[22].startswith("**Знакомство новичков: итоги за 22 дня**")
    assert "Приняли ценности: 0" in days[21]


async def test_a_polish_newcomer_sees_polish(simcord_env, server, monkeypatch):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    with speaking(monkeypatch, newcomer, "pl"):
        await newcomer.click(thread.history()[-1], label="Next")
        result = await newcomer.slash(server.general, "onboarding status")
    assert "✅" not in shown(result) and "⬜ Wartości zaakceptowane" in shown(result)
    # The card she moved to speaks Polish too.
    assert thread.history()[-1].embeds[0].footer.text == "Wartość 2 z 5"
    assert "Dalej" in str(thread.history()[-1].components)


async def test_a_buddy_who_leaves_hands_their_newcomers_on(simcord_env, server):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    first = (await Journey.get(user_id=newcomer.id)).buddy_id
    leaving = next(buddy for buddy in server.buddies if buddy.id == first)
    staying = next(buddy for buddy in server.buddies if buddy is not leaving)

    server.guild.remove_member(leaving)
    await simcord_env.settle()

    assert (await Journey.get(user_id=newcomer.id)).buddy_id == staying.id
    assert f"<@{staying.id}>, you are the buddy" in thread.history()[-1].content
    assert await BuddySlot.filter(buddy_id=leaving.id).count() == 0


async def test_staff_can_sign_off_when_no_buddy_came(simcord_env, server):
    for buddy in server.buddies:
        await buddy.slash(server.general, "buddy available", state="off")
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    assert f"<#{thread.id}>" in server.channel("mod-log").last_message.content
    moderator = server.guild.add_member(simcord_env.create_user("moderatorka"), roles=[server.guild.roles["Moderator"]])
    await simcord_env.settle()
    simcord_env.backend.add_thread_member(thread.id, moderator.id)

    await moderator.click(thread.history()[-1], label="Welcome complete")

    assert (await Journey.get(user_id=newcomer.id)).status == JourneyStatus.COMPLETED
    assert "Member" in {role.name for role in server.discord_member(newcomer).roles}


async def test_a_graduate_who_rejoins_is_a_member_again_without_a_new_welcome(simcord_env, server):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    buddy = next(buddy for buddy in server.buddies if buddy.id == journey.buddy_id)
    ping = next(message for message in reversed(thread.history()) if "you are the buddy" in message.content)
    await buddy.click(ping, label="Welcome complete")
    server.guild.remove_member(newcomer)
    await simcord_env.settle()

    back = server.guild.add_member(newcomer.user)
    await simcord_env.settle()

    roles = {role.name for role in server.discord_member(back).roles}
    assert "Member" in roles and "Newcomer" not in roles
    assert len(server.channel("welcome").threads) == 1
    assert (await Journey.get(user_id=back.id)).status == JourneyStatus.COMPLETED


async def test_a_buddy_who_loses_the_role_hands_their_newcomers_on(simcord_env, server):
    newcomer, _ = await ready_for_a_buddy(server, "nowa")
    first = (await Journey.get(user_id=newcomer.id)).buddy_id
    staying = next(buddy for buddy in server.buddies if buddy.id != first)

    buddy_role = server.role("Buddy")
    await server.discord_member(next(b for b in server.buddies if b.id == first)).remove_roles(buddy_role)
    await simcord_env.settle()

    assert (await Journey.get(user_id=newcomer.id)).buddy_id == staying.id
    assert await BuddySlot.filter(buddy_id=first).count() == 0


async def test_availability_is_described_and_answered_without_saying_new_newcomers(simcord_env, server, monkeypatch):
    registered = {command.name: command for command in await simcord_env.bot.tree.fetch_commands()}
    available = next(option for option in registered["buddy"].options if option.name == "available")
    descriptions = [available.description, *available.description_localizations.values()]
    buddy = server.buddies[0]

    with speaking(monkeypatch, buddy, "ru"):
        russian = shown(await buddy.slash(server.general, "buddy available", state="off"))
    with speaking(monkeypatch, buddy, "pl"):
        polish = shown(await buddy.slash(server.general, "buddy available", state="off"))

    assert available.description == "Say whether you can welcome newcomers now"
    assert not [text for text in descriptions if "new newcomers" in text]
    assert russian.startswith("Пока вы снова это не включите, к вам не будут приходить новички.")
    assert polish.startswith("Dopóki znów tego nie włączysz, nie trafią do Ciebie kolejne nowe osoby.")


async def test_the_newcomer_introduced_first_is_welcomed_first(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    (buddy,) = server.buddies
    await buddy.slash(server.general, "buddy capacity", newcomers=1)
    await buddy.slash(server.general, "buddy available", state="off")
    not_introduced = await server.join("jeszcze")
    joined_first = await server.join("pierwsza")
    joined_second = await server.join("druga")
    for person in (joined_second, joined_first):
        await walk_values(person, server.thread_of(person))
        await introduce(person, server.thread_of(person))
        await simcord_env.advance_time(HOUR)

    await buddy.slash(server.general, "buddy available", state="on")

    assert (await Journey.get(user_id=joined_second.id)).buddy_id == buddy.id
    assert (await Journey.get(user_id=joined_first.id)).buddy_id is None
    assert (await Journey.get(user_id=not_introduced.id)).buddy_id is None
    funnel = shown(await server.admin.slash(server.general, "onboarding funnel", days=7))
    assert "Introduced themselves: 2" in funnel and "Got a buddy: 1" in funnel


async def test_a_buddy_of_two_stays_with_the_one_who_stays(simcord_env):
    server = await onboarding_server(simcord_env, buddies=1)
    (buddy,) = server.buddies
    leaving, _ = await ready_for_a_buddy(server, "odchodzi")
    staying, _ = await ready_for_a_buddy(server, "zostaje")

    server.guild.remove_member(leaving)
    await simcord_env.settle()

    assert (await Journey.get(user_id=staying.id)).buddy_id == buddy.id
    assert f"Buddy: <@{buddy.id}>" in shown(await staying.slash(server.general, "onboarding status"))
    assert await BuddySlot.filter(buddy_id=buddy.id).count() == 1


async def test_one_newcomer_coming_back_brings_back_only_their_own_welcome(simcord_env, server):
    back_soon = await server.join("wraca")
    away_for_good = await server.join("odchodzi")
    for person in (back_soon, away_for_good):
        server.guild.remove_member(person)
    await simcord_env.settle()
    left_at = now()
    await simcord_env.advance_time(HOUR)

    server.guild.add_member(back_soon.user)
    await simcord_env.settle()

    back = await Journey.get(user_id=back_soon.id)
    assert (back.status, back.left_at, back.last_active_at) == (JourneyStatus.ACTIVE, None, now())
    gone = await Journey.get(user_id=away_for_good.id)
    assert (gone.status, gone.left_at) == (JourneyStatus.LEFT, left_at)


async def test_the_team_hears_once_of_each_newcomer_nobody_is_free_for(simcord_env, server):
    for buddy in server.buddies:
        await buddy.slash(server.general, "buddy available", state="off")
    first = await server.join("pierwsza")
    second = await server.join("druga")
    for person in (first, second):
        await walk_values(person, server.thread_of(person))
        await introduce(person, server.thread_of(person))

    # Back after leaving, still without a buddy: the team already knows.
    server.guild.remove_member(first)
    await simcord_env.settle()
    server.guild.add_member(first.user)
    await simcord_env.settle()

    notes = [message.content for message in server.channel("mod-log").history()]
    for person in (first, second):
        assert len([note for note in notes if f"No buddy is free to welcome <@{person.id}>" in note]) == 1


async def test_a_buddy_who_leaves_hands_on_only_their_own_newcomers(simcord_env, server):
    first, _ = await ready_for_a_buddy(server, "pierwsza")
    second, second_thread = await ready_for_a_buddy(server, "druga")
    buddies = {buddy.id: buddy for buddy in server.buddies}
    leaving = buddies[(await Journey.get(user_id=first.id)).buddy_id]
    staying = buddies[(await Journey.get(user_id=second.id)).buddy_id]
    assert leaving is not staying  # fewest newcomers first
    capacity = await staying.slash(server.general, "buddy capacity", newcomers=3)
    kept = await BuddySlot.get(buddy_id=staying.id)

    server.guild.remove_member(leaving)
    await simcord_env.settle()

    assert shown(capacity) == "You now look after at most 3 newcomers at once (now: 1)."
    assert (await Journey.get(user_id=first.id)).buddy_id == staying.id
    assert (await BuddySlot.get(journey_id=kept.journey_id)).pk == kept.pk
    assert len([message for message in second_thread.history() if "you are the buddy" in message.content]) == 1


async def test_a_buddy_who_asks_to_be_forgotten_hands_their_newcomers_on(simcord_env, server):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    first = (await Journey.get(user_id=newcomer.id)).buddy_id
    forgotten = next(buddy for buddy in server.buddies if buddy.id == first)
    staying = next(buddy for buddy in server.buddies if buddy is not forgotten)

    preview = await forgotten.slash(server.general, "privacy forget")
    assert "Done." in shown(await forgotten.click(preview.response, label="Forget me"))

    journey = await Journey.get(user_id=newcomer.id)
    assert journey.buddy_id == staying.id and journey.status == JourneyStatus.ACTIVE
    assert f"<@{staying.id}>, you are the buddy of <@{newcomer.id}>" in thread.history()[-1].content
    assert await BuddySlot.filter(journey_id=journey.pk).values_list("buddy_id", flat=True) == [staying.id]


async def test_newcomers_of_a_buddy_forgotten_just_before_a_stop_get_a_buddy_at_start(simcord_env, server, settings):
    from cogs.privacy import service as privacy
    from gromada.bot import create_bot

    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    first = (await Journey.get(user_id=newcomer.id)).buddy_id
    forgotten = next(buddy for buddy in server.buddies if buddy.id == first)
    staying = next(buddy for buddy in server.buddies if buddy is not forgotten)
    # The erasure was written, then the process stopped before the newcomers were handed on;
    # the forgotten buddy has left meanwhile.
    await privacy.forget(server.guild.id, forgotten.id, names=("buddy0", "buddy1"), language="en")
    assert (await Journey.get(user_id=newcomer.id)).buddy_id < 0
    server.guild.remove_member(forgotten)

    await simcord_env.restart_bot(create_bot(settings))

    assert (await Journey.get(user_id=newcomer.id)).buddy_id == staying.id
    assert f"<@{staying.id}>, you are the buddy of <@{newcomer.id}>" in thread.history()[-1].content
