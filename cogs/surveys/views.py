"""Survey messages and components: the builder, the card, the answering steps, the results.

The builder and the steps are ephemeral messages whose buttons are persistent items: what they
act on is in the database (the draft survey, the member's draft answers), so a click works
after a restart as before it. Every handler hands off to flows in a line or two.
"""

from __future__ import annotations

import asyncio
import io
import re

import discord

from cogs.initiatives.views import ProposalFields
from cogs.polls.chart import bar_chart
from cogs.surveys import rules, service
from gromada.i18n import N_, _, _n
from gromada.ui import (
    EMBED_DESCRIPTION_LIMIT,
    MESSAGE_LIMIT,
    BaseModal,
    IdButton,
    InServer,
    PersistentItem,
    chosen_value,
    moment_with_distance,
    paginate_lines,
    truncate,
)
from models.surveys import QuestionKind, Survey, SurveyQuestion, SurveyStatus

SURVEY = InServer(Survey, N_("There is no survey #{id} on this server."))

KIND_LABELS = {
    QuestionKind.SINGLE: N_("Single choice"),
    QuestionKind.MULTI: N_("Multiple choice"),
    QuestionKind.SCALE: N_("Scale 1-5"),
    QuestionKind.NUMBER: N_("Number"),
    QuestionKind.SHORT: N_("Short text"),
    QuestionKind.LONG: N_("Long text"),
}
CHARTS_PER_MESSAGE = 10  # Discord's limit of attachments per message


def kind_label(kind: QuestionKind | str) -> str:
    return _(KIND_LABELS[QuestionKind(kind)])


def question_line(question: SurveyQuestion) -> str:
    optional = "" if question.required else " " + _("(optional)")
    line = f"{question.position + 1}. **{question.text}** — {kind_label(question.kind)}{optional}"
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        line += "\n   " + " · ".join(question.options)
    elif question.kind == QuestionKind.SCALE and question.options:
        line += "\n   " + _("1 = {low}, 5 = {high}", low=question.options[0], high=question.options[1])
    return line


# ---------------------------------------------------------------- the builder


