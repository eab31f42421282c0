"""Limits at their boundary, refusals in words, and a buddy who helps on two servers."""

import asyncio
from datetime import timedelta

import pytest

from cogs.onboarding import service
from gromada.errors import Conflict, InvalidInput, NotFound
from gromada.scheduler import now
from models.onboarding import BuddySlot, Journey, JourneyStatus, Step
from tests.cogs.onboarding.helpers import introduce, onboarding_server, ready_for_a_buddy, walk_values
from tests.helpers import refusal, shown, speaking

HOUR = 3600


async def test_a_buddy_on_two_servers_looks_after_each_servers_newcomers_separately(simcord_env):
    home = await onboarding_server(simcord_env, buddies=1)
    away = await onboarding_server(simcord_env, buddies=0)
    buddy = home.buddies[0]
    buddy_away = away.guild.add_member(buddy.user, roles=[await away.role_for("buddy")])
    await simcord_env.settle()
    there, _ = await ready_for_a_buddy(away, "tam")
    assert (await Journey.get(guild_id=away.guild.id, user_id=there.id)).buddy_id == buddy.id

    # One newcomer at a time at home: the one looked after on the other server does not count.
    capacity = await buddy.slash(home.general, "buddy capacity", newcomers=1)
    await buddy_away.slash(away.general, "buddy available", state="off")
    here, _ = await ready_for_a_buddy(home, "tu")

    assert shown(capacity) == "You now look after at most 1 newcomer at once (now: 0)."
    assert (await Journey.get(guild_id=home.guild.id, user_id=here.id)).buddy_id == buddy.id
    assert await BuddySlot.filter(buddy_id=buddy.id).count() == 2
    status_away = await away.admin.slash(away.general, "onboarding status", member=buddy_away)
    assert shown(status_away) == f"<@{buddy.id}> has no welcome on record."


async def test_introduction_fields_may_fill_their_limits_and_not_one_character_more(simcord_env, server):
    newcomer = await server.join("nowa")
    await walk_values(newcomer, server.thread_of(newcomer))
    journey = await Journey.get(user_id=newcomer.id)

    async def introduce(**fields):
        values = {"about": "I bake bread.", "interests": "gardening", "languages": "Polish"} | fields
        return await service.check_introduction(journey, **values, now=now(), fallback_language="en")

    fullest = await introduce(about="a" * 4000, interests="i" * 1000, languages="Polish, " * 24 + "Japanese")
    assert (len(fullest.about), len(fullest.interests), len(fullest.languages)) == (4000, 1000, 200)
    refused = {}
    for name, text in {"about": "a" * 4001, "interests": "i" * 1001, "languages": "p" * 201}.items():
        with pytest.raises(InvalidInput) as error:
            await introduce(**{name: text})
        refused[name] = error.value

    assert refused["about"].render("en") == (
        "Your introduction is too long: “About you” can have at most 4000 characters."
    )
    assert refused["interests"].render("pl") == (
        "Twoja prezentacja jest za długa: pole „Zainteresowania” może mieć najwyżej 1000 znaków."
    )
    assert refused["languages"].render("en") == (
        "Your introduction is too long: “Languages you speak” can have at most 200 characters."
    )
    # Each refusal reaches a newcomer in their own language too.
    assert refused["about"].render("ru") == (
        "Рассказ слишком длинный: в поле «О себе» может быть не больше 4000 символов."
    )
    assert refused["languages"].render("pl") == (
        "Twoja prezentacja jest za długa: pole „Języki, którymi mówisz” może mieć najwyżej 200 znaków."
    )


async def test_a_buddy_capacity_runs_from_1_to_25(server):
    buddy = server.buddies[0]

    assert (await service.set_capacity(server.guild.id, buddy.id, 1)).capacity == 1
    assert (await service.set_capacity(server.guild.id, buddy.id, 25)).capacity == 25
    for outside in (0, 26):
        with pytest.raises(InvalidInput) as refused:
            await service.set_capacity(server.guild.id, buddy.id, outside)
        assert refused.value.render("en") == "The capacity must be between 1 and 25."
    assert (await service.buddy_profile(server.guild.id, buddy.id)).capacity == 25


