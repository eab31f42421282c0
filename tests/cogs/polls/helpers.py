"""Arranging polls in SimCord tests."""

from __future__ import annotations

from models.polls import Poll
from tests.helpers import Server, quickstarted


async def member_server(env) -> Server:
    """A quickstarted server whose plain member holds the Member role (newcomers may not create polls)."""
    server = await quickstarted(env)
    server.member = server.add_member("marta", await server.role_for("member"))
    await env.settle()
    return server


async def open_poll(server, **options) -> tuple[Poll, object]:
    """The admin opens a poll in #general; returns the row and the poll message."""
    options.setdefault("question", "Where do we meet?")
    options.setdefault("options", "Library; Park; Café")
    if options["options"] is None:
        del options["options"]
    result = await server.admin.slash(server.general, "poll create", **options)
    assert result.ephemeral, result
    poll = await Poll.all().order_by("-id").first()
    message = server.general.last_message
    assert message.id == poll.message_id
    return poll, message


def poll_message(server, poll: Poll):
    return next(m for m in server.general.history() if m.id == poll.message_id)


def results_message(server, poll: Poll):
    assert poll.results_message_id, "the results were not posted"
    return next(m for m in server.general.history() if m.id == poll.results_message_id)
