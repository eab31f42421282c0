"""Demo walk: a weekly shift fills its seats, a regular joins every date, reminders and the follow-up."""

from __future__ import annotations

from datetime import timedelta

from gromada.i18n import N_

ORDER = 35


async def walk(demo) -> None:
    env, general = demo.env, demo.channel("general")
    first, second, regular = demo.members[0], demo.members[1], demo.members[2]
    start = (env.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    demo.say("The admin plans the weekly distribution day: three people, two hours, for a month.")
    demo.show(
        "Admin",
        await demo.admin.slash(
            general,
            "activity create",
            title="Distribution day",
            start=f"{start:%Y-%m-%d %H:%M}",
            duration="2h",
            seats=3,
            place="Community hall",
            repeat="weekly",
            until=f"{start + timedelta(days=28):%Y-%m-%d}",
        ),
    )
    card = next(message for message in demo.channel("activities").history() if message.embeds)
    demo.show(first.name, await first.click(card, label=demo.label(N_("Join"))))
    demo.show(second.name, await second.click(card, label=demo.label(N_("Join"))))
    demo.show(regular.name, await regular.click(card, label=demo.label(N_("Join every date"))))
    await demo.advance(5)
    activities = demo.channel("activities")
    card = next(message for message in activities.history() if message.id == card.id)
    seats = [field for field in card.embeds[0].fields][3]
    demo.say(f"The first card in #{activities.name} now reads: {seats.name}: {seats.value}")

    await demo.advance((start - timedelta(hours=24) - env.now()).total_seconds() + 60)
    demo.say(f"A day before, {first.name} gets a DM: {first.user.dm_channel.last_message.content}")
    await demo.advance((start + timedelta(hours=2) - env.now()).total_seconds() + 60)
    question = first.user.dm_channel.last_message
    demo.say(f"After the end, {first.name} is asked: {question.content}")
    demo.show(first.name, await first.user.click(question, label=demo.label(N_("It happened"))))
    demo.show(first.name, await first.slash(general, "activity mine"))
