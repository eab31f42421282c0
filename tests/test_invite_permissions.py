"""The README's invite asks for every permission the code needs, and the code needs no other.

The one declared list is cogs.setup.service.REQUIRED_BOT_PERMISSIONS (quickstart checks it).
The source is scanned for what the bot does with Discord (the overwrites and role
permissions it grants or denies, the calls that need a permission), so a feature that
starts pinning, banning or creating events cannot forget the list, and the list cannot
forget the README.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import discord
import pytest

from cogs.setup.service import REQUIRED_BOT_PERMISSIONS
from gromada.bot import feature_extensions
from gromada.error_handler import PERMISSION_LABELS
from gromada.guild_config import PURPOSES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "cogs").rglob("*.py"), *(ROOT / "gromada").rglob("*.py")])

# Calls on discord.py objects and the permission Discord checks for each.
CALLS_NEEDING = {
    "pin": "pin_messages",
    "unpin": "pin_messages",
    "create_text_channel": "manage_channels",
    "create_category": "manage_channels",
    "create_role": "manage_roles",
    "add_roles": "manage_roles",
    "remove_roles": "manage_roles",
    "edit_role_positions": "manage_roles",
    "set_permissions": "manage_roles",
    "create_thread": "create_private_threads",
    "kick": "kick_members",
    "ban": "ban_members",
    "unban": "ban_members",
    "timeout": "moderate_members",
    "create_scheduled_event": "create_events",
}


def _invite_step() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    step = re.search(r"^3\. Invite the bot(.*?)^4\. ", readme, re.S | re.M)
    assert step is not None, "the README's invite step (3.) is gone"
    return " ".join(step.group(1).split())


def _used_in_source() -> dict[str, set[str]]:
    """Permission name -> where the source uses it."""
    used: dict[str, set[str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee == "PermissionOverwrite":  # allowed or denied, the bot must hold it
                for keyword in node.keywords:
                    used.setdefault(keyword.arg, set()).add(where)
            elif callee in CALLS_NEEDING:
                used.setdefault(CALLS_NEEDING[callee], set()).add(where)
            elif callee == "AllowedMentions" and _pings_roles(node):
                # Discord drops the ping of a role that is not mentionable unless the sender may
                # mention everyone; quickstart's roles are not mentionable (members cannot ping them).
                used.setdefault("mention_everyone", set()).add(where)
    for extension in feature_extensions():  # each feature declares its purposes in its service
        importlib.import_module(f"{extension}.service")
    for purpose in PURPOSES.values():  # quickstart creates these roles with these permissions
        for name in purpose.grants:
            used.setdefault(name, set()).add(f"the {purpose.key} role")
    return used


def _pings_roles(call: ast.Call) -> bool:
    roles = next((keyword.value for keyword in call.keywords if keyword.arg == "roles"), None)
    return roles is not None and not (isinstance(roles, ast.Constant) and roles.value in (False, None))


def _required() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(REQUIRED_BOT_PERMISSIONS, True))


def test_the_scan_finds_what_the_bot_does():
    used = _used_in_source()
    assert "cogs/initiatives/flows.py" in used["pin_messages"]
    assert "cogs/moderation/flows.py" in used["ban_members"]
    assert "cogs/initiatives/flows.py" in used["create_public_threads"]  # denied when archived
    assert "cogs/mediation/flows.py" in used["mention_everyone"]  # a new ticket pings the mediators


def test_every_permission_the_code_uses_is_required():
    required = _required()
    missing = {
        name: sorted(where)
        for name, where in _used_in_source().items()
        if not discord.Permissions(**{name: True}).is_subset(required)  # aliases: manage_permissions
    }
    assert not missing, f"add these to REQUIRED_BOT_PERMISSIONS and the README: {missing}"


@pytest.mark.parametrize("name", REQUIRED_BOT_PERMISSIONS)
def test_the_readme_invite_names_each_required_permission(name):
    assert name in PERMISSION_LABELS, "quickstart names a missing permission by its label"
    assert PERMISSION_LABELS[name] in _invite_step()


def test_the_readme_permissions_number_is_the_required_list():
    step = _invite_step()
    numbers = set(re.findall(r"permissions(?: number `|=)(\d+)", step))
    assert numbers == {str(_required().value)}
