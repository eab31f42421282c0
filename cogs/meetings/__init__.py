from cogs.meetings.cog import MeetingsCog


async def setup(bot) -> None:
    await bot.add_cog(MeetingsCog(bot))
