from cogs.setup.cog import SetupCog


async def setup(bot) -> None:
    await bot.add_cog(SetupCog(bot))
