"""Needs surveys: building, answering, closing, results, export. No Discord here.

Answering. A member's answers in progress are a `survey_draft` row, so they can leave and come
back (after a restart too) and resume at the question they last saw. Submitting turns the draft
into a response in one transaction whose first statement deletes the draft: of two submits at
once (a double click) only the one that deleted it writes, so there is one response per member.
A named response can be edited until the close: editing starts a new draft from it, and the
next submit replaces it (the (survey, respondent) pair is unique).

Anonymity (the standard of anonymous polls, cogs/polls/anonymity.py). An anonymous survey gets
a random secret when it is published. Submitting writes, in one transaction,
- a `survey_participation` row whose key is HMAC-SHA256(secret, "survey id:user id"): it says
  that someone answered, nothing more, and its uniqueness refuses a second response;
- a `survey_response` row with the answers, no member, no timestamp and a random id.
While the member is still answering, their draft is keyed by the same hash (not by their id)
and it is deleted when they submit. At close the secret is erased, every draft is deleted and
the responses are written again in shuffled order: from then on nothing stored can tell whose
answers are whose, nor in which order they came. Said plainly, as for polls: while the survey
is open a reader of the database who also has the secret can tell who has answered or is
answering, and the answers of a draft in progress until it is submitted. They can also tell
what a submitted response says: participation and response rows are written together, so
until the close reshuffles the responses the physical order of the two tables (SQLite's rowid,
PostgreSQL's heap) pairs them up. Submitted anonymous answers cannot be edited: that would need
the very link the scheme refuses to keep; the member is told before submitting.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from cogs.surveys import rules
from config.content import load_default_pack
from gromada.anonymity import new_secret, participation_token
from gromada.csv_export import csv_text
from gromada.durations import parse_duration
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound
from gromada.guild_config import Purpose, declare_purpose
from gromada.i18n import N_, Plural
from gromada.ids import id_in_text
from gromada.localtime import NotALocalTime, parse_date, parse_moment, to_utc
from gromada.text import clean
from models.core import BindingKind
from models.surveys import (
    QuestionKind,
    Survey,
    SurveyAction,
    SurveyDraft,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

CLOSE_TIMER = "surveys.close"
TITLE_LIMIT = 200
INTRODUCTION_LIMIT = 1500
QUESTION_LIMIT = 300
CHOICE_LIMIT = 100
DEFAULT_DURATION = timedelta(days=7)
MIN_DURATION = timedelta(hours=1)
MAX_DURATION = timedelta(days=90)

AUTHOR_PURPOSE = declare_purpose(Purpose("survey_author", BindingKind.ROLE, N_("Survey author"), create=False))

NOT_ON_THIS_SERVER = N_("There is no survey #{id} on this server.")
AUTHORS_ONLY = N_("Only moderators, initiative leads and holders of the {role} role can create surveys on this server.")
MANAGERS_ONLY = N_("Only the survey's author or a moderator can do that.")
ALREADY_SUBMITTED = N_("Your answers to this survey are already in.")
ANONYMOUS_FINAL = N_("You have already answered this anonymous survey. Anonymous answers cannot be changed.")
QUESTION_GONE = N_("This question is no longer in the survey.")
ANSWER_GONE = N_("This answer is no longer in the survey's results.")


class SurveyClosed(Conflict):
    default_message = N_("This survey is closed. Answers are no longer accepted.")


class NotDraft(Conflict):
    default_message = N_("This survey is already published: its questions can no longer change.")


# ---------------------------------------------------------------- building


@dataclass(frozen=True)
class QuestionSpec:
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    required: bool = True


def question_spec(kind: QuestionKind | str, text: str, options_raw: str = "", required: bool = True) -> QuestionSpec:
    """A question as typed in the builder: its text, and its choices or a scale's two end labels."""
    try:
        kind = QuestionKind(kind)
    except ValueError:
        # The type comes from a select, whose value is whatever the client sends.
        raise InvalidInput(N_("Choose the type of answer from the list.")) from None
    text = clean(text, one_line=True)
    if not text:
        raise InvalidInput(N_("The question cannot be empty."))
    if len(text) > QUESTION_LIMIT:
        raise InvalidInput(
            Plural(
                "A question can have at most {n} character.",
                "A question can have at most {n} characters.",
                QUESTION_LIMIT,
            )
        )
    labels = rules.split_choices(options_raw or "")
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        if len(labels) < 2:
            raise InvalidInput(N_("A choice question needs at least two choices, one a line."))
        if len(labels) > rules.MAX_CHOICES:
            raise LimitReached(
                Plural(
                    "A question can have at most {n} choice.",
                    "A question can have at most {n} choices.",
                    rules.MAX_CHOICES,
                )
            )
        if len({label.casefold() for label in labels}) != len(labels):
            raise InvalidInput(N_("Two choices are the same. Each choice must be different."))
    elif kind == QuestionKind.SCALE:
        if len(labels) not in (0, 2):
            raise InvalidInput(N_("A scale takes two labels, for 1 and for 5 (like: not at all; very much), or none."))
    else:
        labels = []
    if any(len(label) > CHOICE_LIMIT for label in labels):
        raise InvalidInput(
            Plural(
                "A choice can have at most {n} character.", "A choice can have at most {n} characters.", CHOICE_LIMIT
            )
        )
    return QuestionSpec(kind, text, tuple(labels), required)


