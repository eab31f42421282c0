from cogs.activities.cog import ActivitiesCog


async def setup(bot) -> None:
    await bot.add_cog(ActivitiesCog(bot))
