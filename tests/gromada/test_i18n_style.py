"""Polish and Russian read as the community's own: no gender is assumed, the reader is addressed
one way, and each concept has one word (config/locales/glossary.toml).

These read every translation in the catalogs, command names and descriptions included, since
Discord shows those to people too.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache

import pytest

from gromada import guild_config
from gromada.error_handler import PERMISSION_LABELS
from gromada.i18n import LOCALES_DIR, domain_files, translate
from gromada.i18n_catalogs import read_catalog
from models.core import BindingKind

TRANSLATED = ["pl", "ru"]
GLOSSARY = LOCALES_DIR / "glossary.toml"

# A word with a bracketed ending for the other gender: otrzymał(a), zbanowany(-a), он(а),
# присоединился(-ась). The ending follows the word at once, so “everyone (все)” is not one.
BRACKETED_ENDING = re.compile(r"[^\W\d_]\(-?[^\W\d_]{1,4}\)")
# The same with a slash: został/a, zbanowany/-a, приглашён/а, он/она, członek/członkini.
SLASHED_ENDING = re.compile(r"[^\W\d_]/-?(?:a|ła|na|ka|ia|aś|łaś|ęła|ej|ą|а|ла|на|ая|ась|ой|ей|ую)\b")
SLASHED_PAIR = re.compile(r"\b([^\W\d_]{2})[^\W\d_]*/\1[^\W\d_]*\b")
# Polish second person past and conditional choose a gender: zamówiłeś, zrobiłaś, mógłbyś.
POLISH_SECOND_PERSON_PAST = re.compile(r"\b[^\W\d_]+ł(?:eś|aś|byś|abyś)\b")
# A past tense next to a person's name chooses a gender too: “{member} zapłacił”, “закрыл {mediator}”.
# (When a noun next to the name is the subject, “ban dla {member} został zdjęty”, rephrase anyway:
# a preposition before a name breaks its case.)
PERSON = r"(?:<@)?\{(?:member|user|requester|newcomer|buddy|mediator|coordinator|moderator|author|who|lead|helper)\}>?"
PAST_NEXT_TO_PERSON = {
    "pl": re.compile(rf"{PERSON}\s+[^\W\d_]+ł\b|\b[^\W\d_]+ł\s+{PERSON}"),
    "ru": re.compile(rf"{PERSON}\s+[^\W\d_]+л\b|\b[^\W\d_]+л\s+{PERSON}"),
}
# English says “they” of a person whose gender it does not know (“pay the treasurer; they will
# mark your bill”); a translation naming that person by role must not go on with “he” or “she”.
SINGULAR_THEY = re.compile(r"\bthey\b")
ROLE_THEN_PRONOUN = {
    "pl": re.compile(
        r"\b(?:skarbnik|członk|uczestni|koordynator|moderator|mediator|osob|nowicjusz)\w*\b[^.!?]*?\b(?:on|ona)\b",
        re.IGNORECASE,
    ),
    "ru": re.compile(
        r"\b(?:казначе|участни|координатор|модератор|медиатор|новичо?к|человек)\w*\b[^.!?]*?\b(?:он|она)\b",
        re.IGNORECASE,
    ),
}
# A person named by role, whose gender the bot does not know, is not given one by a past tense
# that agrees with the role's grammatical gender: “Twój mediator opuścił serwer”, “Другой медиатор
# только что взял обращение”. Say it with the thing as the subject (“to zgłoszenie trafiło do innego
# mediatora”), in the present tense, or with «osoba» / «человек».
ROLE_NOUN = {
    "pl": r"(?:mediator|koordynator|opiekun|moderator|nowicjusz|skarbnik|lider|autor|uczestnik|wolontariusz)",
    "ru": r"(?:медиатор|координатор|наставник|модератор|новичок|казначей|лидер|автор|участник|волонт[её]р)",
}
# Words that may stand between the role and its verb: “już”, “przed chwilą”, “не”, “только что”.
ROLE_TO_VERB = {
    "pl": r"(?:już|właśnie|przed chwilą|nie|się|nic|sam|sama)",
    "ru": r"(?:уже|только что|не|ничего|сам|сама)",
}
# A third person past tense (nouns with the same endings are left out: kanał, тайм-аут дел…).
PAST_TENSE = {
    "pl": r"(?!(?:kanał|tytuł|udział|protokół|zespół|dział)\b)[^\W\d_]{2,}(?:ł|ła|ło)",
    "ru": r"(?!(?:дел[аоу]?|канал|файл|журнал|сигнал|символ|предел|раздел)\b)[а-яё]{2,}(?:л|ла|ло|лся|лась|лось)",
}
ROLE_THEN_PAST = {
    language: re.compile(
        rf"\b{ROLE_NOUN[language]}\s+(?:{ROLE_TO_VERB[language]}\s+){{0,3}}{PAST_TENSE[language]}\b", re.IGNORECASE
    )
    for language in TRANSLATED
}
# “Sam poprosił”, “sama zgłosiła”, “сам попросил”: “by himself” or “by herself” says whose it was.
BY_ONESELF_IN_THE_PAST = {
    "pl": re.compile(rf"\b(?:sam|sama)\s+{PAST_TENSE['pl']}\b", re.IGNORECASE),
    "ru": re.compile(rf"\b(?:сам|сама)\s+{PAST_TENSE['ru']}\b", re.IGNORECASE),
}

# The bot has no gender, and neither does the reader speaking through a button: nobody says “I”
# in a past tense, which chooses one. Polish: wysłałem, rozpoznałam, mógłbym, będę mógł, jestem
# gotowy. Russian: я отправил, я не смогла, я бы хотел, я готов. Say it impersonally
# (“Wysłano Ci…”, “Не удалось распознать…”) or in the present tense.
FIRST_PERSON_PAST = {
    "pl": re.compile(
        r"\b[^\W\d_]+ł(?:em|am|bym|abym)\b"
        r"|\bbędę\s+(?:nie\s+)?[^\W\d_]+ł[ao]?\b"
        r"|\bjestem\s+(?:już\s+|nie\s+)?(?:gotow[ya]|pewien|pewna|pewny|zmuszon[ya]|zobowiązan[ya]|rad|rada|sam|sama)\b",
        re.IGNORECASE,
    ),
    "ru": re.compile(
        r"\bя\s+(?:(?:не|уже|ещё|только|что|бы|же|сам|сама|это|всё|вам|вас|тебе|тебя|его|её|их|им|снова|сейчас|здесь|тут)\s+){0,3}"
        rf"(?:{PAST_TENSE['ru']}|[а-яё]*(?:мог|шёл|шел)|готова?|рада?|уверена?|должен|должна|вынуждена?|обязана?|согласна?)\b",
        re.IGNORECASE,
    ),
}
# Masculine nouns ending in -ł have an instrumental in -łem (z przedziałem czasu, tym kanałem); a word
# ending so is a noun, not “I did”. Prefixed nouns (podkanałem, przedziałem) end the same way.
POLISH_NOUNS_IN_LEM = (
    "kanałem",  # kanał, a channel
    "działem",  # dział, przedział: a section, a time slot
    "udziałem",  # udział, a share
    "tytułem",  # tytuł, a title
    "protokołem",  # protokół, minutes
    "zespołem",  # zespół, a team
    "sygnałem",  # sygnał, a signal
    "materiałem",  # materiał, material
    "stołem",  # stół, a table
)
# “Samego siebie”, “samej sobie”, “самому себе”: oneself with a gendered “sam”; “siebie” / “себя” alone
# says the same of anyone.
GENDERED_ONESELF = {
    "pl": re.compile(r"\bsam(?:ego|emu|ej|ą|ym|a)?\s+(?:siebie|sobie|sobą)\b", re.IGNORECASE),
    "ru": re.compile(r"\bсам(?:ого|ому|ой|ую|им|а)?\s+(?:себя|себе|собой)\b", re.IGNORECASE),
}


def speaks_of_oneself_with_a_gender(language: str, text: str) -> bool:
    if GENDERED_ONESELF[language].search(text):
        return True
    nouns = POLISH_NOUNS_IN_LEM if language == "pl" else ()
    return any(not match.group().lower().endswith(nouns) for match in FIRST_PERSON_PAST[language].finditer(text))


# Polish messages speak to one reader and write Ty, Twój, Ci, Cię… with a capital, as Polish
# letters and messages to one person do. “ci” is left out: it is also “those” (ci, którzy).
POLISH_LOWERCASE_ADDRESS = re.compile(
    r"\b(?:ty|ciebie|cię|tobie|tobą|twój|twoja|twoje|twojego|twojej|twojemu|twoim|twoją|twoi|twoich|twoimi)\b"
)
# Russian interface text says «вы» in lowercase; a capital «Вы» belongs to formal letters.
RUSSIAN_CAPITAL_ADDRESS = re.compile(r"(?<=[^\W\d_]|[,;:—–)]) (?:Вы|Вас|Вам|Вами|Ваш[а-яё]*)\b")

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# /poll close, /setup option polls_creators: the command's own words are not prose.
COMMAND_PATH = re.compile(r"/[a-z]+(?: [a-z_]+){0,2}")


@dataclass(frozen=True)
class Translation:
    domain: str
    english: str
    text: str

    def __str__(self) -> str:
        return f"{self.domain}: {self.english!r} -> {self.text!r}"


@cache
def translations(language: str) -> tuple[Translation, ...]:
    found = []
    for path in domain_files(language):
        for entry in read_catalog(language, path.stem):
            if not entry.id:
                continue
            english = " / ".join(entry.id) if isinstance(entry.id, tuple) else entry.id
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            found.extend(Translation(path.stem, english, text) for text in strings if text)
    return tuple(found)


def discord_names(language: str) -> list[str]:
    """Names, not words: Discord's own permission names as Discord shows them in that language,
    and the names quickstart gives the server's roles (a role is called what the server calls it)."""
    permissions = [translate(label, locale=language) for label in PERMISSION_LABELS.values()]
    return permissions + [purpose.name_in(language) for purpose in guild_config.purposes(BindingKind.ROLE)]


