"""Pure rules of surveys: reading a typed answer, the order of steps, and the summary of answers
with small groups hidden. No I/O."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from gromada.text import clean

MAX_QUESTIONS = 15
MAX_CHOICES = 20  # within a select's 25 options
SCALE = range(1, 6)
# A group of fewer answers than this is not shown on its own where it could point at someone
# (an option only one or two people chose). The issue names 3 for surveys; mediation
# statistics hide below 5 (cogs/mediation/rules.py), which is about far fewer, longer stories.
SMALL_GROUP = 3
SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 1500
NUMBER_LIMIT = Decimal("1e12")

CHOICE_KINDS = ("single", "multi")
CHARTED_KINDS = ("single", "multi", "scale")
TEXT_KINDS = ("short", "long")


def split_choices(raw: str) -> list[str]:
    """Choice labels typed one a line (or separated by “;”), cleaned, empty ones dropped."""
    separator = "\n" if "\n" in raw else ";"
    return [label for label in (clean(part, one_line=True) for part in raw.split(separator)) if label]


def parse_number(raw: str) -> int | float | None:
    """A number as people type it ("12", "12,5", "1 200"); None if it is not one."""
    text = clean(raw, one_line=True).replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def answered(value: object) -> bool:
    return value is not None and value != "" and value != []


def next_step(step: int, total: int) -> int:
    """The step after `step`; `total` stands for the review before submitting."""
    return min(step + 1, total)


def previous_step(step: int) -> int:
    return max(step - 1, 0)


def missing_required(required: Sequence[bool], answers: Sequence[object]) -> list[int]:
    """Positions (0-based) of required questions left without an answer."""
    return [
        index
        for index, (needed, value) in enumerate(zip(required, answers, strict=True))
        if needed and not answered(value)
    ]


def choice_counts(kind: str, options: Sequence[str], values: Iterable[object]) -> list[int]:
    """How many answers chose each option (single, multi) or each point of the scale."""
    size = len(SCALE) if kind == "scale" else len(options)
    counts = [0] * size
    for value in values:
        chosen = value if isinstance(value, list) else [value]
        for index in chosen:
            position = index - SCALE.start if kind == "scale" else index
            if isinstance(position, int) and 0 <= position < size:
                counts[position] += 1
    return counts


@dataclass(frozen=True)
class Shown:
    """Counts as the results show them: options under SMALL_GROUP shown together, or left out."""

    labels: list[str]
    counts: list[int]
    grouped: list[str] = field(default_factory=list)  # the options not shown one by one
    left_out: bool = False  # what they gathered is small too: not shown at all


def hide_small_groups(
    labels: Sequence[str], counts: Sequence[int], merged_label: str, chosen: Iterable[Sequence[int]] | None = None
) -> Shown:
    """Options chosen by 1 or 2 people are not shown one by one (a lone answer could be told
    apart by whoever knows who answered). When there are any, every option under SMALL_GROUP,
    those nobody chose included, goes into one group: shown together when it gathers SMALL_GROUP
    people, else not at all. The zeros go with them: listed apart, they would tell exactly which
    options the group is made of. `chosen` (what each answer of a multiple-choice question
    chose) makes the group count people: one person who ticked two of its options counts once.
    With no option at 1 or 2, every option is listed, at zero too."""
    if len(labels) != len(counts):
        raise ValueError("every option needs its count")
    if not any(0 < count < SMALL_GROUP for count in counts):
        return Shown(list(labels), list(counts))
    small = {index for index, count in enumerate(counts) if count < SMALL_GROUP}
    kept = [index for index in range(len(counts)) if index not in small]
    if chosen is None:
        together = sum(counts[index] for index in small)
    else:
        together = sum(1 for answer in chosen if small.intersection(answer))
    kept_labels, kept_counts = [labels[index] for index in kept], [counts[index] for index in kept]
    grouped = [labels[index] for index in sorted(small)]
    if together >= SMALL_GROUP:
        return Shown([*kept_labels, merged_label], [*kept_counts, together], grouped=grouped)
    return Shown(kept_labels, kept_counts, grouped=grouped, left_out=True)


@dataclass(frozen=True)
class Figures:
    count: int
    median: float | None = None
    low: float | None = None
    high: float | None = None


def figures(values: Iterable[object]) -> Figures:
    """Count and median of numeric answers; the median and range only from SMALL_GROUP answers on."""
    numbers = [value for value in values if isinstance(value, int | float) and not isinstance(value, bool)]
    if len(numbers) < SMALL_GROUP:
        return Figures(len(numbers))
    return Figures(len(numbers), statistics.median(numbers), min(numbers), max(numbers))


@dataclass(frozen=True)
class QuestionSummary:
    position: int
    kind: str
    text: str
    answers: int
    counts: list[int] = field(default_factory=list)  # all of them, for staff (live counts, export)
    chosen: list[list[int]] = field(default_factory=list)  # multiple choice: what each answer chose
    figures: Figures | None = None
    texts: list[tuple[int | None, str]] = field(default_factory=list)  # (respondent or None, text)

    @property
    def too_few(self) -> bool:
        return 0 < self.answers < SMALL_GROUP


def summarise(
    questions: Sequence[tuple[int, str, str, Sequence[str]]],
    responses: Iterable[tuple[int | None, Mapping[str, object]]],
) -> list[QuestionSummary]:
    """Per question (id, kind, text, options): how many answered and what, from (respondent, answers)."""
    collected: dict[int, list[tuple[int | None, object]]] = {question_id: [] for question_id, *_ in questions}
    for respondent, answers in responses:
        for question_id in collected:
            value = answers.get(str(question_id))
            if answered(value):
                collected[question_id].append((respondent, value))
    summaries = []
    for position, (question_id, kind, text, options) in enumerate(questions):
        given = collected[question_id]
        values = [value for _respondent, value in given]
        summary = QuestionSummary(position, kind, text, len(given))
        if kind in CHARTED_KINDS:
            # In no particular order: it feeds the count of people in a group, never a list.
            chosen = sorted(sorted(value) for value in values if isinstance(value, list)) if kind == "multi" else []
            summary = QuestionSummary(
                position, kind, text, len(given), counts=choice_counts(kind, options, values), chosen=chosen
            )
        if kind in ("scale", "number"):
            summary = QuestionSummary(position, kind, text, len(given), counts=summary.counts, figures=figures(values))
        if kind in TEXT_KINDS:
            # Sorted by content, never by the order they were stored in (that is the order of answers).
            texts = sorted(
                ((respondent, str(value)) for respondent, value in given), key=lambda pair: pair[1].casefold()
            )
            summary = QuestionSummary(position, kind, text, len(given), texts=texts)
        summaries.append(summary)
    return summaries