def builder_text(survey: Survey, questions: list[SurveyQuestion]) -> str:
    lines = [_("**Survey #{id} (draft): {title}**", id=survey.pk, title=survey.title)]
    if survey.introduction:
        lines.append(truncate(survey.introduction, 300))
    lines.append(
        _("Anonymous: answers are stored with nobody's name.")
        if survey.anonymous
        else _("Named: staff see who answered what.")
    )
    if survey.close_date_fixed:
        lines.append(_("Closes {when}.", when=moment_with_distance(survey.closes_at)))
    lines.append("")
    if questions:
        lines.extend(question_line(question) for question in questions)
    else:
        lines.append(_("No questions yet. Add the first one."))
    lines.append("")
    lines.append(
        _n(
            "{n} of {limit} question. Publish when it is ready.",
            "{n} of {limit} questions. Publish when it is ready.",
            len(questions),
            limit=rules.MAX_QUESTIONS,
        )
    )
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def builder_view(survey: Survey, questions: list[SurveyQuestion]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if questions:
        options = [
            discord.SelectOption(label=truncate(f"{q.position + 1}. {q.text}", 100), value=str(q.pk)) for q in questions
        ]
        view.add_item(MoveUpSelect(survey.pk, options))
        view.add_item(RemoveSelect(survey.pk, options))
    add = AddQuestionButton(survey.pk)
    add.item.disabled = len(questions) >= rules.MAX_QUESTIONS
    view.add_item(add)
    publish = PublishButton(survey.pk)
    publish.item.disabled = not questions
    view.add_item(publish)
    view.add_item(DiscardButton(survey.pk))
    return view


class _AuthorOnly:
    async def check(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.require_builder(interaction, self.ref_id)


class AddQuestionButton(_AuthorOnly, IdButton, action="surveys:add"):
    owner = SURVEY
    style = discord.ButtonStyle.primary
    label_text = N_("Add a question")

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(QuestionModal(self.ref_id))


class PublishButton(_AuthorOnly, IdButton, action="surveys:publish"):
    owner = SURVEY
    style = discord.ButtonStyle.success
    label_text = N_("Publish")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.publish(interaction, self.ref_id)


class DiscardButton(_AuthorOnly, IdButton, action="surveys:discard"):
    owner = SURVEY
    style = discord.ButtonStyle.danger
    label_text = N_("Discard the draft")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.discard(interaction, self.ref_id)


class _SurveySelect(PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"(?!)"):
    """A persistent select of a survey, custom_id `<action>:<survey id>`; `pick` gets the value chosen."""

    action = ""
    placeholder_text = ""

    def __init__(self, survey_id: int, options: list[discord.SelectOption] | None = None) -> None:
        self.ref_id = survey_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"{self.action}:{survey_id}",
                placeholder=_(self.placeholder_text),
                options=options or [discord.SelectOption(label="-", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str]):
        return cls(int(match["id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        # Anything but one value is passed on as nothing, which every pick refuses.
        await self.pick(interaction, chosen_value(self.item))

    async def pick(self, interaction: discord.Interaction, value: str) -> None:
        raise NotImplementedError


class _QuestionPick(_AuthorOnly, _SurveySelect, template=r"(?!)"):
    async def pick(self, interaction: discord.Interaction, value: str) -> None:
        from cogs.surveys import flows

        await flows.change_questions(interaction, self.ref_id, self.action, value)


class MoveUpSelect(_QuestionPick, template=r"surveys:up:(?P<id>\d+)"):
    owner = SURVEY
    action = "surveys:up"
    placeholder_text = N_("Move a question up…")


class RemoveSelect(_QuestionPick, template=r"surveys:remove:(?P<id>\d+)"):
    owner = SURVEY
    action = "surveys:remove"
    placeholder_text = N_("Remove a question…")


class QuestionModal(BaseModal):
    """A question in one form: its text, its type (a select), choices, and whether it is optional."""

    def __init__(self, survey_id: int) -> None:
        super().__init__(title=_("Add a question"))
        self.survey_id = survey_id
        self.text = discord.ui.TextInput(label=_("Question"), custom_id="text", max_length=service.QUESTION_LIMIT)
        self.kind = discord.ui.Select(
            custom_id="kind",
            options=[discord.SelectOption(label=_(label), value=kind.value) for kind, label in KIND_LABELS.items()],
        )
        self.options = discord.ui.TextInput(
            label=_("Choices, one a line (scale: two end labels)"),
            custom_id="options",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=2000,
        )
        self.required = discord.ui.Select(
            custom_id="required",
            options=[
                discord.SelectOption(label=_("An answer is required"), value="yes", default=True),
                discord.SelectOption(label=_("Optional"), value="no"),
            ],
        )
        self.add_item(self.text)
        self.add_item(discord.ui.Label(text=_("Type of answer"), component=self.kind))
        self.add_item(self.options)
        self.add_item(discord.ui.Label(text=_("Required?"), component=self.required))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        spec = service.question_spec(
            (self.kind.values or [""])[0],
            self.text.value,
            self.options.value,
            (self.required.values or ["yes"])[0] == "yes",
        )
        await flows.add_question(interaction, self.survey_id, spec)


# ---------------------------------------------------------------- the card


def card_embed(survey: Survey, responses: int) -> discord.Embed:
    lines = []
    if survey.introduction:
        lines.append(survey.introduction)
        lines.append("")
    if survey.audience_role_id:
        lines.append(_("For members with the <@&{role}> role.", role=survey.audience_role_id))
    lines.append(
        _("Anonymous: nobody, not even staff, can see who answered what.")
        if survey.anonymous
        else _("Named: the author and staff see your answers with your name.")
    )
    if survey.status == SurveyStatus.OPEN:
        lines.append(_("Open until {when}.", when=moment_with_distance(survey.closes_at)))
    else:
        lines.append(_("Closed."))
    lines.append(_n("{n} response so far.", "{n} responses so far.", responses))
    embed = discord.Embed(
        title=truncate(survey.title, 256),
        description=truncate("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour.blurple() if survey.status == SurveyStatus.OPEN else discord.Colour.dark_grey(),
    )
    embed.set_footer(text=_("Survey #{id}", id=survey.pk))
    return embed


def card_view(survey: Survey) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    take = TakeButton(survey.pk)
    take.item.disabled = survey.status != SurveyStatus.OPEN
    view.add_item(take)
    return view


class TakeButton(IdButton, action="surveys:take"):
    owner = SURVEY
    style = discord.ButtonStyle.primary
    label_text = N_("Take the survey")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.take(interaction, self.ref_id)


# ---------------------------------------------------------------- the steps


def shown_answer(question: SurveyQuestion, value: object) -> str:
    if not rules.answered(value):
        return _("no answer")
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(question.options[index] for index in chosen if 0 <= index < len(question.options))
    return str(value)


def step_text(survey: Survey, questions: list[SurveyQuestion], answers: dict, step: int) -> str:
    total = len(questions)
    if step >= total:
        lines = [_("**{title}**: your answers", title=survey.title), ""]
        for question in questions:
            given = shown_answer(question, answers.get(str(question.pk)))
            lines.append(f"{question.position + 1}. {question.text}\n   → {given}")
        lines.append("")
        lines.append(
            _("Anonymous: once submitted, your answers cannot be changed.")
            if survey.anonymous
            else _("You can come back and change your answers until the survey closes.")
        )
        return truncate("\n".join(lines), MESSAGE_LIMIT)
    question = questions[step]
    lines = [
        _("**{title}** — question {number} of {total}", title=survey.title, number=step + 1, total=total),
        "",
        question_line(question),
    ]
    value = answers.get(str(question.pk))
    if rules.answered(value):
        lines.append(_("Your answer: {answer}", answer=shown_answer(question, value)))
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def step_view(survey: Survey, questions: list[SurveyQuestion], answers: dict, step: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    total = len(questions)
    if step >= total:
        view.add_item(SubmitButton(survey.pk))
        if total:
            view.add_item(StepButton(survey.pk, total - 1, "back"))
        return view
    question = questions[step]
    answered = rules.answered(answers.get(str(question.pk)))
    view.add_item(AnswerButton(survey.pk, step, changing=answered))
    if answered or not question.required:
        view.add_item(StepButton(survey.pk, step + 1, "next"))
    if step > 0:
        view.add_item(StepButton(survey.pk, step - 1, "back"))
    return view


class AnswerButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"surveys:answer:(?P<id>\d+):(?P<step>\d+)"
):
    owner = SURVEY

    def __init__(self, survey_id: int, step: int, *, changing: bool = False) -> None:
        self.survey_id = survey_id
        self.step = step
        label = _("Change the answer") if changing else _("Answer")
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.primary, custom_id=f"surveys:answer:{survey_id}:{step}"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["id"]), int(match["step"]))

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.ask(interaction, self.survey_id, self.step)


class StepButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"surveys:step:(?P<id>\d+):(?P<step>\d+):(?P<way>back|next)",
):
    """Go to another question (back, or on past an optional one or one already answered)."""

    owner = SURVEY

    def __init__(self, survey_id: int, step: int, way: str) -> None:
        self.survey_id = survey_id
        self.step = step
        label = _("Back") if way == "back" else _("Next")
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=f"surveys:step:{survey_id}:{step}:{way}"
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["id"]), int(match["step"]), match["way"])

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.go_to(interaction, self.survey_id, self.step)


class SubmitButton(IdButton, action="surveys:submit"):
    owner = SURVEY
    style = discord.ButtonStyle.success
    label_text = N_("Submit my answers")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.submit(interaction, self.ref_id)


class AnswerModal(BaseModal):
    """One question: a select for choices and the scale, a text field for numbers and text."""

    def __init__(self, survey: Survey, question: SurveyQuestion, current: object) -> None:
        super().__init__(title=truncate(_("Question {number}", number=question.position + 1), 45))
        self.survey_id = survey.pk
        self.question_id = question.pk
        label = truncate(question.text, 45)
        self.control: discord.ui.Select | discord.ui.TextInput
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.SCALE):
            chosen = set(current if isinstance(current, list) else [current])
            if question.kind == QuestionKind.SCALE:
                low, high = (question.options or ["", ""])[:2]
                ends = {1: low, 5: high}
                options = [
                    discord.SelectOption(
                        label=truncate(f"{point} — {ends[point]}" if ends.get(point) else str(point), 100),
                        value=str(point),
                        default=point in chosen,
                    )
                    for point in rules.SCALE
                ]
            else:
                options = [
                    discord.SelectOption(label=truncate(text, 100), value=str(index), default=index in chosen)
                    for index, text in enumerate(question.options)
                ]
            self.control = discord.ui.Select(
                custom_id="answer",
                options=options,
                min_values=1,
                max_values=len(options) if question.kind == QuestionKind.MULTI else 1,
            )
            self.add_item(
                discord.ui.Label(text=label, description=truncate(question.text, 100), component=self.control)
            )
        else:
            limit = {QuestionKind.NUMBER: 40, QuestionKind.SHORT: rules.SHORT_TEXT_LIMIT}.get(
                question.kind, rules.LONG_TEXT_LIMIT
            )
            self.control = discord.ui.TextInput(
                label=label,
                custom_id="answer",
                style=discord.TextStyle.paragraph if question.kind == QuestionKind.LONG else discord.TextStyle.short,
                required=question.required,
                default=str(current) if rules.answered(current) else None,
                max_length=limit,
            )
            self.add_item(self.control)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        raw = self.control.values if isinstance(self.control, discord.ui.Select) else self.control.value
        await flows.answer(interaction, self.survey_id, self.question_id, raw)


