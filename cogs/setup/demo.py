"""Demo walk: the admin looks at what quickstart set up."""

ORDER = 0


async def walk(demo) -> None:
    general = demo.channel("general")
    result = await demo.admin.slash(general, "setup show")
    demo.show("Ala (admin) runs /setup show and", result)
    result = await demo.admin.slash(general, "setup option", key="nope", value="1")
    demo.show("Ala mistypes an option and", result)
    demo.env.errors  # noqa: B018 - the refusal above was expected and shown to Ala
