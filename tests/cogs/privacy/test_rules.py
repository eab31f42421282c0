"""Pseudonyms and scrubbing quoted ids, without Discord."""

from cogs.privacy.rules import new_pseudonym, pseudonym_label, scrub
from models.privacy import PSEUDONYM_LIMIT, Keep, is_pseudonym, pseudonym_tag

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
