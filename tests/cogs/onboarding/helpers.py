"""Steps a newcomer takes, for the onboarding tests."""

from __future__ import annotations


async def walk_values(newcomer, thread):
    """Read the remaining values cards with Next, then press "I share these values"."""
    step = thread.history()[-1]
    while any(button.label == "Next" for row in step.components for button in row.children):
        await newcomer.click(step, label="Next")
        step = thread.history()[-1]
    return await newcomer.click(step, label="I share these values")


async def introduce(newcomer, thread, **values):
    """Open the introduction from the newcomer's step and submit it."""
    step = next(message for message in reversed(thread.history()) if message.author.bot and message.components)
    shown_modal = await newcomer.click(step, label="Introduce yourself")
    fields = {"about": "I bake bread and fix bikes.", "interests": "gardening", "languages": "Polish, English"}
    fields.update(values)
    return await newcomer.submit_modal(shown_modal, fields)


async def ready_for_a_buddy(community, name: str, **values):
    """A newcomer who joined, shared the values and introduced themselves."""
    newcomer = await community.join(name)
    thread = community.thread_of(newcomer)
    await walk_values(newcomer, thread)
    await introduce(newcomer, thread, **values)
    return newcomer, thread
