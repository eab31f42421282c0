"""Pure rules of initiatives (no Discord, no database): channel and category names.

A title becomes a channel name that is readable, lowercase, hyphenated and unique.

Discord accepts letters of any script in text channel names, so "Ogród społeczny" becomes
"ogród-społeczny" and "Общий сад" becomes "общий-сад"; what cannot be part of a name
(punctuation, emoji, spaces) turns into single hyphens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

TITLE_LIMIT = 100
# Leaves room for a "-12" suffix within Discord's 100-character channel name limit.
SLUG_LIMIT = 90


# Unicode's non-spacing and spacing combining marks; enclosing marks (Me) only decorate.
COMBINING_MARKS = frozenset({"Mn", "Mc"})


def slugify(title: str) -> str:
    """The channel name for a title, or "" when the title has no letters or digits."""
    text = unicodedata.normalize("NFKC", title).lower()
    out: list[str] = []
    for char in text:
        if char.isalnum():
            out.append(char)
        elif unicodedata.category(char) in COMBINING_MARKS and out and out[-1] != "-":
            # A mark stays with its letter: NFKC composes Latin and Cyrillic accents, but Indic
            # vowel signs (spacing, Mc), viramas and Thai or Hebrew vowels (Mn) have no
            # precomposed letter, and "हिंदी" would otherwise become "ह-द".
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    slug = "".join(out).strip("-")
    if len(slug) > SLUG_LIMIT:
        slug = slug[:SLUG_LIMIT].rstrip("-")
    return slug


def unique_name(base: str, taken: Collection[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is free."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def overflow_name(base_name: str, number: int) -> str:
    """The name of the n-th category for one purpose: "Initiatives", "Initiatives 2"…"""
    return base_name if number == 1 else f"{base_name} {number}"
