from cogs.privacy.cog import PrivacyCog


async def setup(bot) -> None:
    await bot.add_cog(PrivacyCog(bot))
