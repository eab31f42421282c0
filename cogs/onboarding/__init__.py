from cogs.onboarding.cog import OnboardingCog


async def setup(bot) -> None:
    await bot.add_cog(OnboardingCog(bot))
