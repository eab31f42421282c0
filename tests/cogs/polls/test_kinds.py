"""Multi, ranked and consent polls end to end."""

from __future__ import annotations

import discord
import pytest

from cogs.polls import service
from gromada.bot import create_bot
from gromada.errors import InvalidInput
from models.polls import Decision, DecisionOutcome, Poll, PollBallot, PollKind
from tests.cogs.polls.helpers import open_poll, results_message
from tests.helpers import quickstarted, refusal, shown


async def test_multi_choice_up_to_max_choices(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, kind="multi", options="Soup; Salad; Cake; Tea", max_choices=2)

    result = await server.member.select(message, ["0", "2"], custom_id=f"poll:multi:{poll.pk}")
    changed = await server.member.select(message, ["3"], custom_id=f"poll:multi:{poll.pk}")
    await server.admin.select(message, ["3", "1"], custom_id=f"poll:multi:{poll.pk}")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    assert "Your vote is recorded: **Soup**, **Cake**" in shown(result)
    assert "Your vote is changed to: **Tea**" in shown(changed)
    assert (await PollBallot.get(poll_id=poll.pk, voter_id=server.member.id)).choices == [3]
    text = results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    assert "Decision: **Tea**" in text
    assert "**Tea**: 2 (100%)" in text and "**Salad**: 1 (50%)" in text


@pytest.mark.parametrize(
    ("limit", "language", "said"),
    [
        (1, "pl", "Wybierz najwyżej 1 opcję."),
        (2, "pl", "Wybierz najwyżej 2 opcje."),
        (5, "pl", "Wybierz najwyżej 5 opcji."),
        (1, "ru", "Выберите не больше 1 варианта."),
        (2, "ru", "Выберите не больше 2 вариантов."),
        (1, "en", "Choose at most 1 option."),
        (2, "en", "Choose at most 2 options."),
    ],
)
def test_too_many_choices_are_refused_in_words_that_agree_with_the_limit(limit, language, said):
    # Discord's select already stops a voter at max_choices; the service refuses a longer ballot too.
    poll = Poll(kind=PollKind.MULTI, options=["a", "b", "c", "d", "e", "f"], max_choices=limit)

    with pytest.raises(InvalidInput) as refused:
        service.validate_ballot(poll, list(range(limit + 1)), None)

    assert refused.value.render(language) == said


