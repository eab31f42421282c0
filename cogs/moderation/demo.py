"""Demo walk: a moderator warns, times out and temporarily bans a spammer; the ban lifts itself."""

from __future__ import annotations

from gromada.i18n import N_

ORDER = 90


async def walk(demo) -> None:
    env, guild = demo.env, demo.guild
    general = guild.channels["general"]
    mod_log = demo.channel("mod-log")
    moderator = guild.add_member(env.create_user("marta_mod"), roles=[await demo.role("moderator")])
    spammer = guild.add_member(env.create_user("spam_bot_3000"))
    await env.settle()

    demo.say(f"{moderator.name} (Moderator) deals with {spammer.name}, who posts links everywhere.")
    warned = await moderator.slash(general, "mod warn", member=spammer, reason="Advertising links in #general")
    demo.show(moderator.name, warned)
    demo.say(f"{spammer.name} got a DM: {spammer.user.dm_channel.last_message.content}")

    timed_out = await moderator.slash(general, "mod timeout", member=spammer, duration="90m", reason="Kept posting")
    demo.show(moderator.name, timed_out)

    banned = await moderator.slash(general, "mod ban", member=spammer, reason="Third strike", duration="1d")
    demo.show(moderator.name, banned)
    _show_log(demo, mod_log)

    demo.say("A day passes; the scheduler lifts the temporary ban and logs it.")
    await demo.advance(86400 + 60)
    _show_log(demo, mod_log)

    history = await moderator.slash(general, "mod history", member=spammer.user)
    demo.show(moderator.name, history)


def _show_log(demo, mod_log) -> None:
    embed = mod_log.last_message.embeds[0]
    details = "; ".join(f"{field.name}: {field.value.rstrip('.')}" for field in embed.fields)
    demo.say(f"#{mod_log.name}: [{embed.title}] {details}")


async def furnish(demo) -> None:
    """One warning, so that #mod-log, which only staff can open, has a case in it."""
    reason = demo.label(N_("Posting adverts in #general"))
    await demo.admin.slash(demo.channel("general"), "mod warn", member=demo.members[2], reason=reason)
