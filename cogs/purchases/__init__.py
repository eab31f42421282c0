from cogs.purchases.cog import PurchasesCog
from cogs.purchases.views import DYNAMIC_ITEMS


async def setup(bot) -> None:
    await bot.add_cog(PurchasesCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
