"""Gromada: a Discord bot for the community servers of social-economy organisations."""
