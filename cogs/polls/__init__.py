from cogs.polls.cog import PollsCog
from cogs.polls.views import PERSISTENT_ITEMS


async def setup(bot) -> None:
    await bot.add_cog(PollsCog(bot))
    bot.add_dynamic_items(*PERSISTENT_ITEMS)
