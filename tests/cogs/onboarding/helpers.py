"""A server with buddies, and the steps a newcomer takes, for the onboarding tests."""

from __future__ import annotations

from tests.helpers import Server, quickstarted


class OnboardingServer(Server):
    """A server with buddies (build it with onboarding_server()); newcomers join with `join()`."""

    def __init__(self, env) -> None:
        super().__init__(env)
        self.buddies: list = []

    async def join(self, name: str):
        newcomer = self.add_member(name)
        await self.env.settle()
        return newcomer

    def thread_of(self, newcomer):
        """The newcomer's welcome thread (a SimCord channel handle)."""
        for thread in self.channel("welcome").threads:
            if newcomer.id in self.env.backend.get_channel(thread.id).thread_members:
                return thread
        raise AssertionError(f"{newcomer} is in no welcome thread")


async def onboarding_server(env, buddies: int = 2) -> OnboardingServer:
    server = await quickstarted(env, server_class=OnboardingServer)
    buddy = await server.role_for("buddy")
    server.buddies = [server.add_member(f"buddy{index}", buddy) for index in range(buddies)]
    await env.settle()
    return server


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


async def ready_for_a_buddy(server: OnboardingServer, name: str, **values):
    """A newcomer who joined, shared the values and introduced themselves."""
    newcomer = await server.join(name)
    thread = server.thread_of(newcomer)
    await walk_values(newcomer, thread)
    await introduce(newcomer, thread, **values)
    return newcomer, thread
