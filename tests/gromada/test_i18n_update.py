"""`gromada i18n` rewriting catalogs when a message changes shape."""

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from gromada import i18n_catalogs
from gromada.i18n_catalogs import read_catalog, update_catalogs

SINGULAR = "You have a bill that is not paid yet."
PLURAL = "You have bills that are not paid yet."


def test_a_message_that_gains_a_plural_keeps_its_translation_as_the_singular(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n_catalogs, "LOCALES_DIR", tmp_path)
    old = Catalog(locale="pl", domain="sample")
    old.add(SINGULAR, "Masz nieopłacony rachunek.")
    (tmp_path / "pl" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "pl" / "LC_MESSAGES" / "sample.po").open("wb") as handle:
        write_po(handle, old)

    update_catalogs({"sample": {((SINGULAR, PLURAL), None)}})

    entry = read_catalog("pl", "sample").get(SINGULAR)
    assert entry.id == (SINGULAR, PLURAL)
    assert entry.string == ("Masz nieopłacony rachunek.", "", "")
    assert read_catalog("ru", "sample").get(SINGULAR).string == ("", "", "")
