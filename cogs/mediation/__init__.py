from cogs.mediation.cog import MediationCog
from cogs.mediation.views import CheckinButton, ClaimButton, InvitationButton, RateButton, RequestButton


async def setup(bot) -> None:
    bot.add_dynamic_items(RequestButton, ClaimButton, InvitationButton, RateButton, CheckinButton)
    await bot.add_cog(MediationCog(bot))
