from cogs.privacy.cog import PrivacyCog
from cogs.privacy.views import DYNAMIC_ITEMS


async def setup(bot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(PrivacyCog(bot))
