"""Shared UI pieces: base classes that route to the one error path, replies, pagination.

Every View, Modal and persistent item of a feature derives from these, so each
interaction is answered in the person's language and every failure reaches
gromada.error_handler.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import discord
from tortoise.models import Model

from gromada.checks import require_guild
from gromada.error_handler import report_error
from gromada.errors import NotAllowed, NotFound
from gromada.i18n import _
from gromada.ids import MAX_ID, number_in
from gromada.interactions import activate
from gromada.messaging import member_of
from gromada.replies import NO_MENTIONS, mention_only, reply  # noqa: F401 - features import them from here

MESSAGE_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def date_named(moment) -> str:
    """A date as Discord shows it in each reader's own language, with the month named ("1 April
    2026", "1 kwietnia 2026"): a numeric date reads differently from country to country (01/04/2026
    is the 1st of April in Poland and the 4th of January in the United States)."""
    return discord.utils.format_dt(moment, "D")


def moment_with_distance(moment) -> str:
    """A moment as Discord shows it in each reader's own clock and language: the date and time,
    then how far away ("15 January 2026 12:00 (in 2 weeks)"). It reads right after "until"."""
    return f"{discord.utils.format_dt(moment, 'f')} ({discord.utils.format_dt(moment, 'R')})"


def paginate_lines(lines: Sequence[str], *, limit: int = 1800) -> list[str]:
    """Join lines into pages that each stay under `limit` characters (Discord's 2,000 cap)."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for raw in lines:
        line = truncate(raw, limit)
        if current and size + len(line) + 1 > limit:
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        pages.append("\n".join(current))
    return pages


class _Checked:
    """Answer in the person's language, then run `check`; a refusal goes to the one error path."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await activate(interaction)
        try:
            await self._admit(interaction)
        except Exception as error:
            await report_error(interaction, error)
            return False
        return True

    async def _admit(self, interaction: discord.Interaction) -> None:
        await self.check(interaction)

    async def check(self, interaction: discord.Interaction) -> None:
        """Raise a GromadaError to refuse; the person sees its message."""


class BaseView(_Checked, discord.ui.View):
    """A View answering in the person's language, errors going to the one error path."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any) -> None:
        await report_error(interaction, error)


class BaseModal(discord.ui.Modal):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await activate(interaction)
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_error(interaction, error)


# ---------------------------------------------------------------- what a select's values name


def chosen_value(select: discord.ui.Select) -> str:
    """The one value chosen in `select`, or "" when the client sent none, several, or not text.

    A select's values are whatever the client sends, not necessarily one of its options.
    """
    values = select.values
    return values[0] if len(values) == 1 and isinstance(values[0], str) else ""


def chosen_numbers(
    select: discord.ui.Select, missing: str, *, lowest: int = 1, highest: int = MAX_ID, at_most: int = 1, **params: Any
) -> list[int]:
    """The numbers (row ids, or positions from `lowest` to `highest`) chosen in `select`.

    A forged choice (none, more than `at_most`, one twice, or a value that is not such a
    number, like a number too large for the id column) is refused with `missing` (`params`
    fill it in) before anything reads or changes a row. Whether an id names a row of this
    server, and of the row the select belongs to, is for the feature to look up.
    """
    values = select.values
    numbers = [number_in(value, lowest=lowest, highest=highest) for value in values]
    if not 1 <= len(numbers) <= at_most or None in numbers or len(set(numbers)) != len(numbers):
        raise NotFound(missing, **params)
    return numbers


def chosen_id(select: discord.ui.Select, missing: str, **params: Any) -> int:
    """The id of the one row chosen in `select`; see `chosen_numbers`."""
    [row_id] = chosen_numbers(select, missing, **params)
    return row_id


# ---------------------------------------------------------------- whose row a custom_id names


def _fits_id_column(model: type[Model], ref_id: int) -> bool:
    """Whether `ref_id` fits `model`'s id column: a custom_id's digits have no bound, the column has."""
    limits = model._meta.pk.constraints
    return limits.get("ge", 1) <= ref_id <= limits.get("le", MAX_ID)


class Owner:
    """Where the row named by a persistent item's id belongs; `require` refuses a click from anywhere else.

    A custom_id is whatever the client sends: a click in one server can carry the id of another
    server's row, and a click in direct messages the id of someone else's. So before an item
    does anything, the row its id names is looked up together with where the click came from:
    the server it was clicked in, or for an item in direct messages the person clicking.
    """

    async def require(self, ref_id: int, interaction: discord.Interaction) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class RowOwner(Owner):
    """An owner of rows of `model`: the id is first checked to fit the model's id column.

    `missing` is what a click on a row that does not exist is told (it may name the id as
    `{id}`); a number too large for the column is told the same before any query, where it
    would overflow the column and fail as an incident instead. Subclasses look the row up
    with where the click came from in `require_row`.
    """

    model: type[Model]
    missing: str

    async def require(self, ref_id: int, interaction: discord.Interaction) -> None:
        if not _fits_id_column(self.model, ref_id):
            raise NotFound(self.missing, id=ref_id)
        await self.require_row(ref_id, interaction)

    async def require_row(self, ref_id: int, interaction: discord.Interaction) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class InServer(RowOwner):
    """A row of one server (`path` leads to the server's id): clicks in that server only.

    `missing` is what a click on a row this server does not have (any more) is told; it may
    name the id as `{id}`. A row of another server is told the same: to this server it does
    not exist.
    """

    path: str = "guild_id"

    async def require_row(self, ref_id: int, interaction: discord.Interaction) -> None:
        require_guild(interaction)
        if not await self.model.exists(id=ref_id, **{self.path: interaction.guild_id}):
            raise NotFound(self.missing, id=ref_id)


@dataclass(frozen=True)
class OfPerson(RowOwner):
    """A row of one person (`path` leads to their id), wherever they click: buttons in direct messages.

    `missing` is told when there is no such row, `not_theirs` when it is someone else's.
    """

    not_theirs: str
    path: str = "user_id"

    async def require_row(self, ref_id: int, interaction: discord.Interaction) -> None:
        if await self.model.exists(id=ref_id, **{self.path: interaction.user.id}):
            return
        if await self.model.exists(id=ref_id):
            raise NotAllowed(self.not_theirs)
        raise NotFound(self.missing, id=ref_id)


@dataclass(frozen=True)
class ByItsMembers(RowOwner):
    """A row of one server (`path` leads to the server's id), clicked by a member of that server
    wherever they are: buttons sent by direct message to whoever serves the server (a list of
    members' orders to hand over, which names other members' rows).

    Neither InServer (a direct message has no server) nor OfPerson (the row is another
    member's) fits such a button. The clicker must be on the row's server, and a click in a
    server channel must come from that server; what the clicker may do there (their roles)
    is for the feature's own check. A click by anyone else is told `missing`: to them the row
    does not exist.
    """

    path: str = "guild_id"

    async def require_row(self, ref_id: int, interaction: discord.Interaction) -> None:
        guild_id = await self.model.filter(id=ref_id).first().values_list(self.path, flat=True)
        elsewhere = interaction.guild_id is not None and interaction.guild_id != guild_id
        if guild_id is None or elsewhere:
            raise NotFound(self.missing, id=ref_id)
        if await member_of(interaction.client.get_guild(guild_id), interaction.user.id) is None:
            raise NotFound(self.missing, id=ref_id)


@dataclass(frozen=True)
class ThePerson(Owner):
    """The id is the person's own (a confirmation that only the member who asked may answer)."""

    not_theirs: str

    async def require(self, ref_id: int, interaction: discord.Interaction) -> None:
        if ref_id != interaction.user.id:
            raise NotAllowed(self.not_theirs)


@dataclass(frozen=True)
class TheServer(Owner):
    """The id is the server's own (a panel that lists what that server has)."""

    elsewhere: str

    async def require(self, ref_id: int, interaction: discord.Interaction) -> None:
        require_guild(interaction)
        if ref_id != interaction.guild_id:
            raise NotFound(self.elsewhere)


class PersistentItem(_Checked):
    """Mixin for discord.ui.DynamicItem: persistent buttons and selects of every feature.

    discord.py swallows exceptions raised by a DynamicItem (they never reach an error
    handler), so this mixin catches them and routes them to the one error path.
    Subclasses implement `check` (authorisation, re-checked on every click) and `run`.
    Keep `from_custom_id` free of failures: parse the id there, load state in `run`.

    An item whose template names a row (the group `id`) declares that row's `owner`: it is
    required before `check`, on every click, so an id from another server (or, in direct
    messages, another person's) is refused before anything reads or changes it. A class
    that names a row and declares no owner is refused when it is defined.
    """

    owner: ClassVar[Owner | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        template = getattr(cls, "__discord_ui_compiled_template__", None)
        if template is not None and "id" in template.groupindex and cls.owner is None:
            raise TypeError(f"{cls.__qualname__} names a row in its custom_id: declare the row's owner")

    async def _admit(self, interaction: discord.Interaction) -> None:
        if self.owner is not None:
            match = self.__discord_ui_compiled_template__.fullmatch(self.custom_id)
            await self.owner.require(int(match["id"]), interaction)
        await self.check(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class IdButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A persistent button naming one row: custom_id `<feature>:<action>:<id>`.

    A subclass names its action once, `class Support(IdButton, action="initiatives:support")`,
    and both the template that matches clicks and the custom_id it puts on buttons come from
    it. An intermediate base (shared checks) passes no action and is never registered.
    """

    action: ClassVar[str] = ""
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary
    label_text: ClassVar[str] = ""

    def __init_subclass__(cls, *, action: str | None = None, **kwargs: Any) -> None:
        if action is not None:
            cls.action = action
            kwargs["template"] = rf"{re.escape(action)}:(?P<id>\d+)"
        kwargs.setdefault("template", cls.__discord_ui_compiled_template__)
        super().__init_subclass__(**kwargs)

    def __init__(self, ref_id: int) -> None:
        super().__init__(discord.ui.Button(label=self.label(), style=self.style, custom_id=self.custom_id_for(ref_id)))
        self.ref_id = ref_id

    @classmethod
    def custom_id_for(cls, ref_id: int) -> str:
        return f"{cls.action}:{ref_id}"

    def label(self) -> str:
        """The button's text in the reader's language (override for a label that varies)."""
        return _(self.label_text)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]):
        return cls(int(match["id"]))


class Pager(BaseView):
    """Previous / Next over pages of text, for the person who asked (ephemeral, not persistent)."""

    def __init__(self, pages: Sequence[str], *, owner_id: int, title: str | None = None) -> None:
        super().__init__(timeout=600)
        self.pages = list(pages) or [""]
        self.owner_id = owner_id
        self.title = title
        self.index = 0
        self.previous.label = _("Previous")
        self.next.label = _("Next")
        self._sync_buttons()

    def render(self) -> str:
        header = f"**{self.title}**\n" if self.title else ""
        if len(self.pages) == 1:
            return header + self.pages[0]
        footer = _("Page {page} of {pages}", page=self.index + 1, pages=len(self.pages))
        return f"{header}{self.pages[self.index]}\n\n{footer}"

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def send(self, interaction: discord.Interaction) -> None:
        view = self if len(self.pages) > 1 else discord.utils.MISSING
        await reply(interaction, self.render(), view=view)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        self._sync_buttons()
        await interaction.response.edit_message(content=self.render(), view=self)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        self._sync_buttons()
        await interaction.response.edit_message(content=self.render(), view=self)
