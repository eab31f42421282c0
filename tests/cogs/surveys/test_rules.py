"""Pure rules: typed choices and numbers, the steps, counts per option, small groups hidden,
the figures of numeric answers and the summary of every question."""

from __future__ import annotations

import pytest

from cogs.surveys import rules
from cogs.surveys.rules import (
    Figures,
    QuestionSummary,
    Shown,
    answered,
    choice_counts,
    figures,
    hide_small_groups,
    missing_required,
    next_step,
    parse_number,
    previous_step,
    split_choices,
    summarise,
)

TOGETHER = "Fewer than 3 each, together"


def test_choices_are_typed_one_a_line_or_separated_by_semicolons():
    assert split_choices("Childcare\n  Repairs  \n\nGarden   rota\n") == ["Childcare", "Repairs", "Garden rota"]
    assert split_choices("Childcare; Repairs;;Garden rota ;") == ["Childcare", "Repairs", "Garden rota"]
    # Once there is a line break, a semicolon belongs to the label.
    assert split_choices("Tea; coffee\nJuice") == ["Tea; coffee", "Juice"]
    assert split_choices(" \n \n") == []
    assert split_choices(" ; ; ") == []
    assert split_choices("") == []


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 200", 1200),
        ("1\u00a0200", 1200),
        # The narrow no-break space that French and Polish typography put between thousands.
        ("1\u202f200", 1200),
        ("1\t200", 1200),
        ("-3", -3),
        ("12.0", 12),
        ("1e3", 1000),
        ("999999999999", 999_999_999_999),
        ("-999999999999", -999_999_999_999),
    ],
)
def test_a_number_is_read_as_people_type_it(typed, number):
    read = parse_number(typed)

    assert read == number
    # A whole number is kept as one, so that it is shown without ".0".
    assert type(read) is type(number)