TEMPLATES = ("neighbourhood", "purchase")


@dataclass(frozen=True)
class Template:
    title: str
    introduction: str
    questions: tuple[QuestionSpec, ...]


def template_of(language: str, key: str) -> Template:
    """A shipped survey template (config/content/<language>.toml) in the server's language."""
    spec = next((template for template in load_default_pack(language).survey_templates if template.key == key), None)
    if spec is None:
        raise NotFound(N_("There is no survey template “{key}”."), key=key)
    questions = tuple(
        question_spec(question.kind, question.text, "\n".join(question.choices), question.required)
        for question in spec.questions
    )
    return Template(spec.title, spec.introduction, questions)


@dataclass(frozen=True)
class SurveyRequest:
    guild_id: int
    channel_id: int
    author_id: int
    title: str
    introduction: str = ""
    audience_role_id: int | None = None
    anonymous: bool = False
    duration: str | None = None
    # A close date and time in the server's clock (`timezone`), instead of a duration.
    closes: str | None = None
    timezone: str = "UTC"


def close_moment(text: str, zone: str, now: datetime) -> datetime:
    """The close typed in the server's clock: "2026-12-05 18:00", or a date alone (it closes
    at the end of that day, 23:59); at least MIN_DURATION and at most MAX_DURATION ahead."""
    try:
        moment = to_utc(datetime.combine(parse_date(text), time(23, 59)), zone)
    except NotALocalTime:
        _local, moment = parse_moment(text, zone)
    if moment <= now:
        raise InvalidInput(N_("That close date has passed. Choose a date ahead."))
    if moment - now < MIN_DURATION:
        raise InvalidInput(N_("A survey stays open at least an hour. Choose a later close."))
    if moment - now > MAX_DURATION:
        raise InvalidInput(
            Plural(
                "A survey can close at most {n} day from now. Choose an earlier date.",
                "A survey can close at most {n} days from now. Choose an earlier date.",
                MAX_DURATION.days,
            )
        )
    return moment


async def create_draft(request: SurveyRequest, questions: Sequence[QuestionSpec], now: datetime) -> Survey:
    title = clean(request.title, one_line=True)
    if not title:
        raise InvalidInput(N_("The survey needs a title."))
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(
            Plural(
                "The title can have at most {n} character.", "The title can have at most {n} characters.", TITLE_LIMIT
            )
        )
    introduction = clean(request.introduction)
    if len(introduction) > INTRODUCTION_LIMIT:
        raise InvalidInput(
            Plural(
                "The introduction can have at most {n} character.",
                "The introduction can have at most {n} characters.",
                INTRODUCTION_LIMIT,
            )
        )
    if request.closes and request.duration:
        raise InvalidInput(N_("Give either a close date or a duration, not both."))
    if request.closes:
        closes_at = close_moment(request.closes, request.timezone, now)
    else:
        duration = (
            parse_duration(request.duration, minimum=MIN_DURATION, maximum=MAX_DURATION)
            if request.duration
            else DEFAULT_DURATION
        )
        # Counted again from the publishing (see publish): the builder may take a while.
        closes_at = now + duration
    async with in_transaction():
        survey = await Survey.create(
            guild_id=request.guild_id,
            channel_id=request.channel_id,
            author_id=request.author_id,
            title=title,
            introduction=introduction,
            audience_role_id=request.audience_role_id,
            anonymous=request.anonymous,
            created_at=now,
            closes_at=closes_at,
            close_date_fixed=bool(request.closes),
        )
        await SurveyQuestion.bulk_create(
            [
                SurveyQuestion(
                    survey_id=survey.pk,
                    position=position,
                    kind=spec.kind,
                    text=spec.text,
                    options=list(spec.options),
                    required=spec.required,
                )
                for position, spec in enumerate(questions[: rules.MAX_QUESTIONS])
            ]
        )
    return survey


