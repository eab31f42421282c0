from cogs.mediation.cog import MediationCog
from cogs.mediation.views import DYNAMIC_ITEMS


async def setup(bot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(MediationCog(bot))