def without(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, " ")
    return text


def offending(language: str, pattern: re.Pattern) -> list[str]:
    return [str(t) for t in translations(language) if pattern.search(t.text)]


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_offers_a_gender_in_brackets_or_after_a_slash(language):
    found = [
        str(t)
        for t in translations(language)
        if BRACKETED_ENDING.search(t.text) or SLASHED_ENDING.search(t.text) or SLASHED_PAIR.search(t.text)
    ]
    assert not found, f"{len(found)} slashed gender forms in {language}; rephrase neutrally: {found}"


def test_polish_never_says_you_in_a_gendered_past_tense():
    found = offending("pl", POLISH_SECOND_PERSON_PAST)
    assert not found, f"say it in the present tense or impersonally: {found}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_persons_name_never_stands_next_to_a_gendered_past_tense(language):
    found = offending(language, PAST_NEXT_TO_PERSON[language])
    assert not found, f"say it in the present tense or with a noun: {found}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_person_named_by_role_is_not_then_called_he_or_she(language):
    found = [
        str(t)
        for t in translations(language)
        if SINGULAR_THEY.search(t.english) and ROLE_THEN_PRONOUN[language].search(t.text)
    ]
    assert not found, f"rephrase without “he” or “she”, as the English says “they”: {found}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_person_named_by_role_is_not_given_a_gender_by_a_past_tense(language):
    found = offending(language, ROLE_THEN_PAST[language]) + offending(language, BY_ONESELF_IN_THE_PAST[language])
    assert not found, f"make the thing the subject, or say it in the present tense or with «osoba»: {found}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_nobody_speaks_of_themselves_in_a_gendered_past_tense(language):
    found = [str(t) for t in translations(language) if speaks_of_oneself_with_a_gender(language, t.text)]
    assert not found, f"say it impersonally (Wysłano Ci…, Не удалось…) or in the present tense: {found}"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pl", "Wysłałam Ci to w wiadomości prywatnej."),
        ("pl", "Nie rozpoznałem żadnego języka."),
        ("pl", "Chciałbym pomóc."),
        ("pl", "Nie będę mógł tego zrobić."),
        ("pl", "Jestem gotowy."),
        ("pl", "Nie podejmę działań wobec samego siebie."),
        ("ru", "Я отправил вам всё."),
        ("ru", "Я не смогла это сделать."),
        ("ru", "Я бы хотел помочь."),
        ("ru", "Я не мог."),
        ("ru", "Я готов."),
        ("ru", "Благодарность самому себе не считается."),
    ],
)
def test_the_gendered_first_person_check_catches_what_it_names(language, text):
    assert speaks_of_oneself_with_a_gender(language, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pl", "Dodaj punkt odbioru z przedziałem czasu."),
        ("pl", "Wysłano Ci to tym kanałem."),
        ("pl", "Nie będę"),
        ("pl", "Czas płynie sam."),
        ("pl", "Nie podejmuję działań wobec siebie."),
        ("ru", "Поэтому я не могу открыть этот канал."),
        ("ru", "Я разделяю эти ценности"),
        ("ru", "Discord не дал мне выдать роль."),
        ("ru", "Не удалось распознать ни одного языка."),
    ],
)
def test_the_gendered_first_person_check_leaves_neutral_text_alone(language, text):
    assert not speaks_of_oneself_with_a_gender(language, text)