async def get_survey(survey_id: int, guild_id: int | None) -> Survey:
    survey = await Survey.filter(id=survey_id, guild_id=guild_id).first()
    if survey is None:
        raise NotFound(NOT_ON_THIS_SERVER, id=survey_id)
    return survey


async def questions_of(survey_id: int) -> list[SurveyQuestion]:
    return await SurveyQuestion.filter(survey_id=survey_id).order_by("position", "id")


def may_manage(survey: Survey, user_id: int, is_staff: bool) -> bool:
    return is_staff or survey.author_id == user_id


def require_manager(survey: Survey, user_id: int, is_staff: bool) -> None:
    if not may_manage(survey, user_id, is_staff):
        raise NotAllowed(MANAGERS_ONLY)


def require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise NotDraft()


async def add_question(survey: Survey, spec: QuestionSpec) -> SurveyQuestion:
    require_draft(survey)
    async with in_transaction():
        count = await SurveyQuestion.filter(survey_id=survey.pk).count()
        if count >= rules.MAX_QUESTIONS:
            raise LimitReached(
                Plural(
                    "A survey can have at most {n} question.",
                    "A survey can have at most {n} questions.",
                    rules.MAX_QUESTIONS,
                )
            )
        return await SurveyQuestion.create(
            survey_id=survey.pk,
            position=count,
            kind=spec.kind,
            text=spec.text,
            options=list(spec.options),
            required=spec.required,
        )


async def _renumber(survey_id: int, ordered: list[SurveyQuestion]) -> None:
    for position, question in enumerate(ordered):
        if question.position != position:
            await SurveyQuestion.filter(id=question.pk, survey_id=survey_id).update(position=position)


def picked_question(value: str) -> int:
    """The question a select's value names. The value is whatever the client sends: anything
    that cannot be a question's id is refused like a question that is gone."""
    question_id = id_in_text(value)
    if question_id is None:
        raise NotFound(QUESTION_GONE)
    return question_id


async def remove_question(survey: Survey, question_id: int) -> None:
    require_draft(survey)
    async with in_transaction():
        if not await SurveyQuestion.filter(id=question_id, survey_id=survey.pk).delete():
            raise NotFound(QUESTION_GONE)
        await _renumber(survey.pk, await questions_of(survey.pk))


async def move_up(survey: Survey, question_id: int) -> None:
    """Swap the question with the one before it (the first goes to the end)."""
    require_draft(survey)
    async with in_transaction():
        ordered = await questions_of(survey.pk)
        index = next((i for i, question in enumerate(ordered) if question.pk == question_id), None)
        if index is None:
            raise NotFound(QUESTION_GONE)
        if index == 0:
            ordered.append(ordered.pop(0))
        else:
            ordered[index - 1], ordered[index] = ordered[index], ordered[index - 1]
        await _renumber(survey.pk, ordered)


async def publish(survey: Survey, duration: timedelta, now: datetime) -> Survey:
    """From draft to open, once; closes `duration` after now, or at the date the author chose."""
    require_draft(survey)
    if not await SurveyQuestion.exists(survey_id=survey.pk):
        raise InvalidInput(N_("Add at least one question before publishing."))
    if survey.close_date_fixed and survey.closes_at - now < MIN_DURATION:
        raise InvalidInput(
            N_("The close date of this draft has passed or is too near. Discard it and create the survey again.")
        )
    claimed = await Survey.filter(id=survey.pk, status=SurveyStatus.DRAFT).update(
        status=SurveyStatus.OPEN,
        closes_at=survey.closes_at if survey.close_date_fixed else now + duration,
        secret=new_secret() if survey.anonymous else None,
    )
    if not claimed:
        raise NotDraft()
    return await Survey.get(id=survey.pk)


async def unpublish(survey_id: int) -> None:
    """Undo a publishing whose card could not be posted (nobody could have answered)."""
    await Survey.filter(id=survey_id, status=SurveyStatus.OPEN).update(
        status=SurveyStatus.DRAFT, message_id=None, secret=None
    )


