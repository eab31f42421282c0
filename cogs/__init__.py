"""Feature packages. Each subpackage is a discord.py extension with `async def setup(bot)`."""
