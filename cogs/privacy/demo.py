"""Demo walk: a member sees everything the bot keeps about them, then asks to be forgotten."""

from __future__ import annotations

from gromada.i18n import N_

ORDER = 100  # last: by now the member has used the other features


async def walk(demo) -> None:
    celina = demo.members[0]
    general = demo.channel("general")

    demo.say("Celina wants to know what the bot keeps about her: /privacy export.")
    demo.show("Celina", await celina.slash(general, "privacy export"))
    sent = next(message for message in reversed(celina.user.dm_channel.history()) if message.attachments)
    demo.say(f"Celina gets a DM with {sent.attachments[0].filename}:\n{sent.content}")

    demo.say("Then she asks to be forgotten; the bot says what will happen and asks to confirm.")
    preview = await celina.slash(general, "privacy forget")
    demo.show("Celina", preview)
    demo.show("Celina", await celina.click(preview.response, label=demo.label(N_("Forget me"))))