async def attach_message(survey_id: int, message_id: int) -> None:
    await Survey.filter(id=survey_id).update(message_id=message_id)


async def discard_draft_survey(survey: Survey) -> None:
    require_draft(survey)
    async with in_transaction():
        # The claim comes first: a survey published meanwhile (Publish and Discard clicked at
        # once) is no draft any more and keeps its questions.
        if not await Survey.filter(id=survey.pk, status=SurveyStatus.DRAFT).delete():
            raise NotDraft()
        await SurveyQuestion.filter(survey_id=survey.pk).delete()


def duration_of(survey: Survey) -> timedelta:
    """The open time the author asked for (kept as closes_at - created_at while drafting)."""
    return survey.closes_at - survey.created_at


# ---------------------------------------------------------------- answering


def require_open(survey: Survey, now: datetime) -> None:
    if survey.status != SurveyStatus.OPEN or now >= survey.closes_at:
        raise SurveyClosed()


def _holder(survey: Survey, user_id: int) -> dict:
    """How a member's draft is found: by their id, or for an anonymous survey by the keyed hash."""
    if survey.anonymous:
        return {"token": participation_token(survey.secret, survey.pk, user_id)}
    return {"user_id": user_id}


async def has_answered(survey: Survey, user_id: int) -> bool:
    if survey.anonymous:
        if survey.secret is None:
            return False
        return await SurveyParticipation.exists(token=participation_token(survey.secret, survey.pk, user_id))
    return await SurveyResponse.exists(survey_id=survey.pk, user_id=user_id)


async def draft_of(survey: Survey, user_id: int) -> SurveyDraft | None:
    return await SurveyDraft.filter(survey_id=survey.pk, **_holder(survey, user_id)).first()


async def start_or_resume(survey: Survey, user_id: int, now: datetime) -> SurveyDraft:
    """The member's draft: the one in progress, a new one from their named response (to edit
    it), or a blank one. An anonymous survey already answered is final."""
    require_open(survey, now)
    draft = await draft_of(survey, user_id)
    if draft is not None:
        return draft
    answers: dict = {}
    if survey.anonymous:
        if await has_answered(survey, user_id):
            raise Conflict(ANONYMOUS_FINAL)
    else:
        response = await SurveyResponse.filter(survey_id=survey.pk, user_id=user_id).first()
        if response is not None:
            answers = dict(response.answers)
    try:
        return await SurveyDraft.create(survey_id=survey.pk, answers=answers, step=0, **_holder(survey, user_id))
    except IntegrityError:
        # Two clicks at once: the other one made it.
        draft = await draft_of(survey, user_id)
        if draft is None:
            raise Conflict() from None
        return draft


async def require_draft_of(survey: Survey, user_id: int, now: datetime) -> SurveyDraft:
    require_open(survey, now)
    draft = await draft_of(survey, user_id)
    if draft is None:
        if await has_answered(survey, user_id):
            raise Conflict(ALREADY_SUBMITTED if not survey.anonymous else ANONYMOUS_FINAL)
        # A step of answers left from before: start again where the member is.
        return await start_or_resume(survey, user_id, now)
    return draft


def read_answer(question: SurveyQuestion, raw: str | list[str]) -> object:
    """The stored form of an answer given in a step; raises with a clear message when it is not one."""
    values = raw if isinstance(raw, list) else [raw]
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.SCALE):
        try:
            chosen = sorted({int(value) for value in values})
        except ValueError:
            raise InvalidInput(N_("That is not one of this question's choices.")) from None
        allowed = rules.SCALE if kind == QuestionKind.SCALE else range(len(question.options))
        if not chosen or any(value not in allowed for value in chosen):
            raise InvalidInput(N_("That is not one of this question's choices."))
        if kind == QuestionKind.MULTI:
            return chosen
        if len(chosen) != 1:
            raise InvalidInput(N_("Choose exactly one answer."))
        return chosen[0]
    text = values[0] if values else ""
    if kind == QuestionKind.NUMBER:
        if not clean(text):
            return None
        number = rules.parse_number(text)
        if number is None:
            raise InvalidInput(N_("“{text}” is not a number. Type digits, like 12 or 12.5."), text=clean(text)[:40])
        return number
    limit = rules.SHORT_TEXT_LIMIT if kind == QuestionKind.SHORT else rules.LONG_TEXT_LIMIT
    text = clean(text, one_line=kind == QuestionKind.SHORT)
    if len(text) > limit:
        raise InvalidInput(
            Plural("The answer can have at most {n} character.", "The answer can have at most {n} characters.", limit)
        )
    return text or None


