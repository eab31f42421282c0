import discord
import pytest

from gromada import guild_config
from gromada.i18n import use_locale
from models.core import BindingKind
from tests.helpers import Server, quickstarted, refusal, shown

CHANNELS = {"welcome", "introductions", "volunteers", "initiatives", "decisions", "mediation", "mod-log"}
CATEGORIES = {"Initiatives", "Initiatives archive"}
ROLES = {"Newcomer", "Member", "Buddy", "Mediator", "Moderator", "Order coordinator", "Treasurer"}


async def test_quickstart_on_an_empty_server_creates_channels_and_roles(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup quickstart")

    guild = server.guild.me.guild
    assert result.ephemeral
    assert CHANNELS <= {channel.name for channel in guild.text_channels}
    assert CATEGORIES <= {category.name for category in guild.categories}
    assert ROLES <= {role.name for role in guild.roles}
    reply = shown(result)
    assert "Created:" in reply and "#mod-log" in reply
    # mod-log is for staff: a plain member cannot see it, a moderator can.
    mod_log = discord.utils.get(guild.text_channels, name="mod-log")
    plain = guild.get_member(server.member.id)
    assert not mod_log.permissions_for(plain).view_channel
    assert mod_log.permissions_for(guild.me).send_messages
    assert await guild_config.binding(guild.id, BindingKind.CHANNEL, "mod_log") == mod_log.id


async def test_quickstart_twice_creates_nothing_new(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild.me.guild
    channels_before = sorted(channel.id for channel in guild.channels)
    roles_before = sorted(role.id for role in guild.roles)

    result = await server.admin.slash(server.general, "setup quickstart")

    assert sorted(channel.id for channel in guild.channels) == channels_before
    assert sorted(role.id for role in guild.roles) == roles_before
    reply = shown(result)
    assert "nothing, everything existed" in reply


async def test_quickstart_orders_roles_below_the_bot(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild.me.guild
    by_name = {role.name: role for role in guild.roles}

    ours = [by_name[name] for name in ("Moderator", "Mediator", "Buddy", "Member", "Newcomer")]
    positions = [role.position for role in ours]
    # Strictly descending positions: the order must not rest on a tie-break.
    assert positions == sorted(set(positions), reverse=True)
    assert guild.me.top_role.position > positions[0]


async def test_member_without_manage_server_is_refused(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    # Even when an admin shows /setup to everyone, the bot itself refuses non-admins.
    await server.open_command_to("setup", server.member)

    result = await server.member.slash(server.general, "setup quickstart")

    assert "You need the Manage Server permission" in refusal(simcord_env, result)
    assert "welcome" not in {channel.name for channel in server.guild.me.guild.text_channels}


async def test_missing_bot_permission_is_reported_not_crashed_on(simcord_env):
    server = Server(simcord_env)
    limited = discord.Permissions.all()
    limited.administrator = False
    limited.manage_roles = False
    server.set_bot_permissions(limited)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup quickstart")

    reply = shown(result)
    assert "I am missing the Manage Roles permission." in reply
    assert "I could not create the role Newcomer" in reply
    # Channels need no role permission, so they were still created.
    assert "welcome" in {channel.name for channel in server.guild.me.guild.text_channels}


async def test_a_bot_with_every_permission_it_needs_hears_of_none_missing(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup quickstart")

    assert "I am missing" not in shown(result)


@pytest.mark.parametrize(("permission", "label"), [("view_channel", "View Channel"), ("pin_messages", "Pin Messages")])
async def test_a_bot_lacking_a_permission_is_told_which(simcord_env, permission, label):
    server = Server(simcord_env)
    server.withhold_from_bot(permission)
    await simcord_env.settle()
    assert not getattr(server.guild.me.guild_permissions, permission)

    result = await server.admin.slash(server.general, "setup quickstart")

    missing = [line for line in shown(result).splitlines() if "I am missing" in line]
    assert missing == [f"- I am missing the {label} permission."]


async def test_moderator_role_may_time_out_and_tidy_up(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    await server.admin.slash(server.general, "setup quickstart")

    permissions = server.role("Moderator").permissions
    assert permissions.moderate_members and permissions.manage_messages
    assert not permissions.ban_members and not permissions.administrator


ROLES_IN = {
    "pl": {"Nowa osoba", "Członek", "Opiekun", "Mediator", "Moderator", "Koordynator zamówień", "Skarbnik"},
    "ru": {"Новичок", "Участник", "Наставник", "Медиатор", "Модератор", "Координатор заказов", "Казначей"},
}


@pytest.mark.parametrize("language", ["pl", "ru"])
async def test_quickstart_names_the_roles_in_the_servers_language(simcord_env, language):
    server = Server(simcord_env)
    await simcord_env.settle()

    await server.admin.slash(server.general, "setup quickstart", language=language)

    guild = server.guild.me.guild
    names = {role.name for role in guild.roles}
    assert ROLES_IN[language] <= names
    assert not {"Newcomer", "Member", "Buddy"} & names
    member_role = await guild_config.binding(guild.id, BindingKind.ROLE, "member")
    assert guild.get_role(member_role).name == {"pl": "Członek", "ru": "Участник"}[language]


async def test_a_second_quickstart_reuses_the_polish_roles(simcord_env):
    server = await quickstarted(simcord_env, language="pl")
    guild = server.guild.me.guild
    roles_before = sorted((role.id, role.name) for role in guild.roles)

    result = await server.admin.slash(server.general, "setup quickstart", language="pl")

    assert sorted((role.id, role.name) for role in guild.roles) == roles_before
    assert "@Członek" in shown(result) and "@Opiekun" in shown(result)


async def test_quickstart_in_another_language_keeps_the_roles_as_they_are_named(simcord_env):
    server = Server(simcord_env)
    # Roles the server already had before Gromada, one of them named in English.
    server.guild.create_role("Member")
    await simcord_env.settle()
    await server.admin.slash(server.general, "setup quickstart", language="en")
    guild = server.guild.me.guild
    bound_before = await guild_config.bindings(guild.id)
    names_before = {role.id: role.name for role in guild.roles}

    result = await server.admin.slash(server.general, "setup quickstart", language="pl")

    # The purposes' roles are reused as they are: nothing renamed, no Polish twin created.
    assert await guild_config.bindings(guild.id) == bound_before
    roles = [role_id for (kind, _purpose), role_id in bound_before.items() if kind == BindingKind.ROLE]
    assert len(roles) == 5 and all(guild.get_role(role_id).name == names_before[role_id] for role_id in roles)
    assert not {"Nowa osoba", "Członek", "Opiekun"} & {role.name for role in guild.roles}
    assert "@Member" in shown(result) and "@Buddy" in shown(result)


async def test_a_polish_quickstart_adopts_an_unbound_role_named_in_english(simcord_env):
    server = Server(simcord_env)
    server.guild.create_role("Member")
    await simcord_env.settle()

    await server.admin.slash(server.general, "setup quickstart", language="pl")

    guild = server.guild.me.guild
    assert await guild_config.binding(guild.id, BindingKind.ROLE, "member") == server.role("Member").id
    assert server.role("Członek") is None
    assert server.role("Opiekun") is not None


def test_a_role_not_set_up_is_named_in_the_readers_language():
    member = guild_config.PURPOSES[(BindingKind.ROLE, "member")]

    with use_locale("pl"):
        assert str(guild_config.RoleShown(member)) == "@Członek"
    with use_locale("ru"):
        assert str(guild_config.RoleShown(member)) == "@Участник"
    assert str(guild_config.RoleShown(member, 42)) == "<@&42>"


CHANNELS_IN = {
    "pl": {"powitanie", "prezentacje", "wolontariat", "inicjatywy", "decyzje", "mediacje", "dziennik-moderacji"},
    "ru": {"добро-пожаловать", "о-себе", "волонтёры", "инициативы", "решения", "медиация", "журнал-модерации"},
}
CATEGORIES_IN = {"pl": {"Inicjatywy", "Archiwum inicjatyw"}, "ru": {"Инициативы", "Архив инициатив"}}


@pytest.mark.parametrize("language", ["pl", "ru"])
async def test_quickstart_names_the_channels_in_the_servers_language(simcord_env, language):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup quickstart", language=language)

    guild = server.guild.me.guild
    channels = {channel.name for channel in guild.text_channels}
    assert CHANNELS_IN[language] <= channels
    assert not CHANNELS & channels
    assert CATEGORIES_IN[language] <= {category.name for category in guild.categories}
    staff_log = await guild_config.binding(guild.id, BindingKind.CHANNEL, "mod_log")
    assert guild.get_channel(staff_log).name == {"pl": "dziennik-moderacji", "ru": "журнал-модерации"}[language]
    assert not guild.get_channel(staff_log).permissions_for(guild.get_member(server.member.id)).view_channel
    assert f"#{guild.get_channel(staff_log).name}" in shown(result)


async def test_a_polish_quickstart_keeps_the_channels_an_english_one_made(simcord_env):
    server = await quickstarted(simcord_env)
    guild = server.guild.me.guild
    bound_before = await guild_config.bindings(guild.id)
    channels_before = sorted((channel.id, channel.name) for channel in guild.channels)

    result = await server.admin.slash(server.general, "setup quickstart", language="pl")

    assert await guild_config.bindings(guild.id) == bound_before
    assert sorted((channel.id, channel.name) for channel in guild.channels) == channels_before
    assert "#welcome" in shown(result) and "#mod-log" in shown(result)


async def test_a_polish_quickstart_adopts_an_unbound_channel_named_in_english(simcord_env):
    server = Server(simcord_env)
    decisions = server.guild.create_text_channel("decisions")
    await simcord_env.settle()

    await server.admin.slash(server.general, "setup quickstart", language="pl")

    guild = server.guild.me.guild
    assert await guild_config.binding(guild.id, BindingKind.CHANNEL, "decisions") == decisions.id
    assert "decyzje" not in {channel.name for channel in guild.text_channels}
    assert "powitanie" in {channel.name for channel in guild.text_channels}
