"""Text made only of invisible characters is no text, wherever a person types it."""

from __future__ import annotations

import unicodedata

import pytest

from gromada.text import clean, comparable
from models.initiatives import Initiative
from models.mediation import Ticket
from models.moderation import ModCase
from models.onboarding import Journey, Step
from models.polls import Poll
from models.purchases import Purchase
from models.volunteers import Thanks, VolunteerRole

# Discord adds a pinged member to a private thread (the welcome thread); SimCord needs telling.
from tests.cogs.onboarding.conftest import mentions_add_to_private_threads  # noqa: F401
from tests.cogs.onboarding.helpers import onboarding_server, walk_values
from tests.helpers import quickstarted, refusal, speaking

# Zero-width spaces and joiners (a poll of them was once stored and posted), and more that
# str.strip() keeps: word joiner, byte-order mark, soft hyphen, right-to-left mark, the Hangul
# filler and the Braille blank.
INVISIBLE = {
    "zero-width": "\u200b\u200c\u200d",
    "other blanks": " \u2060\ufeff\u00ad\u200f\u3164\u2800 ",
}


# ---------------------------------------------------------------- clean


@pytest.mark.parametrize("text", [*INVISIBLE.values(), "", None, "\t\n ", "\U000e0067\U000e007f"])
def test_text_of_invisible_characters_only_is_empty(text):
    assert clean(text) == ""


def test_edges_are_trimmed_and_the_inside_kept_as_typed():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, held together by joiners
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a non-joiner inside a word
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tags close the flag

    assert clean(f"\u200b {family} \ufeff") == family
    assert clean(f"\u2060{persian}\u200b") == persian
    assert clean(f"Go {scotland}\u200b ") == f"Go {scotland}"
    assert clean("Zebra\u00adcrossing\n\nsecond line") == "Zebra\u00adcrossing\n\nsecond line"


def test_text_is_composed_and_one_line_text_has_single_spaces():
    decomposed = "Zako\u0301nczone"
    assert clean(decomposed) == unicodedata.normalize("NFC", decomposed) == "Zakónczone"
    assert clean("  Community\u200b   garden\n plot ", one_line=True) == "Community\u200b garden plot"


def test_texts_that_look_the_same_compare_the_same():
    assert comparable("Yes") == comparable("y\u200bes\u2060") == comparable(" YES ")
    assert comparable("Yes") != comparable("No")


# ---------------------------------------------------------------- every place text is typed


async def _poll_question(env, text):
    server = await quickstarted(env)
    result = await server.admin.slash(server.general, "poll create", question=text, options="Park; Library")
    return result, Poll.all().count()


async def _poll_options(env, text):
    server = await quickstarted(env)
    result = await server.admin.slash(server.general, "poll create", question="Where?", options=f"{text}; {text}")
    return result, Poll.all().count()


async def _poll_option_beside_a_real_one(env, text):
    server = await quickstarted(env)
    result = await server.admin.slash(server.general, "poll create", question="Where?", options=f"Park; {text}")
    return result, Poll.all().count()


async def _propose(env, **fields):
    server = await quickstarted(env)
    form = await server.member.slash(server.general, "initiative propose")
    values = {"title": "Garden", "goal": "Grow food.", "needs": "Seeds.", "first_step": "Ask."} | fields
    return await server.member.submit_modal(form, values), Initiative.all().count()


async def _initiative_title(env, text):
    return await _propose(env, title=text)


async def _initiative_goal(env, text):
    return await _propose(env, goal=text)


async def _mediation_request(env, text):
    server = await quickstarted(env)
    panel = next(message for message in server.channel("mediation").history() if message.components)
    form = await server.member.click(panel, label="Request mediation")
    result = await server.member.submit_modal(form, {"what_happened": text, "hoped_outcome": "Peace."})
    return result, Ticket.all().count()


async def _moderation_reason(env, text):
    server = await quickstarted(env)
    result = await server.admin.slash(server.general, "mod warn", member=server.member, reason=text)
    return result, ModCase.all().count()


