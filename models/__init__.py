"""Tortoise models, one module per feature.

Each module here is its own Tortoise app (label = module name) with its own migrations
package in models/migrations/<module>/, so features evolve their schema independently.
Models reference Discord objects by snowflake id, never by a foreign key into another
feature's app.
"""