# ---------------------------------------------------------------- live counts and results


def live_text(survey: Survey, questions: list[SurveyQuestion], counts: service.LiveCounts) -> str:
    lines = [
        _("**Survey #{id}: {title}**", id=survey.pk, title=survey.title),
        _n("{n} response submitted.", "{n} responses submitted.", counts.responses),
        _n("{n} member is answering now.", "{n} members are answering now.", counts.in_progress),
        "",
    ]
    for question, answers in zip(questions, counts.per_question, strict=True):
        lines.append(
            _n(
                "{number}. {text}: {n} answer",
                "{number}. {text}: {n} answers",
                answers,
                number=question.position + 1,
                text=truncate(question.text, 120),
            )
        )
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def summary_lines(survey: Survey, questions: list[SurveyQuestion], summaries: list[rules.QuestionSummary]) -> list[str]:
    lines: list[str] = []
    for question, summary in zip(questions, summaries, strict=True):
        lines.append(f"**{question.position + 1}. {question.text}**")
        if summary.too_few:
            lines.append(_("Fewer than 3 answers: hidden, so that nobody can be recognised."))
            continue
        if summary.answers == 0:
            lines.append(_("No answers."))
            continue
        lines.append(_n("{n} answer", "{n} answers", summary.answers))
        if summary.figures is not None and summary.figures.median is not None:
            lines.append(
                _(
                    "Median {median} (from {low} to {high})",
                    median=_number(summary.figures.median),
                    low=_number(summary.figures.low),
                    high=_number(summary.figures.high),
                )
            )
        if question.kind in rules.CHARTED_KINDS:
            shown = shown_counts(question, summary)
            for label, count in zip(shown.labels, shown.counts, strict=True):
                lines.append(f"- {label}: {count}")
            if shown.left_out:
                lines.append(_("(answers chosen by fewer than 3 people are not shown)"))
            elif shown.grouped:
                lines.append(_("(fewer than 3 each, shown together: {options})", options=", ".join(shown.grouped)))
        if question.kind in rules.TEXT_KINDS:
            for respondent, text in summary.texts:
                who = f" — <@{respondent}>" if respondent is not None and not survey.anonymous else ""
                lines.append(quoted(truncate(text, 300)) + who)
        lines.append("")
    return lines


