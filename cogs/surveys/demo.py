"""Demo walk: a needs survey from the neighbourhood template, answered in steps, closed at its
date with its results, then one of its answers turned into a poll linked back to it."""

from __future__ import annotations

from datetime import timedelta

from gromada.i18n import N_
from models.polls import Poll
from models.surveys import Survey, SurveyQuestion

ORDER = 67  # after meetings: the polls walk's turnout is counted before the survey's poll opens

# The neighbourhood template's questions: what is missing (multi), what one can offer (multi,
# optional), what one would join (single), knowing one's neighbours (scale), hours a month
# (number, optional), anything else (long, optional). None skips an optional question.
NEIGHBOURHOOD_ANSWERS = (
    (["0", "3"], ["0"], ["0"], ["2"], "4", None),
    (["0", "2"], ["1", "2"], ["0"], ["3"], "6", None),
    (["3"], None, ["0"], ["4"], None, None),
    (["1", "4"], ["0"], ["3"], ["1"], "2", None),
)
# The joint-purchase template's: goods (multi), how often (single), budget (number, optional),
# a supplier (short, optional).
PURCHASE_ANSWERS = (
    (["0", "1"], ["1"], "120", None),
    (["0", "2"], ["1"], "80", None),
    (["0", "5"], ["2"], None, None),
    (["0"], ["1"], "150", None),
)


async def answer(demo, person, card, answers, *, shown: bool = False):
    """A person takes the survey and answers step by step (None: skips an optional question), then submits."""
    step = await person.click(card, label=demo.label(N_("Take the survey")))
    if shown:
        demo.show(person.name, step)
    for value in answers:
        if value is None:
            step = await person.click(step.response, label=demo.label(N_("Next")))
            continue
        form = await person.click(step.response, label=demo.label(N_("Answer")))
        step = await person.submit_modal(form, {"answer": value})
        if shown:
            demo.show(person.name, step)
    done = await person.click(step.response, label=demo.label(N_("Submit my answers")))
    if shown:
        demo.show(person.name, done)
    return done


async def open_survey(demo, channel, template: str, *, shown: bool = False, **options) -> tuple[Survey, object]:
    """The admin starts a survey from a template and publishes it; returns it and its card."""
    created = await demo.admin.slash(channel, "survey create", template=template, **options)
    if shown:
        demo.show("Admin", created)
    published = await demo.admin.click(created.response, label=demo.label(N_("Publish")))
    if shown:
        demo.show("Admin", published)
    survey = await Survey.filter(guild_id=demo.guild.id).order_by("-id").first()
    card = next(message for message in channel.history() if message.id == survey.message_id)
    return survey, card


def prefilled(form) -> dict[str, str]:
    """The text fields of a form as it opens, by custom_id (kept as they are when it is sent)."""
    fields = {}
    for row in form.modal["components"]:
        for control in row.get("components") or [row.get("component") or {}]:
            if control.get("custom_id"):
                fields[control["custom_id"]] = control.get("value") or ""
    return fields


async def walk(demo) -> None:
    env, general, admin = demo.env, demo.channel("general"), demo.admin
    closes = f"{env.now() + timedelta(days=3):%Y-%m-%d}"
    demo.say(f"The admin starts a needs survey from the neighbourhood template, closing at the end of {closes}.")
    survey, card = await open_survey(demo, general, "neighbourhood", shown=True, closes=closes)

    people = [demo.members[0], demo.members[1], demo.members[2], demo.buddy]
    demo.say(f"{people[0].name} takes the survey, one question at a time:")
    await answer(demo, people[0], card, NEIGHBOURHOOD_ANSWERS[0], shown=True)
    for person, answers in zip(people[1:], NEIGHBOURHOOD_ANSWERS[1:], strict=True):
        await answer(demo, person, card, answers)
    demo.say("Three more neighbours answer.")
    demo.show("Admin", await admin.slash(general, "survey status", survey_id=survey.pk))

    await demo.advance((survey.closes_at - env.now()).total_seconds() + 5)
    survey = await Survey.get(id=survey.pk)
    results = next(message for message in general.history() if message.id == survey.results_message_id)
    demo.say(f"The close date comes; the results are posted with {len(results.attachments)} charts:")
    demo.say(results.embeds[0].description)

    demo.say("The admin turns the most chosen answer of question 3 into a poll.")
    join = await SurveyQuestion.get(survey_id=survey.pk, position=2)
    picker = await admin.click(results, label=demo.label(N_("Turn into action")))
    sources = await admin.select(picker.response, [str(join.pk)], custom_id=f"surveys:actq:{survey.pk}")
    demo.show("Admin", sources)
    form = await admin.select(sources.response, [f"{join.pk}:0"], custom_id=f"surveys:topoll:{survey.pk}")
    demo.show("Admin", await admin.submit_modal(form, prefilled(form) | {"duration": "2d"}))
    poll = await Poll.filter(guild_id=demo.guild.id).order_by("-id").first()
    message = next(m for m in demo.channel("decisions").history() if m.id == poll.message_id)
    demo.say(f"In #decisions: {message.content}\n[{message.embeds[0].title}]")


async def furnish(demo) -> None:
    """An open joint-purchase survey in #general with four responses; the member can still answer."""
    _survey, card = await open_survey(demo, demo.channel("general"), "purchase")
    people = [demo.people["buddy"], demo.members[1], demo.members[2], demo.people["coordinator"]]
    for person, answers in zip(people, PURCHASE_ANSWERS, strict=True):
        await answer(demo, person, card, answers)