@pytest.mark.parametrize(
    "typed", ["", "twelve", "12 and a half", "1,2,3", "NaN", "Infinity", "-Infinity", "1000000000000", "-1e12"]
)
def test_what_is_not_a_number_or_is_a_trillion_or_more_is_refused(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize(
    ("value", "given"), [(None, False), ("", False), ([], False), (0, True), ([0], True), ("x", True)]
)
def test_an_answer_counts_as_given_unless_it_is_empty(value, given):
    assert answered(value) is given


def test_steps_go_one_at_a_time_and_stop_at_the_review_and_the_first_question():
    assert next_step(0, 3) == 1
    assert next_step(2, 3) == 3
    assert next_step(3, 3) == 3
    assert previous_step(2) == 1
    assert previous_step(1) == 0
    assert previous_step(0) == 0


def test_required_questions_left_empty_are_named_by_position():
    assert missing_required([True, False, True, True], [None, None, "", 4]) == [0, 2]
    assert missing_required([True, True], [[], 0]) == [0]
    assert missing_required([False], [None]) == []
    with pytest.raises(ValueError):
        missing_required([True, True], [1])


def test_choices_are_counted_per_option_and_per_point_of_the_scale():
    assert choice_counts("single", ["Tea", "Coffee", "Juice"], [0, 2, 2]) == [1, 0, 2]
    assert choice_counts("multi", ["Tea", "Coffee", "Juice"], [[0, 1], [1], [2, 1]]) == [1, 3, 1]
    # The scale runs from 1 to 5 whatever the question's options.
    assert choice_counts("scale", [], [1, 5, 5, 3]) == [1, 0, 1, 0, 2]


def test_an_answer_outside_the_options_is_not_counted():
    assert choice_counts("single", ["Tea", "Coffee"], [-1, 2, 1, "0", None]) == [0, 1]
    assert choice_counts("multi", ["Tea", "Coffee"], [[0, 2], [-1]]) == [1, 0]
    assert choice_counts("scale", [], [0, 6, 5]) == [0, 0, 0, 0, 1]


def test_options_chosen_by_three_or_by_none_are_shown_as_they_are():
    shown = hide_small_groups(["Tea", "Coffee", "Juice"], [3, 0, 7], TOGETHER)

    assert shown == Shown(["Tea", "Coffee", "Juice"], [3, 0, 7])


def test_options_chosen_by_one_or_two_are_merged_when_together_they_reach_three():
    shown = hide_small_groups(["Tea", "Coffee", "Juice", "Water"], [2, 5, 1, 0], TOGETHER)

    assert shown == Shown(["Coffee", TOGETHER], [5, 3], grouped=["Tea", "Juice", "Water"])


def test_small_groups_that_stay_small_together_are_left_out():
    shown = hide_small_groups(["Tea", "Coffee", "Juice"], [1, 5, 1], TOGETHER)

    assert shown == Shown(["Coffee"], [5], grouped=["Tea", "Juice"], left_out=True)
    assert hide_small_groups(["Tea"], [2], TOGETHER) == Shown([], [], grouped=["Tea"], left_out=True)


def test_labels_and_counts_of_different_lengths_are_a_mistake_not_a_shorter_chart():
    with pytest.raises(ValueError):
        hide_small_groups(["Tea", "Coffee"], [5], TOGETHER)


def test_figures_of_numbers_show_the_median_and_range_from_three_answers():
    assert figures([4, 1]) == Figures(2)
    assert figures([4, 1, 3]) == Figures(3, median=3, low=1, high=4)
    assert figures([1, 2, 3, 10]) == Figures(4, median=2.5, low=1, high=10)
    # Only numbers count: not a yes/no, not a text.
    assert figures([True, "5", 2, 3.5, 7, False]) == Figures(3, median=3.5, low=2, high=7)


@pytest.mark.parametrize(("answers", "too_few"), [(0, False), (1, True), (2, True), (3, False)])
def test_a_question_answered_by_one_or_two_has_too_few_answers_to_show(answers, too_few):
    assert QuestionSummary(0, "short", "Ideas?", answers).too_few is too_few


def test_every_question_is_summarised_from_the_answers_given():
    questions = [
        (10, "single", "Which day?", ["Saturday", "Sunday"]),
        (11, "multi", "What can you bring?", ["Tools", "Food", "Seeds"]),
        (12, "scale", "How useful?", []),
        (13, "number", "How many hours?", []),
        (14, "short", "Your name?", []),
        (15, "long", "Ideas?", []),
    ]
    responses = [
        (1, {"10": 1, "11": [0, 2], "12": 4, "13": 30, "14": "Bob", "15": "More trees", "99": "gone"}),
        (2, {"10": 0, "12": 5, "13": "", "14": "alice"}),
        (None, {"10": 1, "11": [], "12": 4, "13": 2.5, "15": "benches"}),
    ]

    summaries = summarise(questions, responses)

    assert summaries == [
        QuestionSummary(0, "single", "Which day?", 3, counts=[1, 2]),
        QuestionSummary(1, "multi", "What can you bring?", 1, counts=[1, 0, 1], chosen=[[0, 2]]),
        QuestionSummary(2, "scale", "How useful?", 3, counts=[0, 0, 0, 2, 1], figures=Figures(3, 4, 4, 5)),
        QuestionSummary(3, "number", "How many hours?", 2, figures=Figures(2)),
        # Texts in the order of their content, whatever their case, never in the order given.
        QuestionSummary(4, "short", "Your name?", 2, texts=[(2, "alice"), (1, "Bob")]),
        QuestionSummary(5, "long", "Ideas?", 2, texts=[(None, "benches"), (1, "More trees")]),
    ]


def test_a_survey_without_responses_has_empty_summaries():
    questions = [(1, "single", "Which day?", ["Saturday", "Sunday"]), (2, "number", "Hours?", [])]

    assert summarise(questions, []) == [
        QuestionSummary(0, "single", "Which day?", 0, counts=[0, 0]),
        QuestionSummary(1, "number", "Hours?", 0, figures=Figures(0)),
    ]


# ---------------------------------------------------------------- the small-count rule, as people read it


LABELS = ["Childcare", "Repairs", "Company", "Language help"]


def test_with_no_small_group_every_option_is_listed_even_at_zero():
    shown = rules.hide_small_groups(LABELS, [5, 3, 4, 0], TOGETHER)

    assert (shown.labels, shown.counts) == (LABELS, [5, 3, 4, 0])
    assert not shown.grouped and not shown.left_out


def test_options_at_zero_go_with_the_small_ones_so_the_group_is_not_told_apart():
    # Listing "Language help: 0" would tell that the three together are Repairs and Company alone.
    shown = rules.hide_small_groups(LABELS, [5, 2, 1, 0], TOGETHER)

    assert (shown.labels, shown.counts) == (["Childcare", TOGETHER], [5, 3])
    assert shown.grouped == ["Repairs", "Company", "Language help"] and not shown.left_out


def test_small_groups_whose_total_is_small_too_are_left_out_with_the_zeros():
    shown = rules.hide_small_groups(LABELS, [5, 1, 0, 0], TOGETHER)

    assert (shown.labels, shown.counts) == (["Childcare"], [5])
    assert shown.left_out and shown.grouped == ["Repairs", "Company", "Language help"]


def test_for_multiple_choice_the_group_counts_people_not_ticks():
    # Two people ticked both Repairs and Company: 4 ticks, but only 2 people.
    chosen = [[0, 1, 2], [0, 1, 2], [0], [0]]
    counts = rules.choice_counts("multi", LABELS, chosen)
    assert counts == [4, 2, 2, 0]

    shown = rules.hide_small_groups(LABELS, counts, TOGETHER, chosen=chosen)

    assert (shown.labels, shown.counts) == (["Childcare"], [4]) and shown.left_out


def test_for_multiple_choice_the_group_shown_is_the_number_of_people_who_chose_any_of_it():
    chosen = [[0, 1, 2], [0, 1], [0, 2], [0]]

    shown = rules.hide_small_groups(LABELS, rules.choice_counts("multi", LABELS, chosen), TOGETHER, chosen=chosen)

    assert (shown.labels, shown.counts) == (["Childcare", TOGETHER], [4, 3])


def test_the_summary_of_a_multiple_choice_question_keeps_what_each_answer_chose():
    [summary] = rules.summarise(
        [(7, "multi", "What is missing?", LABELS)], [(None, {"7": [0, 1]}), (None, {"7": [2]}), (None, {})]
    )

    assert summary.counts == [1, 1, 1, 0] and sorted(summary.chosen) == [[0, 1], [2]]