async def record_answer(survey: Survey, user_id: int, question: SurveyQuestion, value: object, now: datetime) -> int:
    """Keep one answer in the member's draft and move on; returns the next step."""
    draft = await require_draft_of(survey, user_id, now)
    if question.required and not rules.answered(value):
        raise InvalidInput(N_("This question needs an answer."))
    answers = dict(draft.answers)
    if rules.answered(value):
        answers[str(question.pk)] = value
    else:
        answers.pop(str(question.pk), None)
    total = await SurveyQuestion.filter(survey_id=survey.pk).count()
    step = rules.next_step(question.position, total)
    await SurveyDraft.filter(id=draft.pk).update(answers=answers, step=step)
    return step


async def go_to_step(survey: Survey, user_id: int, step: int, now: datetime) -> int:
    draft = await require_draft_of(survey, user_id, now)
    total = await SurveyQuestion.filter(survey_id=survey.pk).count()
    step = max(0, min(step, total))
    await SurveyDraft.filter(id=draft.pk).update(step=step)
    return step


async def submit(survey: Survey, user_id: int, now: datetime) -> bool:
    """Turn the member's draft into their response; True for a first response, False for an edit."""
    require_open(survey, now)
    draft = await draft_of(survey, user_id)
    if draft is None:
        if await has_answered(survey, user_id):
            raise Conflict(ALREADY_SUBMITTED if not survey.anonymous else ANONYMOUS_FINAL)
        raise Conflict(N_("There are no answers to submit. Start with “Take the survey”."))
    questions = await questions_of(survey.pk)
    missing = rules.missing_required(
        [question.required for question in questions], [draft.answers.get(str(question.pk)) for question in questions]
    )
    if missing:
        raise InvalidInput(N_("Please answer question {number}: it is required."), number=missing[0] + 1)
    async with in_transaction():
        # The claim: of two submits at once, only the one that deletes the draft goes on.
        if not await SurveyDraft.filter(id=draft.pk).delete():
            raise Conflict(ALREADY_SUBMITTED)
        current = await Survey.filter(id=survey.pk).first().values_list("status", flat=True)
        if current != SurveyStatus.OPEN:
            raise SurveyClosed()
        if survey.anonymous:
            try:
                await SurveyParticipation.create(token=draft.token, survey_id=survey.pk)
            except IntegrityError:
                raise Conflict(ANONYMOUS_FINAL) from None
            await SurveyResponse.create(survey_id=survey.pk, user_id=None, answers=draft.answers)
            return True
        updated = await SurveyResponse.filter(survey_id=survey.pk, user_id=user_id).update(
            answers=draft.answers, submitted_at=now
        )
        if updated:
            return False
        await SurveyResponse.create(survey_id=survey.pk, user_id=user_id, answers=draft.answers, submitted_at=now)
        return True


# ---------------------------------------------------------------- counting, closing


async def response_count(survey_id: int) -> int:
    return await SurveyResponse.filter(survey_id=survey_id).count()


@dataclass(frozen=True)
class LiveCounts:
    responses: int
    in_progress: int
    per_question: list[int]


async def live_counts(survey: Survey) -> LiveCounts:
    questions = await questions_of(survey.pk)
    summaries = await summary_of(survey, questions)
    return LiveCounts(
        responses=await response_count(survey.pk),
        in_progress=await SurveyDraft.filter(survey_id=survey.pk).count(),
        per_question=[summary.answers for summary in summaries],
    )


async def summary_of(survey: Survey, questions: list[SurveyQuestion]) -> list[rules.QuestionSummary]:
    """Each question's summary over the survey's responses (the caller has the questions read already)."""
    rows = await SurveyResponse.filter(survey_id=survey.pk).values_list("user_id", "answers")
    return rules.summarise([(q.pk, q.kind.value, q.text, q.options) for q in questions], rows)


