"""Polish and Russian that a native organiser reads without stumbling.

The catalogs are complete and well formed (test_i18n_catalogs); these checks guard words a
review found wrong in meaning, English left untranslated, and the brand spelled one way.
"""

import re

import pytest

from gromada.i18n import COMMAND_CONTEXT, domain_files
from gromada.i18n_catalogs import read_catalog

TRANSLATED = ("pl", "ru")

# Words that say something else than the English meant, each with what it says.
WRONG_WORDS = {
    "pl": {
        r"\bPodzielili\b": "“podzielili” means they divided the values; accepted is “zaakceptowali”",
        r"\bpodzielane\b": "“wartości podzielane” reads as values being divided; accepted is “zaakceptowane”",
        r"^Przedstawienia$": "“przedstawienia” are theatre shows, not people introducing themselves",
        r"\bOdejdź\b": "“odejdź” is “go away”; a button that leaves an initiative says “Wypisz się”",
        r"przez zgodę": "a calque of “by consent”; Polish says “na zasadzie zgody”",
        r"\bziarn": "“ziarno” (seed) is jargon; a tie-break draw is “losowanie”",
    },
    "ru": {
        r"Ценности разделены": "“разделены” means the values are separated; accepted is “приняты”",
        r"Разделили ценности": "ambiguous (“divided the values”); accepted is “приняли”",
        r"^Знакомства$": "“знакомства” on its own is a dating section, not people introducing themselves",
        r"\bСоглас(ен|на)\b": "a vote button must not assume a gender; “Поддерживаю” matches “Возражаю”",
        r"[Пп]ринято согласием": "a calque of “by consent”; Russian says “по согласию”",
        r"до взятия": "“взятие” is a capture; a ticket is “принято в работу”",
        r"\bзерн": "“зерно” (seed) is jargon; a tie-break draw is “жребий”",
        r"\bпоследн\w* \{n\}": "an adjective before a count breaks at 21, 31… (“за последние 21 день”)",
        r"^\*\*\{title\}\*\* нужн": "“нужна помощь” needs the initiative in the dative: “Инициативе … нужна помощь”",
    },
}

# Unit examples: a unit follows a number ("3 kg"), so a word that declines reads "3 sztuka".
DECLINING_UNITS = {"pl": r"\b(sztuka|litr)\b", "ru": r"\b(штука|литр)\b"}

# English words that were left in translations (names, brands and command paths aside).
LEAKED_ENGLISH = ("waitlist", "DM", "DMs", "max_choices")

# The brand is written as the bot's Discord account is named, in every language.
BRAND_MISSPELLINGS = {"ru": r"Громад"}


def _entries(language: str):
    for path in domain_files(language):
        for entry in read_catalog(language, path.stem):
            if not entry.id:
                continue
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            for string in strings:
                if string:
                    yield path.stem, entry, string


def _prose(text: str) -> str:
    """The words a person reads as sentences: without placeholders, mentions and /command paths."""
    text = re.sub(r"\{[^{}]*\}|<[^<>]*>|`[^`]*`", " ", text)
    return re.sub(r"/[\w-]+(?: [\w-]+)*", " ", text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_word_says_something_else(language):
    found = [
        (domain, entry.id, string, why)
        for domain, entry, string in _entries(language)
        for pattern, why in WRONG_WORDS[language].items()
        if re.search(pattern, string)
    ]
    assert not found, "\n".join(map(repr, found))


@pytest.mark.parametrize("language", TRANSLATED)
def test_unit_examples_do_not_decline(language):
    found = [
        (domain, entry.id, string)
        for domain, entry, string in _entries(language)
        if re.search(r"\b(kg|кг)\b", string) and re.search(DECLINING_UNITS[language], string)
    ]
    assert not found, f"give units as abbreviations that follow any number unchanged: {found}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_left_in_translations(language):
    found = [
        (domain, entry.id, string)
        for domain, entry, string in _entries(language)
        if entry.context != COMMAND_CONTEXT
        and any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", _prose(string)) for word in LEAKED_ENGLISH)
    ]
    assert not found, "\n".join(map(repr, found))


def test_the_brand_is_spelled_one_way():
    found = [
        (language, domain, entry.id, string)
        for language, pattern in BRAND_MISSPELLINGS.items()
        for domain, entry, string in _entries(language)
        if re.search(pattern, string)
    ]
    assert not found, f"write the brand as “Gromada”: {found}"


# After these words a noun takes a case other than the nominative, but a placeholder receives a
# name as people typed it: "dla Anna", "выдать Анна". Prepositions (a closed class), and the
# verbs a review found governing a placeholder. Sentences are built so that an inserted name
# stays in the nominative: "Dyplom z podziękowaniem: Anna", "{member}: …", "na serwerze {server}".
GOVERNING = {
    "pl": set(
        "bez dla do na nad o od po pod przed przez przy u w we wobec z ze za ciągu"
        " dać nadać dziękuje powitać powitajcie wita".split()
    ),
    "ru": set(
        "без в во для до за из к ко на над о об от перед по под при про с со у через"
        " выдать благодарит поприветствуйте встретить встречает вручается".split()
    ),
}
# A noun followed by a person makes the person its possessor, in the genitive ("rola Anny",
# "счёт Анны"); followed by a thing's name it is only an apposition ("rola Kierowca").
POSSESSING = {
    "pl": set("rola rachunek opiekunem powitanie powitaniem".split()),
    "ru": set("роль счёт наставник знакомство сообщение".split()),
}
PEOPLE = set("member newcomer user buddy mediator requester author who moderator coordinator lead helper".split())
# Values that read the same in every case: numbers, times Discord renders, channel mentions,
# links, money and codes. Anything else (a person, a server, a title, a role, a duration
# written out in words) declines.
CASELESS = set(
    "channel thread link deadline moment when date start end since last amount price fee share total"
    " currency code unit quantity ordered max n count id number page pages first current turnout"
    " electorate filled seats position percent score kb seconds limit places paid line days grace"
    " threshold length about interests exhausted seed active".split()
)
# Commands, inserted as mentions that Discord renders as /name in the reader's language.
CASELESS |= {"command", "add_item", "publish", "quickstart", "setup_channel", "handover", "archive", "list"}
# Until: a date follows, which Discord renders.
BEFORE_A_DATE = {"do", "до"}
# A word, then a placeholder (bold, or a user or role mention, counts as the placeholder;
# quoted text stands apart from the sentence, so it is left alone).
GOVERNED = re.compile(r"(\w+)\s+(?:\*\*|<@[!&]?)?\{(\w+)\}")


def _governs(language: str, word: str, name: str) -> bool:
    word = word.lower()
    if name in PEOPLE and word in POSSESSING[language]:
        return True
    return word in GOVERNING[language] and name not in CASELESS


@pytest.mark.parametrize("language", TRANSLATED)
def test_inserted_names_stay_in_the_nominative(language):
    found = []
    for domain, entry, string in _entries(language):
        if entry.context == COMMAND_CONTEXT:
            continue
        found += [
            (domain, entry.id, match.group(0))
            for match in GOVERNED.finditer(string)
            if _governs(language, *match.groups())
        ]
        # A label that ends on such a word is followed by a value set elsewhere (a name on the
        # certificate, a case in an embed field).
        words = re.findall(r"\w+", string)
        if words and words[-1] == string.rstrip()[-len(words[-1]) :]:
            last = words[-1].lower()
            if last in GOVERNING[language] and last not in BEFORE_A_DATE:
                found.append((domain, entry.id, string))
    assert not found, "\n".join(map(repr, found))
