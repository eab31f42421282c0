"""The small-count rule of survey results: no option shown on its own with fewer than 3 answers,
and what is shown together counts people."""

from __future__ import annotations

from cogs.surveys import rules

LABELS = ["Childcare", "Repairs", "Company", "Language help"]
TOGETHER = "Fewer than 3 each, together"


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