def test_polish_addresses_the_reader_with_capitals():
    found = offending("pl", POLISH_LOWERCASE_ADDRESS)
    assert not found, f"write Ty, Twój, Cię, Tobie… with a capital: {found}"


def test_russian_addresses_the_reader_in_lowercase():
    found = offending("ru", RUSSIAN_CAPITAL_ADDRESS)
    assert not found, f"write вы, ваш… in lowercase inside a sentence: {found}"


@pytest.fixture(scope="module")
def glossary() -> list[dict]:
    with GLOSSARY.open("rb") as handle:
        return tomllib.load(handle)["term"]


def test_the_glossary_names_each_concept_in_both_languages_once(glossary):
    assert len({entry["term"] for entry in glossary}) == len(glossary)
    for entry in glossary:
        assert entry["pl"] and entry["ru"] and entry["note"].strip(), entry["term"]
        for language in TRANSLATED:
            if entry.get("en"):
                stem = entry[f"stem_{language}"]
                # The chosen word starts with its stem, and is not one of the words to avoid.
                assert re.search(rf"\b{stem}", entry[language], re.IGNORECASE), entry["term"]
            for avoided in entry.get(f"avoid_{language}", []):
                assert not re.search(avoided, entry[language], re.IGNORECASE), entry["term"]


