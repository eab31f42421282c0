"""A number inserted before a word is a plural entry, so Polish and Russian can agree with it.

English has two forms ("1 option", "2 options"); Polish and Russian have three ("1 opcję",
"2 opcje", "5 opcji"; "1 вариант", "2 варианта", "5 вариантов"), and a single translation
cannot serve every number. So a message that counts something is written with `_n()` or
`Plural()`. A number may stay in a plain message where nothing agrees with it: an id
("#{id}"), an ordinal ("number {position}"), a percentage, a value after a label, a fraction.
"""

import ast
import importlib
import re

from gromada.i18n_catalogs import ROOT, code_messages, source_files

# Placeholders the code fills with numbers.
NUMBERS = set(
    "n count days grace hours minutes seconds weeks limit threshold seats filled length kb about"
    " interests places position number id page pages line percent score current total first last"
    " turnout electorate exhausted seed paid ordered quantity max minimum maximum active share".split()
)
# Words that may follow a number without agreeing with it.
LINKING = {"of", "and", "or", "to", "for", "in", "on", "at", "by", "from", "until", "than"}
MARKERS = {"_", "N_", "lazy"}


def _is_number(node: ast.expr, module) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return True
    if isinstance(node, ast.BinOp):
        return _is_number(node.left, module) or _is_number(node.right, module)
    if isinstance(node, ast.Name) and node.id.isupper():
        value = getattr(module, node.id, None)
        return isinstance(value, int) and not isinstance(value, bool)
    return False


def numbers_given_in_code() -> dict[str, set[str]]:
    """For each plain message, the placeholders its call sites fill with a number."""
    given: dict[str, set[str]] = {}
    for path in source_files():
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            texts = [call.args[0]] if _marker(call) and call.args else []
            texts += [arg.args[0] for arg in call.args if isinstance(arg, ast.Call) and _marker(arg) and arg.args]
            for text in texts:
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    numeric = {kw.arg for kw in call.keywords if kw.arg and _is_number(kw.value, module)}
                    given.setdefault(text.value, set()).update(numeric)
    return given


def _marker(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id in MARKERS


def _agreeing(message: str, name: str) -> bool:
    """Whether a word right after the number has to agree with it ("{n} options")."""
    for match in re.finditer(r"(#|\bnumber |\bround )?\{" + name + r"\}([^\s\w{]*)\s*(\w+)?", message, re.IGNORECASE):
        identifier, punctuation, word = match.groups()
        if identifier or punctuation or word is None:
            continue
        if word.lower() not in LINKING and not word.isupper():
            return True
    return False


def test_messages_that_count_are_plural_entries():
    given = numbers_given_in_code()
    offending = []
    for domain, entries in code_messages().items():
        for message, _context in entries:
            if not isinstance(message, str):
                continue
            names = set(re.findall(r"\{(\w+)", message))
            numeric = (names & NUMBERS) | given.get(message, set())
            offending += [(domain, message, name) for name in sorted(numeric) if _agreeing(message, name)]
    assert not offending, "make these plural entries with _n() or Plural():\n" + "\n".join(map(repr, offending))
