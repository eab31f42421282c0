"""The survey rules against the database: every limit at its boundary with its exact refusal,
one survey or one member never touching another, and what the stored rows and the CSV hold."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from cogs.surveys import rules, service
from config.content import load_default_pack
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound
from models.surveys import QuestionKind, Survey, SurveyDraft, SurveyQuestion, SurveyResponse, SurveyStatus
from tests.helpers import all_read_before_any_writes

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)
GUILD = 1
AUTHOR, ALICE, BOB = 7, 11, 12


def refusal(kind, call, *args, **kwargs) -> str:
    with pytest.raises(kind) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is kind
    return str(caught.value)


async def async_refusal(kind, call) -> str:
    with pytest.raises(kind) as caught:
        await call
    return str(caught.value)


def lines(*labels: str) -> str:
    return "\n".join(labels)


# ---------------------------------------------------------------- question_spec


CHOICE_KINDS = ["single", "multi"]


@pytest.mark.parametrize(
    ("kind", "text", "options", "error", "message"),
    [
        ("rating", "Q?", "", InvalidInput, "Choose the type of answer from the list."),
        ("", "Q?", "", InvalidInput, "Choose the type of answer from the list."),
        ("short", "  \n ", "", InvalidInput, "The question cannot be empty."),
        ("short", "x" * 301, "", InvalidInput, "A question can have at most 300 characters."),
        *[
            case
            for kind in CHOICE_KINDS
            for case in [
                (kind, "Q?", "", InvalidInput, "A choice question needs at least two choices, one a line."),
                (
                    kind,
                    "Q?",
                    "Only one\n \n",
                    InvalidInput,
                    "A choice question needs at least two choices, one a line.",
                ),
                (
                    kind,
                    "Q?",
                    lines(*(f"Choice {i}" for i in range(21))),
                    LimitReached,
                    "A question can have at most 20 choices.",
                ),
                (
                    kind,
                    "Q?",
                    "Benches\nbenches",
                    InvalidInput,
                    "Two choices are the same. Each choice must be different.",
                ),
                (kind, "Q?", "Short\n" + "y" * 101, InvalidInput, "A choice can have at most 100 characters."),
            ]
        ],
        *[
            ("scale", "Q?", options, InvalidInput, message)
            for options, message in [
                ("Only low", "A scale takes two labels, for 1 and for 5 (like: not at all; very much), or none."),
                (
                    "low\nmiddle\nhigh",
                    "A scale takes two labels, for 1 and for 5 (like: not at all; very much), or none.",
                ),
                ("low\n" + "z" * 101, "A choice can have at most 100 characters."),
            ]
        ],
    ],
)
def test_question_spec_refuses_each_kind_beyond_its_limits_with_its_message(kind, text, options, error, message):
    assert refusal(error, service.question_spec, kind, text, options) == message


@pytest.mark.parametrize(
    ("kind", "text", "options", "expected"),
    [
        ("short", "  What do   you\nneed? ", "", ("What do you need?", ())),
        ("long", "x" * 300, "", ("x" * 300, ())),
        # A question that takes no choices ignores whatever was typed in the choices field.
        ("short", "Q?", "a\nb\nc", ("Q?", ())),
        ("number", "Q?", "only one", ("Q?", ())),
        ("long", "Q?", "a\n" + "w" * 150, ("Q?", ())),
        ("single", "Q?", "Yes\nNo", ("Q?", ("Yes", "No"))),
        ("multi", "Q?", " Tea ; Coffee ", ("Q?", ("Tea", "Coffee"))),
        ("single", "Q?", lines(*(f"Choice {i}" for i in range(20))), ("Q?", tuple(f"Choice {i}" for i in range(20)))),
        ("multi", "Q?", "a\n" + "y" * 100, ("Q?", ("a", "y" * 100))),
        ("scale", "Q?", "", ("Q?", ())),
        ("scale", "Q?", "not at all\nvery much", ("Q?", ("not at all", "very much"))),
        ("scale", "Q?", "low;" + "z" * 100, ("Q?", ("low", "z" * 100))),
    ],
)
def test_question_spec_keeps_a_clean_text_and_only_the_labels_its_kind_takes(kind, text, options, expected):
    spec = service.question_spec(kind, text, options, required=False)
    assert spec == service.QuestionSpec(QuestionKind(kind), *expected, required=False)


def test_question_spec_without_choices_given_is_a_required_question_with_none():
    assert service.question_spec(QuestionKind.SCALE, "How safe?") == service.QuestionSpec(
        QuestionKind.SCALE, "How safe?"
    )
    assert service.question_spec("short", "Name?").required is True


@pytest.mark.parametrize(
    ("call", "args", "polish"),
    [
        (service.question_spec, ("short", "x" * 301), "Pytanie może mieć najwyżej 300 znaków."),
        (
            service.question_spec,
            ("single", "Q?", lines(*(str(i) for i in range(21)))),
            "Pytanie może mieć najwyżej 20 odpowiedzi do wyboru.",
        ),
        (
            service.question_spec,
            ("multi", "Q?", "a\n" + "b" * 101),
            "Odpowiedź do wyboru może mieć najwyżej 100 znaków.",
        ),
        (
            service.close_moment,
            ("2026-06-01", "UTC", datetime(2026, 1, 10, 12, tzinfo=UTC)),
            "Badanie może się zamknąć najpóźniej za 90 dni. Wybierz wcześniejszą datę.",
        ),
        (
            service.read_answer,
            (SurveyQuestion(kind=QuestionKind.SHORT), "s" * 201),
            "Odpowiedź może mieć najwyżej 200 znaków.",
        ),
        (
            service.read_answer,
            (SurveyQuestion(kind=QuestionKind.LONG), "l" * 1501),
            "Odpowiedź może mieć najwyżej 1500 znaków.",
        ),
    ],
)
def test_the_limits_read_in_polish_with_their_plural_forms(call, args, polish):
    with pytest.raises((InvalidInput, LimitReached)) as caught:
        call(*args)
    assert caught.value.render("pl") == polish


# ---------------------------------------------------------------- templates


def test_an_unknown_template_is_refused_by_its_name():
    assert refusal(NotFound, service.template_of, "en", "picnic") == "There is no survey template “picnic”."


def test_a_template_comes_in_the_language_asked_for():
    assert service.template_of("pl", "purchase").title == "Potrzeby wspólnych zakupów"


@pytest.mark.parametrize("key", service.TEMPLATES)
def test_a_template_keeps_its_title_introduction_and_questions(key):
    [shipped] = [spec for spec in load_default_pack("en").survey_templates if spec.key == key]
    template = service.template_of("en", key)
    assert (template.title, template.introduction) == (shipped.title, shipped.introduction)
    assert template.introduction
    assert [(q.kind.value, q.text, list(q.options), q.required) for q in template.questions] == [
        (q.kind, q.text, list(q.choices) if q.kind in rules.CHOICE_KINDS or q.kind == "scale" else [], q.required)
        for q in shipped.questions
    ]


# ---------------------------------------------------------------- close date, drafts


def test_close_moment_accepts_one_hour_to_ninety_days_ahead_and_refuses_beyond():
    assert service.close_moment("2026-01-10 13:00", "UTC", NOW) == NOW + timedelta(hours=1)
    assert service.close_moment("2026-04-10 12:00", "UTC", NOW) == NOW + timedelta(days=90)
    # A date alone closes at the end of that day in the server's clock.
    assert service.close_moment("2026-01-12", "Europe/Warsaw", NOW) == datetime(2026, 1, 12, 22, 59, tzinfo=UTC)
    assert (
        refusal(InvalidInput, service.close_moment, "2026-01-10 12:59", "UTC", NOW)
        == "A survey stays open at least an hour. Choose a later close."
    )
    assert (
        refusal(InvalidInput, service.close_moment, "2026-04-10 12:01", "UTC", NOW)
        == "A survey can close at most 90 days from now. Choose an earlier date."
    )
    for passed in ("2026-01-10 12:00", "2026-01-09"):
        assert (
            refusal(InvalidInput, service.close_moment, passed, "UTC", NOW)
            == "That close date has passed. Choose a date ahead."
        )


def request(**values) -> service.SurveyRequest:
    return service.SurveyRequest(
        **({"guild_id": GUILD, "channel_id": 3, "author_id": AUTHOR, "title": "Needs"} | values)
    )


SPECS = [
    service.question_spec("single", "What do you need most?", "Childcare\nRepairs\nCompany"),
    service.question_spec("short", "Your street?", required=False),
]


async def test_create_draft_refuses_a_title_or_introduction_beyond_its_limit(database):
    for title, message in [
        (" \n", "The survey needs a title."),
        ("t" * 201, "The title can have at most 200 characters."),
    ]:
        assert await async_refusal(InvalidInput, service.create_draft(request(title=title), SPECS, NOW)) == message
    too_long = request(introduction="i" * 1501)
    assert (
        await async_refusal(InvalidInput, service.create_draft(too_long, SPECS, NOW))
        == "The introduction can have at most 1500 characters."
    )
    both = request(closes="2026-01-20", duration="3d")
    assert (
        await async_refusal(InvalidInput, service.create_draft(both, SPECS, NOW))
        == "Give either a close date or a duration, not both."
    )
    for duration in ("59m", "91d"):
        with pytest.raises(InvalidInput):
            await service.create_draft(request(duration=duration), SPECS, NOW)
    for too_long, polish in [
        (request(title="t" * 201), "Tytuł może mieć najwyżej 200 znaków."),
        (request(introduction="i" * 1501), "Wstęp może mieć najwyżej 1500 znaków."),
    ]:
        with pytest.raises(InvalidInput) as caught:
            await service.create_draft(too_long, SPECS, NOW)
        assert caught.value.render("pl") == polish
    assert not await Survey.exists() and not await SurveyQuestion.exists()


async def test_create_draft_keeps_the_survey_its_questions_and_its_close(database):
    survey = await service.create_draft(
        request(title=" Street \n needs ", introduction="i" * 1500, anonymous=True, audience_role_id=5), SPECS, NOW
    )
    stored = await Survey.get(id=survey.pk)
    assert (stored.guild_id, stored.channel_id, stored.author_id, stored.title) == (GUILD, 3, AUTHOR, "Street needs")
    assert stored.introduction == "i" * 1500 and stored.anonymous and stored.audience_role_id == 5
    assert stored.status == SurveyStatus.DRAFT and stored.created_at == NOW
    assert stored.closes_at == NOW + service.DEFAULT_DURATION and not stored.close_date_fixed
    questions = await service.questions_of(survey.pk)
    assert [(q.position, q.kind, q.text, q.options, q.required) for q in questions] == [
        (0, QuestionKind.SINGLE, "What do you need most?", ["Childcare", "Repairs", "Company"], True),
        (1, QuestionKind.SHORT, "Your street?", [], False),
    ]

    longest = await service.create_draft(request(title="t" * 200, duration="90d"), SPECS, NOW)
    assert longest.closes_at == NOW + timedelta(days=90) and longest.title == "t" * 200
    shortest = await service.create_draft(request(duration="1h"), SPECS, NOW)
    assert shortest.closes_at == NOW + timedelta(hours=1)
    dated = await service.create_draft(request(closes="2026-01-20 18:00"), SPECS, NOW)
    assert dated.closes_at == datetime(2026, 1, 20, 18, tzinfo=UTC) and dated.close_date_fixed

    many = await service.create_draft(request(), SPECS * 8, NOW)
    assert await SurveyQuestion.filter(survey_id=many.pk).count() == rules.MAX_QUESTIONS == 15


async def test_the_sixteenth_question_is_refused_and_a_published_survey_takes_none(database):
    survey = await service.create_draft(request(), [], NOW)
    for number in range(15):
        added = await service.add_question(survey, service.question_spec("long", f"Question {number}", required=False))
        assert added.position == number
    assert added.kind == QuestionKind.LONG and added.text == "Question 14" and added.required is False
    refused = await async_refusal(LimitReached, service.add_question(survey, SPECS[0]))
    assert refused == "A survey can have at most 15 questions."
    assert await SurveyQuestion.filter(survey_id=survey.pk).count() == 15
    with pytest.raises(LimitReached) as caught:
        await service.add_question(survey, SPECS[0])
    assert caught.value.render("pl") == "Badanie może mieć najwyżej 15 pytań."

    other = await service.create_draft(request(), SPECS, NOW)
    choice = await service.add_question(other, SPECS[0])
    assert (choice.position, choice.options) == (2, ["Childcare", "Repairs", "Company"])
    published = await service.publish(other, timedelta(days=2), NOW)
    with pytest.raises(service.NotDraft):
        await service.add_question(published, SPECS[1])


async def test_publish_keeps_a_fixed_close_an_hour_ahead_and_refuses_a_nearer_one(database):
    fixed = await service.create_draft(request(closes="2026-01-12 12:00"), SPECS, NOW)
    refused = await async_refusal(
        InvalidInput, service.publish(fixed, timedelta(days=7), NOW + timedelta(days=2, minutes=-59))
    )
    assert refused == (
        "The close date of this draft has passed or is too near. Discard it and create the survey again."
    )
    assert (await Survey.get(id=fixed.pk)).status == SurveyStatus.DRAFT
    published = await service.publish(fixed, timedelta(days=7), NOW + timedelta(days=2, hours=-1))
    # A second click on Publish, from the builder as it was, finds it published already.
    with pytest.raises(service.NotDraft):
        await service.publish(fixed, timedelta(days=7), NOW + timedelta(days=2, hours=-1))
    assert published.status == SurveyStatus.OPEN and published.closes_at == datetime(2026, 1, 12, 12, tzinfo=UTC)
    assert published.secret is None

    anonymous = await service.create_draft(request(anonymous=True), SPECS, NOW)
    opened = await service.publish(anonymous, timedelta(days=3), NOW + timedelta(hours=5))
    assert opened.closes_at == NOW + timedelta(days=3, hours=5) and opened.secret

    empty = await service.create_draft(request(), [], NOW)
    assert (
        await async_refusal(InvalidInput, service.publish(empty, timedelta(days=3), NOW))
        == "Add at least one question before publishing."
    )


async def test_unpublish_and_close_touch_only_their_own_survey(database):
    first, second, third = [
        await service.publish(await service.create_draft(request(anonymous=True), SPECS, NOW), timedelta(days=3), NOW)
        for _ in range(3)
    ]
    await service.attach_message(first.pk, 100)
    for survey in (second, third):
        await answered(survey, ALICE, 2, "Oak street")
        await answered(survey, BOB, 0, None)
        await service.start_or_resume(survey, 13, NOW)

    await service.unpublish(first.pk)
    assert await service.close_survey(second.pk, NOW + timedelta(hours=2))

    surveys = {survey.pk: survey for survey in await Survey.all()}
    assert surveys[first.pk].status == SurveyStatus.DRAFT and surveys[first.pk].message_id is None
    assert surveys[first.pk].secret is None
    assert surveys[second.pk].status == SurveyStatus.CLOSED and surveys[second.pk].secret is None
    assert surveys[second.pk].closed_at == NOW + timedelta(hours=2)
    assert surveys[third.pk].status == SurveyStatus.OPEN and surveys[third.pk].closed_at is None
    assert surveys[third.pk].secret == third.secret
    # The closed survey's drafts are gone and its answers kept, rewritten; the open one's untouched.
    assert not await SurveyDraft.exists(survey_id=second.pk) and await SurveyDraft.exists(survey_id=third.pk)
    [first_question, _] = await service.questions_of(second.pk)
    kept = sorted(
        row[str(first_question.pk)]
        for row in await SurveyResponse.filter(survey_id=second.pk).values_list("answers", flat=True)
    )
    assert kept == [0, 2]
    assert await SurveyResponse.filter(survey_id=third.pk).count() == 2
    assert not await service.close_survey(second.pk, NOW + timedelta(hours=3))
    assert (await Survey.get(id=second.pk)).closed_at == NOW + timedelta(hours=2)


async def test_discarding_a_draft_deletes_it_and_its_questions_only(database):
    draft = await service.create_draft(request(), SPECS, NOW)
    kept = await service.create_draft(request(), SPECS, NOW)

    await service.discard_draft_survey(draft)

    assert [survey.pk for survey in await Survey.all()] == [kept.pk]
    assert await SurveyQuestion.filter(survey_id=draft.pk).count() == 0
    assert await SurveyQuestion.filter(survey_id=kept.pk).count() == 2
    published = await service.publish(kept, timedelta(days=3), NOW)
    with pytest.raises(service.NotDraft):
        await service.discard_draft_survey(published)
    assert await Survey.exists(id=kept.pk)


async def test_a_discard_that_comes_after_the_publishing_leaves_the_survey_whole(database):
    seen_by_discard = await service.create_draft(request(), SPECS, NOW)
    await service.publish(await Survey.get(id=seen_by_discard.pk), timedelta(days=3), NOW)

    with pytest.raises(service.NotDraft):
        await service.discard_draft_survey(seen_by_discard)

    assert (await Survey.get(id=seen_by_discard.pk)).status == SurveyStatus.OPEN
    assert await SurveyQuestion.filter(survey_id=seen_by_discard.pk).count() == 2


async def test_only_open_surveys_with_a_card_and_unannounced_closed_ones_are_finished_at_start(database):
    def published():
        return service.create_draft(request(), SPECS, NOW)

    await published()  # a draft: nothing to finish
    without_card = await service.publish(await published(), timedelta(days=3), NOW)
    with_card = await service.publish(await published(), timedelta(days=3), NOW)
    await service.attach_message(with_card.pk, 101)
    unannounced, announced = [await service.publish(await published(), timedelta(days=3), NOW) for _ in range(2)]
    for survey in (unannounced, announced):
        await service.attach_message(survey.pk, 102)
        await service.close_survey(survey.pk, NOW)
    await service.mark_announced(announced.pk, 103)

    assert sorted(survey.pk for survey in await service.surveys_to_finish()) == [with_card.pk, unannounced.pk]
    assert without_card.pk not in [survey.pk for survey in await service.surveys_to_finish()]


# ---------------------------------------------------------------- answering


def question(kind: str, options=()) -> SurveyQuestion:
    return SurveyQuestion(id=1, survey_id=1, position=0, kind=QuestionKind(kind), text="Q?", options=list(options))


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        *[
            (kind, raw, "That is not one of this question's choices.")
            for kind in ("single", "multi", "scale")
            for raw in (["one"], [], ["-1"], ["3"] if kind != "scale" else ["6"], ["0", "x"])
        ],
        ("scale", ["0"], "That is not one of this question's choices."),
        ("single", ["0", "1"], "Choose exactly one answer."),
        ("scale", ["1", "5"], "Choose exactly one answer."),
        ("number", "twelve", "“twelve” is not a number. Type digits, like 12 or 12.5."),
        ("number", "  12 apples  ", "“12 apples” is not a number. Type digits, like 12 or 12.5."),
        ("number", "9" * 60, f"“{'9' * 40}” is not a number. Type digits, like 12 or 12.5."),
        ("short", "s" * 201, "The answer can have at most 200 characters."),
        ("long", "l" * 1501, "The answer can have at most 1500 characters."),
    ],
)
def test_read_answer_refuses_what_a_question_does_not_take(kind, raw, message):
    assert refusal(InvalidInput, service.read_answer, question(kind, ["a", "b", "c"]), raw) == message


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("single", ["2"], 2),
        ("single", "0", 0),
        ("multi", ["2", "0", "2"], [0, 2]),
        ("multi", ["1"], [1]),
        ("scale", ["1"], 1),
        ("scale", "5", 5),
        ("number", " 12,5 ", 12.5),
        ("number", "  ", None),
        ("number", [], None),
        ("short", "  a\nstreet ", "a street"),
        ("short", "s" * 200, "s" * 200),
        ("long", "line one\nline two", "line one\nline two"),
        ("long", "l" * 1500, "l" * 1500),
        ("long", " ", None),
    ],
)
def test_read_answer_keeps_the_stored_form_of_an_answer(kind, raw, expected):
    assert service.read_answer(question(kind, ["a", "b", "c"]), raw) == expected


async def open_survey(*, anonymous=False, specs=SPECS):
    survey = await service.create_draft(request(anonymous=anonymous), specs, NOW)
    return await service.publish(survey, timedelta(days=3), NOW)


async def test_a_step_with_no_draft_starts_one_for_that_member_and_keeps_the_step(database):
    survey = await open_survey()
    first, second = await service.questions_of(survey.pk)

    assert await service.go_to_step(survey, ALICE, 1, NOW) == 1
    assert await service.go_to_step(survey, BOB, 9, NOW) == 2
    assert await service.go_to_step(survey, BOB, -3, NOW) == 0
    assert await service.go_to_step(survey, BOB, 2, NOW) == 2

    drafts = {draft.user_id: draft.step for draft in await SurveyDraft.filter(survey_id=survey.pk)}
    assert drafts == {ALICE: 1, BOB: 2}
    other = await open_survey()
    assert await service.go_to_step(other, ALICE, 0, NOW) == 0
    assert (await service.draft_of(survey, ALICE)).step == 1

    assert await service.record_answer(survey, ALICE, first, 1, NOW) == 1
    assert (await service.draft_of(survey, ALICE)).answers == {str(first.pk): 1}
    assert second.position == 1


async def test_a_member_whose_answers_are_in_is_told_so_on_an_old_step(database):
    named = await open_survey()
    anonymous = await open_survey(anonymous=True)
    for survey in (named, anonymous):
        [first, _second] = await service.questions_of(survey.pk)
        await service.start_or_resume(survey, ALICE, NOW)
        await service.record_answer(survey, ALICE, first, 0, NOW)
        assert await service.submit(survey, ALICE, NOW)

    assert await async_refusal(Conflict, service.go_to_step(named, ALICE, 1, NOW)) == (
        "Your answers to this survey are already in."
    )
    assert await async_refusal(Conflict, service.require_draft_of(anonymous, ALICE, NOW)) == (
        "You have already answered this anonymous survey. Anonymous answers cannot be changed."
    )
    assert not await SurveyDraft.exists()
    # Another member on the same survey still starts afresh.
    assert (await service.require_draft_of(named, BOB, NOW)).user_id == BOB


async def test_live_counts_count_responses_drafts_and_answers_per_question(database):
    survey = await open_survey()
    first, _second = await service.questions_of(survey.pk)
    for member in (ALICE, BOB):
        await service.start_or_resume(survey, member, NOW)
        await service.record_answer(survey, member, first, 0, NOW)
    await service.submit(survey, ALICE, NOW)

    assert await service.live_counts(survey) == service.LiveCounts(responses=1, in_progress=1, per_question=[1, 0])


# ---------------------------------------------------------------- export, action


async def answered(survey, member, *values):
    await service.start_or_resume(survey, member, NOW)
    for q, value in zip(await service.questions_of(survey.pk), values, strict=True):
        await service.record_answer(survey, member, q, value, NOW)
    await service.submit(survey, member, NOW)


async def test_an_anonymous_export_is_sorted_by_the_answers_not_by_who_came_first(database):
    survey = await open_survey(anonymous=True)
    for member, values in enumerate([(2, "Zebra street"), (0, "Oak street"), (2, "Ash street"), (1, None)], start=20):
        await answered(survey, member, *values)

    header, *rows = list(csv.reader(io.StringIO(await service.export_csv(survey))))

    assert header == ["1. What do you need most?", "2. Your street?"]
    assert rows == [
        ["Childcare", "Oak street"],
        ["Company", "Ash street"],
        ["Company", "Zebra street"],
        ["Repairs", ""],
    ]


async def test_a_named_export_lists_each_response_in_the_order_they_came(database):
    survey = await open_survey()
    await answered(survey, BOB, 2, "Zebra street")
    await service.start_or_resume(survey, ALICE, NOW)
    first, _second = await service.questions_of(survey.pk)
    await service.record_answer(survey, ALICE, first, 1, NOW)
    await service.submit(survey, ALICE, NOW + timedelta(minutes=5))
    # Another member at the same moment comes after or before by their id.
    await service.start_or_resume(survey, 10, NOW)
    await service.record_answer(survey, 10, first, 0, NOW)
    await service.submit(survey, 10, NOW + timedelta(minutes=5))

    header, *rows = list(csv.reader(io.StringIO(await service.export_csv(survey))))

    assert header == ["user_id", "submitted_at", "1. What do you need most?", "2. Your street?"]
    assert rows == [
        [str(BOB), NOW.isoformat(), "Company", "Zebra street"],
        ["10", (NOW + timedelta(minutes=5)).isoformat(), "Childcare", ""],
        [str(ALICE), (NOW + timedelta(minutes=5)).isoformat(), "Repairs", ""],
    ]
    assert await SurveyResponse.filter(survey_id=survey.pk).count() == 3


async def test_an_action_starts_from_any_of_twenty_choices_and_refuses_what_is_not_one(database):
    labels = [f"Choice {i}" for i in range(20)]
    survey = await open_survey(specs=[service.question_spec("multi", "Which?", lines(*labels))])
    [which] = await service.questions_of(survey.pk)
    refused = await async_refusal(Conflict, _require_closed(survey))
    assert refused == f"Survey #{survey.pk} is still open: turn its answers into action once it is closed."
    await service.close_survey(survey.pk, NOW)
    survey = await Survey.get(id=survey.pk)
    service.require_closed(survey)

    assert await service.action_source(survey, str(which.pk)) == service.ActionSource(which)
    for index in (0, 10, 19):
        assert await service.action_source(survey, f"{which.pk}:{index}") == service.ActionSource(which, labels[index])
    for picked in ("20", "010", "-1", "x", "", "٣", "1 ", "1:2"):
        refused = await async_refusal(NotFound, service.action_source(survey, f"{which.pk}:{picked}"))
        assert refused == "This answer is no longer in the survey's results."
    for picked in (f"{which.pk + 1}", "x:0"):
        refused = await async_refusal(NotFound, service.action_source(survey, picked))
        assert refused == "This question is no longer in the survey."


async def _require_closed(survey):
    service.require_closed(survey)


async def test_a_text_questions_answers_are_actions_once_each_and_a_number_has_none(database):
    specs = [
        service.question_spec("short", "What should we build?", required=False),
        service.question_spec("number", "Budget?", required=False),
    ]
    survey = await open_survey(specs=specs)
    for member, text in enumerate(["Benches", "A tool library", "benches", "A Tool Library", "Benches"], start=20):
        await answered(survey, member, text, 5)
    await service.close_survey(survey.pk, NOW)
    survey = await Survey.get(id=survey.pk)
    build, budget = await service.questions_of(survey.pk)

    texts = await service.action_answers(survey, build)
    assert sorted(text.casefold() for text in texts) == ["a tool library", "benches"]
    assert await service.action_source(survey, f"{build.pk}:1") == service.ActionSource(build, texts[1])
    assert await service.action_answers(survey, budget) == []
    refused = await async_refusal(NotFound, service.action_source(survey, f"{budget.pk}:0"))
    assert refused == "This answer is no longer in the survey's results."


async def test_fewer_than_three_text_answers_give_no_action_to_start_from(database):
    survey = await open_survey(specs=[service.question_spec("long", "Anything else?")])
    for member, text in enumerate(["Benches", "Trees"], start=20):
        await answered(survey, member, text)
    await service.close_survey(survey.pk, NOW)
    [question] = await service.questions_of(survey.pk)

    assert await service.action_answers(await Survey.get(id=survey.pk), question) == []


async def test_only_the_author_or_a_moderator_manages_a_survey(database):
    survey = await service.create_draft(request(), SPECS, NOW)

    service.require_manager(survey, AUTHOR, is_staff=False)
    service.require_manager(survey, ALICE, is_staff=True)
    refused = refusal(NotAllowed, service.require_manager, survey, ALICE, False)
    assert refused == "Only the survey's author or a moderator can do that."


async def test_moving_up_swaps_with_the_question_before_and_the_first_goes_to_the_end(database):
    texts = ["First?", "Second?", "Third?"]
    survey = await service.create_draft(request(), [service.question_spec("short", text) for text in texts], NOW)
    first, _second, third = await service.questions_of(survey.pk)

    await service.move_up(survey, first.pk)
    assert [q.text for q in await service.questions_of(survey.pk)] == ["Second?", "Third?", "First?"]
    await service.move_up(survey, third.pk)
    assert [q.text for q in await service.questions_of(survey.pk)] == ["Third?", "Second?", "First?"]
    assert [q.position for q in await service.questions_of(survey.pk)] == [0, 1, 2]
    refused = await async_refusal(NotFound, service.move_up(survey, first.pk + 100))
    assert refused == "This question is no longer in the survey."


async def test_once_an_anonymous_survey_closes_nobody_can_be_told_to_have_answered(database):
    survey = await open_survey(anonymous=True)
    await answered(survey, ALICE, 0, None)
    assert await service.has_answered(survey, ALICE) and not await service.has_answered(survey, BOB)

    await service.close_survey(survey.pk, NOW)

    closed = await Survey.get(id=survey.pk)
    assert not await service.has_answered(closed, ALICE)


@pytest.mark.parametrize("anonymous", [False, True])
async def test_two_clicks_at_once_on_take_the_survey_share_one_draft(database, anonymous):
    survey = await open_survey(anonymous=anonymous)

    drafts = await asyncio.gather(*(service.start_or_resume(survey, ALICE, NOW) for _ in range(3)))

    assert len({draft.pk for draft in drafts}) == 1
    assert await SurveyDraft.filter(survey_id=survey.pk).count() == 1


async def test_a_survey_of_another_server_is_not_found_by_its_number(database):
    survey = await service.create_draft(request(), SPECS, NOW)

    assert (await service.get_survey(survey.pk, GUILD)).pk == survey.pk
    for guild in (GUILD + 1, None):
        refused = await async_refusal(NotFound, service.get_survey(survey.pk, guild))
        assert refused == f"There is no survey #{survey.pk} on this server."


async def test_answers_are_refused_from_the_closing_instant_on(database):
    survey = await open_survey()
    first, _second = await service.questions_of(survey.pk)
    await service.start_or_resume(survey, ALICE, NOW)
    await service.record_answer(survey, ALICE, first, 0, NOW)
    just_before = survey.closes_at - timedelta(microseconds=1)
    assert await service.go_to_step(survey, ALICE, 2, just_before) == 2

    for answering in (
        service.start_or_resume(survey, BOB, survey.closes_at),
        service.record_answer(survey, ALICE, first, 1, survey.closes_at),
        service.submit(survey, ALICE, survey.closes_at),
    ):
        refused = await async_refusal(Conflict, answering)
        assert refused == "This survey is closed. Answers are no longer accepted."
    assert not await SurveyResponse.exists()
    assert [draft.user_id for draft in await SurveyDraft.all()] == [ALICE]


async def test_a_late_take_the_survey_cannot_submit_anonymous_answers_twice(database, monkeypatch):
    # A slow click on "Take the survey" checks "already answered?" before the member's other
    # submission is written and makes its draft after: its submit meets the participation row.
    survey = await open_survey(anonymous=True)
    checked, release = asyncio.Event(), asyncio.Event()
    real_has_answered = service.has_answered

    async def held(survey, user_id):
        answered_yet = await real_has_answered(survey, user_id)
        if not checked.is_set():
            checked.set()
            await release.wait()
        return answered_yet

    monkeypatch.setattr(service, "has_answered", held)
    late = asyncio.create_task(service.start_or_resume(survey, ALICE, NOW))
    await checked.wait()
    await answered(survey, ALICE, 0, None)
    release.set()
    assert (await late).answers == {}
    first, _second = await service.questions_of(survey.pk)
    await service.record_answer(survey, ALICE, first, 1, NOW)

    refused = await async_refusal(Conflict, service.submit(survey, ALICE, NOW))

    assert refused == "You have already answered this anonymous survey. Anonymous answers cannot be changed."
    assert await SurveyResponse.filter(survey_id=survey.pk).count() == 1


async def test_an_anonymous_export_sorts_numbers_and_skipped_answers_as_text(database):
    survey = await open_survey(anonymous=True, specs=[service.question_spec("number", "How many?", required=False)])
    [question] = await service.questions_of(survey.pk)
    for member, typed in enumerate(["9", "", "10"], start=20):
        await answered(survey, member, service.read_answer(question, typed))  # stored as numbers, or nothing

    _header, *rows = list(csv.reader(io.StringIO(await service.export_csv(survey))))

    assert rows == [[""], ["10"], ["9"]]


async def test_a_member_starting_a_second_survey_starts_it_blank(database):
    first_survey = await open_survey()
    await answered(first_survey, ALICE, 1, "Oak street")
    second_survey = await open_survey()

    draft = await service.start_or_resume(second_survey, ALICE, NOW)

    assert draft.answers == {}


async def test_an_edited_named_answer_is_dated_by_its_edit(database):
    survey = await open_survey()
    await answered(survey, ALICE, 1, "Oak street")
    first, _second = await service.questions_of(survey.pk)
    await service.start_or_resume(survey, ALICE, NOW)
    await service.record_answer(survey, ALICE, first, 2, NOW)

    assert await service.submit(survey, ALICE, NOW + timedelta(hours=1)) is False

    _header, *rows = list(csv.reader(io.StringIO(await service.export_csv(survey))))
    assert rows == [[str(ALICE), (NOW + timedelta(hours=1)).isoformat(), "Company", "Oak street"]]


async def test_of_two_submits_at_once_the_second_is_told_the_answers_are_in(database, monkeypatch):
    survey = await open_survey()
    await service.start_or_resume(survey, ALICE, NOW)
    first, _second = await service.questions_of(survey.pk)
    await service.record_answer(survey, ALICE, first, 0, NOW)
    # Both submits find the draft before either takes it: the delete decides.
    all_read_before_any_writes(monkeypatch, service, "draft_of")
    results = await asyncio.gather(
        service.submit(survey, ALICE, NOW), service.submit(survey, ALICE, NOW), return_exceptions=True
    )

    refused = [result for result in results if isinstance(result, Exception)]
    assert [(type(error), str(error)) for error in refused] == [
        (Conflict, "Your answers to this survey are already in.")
    ]
    assert await SurveyResponse.filter(survey_id=survey.pk, user_id=ALICE).count() == 1
