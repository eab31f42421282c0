from cogs.mediation.cog import MediationCog


async def setup(bot) -> None:
    await bot.add_cog(MediationCog(bot))