def quoted(text: str) -> str:
    """A member's text as a quote, every line of it, its markdown shown as typed: a line of an
    answer cannot pass for a line of the results ("- Childcare: 99") or restyle what follows."""
    return "\n".join(f"> {discord.utils.escape_markdown(line)}" for line in text.splitlines() or [""])


def shown_counts(question: SurveyQuestion, summary: rules.QuestionSummary) -> rules.Shown:
    if question.kind == QuestionKind.SCALE:
        labels = [str(point) for point in rules.SCALE]
        if question.options:
            labels[0] = f"1 {question.options[0]}"
            labels[-1] = f"5 {question.options[1]}"
    else:
        labels = list(question.options)
    if question.kind == QuestionKind.MULTI:
        # A person may tick several of the small options: the group counts people, and says so.
        return rules.hide_small_groups(
            labels, summary.counts, _("Fewer than 3 each: people who chose any"), chosen=summary.chosen
        )
    return rules.hide_small_groups(labels, summary.counts, _("Fewer than 3 each, together"))


async def results_messages(
    survey: Survey, questions: list[SurveyQuestion], summaries: list[rules.QuestionSummary], responses: int
) -> list[dict]:
    """The results as messages to post: an embed with the first charts, then more charts and text."""
    header = [
        _n("{n} response.", "{n} responses.", responses),
        _("Anonymous survey: answers are shown without names.") if survey.anonymous else "",
        "",
    ]
    pages = paginate_lines([*header, *summary_lines(survey, questions, summaries)], limit=1900)
    files = []
    for question, summary in zip(questions, summaries, strict=True):
        if question.kind not in rules.CHARTED_KINDS or summary.too_few or summary.answers == 0:
            continue
        shown = shown_counts(question, summary)
        # Drawing takes a few ms to tens of ms: off the event loop.
        png = await asyncio.to_thread(
            bar_chart, f"{question.position + 1}. {question.text}", shown.labels, shown.counts
        )
        files.append((f"question-{question.position + 1}.png", png))
    embed = discord.Embed(
        title=truncate(_("Results: {title}", title=survey.title), 256),
        description=pages[0],
        colour=discord.Colour.green(),
    )
    embed.set_footer(text=_("Survey #{id}", id=survey.pk))
    messages: list[dict] = [{"embed": embed, "files": [], "view": results_view(survey)}]
    messages += [{"content": truncate(page, MESSAGE_LIMIT), "files": []} for page in pages[1:]]
    for start in range(0, len(files), CHARTS_PER_MESSAGE):
        batch = [
            discord.File(io.BytesIO(png), filename=name) for name, png in files[start : start + CHARTS_PER_MESSAGE]
        ]
        if start == 0:
            messages[0]["files"] = batch
        else:
            messages.append({"files": batch})
    return messages


