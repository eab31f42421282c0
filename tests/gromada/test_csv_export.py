"""The one CSV writer of every export: text typed by members never runs as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from gromada.csv_export import csv_text, guard_cell


def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe():
    for typed in ("=1+1", "+48 600", "-2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =1", "＝1+1", "＠x"):
        assert guard_cell(typed) == "'" + typed


def test_plain_text_numbers_and_empty_cells_are_left_alone():
    for value in ("Park", "", "a=b", "2026-11-29T12:00:00+00:00", 42, -3, Decimal("-3.75"), None):
        assert guard_cell(value) == value


def test_every_text_cell_of_every_row_is_guarded_and_the_file_reads_back():
    text = csv_text(["who", "reason", "amount"], [["@mallory", '=HYPERLINK("http://x","y")', Decimal("-1.50")], []])

    rows = list(csv.reader(io.StringIO(text)))

    assert rows == [["who", "reason", "amount"], ["'@mallory", '\'=HYPERLINK("http://x","y")', "-1.50"], []]
