"""Content packs: a server's values cards and volunteer roles catalogue, in TOML or YAML.

The defaults ship in config/content/<lang>.toml; `/setup import` takes a file of the same
shape. Errors name the line, so whoever wrote the file can fix it.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from gromada.text import clean

if TYPE_CHECKING:
    import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# A pack's texts are cleaned as typed ones are (gromada.text) before their lengths are checked,
# so a card titled with zero-width spaces is refused like an empty one.
Text = Annotated[str, BeforeValidator(lambda value: clean(value) if isinstance(value, str) else value)]


class ValueCardSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text = Field(min_length=1, max_length=256)
    body: Text = Field(min_length=1, max_length=3000)


class VolunteerRoleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: Text = Field(min_length=1, max_length=100)
    description: Text = Field(default="", max_length=500)
    responsibilities: Text = Field(default="", max_length=1000)
    seats: int = Field(ge=1, le=500)
    term_days: int | None = Field(default=None, ge=1, le=3650)
    approval: Literal["auto", "coordinator"] = "auto"
    prerequisite: Text | None = Field(default=None, max_length=100)
    # When set, the volunteer role is the server's role for that purpose (e.g. "buddy").
    role_purpose: str | None = None


class SurveyQuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["single", "multi", "scale", "number", "short", "long"]
    text: Text = Field(min_length=1, max_length=300)
    # Choices, or a scale's two end labels.
    choices: list[Text] = Field(default_factory=list, max_length=20)
    required: bool = True


class SurveyTemplateSpec(BaseModel):
    """A survey to start from with /survey create template: (needs diagnosis, joint purchase)."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: Text = Field(min_length=1, max_length=200)
    introduction: Text = Field(default="", max_length=1500)
    questions: list[SurveyQuestionSpec] = Field(min_length=1, max_length=15)


class ContentPack(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[ValueCardSpec] = Field(default_factory=list, max_length=25)
    volunteer_roles: list[VolunteerRoleSpec] = Field(default_factory=list, max_length=25)
    survey_templates: list[SurveyTemplateSpec] = Field(default_factory=list, max_length=10)


class ContentError(ValueError):
    """A problem in a content pack, with the line it is on (1-based) when known."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        self.problem = problem
        self.line = line
        super().__init__(f"line {line}: {problem}" if line else problem)


class ContentTooDeep(ContentError):
    """Lists or tables nested deeper than the parsers can follow (no line: they give up mid-file)."""

    def __init__(self) -> None:
        super().__init__("lists or tables are nested too deeply")


@cache
def load_default_pack(language: str) -> ContentPack:
    """The shipped pack for a language, parsed once (it is read on every join and card click)."""
    path = CONTENT_DIR / f"{language}.toml"
    if not path.exists():
        path = CONTENT_DIR / "en.toml"
    return parse_pack(path.read_text(encoding="utf-8"), path.name)


def parse_pack(text: str, filename: str) -> ContentPack:
    """The validated pack; slow on large files (pure-Python parsers), so callers on the event loop use a thread."""
    try:
        return _parse(text, filename)
    except RecursionError:
        # Both parsers recurse once per level of nesting: a few kilobytes of "[" exhaust the stack.
        raise ContentTooDeep() from None


def _parse(text: str, filename: str) -> ContentPack:
    is_yaml = filename.lower().endswith((".yaml", ".yml"))
    if is_yaml:
        data, root = _load_yaml(text)
    else:
        data, root = _load_toml(text), None
    if not isinstance(data, dict):
        raise ContentError("the file must be a table of sections (values, volunteer_roles)", 1)
    try:
        return ContentPack.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        line = _yaml_line(root, first["loc"]) if is_yaml else _toml_line(text, first["loc"])
        raise ContentError(f"{where}: {first['msg']}", line) from None


def _load_toml(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise ContentError(str(error).split(" (at")[0], int(match.group(1)) if match else None) from None
    except ValueError as error:  # a number longer than Python converts (4,300 digits)
        raise ContentError(str(error).split(";")[0]) from None


def _load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree, read once (the tree gives the line of a validation error)."""
    # PyYAML is loaded when someone imports a YAML pack, not when the bot starts.
    import yaml

    loader = None
    try:
        loader = yaml.SafeLoader(text)  # checks every character first: a control character stops it here
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ContentError(str(error.problem or error), mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:  # e.g. a control character, which YAML does not allow
        raise ContentError(str(error).splitlines()[0]) from None
    except ValueError as error:  # "!!float x", "!!timestamp 2020-13-45", a number too long to convert
        raise ContentError(f"a value could not be read: {str(error).split(';')[0]}") from None
    except (KeyError, AttributeError, TypeError):
        # How PyYAML's constructors fail on other tagged values they cannot read ("!!bool maybe").
        raise ContentError("a tagged value (!!…) could not be read") from None
    finally:
        if loader is not None:
            loader.dispose()


def _toml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of `section[index].key` in a TOML file written with [[section]] tables."""
    if not loc:
        return None
    section, index, key = loc[0], (loc[1] if len(loc) > 1 else None), (loc[2] if len(loc) > 2 else None)
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if line.strip() == f"[[{section}]]"]
    if not isinstance(index, int) or index >= len(headers):
        return headers[0] + 1 if headers else None
    start = headers[index]
    end = next((n for n in range(start + 1, len(lines)) if lines[n].lstrip().startswith("[")), len(lines))
    if key is not None:
        for n in range(start + 1, end):
            if re.match(rf"\s*{re.escape(str(key))}\s*=", lines[n]):
                return n + 1
    return start + 1


def _yaml_line(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    import yaml

    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((value for key, value in node.value if key.value == str(part)), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line
