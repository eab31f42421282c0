from cogs.polls.cog import PollsCog


async def setup(bot) -> None:
    await bot.add_cog(PollsCog(bot))
