"""The pure rules of who may act on whom, without Discord."""

import pytest

from cogs.moderation import rules
from cogs.moderation.rules import Standing
from gromada.errors import NotAllowed
from models.moderation import CaseAction

BOT = Standing(1, 10, name="bot")
MOD = Standing(2, 6, name="mod")
OWNER = Standing(3, 0, is_owner=True, name="owner")


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        (MOD, "yourself"),
        (BOT, "on myself"),
        (OWNER, "server owner"),
        (Standing(4, 6, name="peer"), "not below yours"),
        (Standing(5, 8, name="boss"), "not below yours"),
    ],
)
def test_refusals(target, fragment):
    with pytest.raises(NotAllowed) as refused:
        rules.check_target(MOD, target, BOT)
    assert fragment in str(refused.value)


def refusal_of(actor: Standing, target: Standing, bot: Standing = BOT) -> str | None:
    """Why the bot refuses `actor` acting on `target`, or None when it may go ahead."""
    try:
        rules.check_target(actor, target, bot)
    except NotAllowed as refused:
        return str(refused)
    return None


def test_owner_may_act_on_anyone_below_the_bot_but_not_above():
    assert refusal_of(OWNER, Standing(4, 9)) is None
    assert refusal_of(OWNER, Standing(4, 0)) is None
    assert "not below mine" in refusal_of(OWNER, Standing(4, 10, name="top"))
    assert "not below mine" in refusal_of(OWNER, Standing(4, 11, name="top"))


@pytest.mark.parametrize(
    ("moderator", "target", "allowed"),
    [
        (MOD, Standing(4, 5), True),  # one below the moderator, far below the bot
        (MOD, Standing(4, 0), True),  # a member with no role at all
        (MOD, Standing(4, 6), False),  # level with the moderator
        # A moderator ranked above the bot still needs the target below the bot.
        (Standing(2, 12), Standing(4, 9), True),
        (Standing(2, 12), Standing(4, 10), False),
    ],
)
def test_a_member_below_both_the_moderator_and_the_bot_may_be_acted_on(moderator, target, allowed):
    assert (refusal_of(moderator, target) is None) is allowed


@pytest.mark.parametrize(
    ("action", "permissions", "allowed"),
    [
        (CaseAction.BAN, {"kick_members"}, False),
        (CaseAction.BAN, {"ban_members"}, True),
        (CaseAction.KICK, {"kick_members"}, True),
        (CaseAction.TIMEOUT, {"kick_members"}, False),
        (CaseAction.WARN, {"moderate_members"}, True),
        (CaseAction.UNBAN, {"administrator"}, True),
        (CaseAction.NOTE, {"manage_guild"}, True),
        (CaseAction.KICK, {"manage_guild"}, False),
    ],
)
def test_permission_per_action(action, permissions, allowed):
    assert rules.may_use(action, has_moderator_role=False, permissions=permissions) is allowed
    assert rules.may_use(action, has_moderator_role=True, permissions=set()) is True


def test_escalation_threshold():
    assert not rules.escalation_due(2, 3)
    assert rules.escalation_due(3, 3)
    assert not rules.escalation_due(9, 0)