async def test_multi_max_choices_beyond_options_is_refused(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(
        server.general, "poll create", question="Q?", options="a; b", kind="multi", max_choices=3
    )

    assert "max_choices must be between 1 and the number of options (2)" in refusal(simcord_env, result)


async def test_ranked_flow_and_instant_runoff_rounds(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    voters = [guild.add_member(simcord_env.create_user(f"v{i}")) for i in range(4)]
    await simcord_env.settle()
    poll, message = await open_poll(server, kind="ranked", options="Alpha; Beta; Gamma")
    # First preferences: Alpha 2, Beta 2, Gamma 1 (then Beta): Gamma goes, Beta wins 3-2.
    rankings = {
        voters[0]: ["Alpha"],
        voters[1]: ["Alpha", "Beta"],
        voters[2]: ["Beta"],
        voters[3]: ["Beta", "Alpha"],
        server.member: ["Gamma", "Beta"],
    }
    for voter, ranking in rankings.items():
        flow = await voter.click(message, label="Rank the options")
        assert flow.ephemeral
        for label in ranking:
            index = poll.options.index(label)
            flow_message = flow.response
            flow = await voter.select(flow_message, [str(index)], custom_id="poll:ranking:choose")
        done = await voter.click(flow.response, label="Submit ranking")
        assert "Your vote is recorded" in shown(done), shown(done)

    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    closed = await Poll.get(id=poll.pk)
    text = results_message(server, closed).embeds[0].description
    assert "Decision: **Beta**" in text
    assert "Round 1: Alpha 2, Beta 2, Gamma 1; exhausted 0 — eliminated: Gamma" in text
    assert "Round 2: Alpha 2, Beta 3; exhausted 0" in text
    # First preferences: partial rankings with the same first choice add up.
    assert "**Alpha**: 2 (40%)" in text and "**Gamma**: 1 (20%)" in text
    assert f"tie-break seed {closed.seed}" in text
    ballot = await PollBallot.get(poll_id=poll.pk, voter_id=server.member.id)
    assert ballot.choices == [2, 1]


async def test_consent_object_and_block_need_a_reason(simcord_env):
    server = await quickstarted(simcord_env)
    other = server.guild.add_member(simcord_env.create_user("dmitrij"))
    await simcord_env.settle()
    poll, message = await open_poll(server, kind="consent", question="Adopt the new statute?", options=None)

    agree = await server.admin.click(message, label="Agree")
    shown_modal = await server.member.click(message, label="Object")
    assert shown_modal.modal is not None
    objected = await server.member.submit_modal(shown_modal, {"reason": "Article 4 is unclear"})
    block_modal = await other.click(message, label="Block")
    blocked = await other.submit_modal(block_modal, {"reason": "It breaks our bylaws"})
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    assert "Your vote is recorded: **Agree**" in shown(agree)
    assert "**Object**" in shown(objected) and "**Block**" in shown(blocked)
    text = results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    assert "Not passed: 1 block." in text
    assert f"**Object** (<@{server.member.id}>): Article 4 is unclear" in text
    assert f"**Block** (<@{other.id}>): It breaks our bylaws" in text
    assert (await Decision.get(poll_id=poll.pk)).outcome == DecisionOutcome.BLOCKED


async def test_consent_passes_without_blocks_and_respects_quorum(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, kind="consent", options=None, quorum=50)
    await server.admin.click(message, label="Agree")
    await server.member.click(message, label="Abstain")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    text = results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    assert "Passed by consent: nobody blocked." in text
    assert "Quorum of 50%: reached." in text


async def test_quorum_not_reached_is_no_decision(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, quorum=60)
    await server.member.click(message, label="Park")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    text = results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    assert "No decision: the quorum of 60% was not reached." in text
    assert (await Decision.get(poll_id=poll.pk)).outcome == DecisionOutcome.NO_QUORUM


async def test_a_missed_quorum_stores_no_winner_and_the_log_names_none(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server, quorum=60)
    await server.member.click(message, label="Park")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    decision = await Decision.get(poll_id=poll.pk)
    assert (decision.outcome, decision.winners) == (DecisionOutcome.NO_QUORUM, "")
    log = await server.admin.slash(server.general, "decisions")
    assert "**Where do we meet?** — no quorum (1/3)" in shown(log)
    # The option that led is not what was decided, so searching for it finds nothing.
    searched = await server.admin.slash(server.general, "decisions", search="Park")
    assert "No decision matches “Park”." in refusal(simcord_env, searched)


@pytest.mark.parametrize(
    ("quorum", "voters", "reached"),
    [
        # 33% of 10 electors is 3.3 people: three voters fall short, however close.
        (33, 3, False),
        (33, 4, True),
        # 25% of 10 is 2.5: half a person is still a person short.
        (25, 2, False),
        (25, 3, True),
    ],
)
async def test_a_fractional_quorum_needs_the_whole_share_of_the_electorate(simcord_env, quorum, voters, reached):
    server = await quickstarted(simcord_env)
    council = server.guild.create_role("Council")
    members = [server.guild.add_member(simcord_env.create_user(f"c{n}"), roles=[council]) for n in range(10)]
    await simcord_env.settle()
    poll, message = await open_poll(server, quorum=quorum, eligible_role=council)
    assert poll.electorate_size == 10
    for member in members[:voters]:
        await member.click(message, label="Park")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    text = results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    decision = await Decision.get(poll_id=poll.pk)
    if reached:
        assert f"Quorum of {quorum}%: reached." in text and "Decision: **Park**" in text
        assert decision.outcome == DecisionOutcome.WINNER and decision.winners == "Park"
    else:
        assert f"No decision: the quorum of {quorum}% was not reached." in text
        assert f"Quorum of {quorum}%: not reached." in text
        assert decision.outcome == DecisionOutcome.NO_QUORUM


async def test_an_honest_tie(simcord_env):
    server = await quickstarted(simcord_env)
    poll, message = await open_poll(server)
    await server.member.click(message, label="Park")
    await server.admin.click(message, label="Library")
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    text = results_message(server, await Poll.get(id=poll.pk)).embeds[0].description
    assert "A tie between **Library**, **Park**. No single winner." in text
    decision = await Decision.get(poll_id=poll.pk)
    assert decision.outcome == DecisionOutcome.TIE and decision.winners == "Library; Park"


async def test_long_objections_are_all_posted_whole_after_the_results(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    objectors = [guild.add_member(simcord_env.create_user(f"objector{i}")) for i in range(6)]
    await simcord_env.settle()
    poll, message = await open_poll(server, kind="consent", options=None)
    reasons = {}
    for index, objector in enumerate(objectors):
        reasons[objector] = f"Reason {index}: " + "the budget line is unclear; " * 32 + f"end {index}."
        modal = await objector.click(message, label="Object")
        await objector.submit_modal(modal, {"reason": reasons[objector]})

    standings = await server.admin.slash(server.general, "poll results", poll_id=poll.pk)
    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    closed = await Poll.get(id=poll.pk)
    results = results_message(server, closed)
    assert len(results.embeds[0].description) <= 4096
    assert "Passed by consent" in results.embeds[0].description
    after = [m.content for m in server.general.history() if m.id > results.id and m.content]
    posted = "\n".join(after)
    for objector, reason in reasons.items():
        assert f"(<@{objector.id}>): {reason}" in posted
    assert all(len(text) <= 2000 for text in after)
    # The voters are named, not pinged.
    pages = [r for r in simcord_env.http_requests if r.method == "POST" and "Reason 0:" in str(r.json)]
    assert pages and all(r.json["allowed_mentions"] == {"parse": []} for r in pages)
    # Asking for the standings while open gets the same reasons, only for the asker.
    shown_to_admin = "\n".join(f.content or "" for f in standings.followups)
    assert all(reason in shown_to_admin for reason in reasons.values())
    assert all(f.ephemeral for f in standings.followups)


async def test_every_round_of_a_long_runoff_is_posted(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild
    voters = [guild.add_member(simcord_env.create_user(f"ranker{i}")) for i in range(11)]
    await simcord_env.settle()
    labels = [f"Option {index}: " + "a long description of this choice " * 2 for index in range(10)]
    poll, _message = await open_poll(server, kind="ranked", options="; ".join(labels))
    # Options 0-8 have one voter each and option 9 two, every ballot a single preference:
    # one option leaves per round (ties broken by the seed) until option 9 has a majority.
    now = discord.utils.utcnow()
    for voter, option in zip(voters, [*range(10), 9], strict=True):
        await service.cast_vote(poll, voter.id, [option], now)

    await server.admin.slash(server.general, "poll close", poll_id=poll.pk)

    closed = await Poll.get(id=poll.pk)
    results = results_message(server, closed)
    assert len(results.embeds[0].description) <= 4096
    assert "Decision: **Option 9:" in results.embeds[0].description
    posted = "\n".join(m.content for m in server.general.history() if m.id > results.id and m.content)
    rounds = service.summarise(closed, await service.grouped_ballots(closed), 11, []).runoff.rounds
    assert len(rounds) == 9
    for number in range(1, len(rounds) + 1):
        assert f"Round {number}: " in posted
    assert posted.count("(tie broken by") == 8


async def test_multi_select_and_rank_button_work_after_a_restart(simcord_env, settings):
    server = await quickstarted(simcord_env)
    multi, multi_message = await open_poll(server, kind="multi", options="Soup; Salad; Cake")
    ranked, ranked_message = await open_poll(server, kind="ranked", options="Alpha; Beta; Gamma")

    await simcord_env.restart_bot(create_bot(settings))
    chosen = await server.member.select(multi_message, ["1", "2"], custom_id=f"poll:multi:{multi.pk}")
    flow = await server.member.click(ranked_message, label="Rank the options")
    flow = await server.member.select(flow.response, ["2"], custom_id="poll:ranking:choose")
    done = await server.member.click(flow.response, label="Submit ranking")

    assert "Your vote is recorded: **Salad**, **Cake**" in shown(chosen)
    assert "Your vote is recorded: **Gamma**" in shown(done)
    assert (await PollBallot.get(poll_id=ranked.pk, voter_id=server.member.id)).choices == [2]


async def test_kinds_are_offered_and_shown_in_words_of_each_language(simcord_env):
    server = await quickstarted(simcord_env, "pl")
    registered = {command.name: command for command in await simcord_env.bot.tree.fetch_commands()}
    create = next(option for option in registered["poll"].options if option.name == "create")
    kind = next(option for option in create.options if option.name == "kind")

    offered = {
        choice.value: (choice.name, {str(locale): name for locale, name in choice.name_localizations.items()})
        for choice in kind.choices
    }
    _, message = await open_poll(server, kind="multi", options="Soup; Salad; Cake", max_choices=2)

    assert offered == {
        "single": ("single choice", {"pl": "jednokrotny wybór", "ru": "один вариант"}),
        "multi": ("multiple choice", {"pl": "wielokrotny wybór", "ru": "множественный выбор"}),
        "ranked": (
            "ranked choice (instant-runoff)",
            {"pl": "ranking (głosowanie preferencyjne)", "ru": "рейтинговое голосование (преференциальное)"},
        ),
        "consent": ("consent", {"pl": "zgoda", "ru": "согласие"}),
    }
    assert "Rodzaj: wielokrotny wybór" in message.embeds[0].description
    refused = await server.admin.slash(server.general, "poll create", question="Tea?", options="Yes; No", max_choices=2)
    assert "max_choices only applies to multiple-choice polls." in refusal(simcord_env, refused)


@pytest.mark.parametrize("forged", ["abc", "²", "99999999999999999999", "3", "-1"])
async def test_a_forged_preference_is_refused_and_the_ranking_goes_on(simcord_env, forged):
    # A select's values are whatever the client sends, not necessarily one of its options.
    server = await quickstarted(simcord_env)
    ranked, ranked_message = await open_poll(server, kind="ranked", options="Alpha; Beta; Gamma")
    flow = await server.member.click(ranked_message, label="Rank the options")
    flow_message = flow.response
    # A modified client claims the flow's select offered one more option.
    backend = simcord_env.backend
    components = flow_message.components
    components[0]["components"][0]["options"].append({"label": forged, "value": forged})
    backend.edit_message(flow_message.channel_id, flow_message.id, {"components": components})

    refused = await server.member.select(flow_message, [forged], custom_id="poll:ranking:choose")
    chosen = await server.member.select(flow_message, ["1"], custom_id="poll:ranking:choose")
    done = await server.member.click(chosen.response or flow_message, label="Submit ranking")

    assert refusal(simcord_env, refused) == "That choice is not one of this poll's options."
    assert "Your vote is recorded: **Beta**" in shown(done)
    assert (await PollBallot.get(poll_id=ranked.pk, voter_id=server.member.id)).choices == [1]
