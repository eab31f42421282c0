"""A moment shown relative to now never follows a word that wants a date.

Discord renders `<t:…:R>` as "in 2 weeks" or "3 hours ago" in each reader's language, so
"It needs 3 supporters by {deadline}" reads "by in 2 weeks", "od {since}" reads "od 3 godziny
temu" and "до {deadline}" reads "до через 2 недели". After such a word a message shows a date
(format_dt style "D" or "f"); a relative moment stands on its own ("support closes in 2 weeks").

The code says where a moment is relative: `format_dt(moment, "R")` or `Relative(moment)` (an
error's parameter). This reads every such place, finds the message it fills (or the embed field
it is the value of), and checks that message in en, pl and ru. A relative moment the test cannot
tie to its message fails too, so nothing escapes the check by being built elsewhere.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from gromada.i18n import LANGUAGES
from gromada.i18n_catalogs import ROOT, domain_of, read_catalog, source_files

# Words after which a moment must be a date: "by", "until", "since"… in each language.
DATE_WORDS = {
    "en": "by until till before after since from on at due within in for",
    "pl": "do przed po od na dnia niż ciągu w we o z",
    "ru": "до к ко перед после с со от на в во о позднее течение",
}
# What may stand between the word and the moment: spaces, bold, a colon, an opening quote.
BETWEEN = r"[\s*:„«\"(]*"
MESSAGE_FUNCTIONS = {"_", "N_", "_n", "lazy", "Plural"}
ERRORS = ROOT / "gromada" / "errors.py"


@dataclass(frozen=True)
class RelativeUse:
    """A relative moment in the code: the message it fills and its placeholder (None: the
    value of an embed field whose name is the message)."""

    where: str
    domain: str
    message: tuple[str, ...]
    placeholder: str | None


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_relative(node: ast.AST) -> bool:
    """`format_dt(x, "R")` or `Relative(x)`."""
    if not isinstance(node, ast.Call):
        return False
    if _name(node.func) == "Relative":
        return True
    if _name(node.func) != "format_dt":
        return False
    styles = node.args[1:2] + [keyword.value for keyword in node.keywords if keyword.arg == "style"]
    return any(isinstance(style, ast.Constant) and style.value == "R" for style in styles)


def _is_absolute(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) == "format_dt" and not _is_relative(node)


def _strings(args: list[ast.expr]) -> tuple[str, ...]:
    found = []
    for arg in args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append(arg.value)
        else:
            break
    return tuple(found[:2])


def _message_of(call: ast.Call, default_messages: dict[str, tuple[str, ...]], cls: str | None) -> tuple[str, ...]:
    """The msgid(s) a call renders: its leading string arguments, a message function's inside
    it, or, for `super().__init__(…)` in an error class, the class's default message."""
    strings = _strings(call.args)
    if strings:
        return strings
    if call.args and isinstance(call.args[0], ast.Call) and _name(call.args[0].func) in MESSAGE_FUNCTIONS:
        return _strings(call.args[0].args)
    if _name(call.func) == "__init__" and cls is not None:
        return default_messages.get(cls, ())
    return ()


class _Finder(ast.NodeVisitor):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.domain = domain_of(path)
        self.uses: list[RelativeUse] = []
        self.placed: set[int] = set()  # ids of relative nodes tied to a message
        self.everywhere: list[ast.Call] = []
        self.classes: list[str] = []
        self.functions: list[str] = []
        self.default_messages: dict[str, tuple[str, ...]] = {}

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(ROOT)}:{node.lineno}"

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(_name(target) == "default_message" for target in statement.targets)
                and isinstance(statement.value, ast.Call)
            ):
                self.default_messages[node.name] = _strings(statement.value.args)
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # "{date} ({relative})": a relative moment after a date is an aside, and reads well.
        values = [part.value for part in node.values if isinstance(part, ast.FormattedValue)]
        for before, value in pairwise(values):
            if _is_relative(value) and _is_absolute(before):
                self.placed.add(id(value))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if _is_relative(node):
            self.everywhere.append(node)
        cls = self.classes[-1] if self.classes else None
        message = _message_of(node, self.default_messages, cls)
        for keyword in node.keywords:
            if message and _is_relative(keyword.value):
                self.uses.append(RelativeUse(self.where(node), self.domain, message, keyword.arg))
                self.placed.add(id(keyword.value))
        if _name(node.func) == "add_field":
            given = {keyword.arg: keyword.value for keyword in node.keywords}
            name, value = given.get("name"), given.get("value")
            if isinstance(name, ast.Call) and _name(name.func) in MESSAGE_FUNCTIONS and _is_relative(value):
                self.uses.append(RelativeUse(self.where(node), self.domain, _strings(name.args), None))
                self.placed.add(id(value))
        # The error path's own rendering of Relative is what the rest asks for.
        if _is_relative(node) and self.path == ERRORS and self.functions[-1:] == ["_moment"]:
            self.placed.add(id(node))
        self.generic_visit(node)


@pytest.fixture(scope="module")
def finders() -> list[_Finder]:
    found = []
    for path in source_files():
        finder = _Finder(path)
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        found.append(finder)
    return found


def _texts(use: RelativeUse, language: str) -> list[str]:
    """The message in `language` (the English msgids, or every plural form of the translation)."""
    if language == "en":
        return list(use.message)
    catalog = read_catalog(language, use.domain)
    entry = catalog.get(use.message if len(use.message) > 1 else use.message[0]) if catalog else None
    assert entry is not None, f"{use.where}: {use.message[0]!r} is not in the {language} {use.domain} catalog"
    return [text for text in (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if text]


def _after_a_date_word(text: str, use: RelativeUse, language: str) -> bool:
    words = "|".join(DATE_WORDS[language].split())
    if use.placeholder is None:  # a field's name, followed by its value
        return re.search(rf"(?i)(?<!\w)(?:{words})[\s:]*$", text) is not None
    return re.search(rf"(?i)(?<!\w)(?:{words}){BETWEEN}\{{{use.placeholder}\}}", text) is not None


def test_every_relative_moment_is_tied_to_its_message(finders):
    loose = [finder.where(node) for finder in finders for node in finder.everywhere if id(node) not in finder.placed]
    assert not loose, (
        "give format_dt(…, 'R') or Relative(…) straight to the message it fills (or as an embed "
        f"field's value), so the words before it can be checked: {loose}"
    )


def test_the_code_shows_relative_moments(finders):
    # The check below reads what the code does: it must find the places it is about.
    assert sum(len(finder.uses) for finder in finders) >= 5


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_relative_moment_follows_a_word_that_wants_a_date(finders, language):
    found = [
        f"{use.where}: {text!r}"
        for finder in finders
        for use in finder.uses
        for text in _texts(use, language)
        if _after_a_date_word(text, use, language)
    ]
    assert not found, (
        "a relative moment (“in 2 weeks”, “3 hours ago”) after by/until/since reads “by in 2 weeks”: "
        f"show a date there (format_dt style 'D' or 'f'), or say it without that word: {found}"
    )
