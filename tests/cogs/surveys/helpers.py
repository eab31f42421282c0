"""Arranging surveys in SimCord tests: built through the builder as an author would."""

from __future__ import annotations

from models.surveys import Survey

QUESTIONS = [
    {
        "text": "What do you need most?",
        "kind": ["single"],
        "options": "Childcare\nRepairs\nCompany",
        "required": ["yes"],
    },
    {
        "text": "Which skills can you offer?",
        "kind": ["multi"],
        "options": "Cooking\nDIY\nLanguages",
        "required": ["yes"],
    },
    {"text": "How safe do you feel here?", "kind": ["scale"], "options": "not at all\nvery", "required": ["yes"]},
    {"text": "Budget per month", "kind": ["number"], "options": "", "required": ["no"]},
    {"text": "Anything else?", "kind": ["long"], "options": "", "required": ["no"]},
]


async def build_survey(server, questions=QUESTIONS, *, author=None, channel=None, **options):
    """The author runs /survey create, adds the questions in the builder; returns (survey, builder message)."""
    author = author or server.admin
    channel = channel or server.general
    options.setdefault("title", "Neighbourhood needs")
    created = await author.slash(channel, "survey create", **options)
    assert created.ephemeral, created
    builder = created.response
    for question in questions:
        modal = await author.click(builder, label="Add a question")
        done = await author.submit_modal(modal, question)
        builder = done.response or builder
    survey = await Survey.all().order_by("-id").first()
    return survey, builder


async def published_survey(server, questions=QUESTIONS, **options):
    """A survey built and published in #general; returns (survey, its card)."""
    survey, builder = await build_survey(server, questions, **options)
    await server.admin.click(builder, label="Publish")
    survey = await Survey.get(id=survey.pk)
    card = server.general.last_message
    assert card.id == survey.message_id
    return survey, card


async def answer_steps(person, step, answers):
    """From a step message, answer each step in turn (None: Next without answering); returns the last step."""
    for value in answers:
        if value is None:
            step = await person.click(step.response, label="Next")
            continue
        modal = await person.click(step.response, custom_id=_answer_id(step.response))
        step = await person.submit_modal(modal, {"answer": value})
    return step


async def answer_all(person, card, answers):
    """A person takes the survey and answers each step in turn, then submits; returns the last result."""
    step = await answer_steps(person, await person.click(card, label="Take the survey"), answers)
    return await person.click(step.response, label="Submit my answers")


async def four_answers(server, card):
    """Four new members answer the survey of QUESTIONS; returns them."""
    people = [server.add_member(f"person{i}") for i in range(4)]
    await server.env.settle()
    answers = [
        [["0"], ["0", "1"], ["4"], "100", "A tool library"],
        [["0"], ["1"], ["5"], "200", "Benches"],
        [["0"], ["1", "2"], ["4"], "300", None],
        [["1"], ["1"], ["2"], None, None],
    ]
    for person, given in zip(people, answers, strict=True):
        await answer_all(person, card, given)
    return people


def _answer_id(message) -> str:
    for row in message.components:
        children = row["components"] if isinstance(row, dict) else row.children
        for component in children:
            custom_id = component.get("custom_id") if isinstance(component, dict) else component.custom_id
            if (custom_id or "").startswith("surveys:answer:"):
                return custom_id
    raise AssertionError(f"no Answer button on {message.content!r}")
