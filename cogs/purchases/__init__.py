from cogs.purchases.cog import PurchasesCog


async def setup(bot) -> None:
    await bot.add_cog(PurchasesCog(bot))
