from models.polls import PollBallot
from tests.cogs.polls.helpers import open_poll, ready_server
from tests.helpers import shown


async def test_member_votes_and_sees_confirmation(simcord_env):
    server = await ready_server(simcord_env)
    poll, message = await open_poll(server)

    result = await server.member.click(message, label="Park")

    assert result.ephemeral
    assert "Your vote is recorded: **Park**" in shown(result)
    ballot = await PollBallot.get(poll_id=poll.pk, voter_id=server.member.id)
    assert ballot.choices == [1]
