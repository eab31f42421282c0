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
    ("target", "refusal"),
    [
        (MOD, "You cannot take moderation action on yourself."),
        (BOT, "I will not take moderation action on myself."),
        (OWNER, "Nobody can take moderation action on the server owner."),
        (
            Standing(4, 6, name="peer"),
            "peer's highest role is not below yours, so you cannot act on them. Ask someone ranked higher.",
        ),
        (
            Standing(5, 8, name="boss"),
            "boss's highest role is not below yours, so you cannot act on them. Ask someone ranked higher.",
        ),
    ],
)
def test_refusals(target, refusal):
    # The whole sentence the moderator reads, with the name in it: which refusal, not just that one came.
    with pytest.raises(NotAllowed) as refused:
        rules.check_target(MOD, target, BOT)
    assert str(refused.value) == refusal


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
    above_the_bot = (
        "top's highest role is not below mine, so Discord will not let me act on them. "
        "An admin can drag my role higher in Server Settings → Roles."
    )
    assert refusal_of(OWNER, Standing(4, 10, name="top")) == above_the_bot
    assert refusal_of(OWNER, Standing(4, 11, name="top")) == above_the_bot


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
    assert not rules.escalation_due(9, 0)  # 0 turns escalation off
    # A threshold of one: the first warning already goes to the moderators.
    assert rules.escalation_due(1, 1)
    assert not rules.escalation_due(0, 1)