async def test_languages_nobody_recognises_are_named_back(simcord_env, server, monkeypatch):
    buddy = server.buddies[0]

    with speaking(monkeypatch, buddy, "pl"):
        result = await buddy.slash(server.general, "buddy available", state="on", languages="Klingon, Elvish")

    assert (
        refusal(simcord_env, result)
        == "Nie udało się rozpoznać żadnego języka w „Klingon, Elvish”. Spróbuj: polski, angielski."
    )
    assert (await service.buddy_profile(server.guild.id, buddy.id)).languages == ""


async def test_a_welcome_signed_off_or_left_says_so(simcord_env, server):
    done, done_thread = await ready_for_a_buddy(server, "gotowa")
    gone, gone_thread = await ready_for_a_buddy(server, "odchodzi")
    done_buddy = (await Journey.get(user_id=done.id)).buddy_id
    gone_buddy = (await Journey.get(user_id=gone.id)).buddy_id
    buddies = {buddy.id: buddy for buddy in server.buddies}
    done_ping = next(m for m in reversed(done_thread.history()) if "Welcome complete" in str(m.components))
    gone_ping = next(m for m in reversed(gone_thread.history()) if "Welcome complete" in str(m.components))

    await buddies[done_buddy].click(done_ping, label="Welcome complete")
    server.guild.remove_member(gone)
    await simcord_env.settle()
    left = await buddies[gone_buddy].click(gone_ping, label="Welcome complete")
    # The button is gone once the welcome is complete; a second sign-off at that moment is refused.
    done_journey = await Journey.get(user_id=done.id)
    with pytest.raises(Conflict) as again:
        await service.complete(done_journey.pk, done_buddy, False, now())

    assert again.value.render("pl") == "To powitanie jest już zakończone."
    assert refusal(simcord_env, left) == "This newcomer is no longer on the server."
    assert (await Journey.get(user_id=gone.id)).status == JourneyStatus.LEFT


async def test_a_buddy_turning_on_takes_only_their_own_servers_waiting_newcomers(simcord_env):
    home = await onboarding_server(simcord_env, buddies=1)
    away = await onboarding_server(simcord_env, buddies=0)
    await home.buddies[0].slash(home.general, "buddy available", state="off")
    waiting_away, _ = await ready_for_a_buddy(away, "czeka")

    await home.buddies[0].slash(home.general, "buddy available", state="on")

    journey = await Journey.get(guild_id=away.guild.id, user_id=waiting_away.id)
    assert journey.buddy_id is None
    assert not await BuddySlot.filter(buddy_id=home.buddies[0].id).exists()


