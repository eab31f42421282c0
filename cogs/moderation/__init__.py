from cogs.moderation.cog import ModerationCog


async def setup(bot) -> None:
    await bot.add_cog(ModerationCog(bot))
