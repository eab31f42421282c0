from cogs.volunteers.cog import VolunteersCog


async def setup(bot) -> None:
    await bot.add_cog(VolunteersCog(bot))
