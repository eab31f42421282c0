from cogs.initiatives.cog import InitiativesCog


async def setup(bot) -> None:
    await bot.add_cog(InitiativesCog(bot))
