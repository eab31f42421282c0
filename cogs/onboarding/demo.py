"""Demo walk: a newcomer joins, reads the values, introduces themselves; a buddy welcomes them."""

from __future__ import annotations

from gromada.i18n import N_
from models.onboarding import Journey

ORDER = 10


def _channel(demo, name: str):
    return demo.channel(name)


def _last(thread, button: str = ""):
    """The thread's last message, or its last one that carries the button `button`."""
    return next(message for message in reversed(thread.history()) if not button or _has_button(message, button))


def _has_button(message, label: str) -> bool:
    return any(button.label == label for row in message.components for button in row.children)


async def walk(demo) -> None:
    newcomer = demo.guild.add_member(demo.env.create_user("nadia"))
    await demo.env.settle()
    journey = await Journey.get(user_id=newcomer.id)
    thread = next(thread for thread in _channel(demo, "welcome").threads if thread.id == journey.thread_id)
    # On Discord the ping in the first message adds Nadia to her private thread (and the ping
    # to the buddy adds the buddy); the offline Discord does not model that, so the walk does.
    demo.env.backend.add_thread_member(thread.id, newcomer.id)
    step = _last(thread)
    demo.say(f"nadia joins and gets the Newcomer role. In her private thread: {step.content}")
    demo.say(f"  [{step.embeds[0].title}] {step.embeds[0].footer.text}")

    while _has_button(_last(thread), demo.label(N_("Next"))):
        await newcomer.click(_last(thread), label=demo.label(N_("Next")))
    demo.say(f"nadia reads every values card; the last one is “{_last(thread).embeds[0].title}”.")
    await newcomer.click(_last(thread), label=demo.label(N_("I share these values")))
    demo.say(f"nadia presses “I share these values”: {_last(thread).content}")

    modal = await newcomer.click(_last(thread), label=demo.label(N_("Introduce yourself")))
    answers = {"about": "I teach maths and love the allotment.", "interests": "seeds, bikes", "languages": "polski"}
    await newcomer.submit_modal(modal, answers)
    introductions = _channel(demo, "introductions")
    introduction = introductions.last_message
    embed = introduction.embeds[0]
    demo.say(f"#{introductions.name}: {introduction.content} [{embed.title}] {embed.description}")
    complete = demo.label(N_("Welcome complete"))
    ping = _last(thread, complete)
    demo.say(f"In the thread: {ping.content}")

    demo.env.backend.add_thread_member(thread.id, demo.buddy.id)
    await demo.buddy.send(thread, "Cześć Nadia! Happy to show you around.")
    await demo.buddy.click(ping, label=complete)
    thanked = next(message for message in thread.history() if message.id == ping.id)  # the bot edits the ping
    demo.say(f"basia_buddy presses “Welcome complete”: {thanked.content}")
    roles = sorted(role.name for role in newcomer.member.roles if not role.is_default())
    demo.say(f"nadia's roles now: {', '.join(roles)}; the thread is archived and locked.")
    demo.show("nadia", await newcomer.slash(_channel(demo, "general"), "onboarding status"))


INTRODUCTION = {
    "about": N_("I teach maths and love the allotment."),
    "interests": N_("seeds, bikes"),
    "languages": N_("Polish, English"),
}


async def furnish(demo) -> None:
    """Nadia shared the values and introduced herself, and her buddy said hello; the buddy has
    not pressed "Welcome complete" yet. Jan has just joined: the visitor walks his welcome."""
    nadia = await _join(demo, "nadia")
    thread = await _thread_of(demo, nadia)
    while _has_button(_last(thread), demo.label(N_("Next"))):
        await nadia.click(_last(thread), label=demo.label(N_("Next")))
    await nadia.click(_last(thread), label=demo.label(N_("I share these values")))
    form = await nadia.click(_last(thread), label=demo.label(N_("Introduce yourself")))
    await nadia.submit_modal(form, {key: demo.label(text) for key, text in INTRODUCTION.items()})
    await demo.buddy.send(thread, demo.label(N_("Hello Nadia! Happy to show you around. Ask me anything.")))
    demo.people["newcomer"] = await _join(demo, "jan")


async def _join(demo, name: str):
    newcomer = demo.guild.add_member(demo.env.create_user(name))
    await demo.env.settle()
    return newcomer


async def _thread_of(demo, newcomer):
    journey = await Journey.get(user_id=newcomer.id)
    return next(thread for thread in _channel(demo, "welcome").threads if thread.id == journey.thread_id)