async def _thanks(env, text):
    server = await quickstarted(env)
    result = await server.member.slash(server.general, "thanks", member=server.admin, message=text)
    return result, Thanks.all().count()


async def _volunteer_role_name(env, text):
    server = await quickstarted(env)
    roles_before = len(server.discord_guild().roles)
    result = await server.admin.slash(server.general, "volunteer role create", name=text, seats=2)
    assert len(server.discord_guild().roles) == roles_before  # refused before any Discord role was made
    return result, VolunteerRole.filter(name="").count()


async def _purchase_title(env, text):
    server = await quickstarted(env)
    result = await server.admin.slash(server.general, "purchase open", title=text, deadline="3d")
    return result, Purchase.all().count()


async def _introduction(env, text):
    server = await onboarding_server(env)
    newcomer = await server.join("nadia")
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    step = next(message for message in reversed(thread.history()) if message.author.bot and message.components)
    form = await newcomer.click(step, label="Introduce yourself")
    result = await newcomer.submit_modal(form, {"about": text, "interests": text, "languages": "Polish"})
    introduced = Journey.filter(user_id=newcomer.id, step__gte=Step.INTRODUCED).count()
    return result, introduced


CASES = {
    "poll question": (_poll_question, "The question cannot be empty."),
    "poll options": (_poll_options, "Give at least two options"),
    "poll option beside a real one": (_poll_option_beside_a_real_one, "Give at least two options"),
    "initiative title (form)": (_initiative_title, "The title is empty."),
    "initiative goal (form)": (_initiative_goal, "Fill in the goal, what is needed and the first step."),
    "mediation request (form)": (_mediation_request, "Please describe what happened and what you hope for"),
    "moderation reason": (_moderation_reason, "Please give a reason."),
    "thanks": (_thanks, "Write a few words of thanks."),
    "volunteer role name": (_volunteer_role_name, "The role needs a name."),
    "purchase title": (_purchase_title, "The purchase needs a title."),
    "introduction (form)": (_introduction, "the “About you” field is empty"),
}


@pytest.mark.parametrize("invisible", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("case", CASES, ids=str)
async def test_invisible_text_is_refused_and_nothing_stored(simcord_env, case, invisible):
    act, message = CASES[case]

    result, stored = await act(simcord_env, invisible)

    assert message in refusal(simcord_env, result)
    assert await stored == 0


@pytest.mark.parametrize(
    ("locale", "message"),
    [("pl", "Pytanie nie może być puste."), ("ru", "Вопрос не может быть пустым.")],
)
async def test_the_refusal_is_in_the_persons_language(simcord_env, monkeypatch, locale, message):
    server = await quickstarted(simcord_env)

    with speaking(monkeypatch, server.admin, locale):
        result = await server.admin.slash(server.general, "poll create", question="\u200b\u2060", options="Tak; Nie")

    assert message in refusal(simcord_env, result)
    assert await Poll.all().count() == 0


async def test_visible_text_keeps_its_inner_characters_and_loses_its_invisible_edges(simcord_env):
    server = await quickstarted(simcord_env)
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"

    await server.admin.slash(
        server.general, "poll create", question=f"\u200bPicnic for the {family}?\u200b", options="Yes\u2060; No"
    )

    poll = await Poll.get()
    assert poll.question == f"Picnic for the {family}?"
    assert poll.options == ["Yes", "No"]


async def test_options_that_look_the_same_are_refused(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(server.general, "poll create", question="Where?", options="Park; Pa\u200brk")

    assert "Two options are the same." in refusal(simcord_env, result)
    assert await Poll.all().count() == 0


def test_a_content_pack_card_of_invisible_characters_is_refused():
    from config.content import ContentError, parse_pack

    with pytest.raises(ContentError) as refused:
        parse_pack('[[values]]\ntitle = "\u200b\u200d"\nbody = "We share."\n', "pack.toml")

    assert refused.value.line == 2
    assert "title" in refused.value.problem