async def test_a_newcomer_back_after_leaving_is_reminded_again(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await simcord_env.advance_time(25 * HOUR)
    server.guild.remove_member(newcomer)
    await simcord_env.settle()

    back = server.guild.add_member(newcomer.user)
    await simcord_env.settle()
    await simcord_env.advance_time(25 * HOUR)

    reminded = [message for message in thread.history() if "gentle reminder" in message.content]
    assert len(reminded) == 2
    assert (await Journey.get(user_id=back.id)).reminded_at is not None


async def test_steps_and_introductions_are_refused_in_the_newcomers_words(simcord_env, server, monkeypatch):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    simcord_env.backend.add_thread_member(thread.id, server.admin.id)
    await walk_values(newcomer, thread)

    with speaking(monkeypatch, server.admin, "pl"):
        someone_else = await server.admin.click(thread.history()[-1], label="Introduce yourself")
    with speaking(monkeypatch, newcomer, "pl"):
        empty = await introduce(newcomer, thread, about="  ")

    assert (
        refusal(simcord_env, someone_else) == "To powitanie należy do kogoś innego. Każda nowa osoba ma własne kroki."
    )
    assert refusal(simcord_env, empty) == "Napisz kilka słów o sobie: pole „O Tobie” jest puste."


async def test_a_newcomer_on_two_servers_has_a_welcome_on_each(simcord_env):
    home = await onboarding_server(simcord_env, buddies=1)
    away = await onboarding_server(simcord_env, buddies=1)
    newcomer, _ = await ready_for_a_buddy(home, "nowa")
    there = away.guild.add_member(newcomer.user)
    await simcord_env.settle()
    away_thread = away.thread_of(there)

    away.guild.remove_member(there)
    await simcord_env.settle()

    at_home = await Journey.get(guild_id=home.guild.id, user_id=newcomer.id)
    assert (at_home.status, at_home.buddy_id) == (JourneyStatus.ACTIVE, home.buddies[0].id)
    assert await BuddySlot.filter(guild_id=home.guild.id, journey_id=at_home.pk).exists()
    assert (await Journey.get(guild_id=away.guild.id, user_id=newcomer.id)).status == JourneyStatus.LEFT

    back = away.guild.add_member(newcomer.user)
    await simcord_env.settle()

    assert (await Journey.get(guild_id=away.guild.id, user_id=back.id)).status == JourneyStatus.ACTIVE
    assert "Welcome back!" in "\n".join(message.content for message in away_thread.history())
    funnel = shown(await away.admin.slash(away.general, "onboarding funnel", days=7))
    assert "Joined: 1" in funnel and "Got a buddy: 0" in funnel


async def test_the_values_are_shared_only_after_the_last_card_and_before_the_introduction(server):
    # A step message clicked out of order (an old message, a slow connection) reaches the service.
    newcomer = await server.join("nowa")
    journey = await Journey.get(user_id=newcomer.id)
    cards = 3

    with pytest.raises(InvalidInput) as introduced_early:
        await service.check_introduction(journey, "I bake bread.", "gardening", "Polish", now(), fallback_language="en")
    await service.view_card(journey, cards - 2, cards, now())
    with pytest.raises(InvalidInput) as unread:
        await service.accept_values(journey, cards, now())
    await service.view_card(journey, cards - 1, cards, now())
    await service.accept_values(journey, cards, now())

    assert introduced_early.value.render("ru") == "Сначала пройдите ценности."
    assert unread.value.render("ru") == "Сначала прочитайте все карточки ценностей (кнопка «Далее»)."
    assert (await Journey.get(user_id=newcomer.id)).step == Step.VALUES


async def test_values_shared_again_after_the_introduction_keep_the_step_and_its_time(server):
    # A late "I share these values" (a second delivery, an old message) after the introduction.
    newcomer, _ = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    shared = journey.values_at

    await service.accept_values(journey, 1, shared + timedelta(minutes=5))

    again = await Journey.get(user_id=newcomer.id)
    assert (again.step, again.values_at) == (Step.MATCHED, shared)


async def test_each_server_shows_its_own_welcome_of_a_newcomer_on_both(simcord_env):
    home = await onboarding_server(simcord_env, buddies=1)
    away = await onboarding_server(simcord_env, buddies=1)
    newcomer, _ = await ready_for_a_buddy(home, "nowa")
    there = away.guild.add_member(newcomer.user)
    await simcord_env.settle()

    at_home = shown(await newcomer.slash(home.general, "onboarding status"))
    at_away = shown(await there.slash(away.general, "onboarding status"))

    assert "✅ Buddy assigned" in at_home and f"Buddy: <@{home.buddies[0].id}>" in at_home
    assert "⬜ Values shared" in at_away and "Buddy:" not in at_away


async def test_other_newcomers_keep_their_own_steps_while_one_goes_all_the_way(simcord_env):
    # One newcomer at each step on a server without buddies, then another's whole journey elsewhere.
    home = await onboarding_server(simcord_env, buddies=1)
    away = await onboarding_server(simcord_env, buddies=0)
    joined = await away.join("dopiero")
    shared = await away.join("wartosci")
    await walk_values(shared, away.thread_of(shared))
    waiting, _ = await ready_for_a_buddy(away, "czeka")
    others = await Journey.filter(guild_id=away.guild.id).order_by("id").values()
    assert [row["step"] for row in others] == [Step.JOINED, Step.VALUES, Step.INTRODUCED]
    await simcord_env.advance_time(HOUR)

    newcomer = await home.join("nowa")
    thread = home.thread_of(newcomer)
    await newcomer.click(thread.history()[-1], label="Next")
    await walk_values(newcomer, thread)
    await introduce(newcomer, thread)
    buddy = home.buddies[0]
    await newcomer.send(thread, "Hello!")
    await buddy.send(thread, "Welcome!")
    ping = next(m for m in reversed(thread.history()) if "Welcome complete" in str(m.components))
    await buddy.click(ping, label="Welcome complete")

    assert (await Journey.get(user_id=newcomer.id)).status == JourneyStatus.COMPLETED
    assert "Welcome complete: 1" in shown(await home.admin.slash(home.general, "onboarding funnel", days=7))
    assert await Journey.filter(guild_id=away.guild.id).order_by("id").values() == others
    for person in (joined, shared, waiting):
        assert f"<@{buddy.id}>" not in shown(await person.slash(away.general, "onboarding status"))


async def test_unrecognised_languages_are_named_back_up_to_60_characters(simcord_env, server):
    text = "Klingon " * 10

    result = await server.buddies[0].slash(server.general, "buddy available", state="on", languages=text)

    assert refusal(simcord_env, result) == (
        f"I did not recognise any language in “{text.strip()[:60]}”. Try: Polish, English."
    )


async def test_a_welcome_that_is_gone_or_ended_refuses_its_steps(simcord_env, server):
    newcomer = await server.join("nowa")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    form = await newcomer.click(thread.history()[-1], label="Introduce yourself")
    journey = await Journey.get(user_id=newcomer.id)
    await service.complete(journey.pk, server.admin.id, True, now())

    ended = await newcomer.submit_modal(form, {"about": "I bake bread.", "interests": "", "languages": ""})
    await Journey.filter(id=journey.pk).delete()
    gone = await newcomer.click(thread.history()[-1], label="Introduce yourself")
    with pytest.raises(NotFound) as missing:  # a sign-off or hand-over reaching a journey that is gone
        await service.get_journey(journey.pk)

    assert refusal(simcord_env, ended) == "This welcome has already ended."
    assert refusal(simcord_env, gone) == "This welcome no longer exists."
    assert missing.value.render("en") == "This welcome no longer exists."
    assert not server.channel("introductions").history()


async def test_a_second_introduction_at_the_same_moment_keeps_the_first(server):
    # Two submits of the form cross: the later one must not move the journey back.
    newcomer, _ = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    first = journey.introduced_at
    introduction = service.Introduction(about="I bake bread.", interests="", languages="German", codes=["de"])

    await service.mark_introduced(journey, introduction, first + timedelta(minutes=1))

    again = await Journey.get(user_id=newcomer.id)
    assert (again.step, again.introduced_at, again.languages) == (Step.MATCHED, first, "de")


async def test_the_buddys_first_word_is_kept_and_only_the_buddys(simcord_env, server):
    newcomer, thread = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)
    buddy = next(buddy for buddy in server.buddies if buddy.id == journey.buddy_id)
    other = next(person for person in server.buddies if person is not buddy)
    simcord_env.backend.add_thread_member(thread.id, other.id)

    await simcord_env.advance_time(HOUR)
    await other.send(thread, "Hi from me too!")
    assert (await BuddySlot.get(journey_id=journey.pk)).spoke_at is None
    await buddy.send(thread, "Hi! Welcome.")
    first = (await BuddySlot.get(journey_id=journey.pk)).spoke_at
    await simcord_env.advance_time(HOUR)
    await buddy.send(thread, "How is it going?")

    assert first is not None
    assert (await BuddySlot.get(journey_id=journey.pk)).spoke_at == first
    assert not await service.buddy_spoke(journey.pk, buddy.id, now())


async def test_two_sign_offs_at_once_complete_the_welcome_once(server):
    newcomer, _ = await ready_for_a_buddy(server, "nowa")
    journey = await Journey.get(user_id=newcomer.id)

    results = await asyncio.gather(
        service.complete(journey.pk, journey.buddy_id, False, now()),
        service.complete(journey.pk, server.admin.id, True, now()),
        return_exceptions=True,
    )

    refused = [result for result in results if isinstance(result, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)
    assert refused[0].render("en") == "This welcome is already complete."
    assert (await Journey.get(id=journey.pk)).status == JourneyStatus.COMPLETED