def in_domains(entry: dict, translation: Translation) -> bool:
    return translation.domain in entry.get("domains", [translation.domain])


@pytest.mark.parametrize("language", TRANSLATED)
def test_text_naming_a_glossary_concept_uses_its_chosen_word(glossary, language):
    english_names = [str(label) for label in PERMISSION_LABELS.values()]
    named = {entry["term"]: 0 for entry in glossary if entry.get("en")}
    missing = []
    for translation in translations(language):
        english = COMMAND_PATH.sub(" ", PLACEHOLDER.sub(" ", without(translation.english, english_names)))
        for entry in glossary:
            if entry["term"] not in named or not in_domains(entry, translation):
                continue
            if re.search(entry["en"], english, re.IGNORECASE):
                named[entry["term"]] += 1
                if not re.search(rf"\b{entry[f'stem_{language}']}", translation.text, re.IGNORECASE):
                    missing.append(f"{entry['term']} -> {entry[language]}: {translation}")
    unused = [term for term, count in named.items() if not count]
    assert not unused, f"no English message matches these glossary patterns any more: {unused}"
    assert not missing, f"{len(missing)} translations in {language} use another word: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_uses_a_word_the_glossary_set_aside(glossary, language):
    names = discord_names(language)
    found = []
    for translation in translations(language):
        text = without(translation.text, names)
        for entry in glossary:
            for avoided in entry.get(f"avoid_{language}", []):
                if in_domains(entry, translation) and re.search(avoided, text, re.IGNORECASE):
                    found.append(f"{entry['term']} -> {entry[language]}: {translation}")
    assert not found, f"{len(found)} translations in {language} use a word set aside: {found}"