# ---------------------------------------------------------------- turning answers into action


def results_view(survey: Survey) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ActionButton(survey.pk))
    return view


def message_link(survey: Survey) -> str | None:
    """The survey's results message, or its card when the results could not be posted."""
    message_id = survey.results_message_id or survey.message_id
    if not message_id:
        return None
    return f"https://discord.com/channels/{survey.guild_id}/{survey.channel_id}/{message_id}"


def origin_line(survey: Survey) -> str:
    link = message_link(survey)
    if link is None:
        return _("From survey #{id} “{title}”.", id=survey.pk, title=truncate(survey.title, 200))
    return _("From survey #{id} “{title}”: {link}", id=survey.pk, title=truncate(survey.title, 200), link=link)


def action_text(survey: Survey) -> str:
    return _(
        "**Turn survey #{id} into action: {title}**\n"
        "Choose the question to start from; then a poll or an initiative proposal, filled from it.",
        id=survey.pk,
        title=survey.title,
    )


def action_question_view(survey: Survey, questions: list[SurveyQuestion]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    options = [
        discord.SelectOption(label=truncate(f"{q.position + 1}. {q.text}", 100), value=str(q.pk)) for q in questions
    ]
    view.add_item(ActionQuestionSelect(survey.pk, options))
    return view


def action_sources_text(survey: Survey, question: SurveyQuestion, answers: list[str]) -> str:
    lines = [
        _("**Turn survey #{id} into action: {title}**", id=survey.pk, title=survey.title),
        question_line(question),
        "",
        _("Start a poll or propose an initiative from the question itself or from one of its answers:")
        if answers
        else _("Start a poll or propose an initiative from this question:"),
    ]
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def _source_options(question: SurveyQuestion, answers: list[str]) -> list[discord.SelectOption]:
    """The question itself, then its options or answers (value `<question id>:<index>`), within a select's 25."""
    options = [
        discord.SelectOption(label=truncate(_("The question: {text}", text=question.text), 100), value=str(question.pk))
    ]
    options += [
        discord.SelectOption(label=truncate(answer, 100), value=f"{question.pk}:{index}")
        for index, answer in enumerate(answers[:24])
    ]
    return options


def action_sources_view(survey: Survey, question: SurveyQuestion, answers: list[str]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    options = _source_options(question, answers)
    view.add_item(PollFromSelect(survey.pk, options))
    view.add_item(InitiativeFromSelect(survey.pk, options))
    return view


class _ManagersOfClosed:
    """Only the survey's author or a moderator, and only once the survey is closed."""

    async def check(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.require_action_taker(interaction, self.ref_id)


class ActionButton(_ManagersOfClosed, IdButton, action="surveys:act"):
    owner = SURVEY
    style = discord.ButtonStyle.primary
    label_text = N_("Turn into action")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.show_action_picker(interaction, self.ref_id)


class ActionQuestionSelect(_ManagersOfClosed, _SurveySelect, template=r"surveys:actq:(?P<id>\d+)"):
    owner = SURVEY
    action = "surveys:actq"
    placeholder_text = N_("The question to start from…")

    async def pick(self, interaction: discord.Interaction, value: str) -> None:
        from cogs.surveys import flows

        await flows.pick_action_question(interaction, self.ref_id, value)


class PollFromSelect(_ManagersOfClosed, _SurveySelect, template=r"surveys:topoll:(?P<id>\d+)"):
    owner = SURVEY
    action = "surveys:topoll"
    placeholder_text = N_("Start a poll from…")

    async def pick(self, interaction: discord.Interaction, value: str) -> None:
        from cogs.surveys import flows

        await flows.open_action_form(interaction, self.ref_id, "poll", value)


class InitiativeFromSelect(_ManagersOfClosed, _SurveySelect, template=r"surveys:toinit:(?P<id>\d+)"):
    owner = SURVEY
    action = "surveys:toinit"
    placeholder_text = N_("Propose an initiative from…")

    async def pick(self, interaction: discord.Interaction, value: str) -> None:
        from cogs.surveys import flows

        await flows.open_action_form(interaction, self.ref_id, "initiative", value)


class PollFromSurveyModal(BaseModal):
    """A poll's question, options and duration, filled from the survey; adjusted before it opens."""

    def __init__(self, survey: Survey, source: service.ActionSource) -> None:
        super().__init__(title=_("Start a poll"), timeout=1800)
        self.survey_id, self.question_id = survey.pk, source.question.pk
        question = source.question
        if source.answer is not None:
            text = _("Shall we take up “{answer}”?", answer=source.answer)
            choices = [_("Yes"), _("No")]
        else:
            text = question.text
            choices = list(question.options) if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI) else []
        self.question = discord.ui.TextInput(
            label=_("Question"), custom_id="question", max_length=300, default=truncate(text, 300)
        )
        self.options = discord.ui.TextInput(
            label=_("Options, separated by ;"),
            custom_id="options",
            max_length=1000,
            default=truncate("; ".join(choices), 1000) or None,
        )
        self.duration = discord.ui.TextInput(
            label=_("Open for (like 36h or 3d)"), custom_id="duration", max_length=20, default="3d"
        )
        for item in (self.question, self.options, self.duration):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.start_poll(
            interaction,
            self.survey_id,
            self.question_id,
            self.question.value,
            self.options.value,
            self.duration.value,
        )


class ProposalFromSurveyModal(ProposalFields):
    """An initiative proposal's fields, its title and goal filled from the survey."""

    def __init__(self, survey: Survey, source: service.ActionSource) -> None:
        question = source.question
        if source.answer is not None:
            goal = _(
                "Survey #{id} “{title}” asked: {question}\nAnswer: {answer}",
                id=survey.pk,
                title=survey.title,
                question=question.text,
                answer=source.answer,
            )
        else:
            goal = _(
                "Survey #{id} “{title}” asked: {question}", id=survey.pk, title=survey.title, question=question.text
            )
        super().__init__(_("Propose an initiative"), name=source.answer or question.text, goal=goal)
        self.survey_id, self.question_id = survey.pk, question.pk

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.surveys import flows

        await flows.start_initiative(
            interaction,
            self.survey_id,
            self.question_id,
            self.title_input.value,
            self.goal.value,
            self.needs.value,
            self.first_step.value,
        )
