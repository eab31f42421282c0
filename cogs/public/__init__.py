from cogs.public.cog import PublicPagesCog


async def setup(bot) -> None:
    await bot.add_cog(PublicPagesCog(bot))
