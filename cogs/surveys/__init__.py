from cogs.surveys.cog import SurveysCog


async def setup(bot) -> None:
    await bot.add_cog(SurveysCog(bot))
