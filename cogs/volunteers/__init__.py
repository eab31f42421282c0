from cogs.volunteers.cog import setup_cog


async def setup(bot) -> None:
    await setup_cog(bot)
