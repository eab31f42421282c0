import discord

from cogs.setup.service import missing_permissions, ordered_roles


def test_our_roles_are_grouped_in_order_where_the_lowest_stood():
    below_bot = ["Moderator", "Gardeners", "Newcomer", "Buddy", "Board", "Member", "Mediator"]  # lowest first
    ours = {key: key.capitalize() for key in ("moderator", "mediator", "buddy", "member", "newcomer")}

    assert ordered_roles(below_bot, ours) == [
        "Newcomer",
        "Member",
        "Buddy",
        "Mediator",
        "Moderator",
        "Gardeners",
        "Board",
    ]


def test_roles_above_the_bot_are_left_alone():
    ours = {"moderator": "Moderator", "member": "Member"}

    assert ordered_roles(["Member", "Artists"], ours) == ["Member", "Artists"]


def test_missing_permissions_are_listed_in_a_stable_order():
    assert missing_permissions(discord.Permissions(view_channel=True, send_messages=True))[:3] == [
        "send_messages_in_threads",
        "embed_links",
        "attach_files",
    ]


def test_view_channel_counts_as_granted_whatever_name_discord_py_iterates_it_under():
    # Iterating discord.Permissions yields View Channel under its old name, read_messages.
    assert missing_permissions(discord.Permissions.all()) == []
    assert missing_permissions(discord.Permissions(read_messages=True)).count("view_channel") == 0
    without = discord.Permissions.all()
    without.view_channel = False
    assert missing_permissions(without) == ["view_channel"]
