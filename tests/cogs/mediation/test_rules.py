"""The pure rules: who a request names, the transcript text, anonymised statistics."""

from datetime import UTC, datetime, timedelta

from cogs.mediation.rules import (
    Person,
    TicketFacts,
    TranscriptEntry,
    compute_stats,
    render_transcript,
    resolve_parties,
    shown_count,
)

PEOPLE = [
    Person(111111111111111111, ("borys", "Borys K.")),
    Person(222222222222222222, ("celina", "Celina", "Cela")),
    Person(333333333333333333, ("dmitrij",)),
]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_parties_are_found_by_mention_at_name_and_plain_name():
    text = "<@333333333333333333>, @celina and Borys K."
    assert resolve_parties(text, PEOPLE) == [333333333333333333, 222222222222222222, 111111111111111111]


def test_parties_ignore_unknown_names_and_mentions_of_strangers():
    assert resolve_parties("my neighbour, <@999999999999999999>", PEOPLE) == []
    assert resolve_parties("", PEOPLE) == []


def test_parties_match_nicknames_case_insensitively_once():
    assert resolve_parties("CELA; cela\n@Celina", PEOPLE) == [222222222222222222]


def test_transcript_lists_authors_times_and_attachments():
    entries = [
        TranscriptEntry("Borys (1)", T0, "Hello"),
        TranscriptEntry("Mira (2)", T0 + timedelta(minutes=5), "", ("rota.pdf (https://cdn/rota.pdf)",)),
    ]
    text = render_transcript("Transcript of mediation #4", entries, "attachment")
    assert "[2026-01-01 00:00 UTC] Borys (1): Hello" in text
    assert "[2026-01-01 00:05 UTC] Mira (2):" in text
    assert "    attachment: rota.pdf (https://cdn/rota.pdf)" in text
    assert text.startswith("Transcript of mediation #4\n")


def test_stats_hide_small_numbers_and_compute_medians():
    tickets = [
        TicketFacts(T0, T0 + timedelta(hours=h), T0 + timedelta(days=h), "closed", 4 if h % 2 else 5)
        for h in range(1, 6)
    ] + [TicketFacts(T0, None, None, "open", None)]
    stats = compute_stats(tickets)
    assert (stats.opened, stats.open, stats.closed, stats.claimed) == (6, 1, 5, 0)
    assert stats.median_to_claim == timedelta(hours=3)
    assert stats.median_to_close == timedelta(days=3)
    assert stats.average_rating == 4.4
    assert [shown_count(n) for n in (0, 1, 4, 5, 12)] == ["<5", "<5", "<5", "5", "12"]


def test_stats_with_few_tickets_give_no_medians_or_average():
    stats = compute_stats([TicketFacts(T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2), "closed", 1)])
    assert stats.median_to_claim is None and stats.median_to_close is None and stats.average_rating is None


def test_a_name_written_right_after_a_mention_is_still_read_whole():
    # A two-word nickname matches only as a whole; a mention just before it (no comma) must
    # not glue onto it.
    people = [*PEOPLE, Person(444444444444444444, ("Mira Nowak",))]

    assert resolve_parties("<@333333333333333333> Mira Nowak", people) == [333333333333333333, 444444444444444444]


def test_names_are_read_through_punctuation_around_them():
    ena, xena = 555555555555555555, 565656565656565656
    people = [*PEOPLE, Person(ena, ("Ena",)), Person(xena, ("Xena",))]

    assert resolve_parties("I argued with Celina.", people) == [222222222222222222]
    assert resolve_parties('"dmitrij" (my flatmate)', people) == [333333333333333333]
    # Only punctuation and a leading "@" are trimmed, never letters: Xena is not Ena.
    assert resolve_parties("Xena!", people) == [xena]
    assert resolve_parties("@Xena", people) == [xena]
    assert resolve_parties("(Ena)", people) == [ena]


def test_transcript_text_in_full():
    entries = [
        TranscriptEntry("Borys (1)", T0, "  Hello  "),
        TranscriptEntry("Mira (2)", T0 + timedelta(minutes=5), "", ("rota.pdf", "plan.png")),
    ]

    text = render_transcript("Mediation #4", entries, "attachment")

    assert text == (
        "Mediation #4\n"
        "============\n"
        "\n"
        "[2026-01-01 00:00 UTC] Borys (1):   Hello\n"
        "[2026-01-01 00:05 UTC] Mira (2):\n"
        "    attachment: rota.pdf\n"
        "    attachment: plan.png\n"
    )


def test_a_long_transcript_title_is_underlined_to_80_characters():
    title = "Transcript of mediation #12 " + "x" * 70

    text = render_transcript(title, [], "attachment")

    assert text == f"{title}\n{'=' * 80}\n\n"


def test_stats_count_claimed_tickets_and_ratings_and_round_the_average_to_one_place():
    claimed = TicketFacts(T0, T0 + timedelta(hours=1), None, "claimed", None)
    rated = [TicketFacts(T0, T0, T0 + timedelta(days=1), "closed", rating) for rating in (5, 4, 4, 4, 4, 5)]

    stats = compute_stats([claimed, claimed, *rated])

    assert (stats.opened, stats.open, stats.claimed, stats.closed) == (8, 0, 2, 6)
    assert stats.ratings == 6
    assert stats.average_rating == 4.3  # 26 / 6 = 4.333...
    assert stats.median_to_claim == timedelta(0)  # two after an hour, six at once
    assert stats.median_to_close == timedelta(days=1)


def test_a_nickname_that_ends_in_punctuation_is_found_as_typed():
    # "Borys K." and "Ola (Aleksandra)" are whole nicknames: typed exactly, or without the
    # final dot, they name that member, even when no single word of them is a name.
    people = [Person(666666666666666666, ("Borys K.",)), Person(777777777777777777, ("Ola (Aleksandra)",))]

    assert resolve_parties("Borys K.", people) == [666666666666666666]
    assert resolve_parties("Borys K and Ola (Aleksandra)", people) == [666666666666666666, 777777777777777777]
    assert resolve_parties("@Ola (Aleksandra)!", people) == [777777777777777777]
    # A name made of punctuation only names nobody.
    assert resolve_parties("...", [Person(888888888888888888, ("...",))]) == []
