"""Demo walk: a meeting with its agenda, RSVPs, an item put to a poll, the minutes under the card."""

from __future__ import annotations

from datetime import timedelta

from gromada.i18n import N_
from models.meetings import AgendaItem, Meeting

ORDER = 65


async def walk(demo) -> None:
    env, general = demo.env, demo.channel("general")
    start = (env.now() + timedelta(days=2)).replace(hour=18, minute=0, second=0, microsecond=0)
    demo.say("The admin plans the monthly animation meeting, with the open polls and two items of their own.")
    demo.show(
        "Admin",
        await demo.admin.slash(
            general,
            "meeting plan",
            title="Monthly animation meeting",
            start=f"{start:%Y-%m-%d %H:%M}",
            place="Library",
            agenda="Garden rota; Summer fair",
            include_open=True,
        ),
    )
    meeting = await Meeting.filter(title="Monthly animation meeting").order_by("-id").first()
    card = next(m for m in demo.channel("activities").history() if m.id == meeting.message_id)
    for person in demo.members[:2]:
        demo.show(person.name, await person.click(card, custom_id=f"meetings:coming:{meeting.pk}"))
    fair = await AgendaItem.get(meeting_id=meeting.pk, text="Summer fair")
    form = await demo.admin.select(card, [str(fair.pk)], custom_id=f"meetings:decide:{meeting.pk}")
    demo.say("The admin picks “Summer fair” under “Decide by poll” and gets the poll form, filled in.")
    demo.show(
        "Admin",
        await demo.admin.submit_modal(
            form,
            {
                "question": "Hold the summer fair in June?",
                "options": demo.label(N_("Yes; No; Abstain")),
                "duration": "1d",
            },
        ),
    )
    await demo.advance((start + timedelta(hours=2) - env.now()).total_seconds())
    form = await demo.admin.slash(general, "meeting minutes", meeting=str(meeting.pk))
    demo.show(
        "Admin", await demo.admin.submit_modal(form, {"minutes": "Garden rota agreed: Celina and Dmitrij start."})
    )
    card = next(m for m in demo.channel("activities").history() if m.id == meeting.message_id)
    demo.say("The meeting card now reads:")
    for field in card.embeds[0].fields:
        demo.say(f"  {field.name}: {field.value}")
