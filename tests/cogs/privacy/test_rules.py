"""Pseudonyms and scrubbing quoted ids, without Discord."""

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

import pytest

from cogs.privacy.rules import (
    columns,
    feature_name,
    new_pseudonym,
    plain,
    pseudonym_label,
    reason_commands,
    reason_text,
    row_values,
    scrub,
)
from gromada.commands import Command
from gromada.i18n import translate
from models.privacy import PSEUDONYM_LIMIT, Departure, Keep, is_pseudonym, pseudonym_tag
from models.purchases import Payment, PaymentKind

ID = 1456074443980800022


def test_pseudonyms_are_negative_random_and_shown_by_a_short_tag():
    pseudonyms = {new_pseudonym() for _ in range(50)}
    assert len(pseudonyms) == 50
    assert all(-PSEUDONYM_LIMIT <= value < 0 and is_pseudonym(value) for value in pseudonyms)
    assert not is_pseudonym(ID) and not is_pseudonym(None)
    assert pseudonym_tag(-0xABCDEF123456) == "123456"
    assert pseudonym_label(-0xABCDEF123456, "en") == "former member #123456"


def test_scrub_replaces_names_mentions_and_bare_ids_only():
    text = (
        f"[10:00 UTC] borys ({ID}): hello <@{ID}> and <@!{ID}>\n[10:01 UTC] mira (77): id {ID} but not 9{ID} nor {ID}5"
    )

    scrubbed = scrub(text, ID, ("borys",), "former member #abc")

    assert scrubbed == (
        "[10:00 UTC] former member #abc: hello former member #abc and former member #abc\n"
        f"[10:01 UTC] mira (77): id former member #abc but not 9{ID} nor {ID}5"
    )


def test_keep_rules_may_name_the_person():
    rule = Keep("unpaid_bill", {"bills__user_id": "<person>", "bills__paid_at__isnull": True}, fields=("user_id",))

    assert rule.condition(ID) == {"bills__user_id": ID, "bills__paid_at__isnull": True}
    assert rule.applies_to("user_id") and not rule.applies_to("paid_by")


@pytest.mark.parametrize(("draw", "pseudonym"), [("lowest", -1), ("highest", -(2**52 - 1))])
def test_pseudonyms_take_every_negative_value_down_to_the_limit_and_no_further(monkeypatch, draw, pseudonym):
    # The draw is random; its two ends show the range: never 0 nor positive (a pseudonym is
    # told apart from a Discord id by its sign), never beyond the limit the model sets.
    drawn = []

    def draw_at_an_end(bound: int) -> int:
        drawn.append(bound)
        return 0 if draw == "lowest" else bound - 1

    monkeypatch.setattr(secrets, "randbelow", draw_at_an_end)

    assert new_pseudonym() == pseudonym
    assert drawn == [PSEUDONYM_LIMIT - 1]


def test_a_pseudonym_is_shown_in_the_readers_language():
    assert pseudonym_label(-0xABCDEF123456, "pl") == "osoba anonimowa #123456"
    assert pseudonym_label(-0xABCDEF123456, "ru") == "бывший участник #123456"


def test_a_longer_name_is_scrubbed_before_a_shorter_one_it_ends_with():
    # A member known as "Marie" and as "Ann Marie": "Ann Marie (id)" must not become "Ann <label>".
    text = f"Ann Marie ({ID}): hello. Marie ({ID}): bye."

    scrubbed = scrub(text, ID, ("Marie", "Ann Marie", ""), "former member #abc")

    assert scrubbed == "former member #abc: hello. former member #abc: bye."


def test_why_records_stay_is_told_in_the_singular_or_the_plural():
    one_bill = reason_text("unpaid_bill", 1)
    three_bills = reason_text("unpaid_bill", 3)

    assert translate(one_bill, locale="en") == (
        "You have a bill that is not paid yet: ask again once it is marked as paid."
    )
    assert translate(three_bills, locale="en") == (
        "You have bills that are not paid yet: ask again once they are marked as paid."
    )
    assert translate(three_bills, locale="pl") == (
        "Masz nieopłacone rachunki: poproś ponownie, gdy zostaną oznaczone jako opłacone."
    )
    # A reason with no text of its own still says that something stays.
    assert translate(reason_text("a_rule_added_later", 1), locale="en") == "A record must be kept for now."
    assert translate(reason_text("a_rule_added_later", 2), locale="en") == "Some records must be kept for now."


def test_a_reason_names_the_commands_that_resolve_it():
    assert reason_commands("open_initiative") == {
        "handover": Command("initiative handover"),
        "archive": Command("initiative archive"),
    }
    assert reason_commands("open_proposal") == {"list": Command("initiative list")}
    assert reason_commands("unpaid_bill") == {}


def test_the_export_summary_names_features_and_falls_back_to_the_apps_name():
    assert feature_name("purchases") == "Joint purchases"
    assert feature_name("core") == "Language preference"
    assert feature_name("a_feature_added_later") == "a_feature_added_later"


class Colour(Enum):
    GREEN = "green"


def test_values_become_plain_json_all_the_way_down():
    when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    value = {
        "when": when,
        "day": date(2026, 1, 2),
        7: [Decimal("12.50"), (Colour.GREEN, UUID(int=1))],
        "nested": {"count": 3, "nothing": None, "text": "as is"},
    }

    assert plain(value) == {
        "when": "2026-01-02T03:04:00+00:00",
        "day": "2026-01-02",
        "7": ["12.50", ["green", "00000000-0000-0000-0000-000000000001"]],
        "nested": {"count": 3, "nothing": None, "text": "as is"},
    }


def test_the_columns_of_a_model_are_its_stored_fields():
    assert columns(Departure) == ["id", "guild_id", "user_id", "left_at"]


def test_discord_ids_are_exported_as_strings_and_other_numbers_stay_numbers():
    payment = Payment(
        id=4,
        user_id=ID,
        amount=1250,
        kind=PaymentKind.PAYMENT,
        recorded_by=None,
        recorded_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
    )
    handed = Payment(id=5, user_id=ID, amount=300, kind=PaymentKind.PAYMENT, recorded_by=ID + 1)

    assert row_values(payment, ["id", "user_id", "amount", "kind", "recorded_by", "recorded_at", "not_a_column"]) == {
        "id": 4,
        "user_id": str(ID),
        # A sum in minor units is a big integer too, but not a Discord id.
        "amount": 1250,
        "kind": "payment",
        "recorded_by": None,
        "recorded_at": "2026-01-02T03:04:00+00:00",
        "not_a_column": None,
    }
    assert row_values(handed, ("recorded_by",)) == {"recorded_by": str(ID + 1)}