async def close_survey(survey_id: int, now: datetime) -> bool:
    """Close once: drafts are dropped, the anonymity secret erased, anonymous rows reshuffled."""
    async with in_transaction():
        if not await Survey.filter(id=survey_id, status=SurveyStatus.OPEN).update(
            status=SurveyStatus.CLOSED, closed_at=now, secret=None
        ):
            return False
        await SurveyDraft.filter(survey_id=survey_id).delete()
        survey = await Survey.get(id=survey_id)
        if survey.anonymous:
            answers = list(await SurveyResponse.filter(survey_id=survey_id).values_list("answers", flat=True))
            random.SystemRandom().shuffle(answers)
            await SurveyResponse.filter(survey_id=survey_id).delete()
            await SurveyResponse.bulk_create([SurveyResponse(survey_id=survey_id, answers=row) for row in answers])
    return True


async def mark_announced(survey_id: int, message_id: int) -> None:
    await Survey.filter(id=survey_id).update(results_message_id=message_id)


def announced(survey: Survey) -> bool:
    return survey.status == SurveyStatus.CLOSED and survey.results_message_id is not None


async def surveys_to_finish() -> list[Survey]:
    """Open surveys, and closed ones whose results are not posted yet (checked at start)."""
    open_ones = await Survey.filter(status=SurveyStatus.OPEN, message_id__isnull=False)
    unannounced = await Survey.filter(status=SurveyStatus.CLOSED, results_message_id__isnull=True)
    return [*open_ones, *unannounced]


def _cell(question: SurveyQuestion, value: object) -> object:
    if not rules.answered(value):
        return ""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(question.options[index] for index in chosen if 0 <= index < len(question.options))
    return value


async def export_csv(survey: Survey) -> str:
    """One row per response; a named survey's rows say whose, an anonymous survey's nobody's
    (sorted by their answers, so the order tells nothing either)."""
    questions = await questions_of(survey.pk)
    header = [f"{question.position + 1}. {question.text}" for question in questions]
    responses = await SurveyResponse.filter(survey_id=survey.pk).order_by("submitted_at", "user_id")
    rows = [
        [_cell(question, response.answers.get(str(question.pk))) for question in questions] for response in responses
    ]
    if survey.anonymous:
        return csv_text(header, sorted(rows, key=lambda row: [str(cell) for cell in row]))
    return csv_text(
        ["user_id", "submitted_at", *header],
        (
            [response.user_id, response.submitted_at.isoformat() if response.submitted_at else "", *row]
            for response, row in zip(responses, rows, strict=True)
        ),
    )


# ---------------------------------------------------------------- turning answers into action


def require_closed(survey: Survey) -> None:
    if survey.status != SurveyStatus.CLOSED:
        raise Conflict(N_("Survey #{id} is still open: turn its answers into action once it is closed."), id=survey.pk)


async def question_by_id(survey: Survey, question_id: int) -> SurveyQuestion:
    question = await SurveyQuestion.filter(id=question_id, survey_id=survey.pk).first()
    if question is None:
        raise NotFound(QUESTION_GONE)
    return question


@dataclass(frozen=True)
class ActionSource:
    """What an action starts from: a question, and one of its options or answers (None: the question itself)."""

    question: SurveyQuestion
    answer: str | None = None


async def action_answers(survey: Survey, question: SurveyQuestion) -> list[str]:
    """The options or answers of a question an action can start from: a choice question's
    options; a text question's answers as the results list them (none when the results hide
    them, fewer than SMALL_GROUP), each text once."""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        return list(question.options)
    if question.kind not in rules.TEXT_KINDS:
        return []
    [summary] = await summary_of(survey, [question])
    if summary.too_few:
        return []
    seen: set[str] = set()
    texts = []
    for _respondent, text in summary.texts:
        if text.casefold() not in seen:
            seen.add(text.casefold())
            texts.append(text)
    return texts


async def action_source(survey: Survey, picked: str) -> ActionSource:
    """What a select's value `<question id>[:<answer index>]` names (whatever the client sent)."""
    question_value, separator, index = picked.partition(":")
    question = await question_by_id(survey, picked_question(question_value))
    if not separator:
        return ActionSource(question)
    # At most 2 digits: a select lists 24 answers.
    if not (index.isascii() and index.isdigit() and len(index) <= 2):
        raise NotFound(ANSWER_GONE)
    answers = await action_answers(survey, question)
    if not int(index) < len(answers):
        raise NotFound(ANSWER_GONE)
    return ActionSource(question, answers[int(index)])


async def link_action(survey: Survey, question: SurveyQuestion, kind: str, ref_id: int, by: int, now: datetime) -> None:
    await SurveyAction.create(
        survey_id=survey.pk, question_id=question.pk, kind=kind, ref_id=ref_id, created_by=by, created_at=now
    )
