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
    assert missing_permissions({"view_channel", "send_messages"})[:3] == [
        "send_messages_in_threads",
        "embed_links",
        "attach_files",
    ]
