"""CSV files that people download and open in a spreadsheet.

Members type the text that ends up in exports (ballot reasons, option labels, names, item
names). A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab,
a line break or the full-width forms of those signs, or any of them after spaces) as a
formula, so `=HYPERLINK("http://…","click")` typed as a reason would become a live link or
worse in a staff member's spreadsheet. Every text cell is therefore guarded: a leading
apostrophe makes the spreadsheet show the text as typed. Numbers stay numbers.

Every export writes through `csv_text`, so no text cell can be forgotten.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")


def guard_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as typed instead of running it; other values unchanged."""
    if isinstance(value, str) and value.lstrip(" ")[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def guarded_row(row: Iterable[Any]) -> list[Any]:
    return [guard_cell(value) for value in row]


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV document: the header, then every row with each text cell guarded.

    A row may be empty (a blank line between two tables of one export).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(guarded_row(row) for row in rows)
    return buffer.getvalue()
