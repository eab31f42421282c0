"""The journey on Discord: threads, roles, pings and deadlines around the service's rules.

Each Discord side effect either follows a database change it can be retried from (a
deadline re-runs the step) or is undone when the change after it fails, so Discord and
the database agree. Every function takes the bot first (a button's handler passes
`interaction.client`), so the cog, the views and the timers reach them the same way.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from cogs.onboarding import service, views
from cogs.setup.service import values_cards
from gromada import guild_config
from gromada.checks import is_moderator, require_guild
from gromada.errors import DiscordRefused, NotConfigured
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild, language_for_member
from gromada.messaging import dm, member_of, post_to, purpose_channel, with_all_members
from gromada.scheduler import now
from gromada.ui import NO_MENTIONS, mention_only, truncate
from models.core import BindingKind, Timer
from models.onboarding import BuddySlot, Journey, JourneyStatus, Step

if TYPE_CHECKING:
    from gromada.bot import Gromada

log = logging.getLogger(__name__)
RETRY_SOON = timedelta(minutes=1)
# Who joins holding one of these roles is already part of the community.
ALREADY_IN = ("member", "buddy", "moderator", "mediator")
THREAD_ARCHIVE_MINUTES = 10080  # a week: conversations with a buddy can pause for days
# How many of a thread's first messages are searched for its step message (it is the first).
STEP_LOOKBACK = 5


class ThreadIndex:
    """thread id -> (journey id, newcomer id) of every journey under way; one per bot, held by the cog.

    Lets on_message skip every other channel without touching the database. Loaded on first
    use (not at cog load, when tools load the cogs without a database).
    """

    def __init__(self) -> None:
        self._threads: dict[int, tuple[int, int]] | None = None

    async def _loaded(self) -> dict[int, tuple[int, int]]:
        if self._threads is None:
            self._threads = await service.active_threads()
        return self._threads

    async def get(self, thread_id: int) -> tuple[int, int] | None:
        return (await self._loaded()).get(thread_id)

    async def add(self, thread_id: int, journey_id: int, newcomer_id: int) -> None:
        (await self._loaded())[thread_id] = (journey_id, newcomer_id)

    async def drop(self, thread_id: int | None) -> None:
        (await self._loaded()).pop(thread_id, None)


def _threads(bot: Gromada) -> ThreadIndex:
    return bot.get_cog("OnboardingCog").threads  # type: ignore[union-attr]


class ThreadGone(Exception):
    """The newcomer's thread no longer exists (deleted by someone), so nobody can be brought in."""


# ---------------------------------------------------------------- joining


async def on_join(bot: Gromada, member: discord.Member) -> None:
    bound = await guild_config.bindings(member.guild.id)
    if any(role.id in {bound.get((BindingKind.ROLE, key)) for key in ALREADY_IN} for role in member.roles):
        return  # arrived with a community role (restored by an admin or a bot): not a newcomer
    welcome_id = bound.get((BindingKind.CHANNEL, "welcome"))
    if welcome_id is None:
        return  # onboarding starts once /setup quickstart has given it a welcome channel
    moment = now()
    journey, resumed = await service.start_journey(member.guild.id, member.id, moment)
    if journey.status == JourneyStatus.COMPLETED:
        await _give_role(member, bound.get((BindingKind.ROLE, "member")))
        return
    await _give_role(member, bound.get((BindingKind.ROLE, "newcomer")))
    await open_thread(bot, journey, member, resumed=resumed, welcome_id=welcome_id, tried_before=resumed)
    after = await service.REMINDER_AFTER.get(member.guild.id)
    # A new journey has no reminder to replace: skip the look-up (one query less per join).
    await bot.timers.schedule(
        service.REMIND_TIMER, moment + after, ref_id=journey.pk, guild_id=member.guild.id, replace=resumed
    )
    if resumed and journey.step >= Step.INTRODUCED and journey.buddy_id is None:
        await find_buddy(bot, journey, member.guild)


async def _give_role(member: discord.Member, role_id: int | None) -> None:
    role = member.guild.get_role(role_id) if role_id else None
    if role is None or role in member.roles:
        return
    try:
        await member.add_roles(role, reason="Gromada onboarding")
    except discord.HTTPException as error:
        log.warning("could not give %s to %s: %s", role, member.id, error)


async def open_thread(
    bot: Gromada,
    journey: Journey,
    member: discord.Member,
    *,
    resumed: bool,
    retry: bool = True,
    welcome_id: int | None = None,
    tried_before: bool = True,
) -> None:
    """Make sure the newcomer has a thread showing their current step.

    A refusal from Discord leaves the journey as it is (the thread id is kept as soon as
    the thread exists) and arms a deadline that tries again; `retry=False` raises instead,
    which lets the scheduler retry with its own back-off. `tried_before=False` (a journey
    just started) skips looking for a thread an earlier attempt opened without keeping it.
    """
    try:
        await _open_thread(bot, journey, member, resumed, welcome_id, tried_before)
    except discord.HTTPException as error:
        if not retry:
            raise
        log.warning("could not open the welcome thread of %s: %s", member.id, error)
        await bot.timers.schedule(
            service.OPEN_THREAD_TIMER, now() + RETRY_SOON, ref_id=journey.pk, guild_id=member.guild.id
        )


async def _open_thread(
    bot: Gromada, journey: Journey, member: discord.Member, resumed: bool, welcome_id: int | None, tried_before: bool
) -> None:
    guild = member.guild
    thread = await _existing_thread(guild, journey) if journey.thread_id else None
    opened = thread is None
    if opened:
        channel = guild.get_channel(welcome_id) if welcome_id else await purpose_channel(guild, "welcome")
        if not isinstance(channel, discord.TextChannel):
            log.warning("no welcome channel on %s: newcomer %s waits", guild.id, member.id)
            return
        lost = await _lost_thread(member, channel) if tried_before else None
        if lost is not None:
            thread, step = lost
            journey.thread_id, journey.step_message_id = thread.id, step.id if step else None
            await service.set_thread(journey.pk, journey.thread_id, journey.step_message_id)
            opened = False
        else:
            thread = await channel.create_thread(
                name=_thread_name(member),
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                reason="Gromada onboarding",
            )
            journey.thread_id, journey.step_message_id = thread.id, None
        resumed = False
    await _threads(bot).add(thread.id, journey.pk, journey.user_id)
    if journey.step_message_id and not resumed:
        return
    try:
        sent = await _post_step(bot, journey, member, thread, resumed)
    except Exception:
        if opened:
            # Keep the thread: the retry posts the step in it instead of opening another.
            await service.set_thread(journey.pk, thread.id)
        raise
    # A new thread and its first message are stored in one write.
    if opened:
        await service.set_thread(journey.pk, thread.id, sent.id)
    else:
        await service.set_step_message(journey.pk, sent.id)


def _thread_name(member: discord.Member) -> str:
    return truncate(f"👋 {member.display_name}", 100)


async def _lost_thread(
    member: discord.Member, channel: discord.TextChannel
) -> tuple[discord.Thread, discord.Message | None] | None:
    """The thread an earlier attempt opened for the newcomer without storing its id, with its
    step message if that was posted too; None when there is none.

    Discord opened it, then the bot stopped (or Discord's answer was lost) before the id was
    written: opening another would give the newcomer two threads. It is the bot's active
    thread in the welcome channel with the newcomer's thread name that no journey holds; its
    step message is the bot's first message there that pings the newcomer. When Discord
    cannot be asked, the error goes to the caller's retry rather than risk a second thread.
    """
    me = member.guild.me
    found = None
    for thread in sorted(await member.guild.active_threads(), key=lambda thread: thread.id, reverse=True):
        mine = thread.parent_id == channel.id and thread.owner_id == me.id and thread.name == _thread_name(member)
        if mine and not await service.thread_held(thread.id):
            found = thread
            break
    if found is None:
        return None
    log.info("kept the welcome thread %s of %s, opened earlier but never stored", found.id, member.id)
    async for message in found.history(limit=STEP_LOOKBACK, oldest_first=True):
        if message.author.id == me.id and member.id in message.raw_mentions:
            return found, message
    return found, None


async def _post_step(
    bot: Gromada, journey: Journey, member: discord.Member, thread: discord.Thread, resumed: bool
) -> discord.Message:
    language = await language_for_member(bot, member.id, member.guild.id)
    with use_locale(language):
        message = views.step_message(journey, await values_cards(member.guild.id), member.mention)
        if resumed:
            message["content"] = _("Welcome back! Let's continue where you stopped.") + "\n" + message["content"]
        # Mentioning the newcomer with an explicit ping is what adds them to the private thread.
        return await thread.send(
            content=message["content"],
            embed=message["embed"],
            view=message["view"] or discord.utils.MISSING,
            allowed_mentions=mention_only(member),
        )


async def _existing_thread(guild: discord.Guild, journey: Journey) -> discord.Thread | None:
    thread = guild.get_thread(journey.thread_id)
    if thread is None:
        try:
            thread = await guild.fetch_channel(journey.thread_id)
        except discord.NotFound:
            return None
    if not isinstance(thread, discord.Thread):
        return None
    if thread.archived or thread.locked:
        await thread.edit(archived=False, locked=False)
    return thread


async def thread_of(guild: discord.Guild, journey: Journey) -> discord.Thread | None:
    if not journey.thread_id:
        return None
    try:
        return await _existing_thread(guild, journey)
    except discord.HTTPException:
        return None


# ---------------------------------------------------------------- values walk


async def show_card(bot: Gromada, interaction: discord.Interaction, journey_id: int, index: int) -> None:
    """Back / Next on the values walk: the newcomer looks at card `index`."""
    journey = await service.own_active_journey(journey_id, interaction.user.id)
    cards = await values_cards(journey.guild_id)
    index = await service.view_card(journey, index, len(cards), now())
    if journey.step != Step.JOINED:
        # An old card message after the values were accepted: show the current step instead.
        await interaction.response.edit_message(**views.step_message(journey, cards, interaction.user.mention))
        return
    await interaction.response.edit_message(
        embed=views.card_embed(cards, index), view=views.walk_view(journey.pk, index, len(cards))
    )


async def accept_values(bot: Gromada, interaction: discord.Interaction, journey_id: int) -> None:
    journey = await service.own_active_journey(journey_id, interaction.user.id)
    cards = await values_cards(journey.guild_id)
    await service.accept_values(journey, len(cards), now())
    await interaction.response.edit_message(**views.step_message(journey, cards, interaction.user.mention))


# ---------------------------------------------------------------- introduction


async def introduce(
    bot: Gromada, interaction: discord.Interaction, journey_id: int, about: str, interests: str, languages: str
) -> None:
    member = require_guild(interaction)
    journey = await service.own_active_journey(journey_id, member.id)
    language = await language_for_member(bot, member.id, member.guild.id)
    introduction = await service.check_introduction(
        journey, about, interests, languages, now(), fallback_language=language
    )
    channel = await purpose_channel(member.guild, "introductions")
    if channel is None:
        raise NotConfigured()
    if journey.step < Step.INTRODUCED:
        try:
            await channel.send(
                content=_("Please welcome {newcomer}!", newcomer=member.mention),
                embed=views.introduction_embed(member, introduction),
                allowed_mentions=mention_only(member),
            )
        except discord.HTTPException as error:
            log.warning("introduction of %s refused: %s", member.id, error)
            raise DiscordRefused(
                N_("I could not post your introduction. It is kept: press the button again in a moment.")
            ) from error
        await service.mark_introduced(journey, introduction, now())
    cards = await values_cards(member.guild.id)
    await interaction.response.edit_message(**views.step_message(journey, cards, member.mention))
    await find_buddy(bot, journey, member.guild)


# ---------------------------------------------------------------- buddies


async def _buddy_holders(guild: discord.Guild) -> list[int]:
    await with_all_members(guild)
    role_id = await guild_config.binding(guild.id, BindingKind.ROLE, "buddy")
    role = guild.get_role(role_id) if role_id else None
    return [member.id for member in role.members if not member.bot] if role else []


async def find_buddy(
    bot: Gromada, journey: Journey, guild: discord.Guild, *, exclude: tuple[int, ...] = (), retry: bool = True
) -> BuddySlot | None:
    """Assign the best free buddy and bring them in; tell the team when nobody is free."""
    capacity = await service.CAPACITY.get(guild.id)
    slot = await service.assign_buddy(journey, await _buddy_holders(guild), capacity, now(), exclude=exclude)
    if slot is None:
        if journey.status == JourneyStatus.ACTIVE and not await service.has_buddy_slot(journey.pk):
            await _nobody_free(bot, journey, guild)
        return None
    try:
        await _introduce_buddy(bot, journey, guild, slot)
    except (discord.HTTPException, ThreadGone) as error:
        # The buddy was never told: give the slot back and try again shortly.
        await service.release_slot(journey.pk)
        if not retry:
            raise
        log.warning("could not bring buddy %s to journey %s: %s", slot.buddy_id, journey.pk, error)
        await bot.timers.schedule(service.MATCH_TIMER, now() + RETRY_SOON, ref_id=journey.pk, guild_id=guild.id)
        return None
    if not await service.confirm_buddy(journey, slot, now()):
        return None  # handed on while being brought in: the one who took over is checked instead
    response = await service.BUDDY_RESPONSE.get(guild.id)
    await bot.timers.schedule(service.BUDDY_CHECK_TIMER, slot.assigned_at + response, ref_id=slot.pk, guild_id=guild.id)
    return slot


async def _introduce_buddy(bot: Gromada, journey: Journey, guild: discord.Guild, slot: BuddySlot) -> None:
    thread = await thread_of(guild, journey)
    if thread is None:
        raise ThreadGone(journey.pk)
    buddy = discord.Object(slot.buddy_id)
    with use_locale(await language_for_guild(bot, guild.id)):
        # The explicit ping adds the buddy to the private thread.
        await thread.send(
            _(
                "{buddy}, you are the buddy of {newcomer}. Say hello here! "
                "When you feel they are at home, press “Welcome complete”.",
                buddy=f"<@{slot.buddy_id}>",
                newcomer=f"<@{journey.user_id}>",
            ),
            view=views.complete_view(journey.pk),
            allowed_mentions=mention_only(buddy),
        )


async def _nobody_free(bot: Gromada, journey: Journey, guild: discord.Guild) -> None:
    if not await service.mark_team_notified(journey.pk, now()):
        return  # the team already knows about this newcomer
    team_id = await guild_config.binding(guild.id, BindingKind.ROLE, service.TEAM.key)
    team_id = team_id or await guild_config.binding(guild.id, BindingKind.ROLE, "moderator")
    team = guild.get_role(team_id) if team_id else None
    thread = await thread_of(guild, journey)

    def call_for_help() -> dict:
        text = _(
            "{team} No buddy is free to welcome <@{newcomer}>. Could someone from the team step in, "
            "or could a buddy raise their capacity?",
            team=team.mention if team else "",
            newcomer=journey.user_id,
        ).strip()
        if thread is not None:
            text += "\n" + _("Thread: <#{thread}>", thread=thread.id)
        return {
            "content": text,
            "allowed_mentions": discord.AllowedMentions(everyone=False, users=False, roles=[team] if team else False),
        }

    await post_to(bot, guild, "mod_log", call_for_help)
    if thread is None:
        return
    with use_locale(await language_for_member(bot, journey.user_id, guild.id)):
        try:
            # The sign-off button is there for the staff member who steps in.
            await thread.send(
                _("All our buddies are busy right now. Someone from the team will come to you soon."),
                allowed_mentions=NO_MENTIONS,
                view=views.complete_view(journey.pk),
            )
        except discord.HTTPException as error:
            log.warning("could not post in %s: %s", thread.id, error)


async def fill_waiting(bot: Gromada, guild: discord.Guild) -> None:
    """A buddy became free: give them to the newcomers who waited longest."""
    for journey in await service.waiting(guild.id):
        if await find_buddy(bot, journey, guild) is None:
            break


# ---------------------------------------------------------------- sign-off


async def complete(bot: Gromada, interaction: discord.Interaction, journey_id: int) -> None:
    actor = require_guild(interaction)
    staff = await is_moderator(actor)
    journey = await service.completion_target(journey_id, actor.id, staff)
    guild = actor.guild
    newcomer = await member_of(guild, journey.user_id)
    if newcomer is not None:
        await _graduate(newcomer)
    journey, slot = await service.complete(journey_id, actor.id, staff, now())
    await _threads(bot).drop(journey.thread_id)
    await bot.timers.cancel(service.REMIND_TIMER, journey.pk)
    if slot is not None:
        await bot.timers.cancel(service.BUDDY_CHECK_TIMER, slot.pk)
    thanks = _(
        "Welcome complete! {newcomer} is now a member. Thank you, {buddy}, for welcoming them.",
        newcomer=f"<@{journey.user_id}>",
        buddy=f"<@{journey.buddy_id or actor.id}>",
    )
    await interaction.response.edit_message(content=thanks, view=None, allowed_mentions=NO_MENTIONS)
    thread = interaction.channel
    if isinstance(thread, discord.Thread):
        try:
            await thread.edit(archived=True, locked=True, reason="Gromada onboarding: welcome complete")
        except discord.HTTPException as error:
            log.warning("could not archive thread %s: %s", thread.id, error)
    await fill_waiting(bot, guild)


async def _graduate(newcomer: discord.Member) -> None:
    """Member in, Newcomer out, in one call (before the journey ends, so a refusal changes nothing)."""
    bound = await guild_config.bindings(newcomer.guild.id)
    member_role = newcomer.guild.get_role(bound.get((BindingKind.ROLE, "member"), 0))
    newcomer_role = newcomer.guild.get_role(bound.get((BindingKind.ROLE, "newcomer"), 0))
    if member_role is None:
        raise NotConfigured()
    roles = [role for role in newcomer.roles if not role.is_default() and role != newcomer_role]
    if member_role not in roles:
        roles.append(member_role)
    try:
        await newcomer.edit(roles=roles, reason="Gromada onboarding: welcome complete")
    except discord.HTTPException as error:
        raise DiscordRefused(
            N_("I could not give {newcomer} the {role} role. Check my role is above it, then press again."),
            newcomer=newcomer.display_name,
            role=member_role.mention,
        ) from error


# ---------------------------------------------------------------- activity and leaving


async def on_message(bot: Gromada, message: discord.Message) -> None:
    if message.author.bot or message.guild is None:
        return
    known = await _threads(bot).get(message.channel.id)
    if known is None:
        return
    journey_id, newcomer_id = known
    if message.author.id == newcomer_id:
        await service.touch(journey_id, now())
    else:
        await service.buddy_spoke(journey_id, message.author.id, now())


async def on_leave(bot: Gromada, member: discord.Member) -> None:
    journey, slot = await service.leave(member.guild.id, member.id, now())
    if journey is not None:
        await _threads(bot).drop(journey.thread_id)
        await bot.timers.cancel(service.REMIND_TIMER, journey.pk)
    if slot is not None:
        await bot.timers.cancel(service.BUDDY_CHECK_TIMER, slot.pk)
        await fill_waiting(bot, member.guild)
    await hand_on(bot, member.guild, member.id)


async def hand_on(bot: Gromada, guild: discord.Guild, buddy_id: int) -> None:
    """A buddy left (or is no longer a buddy): their newcomers get someone else."""
    for held in await service.slots_of_buddy(guild.id, buddy_id):
        if await service.release_slot(held.journey_id) is None:
            continue
        await bot.timers.cancel(service.BUDDY_CHECK_TIMER, held.pk)
        orphan = await service.get_journey(held.journey_id)
        await find_buddy(bot, orphan, guild, exclude=(buddy_id,))


async def on_forgotten(bot: Gromada, guild: discord.Guild, user_id: int, pseudonym: int) -> None:
    """A buddy asked to be forgotten: forget took their slots, so their newcomers get someone else.

    A stop before this ran leaves those newcomers to the match retried at start.
    """
    for journey in await service.newcomers_of_forgotten(guild.id, pseudonym):
        await find_buddy(bot, journey, guild, exclude=(user_id,))


async def on_roles_changed(bot: Gromada, before: discord.Member, after: discord.Member) -> None:
    if before.roles == after.roles:
        return
    role_id = await guild_config.binding(after.guild.id, BindingKind.ROLE, "buddy")
    if role_id and before.get_role(role_id) is not None and after.get_role(role_id) is None:
        await hand_on(bot, after.guild, after.id)


# ---------------------------------------------------------------- deadlines


async def _journey_and_guild(bot: Gromada, journey_id: int) -> tuple[Journey | None, discord.Guild | None]:
    journey = await Journey.get_or_none(id=journey_id)
    if journey is None or journey.status != JourneyStatus.ACTIVE:
        return None, None
    return journey, bot.get_guild(journey.guild_id)


async def on_open_thread_due(bot: Gromada, timer: Timer) -> None:
    journey, guild = await _journey_and_guild(bot, timer.ref_id)
    member = await member_of(guild, journey.user_id) if guild else None
    if member is None or (journey.thread_id and journey.step_message_id):
        return
    await open_thread(bot, journey, member, resumed=False, retry=False)


async def on_match_due(bot: Gromada, timer: Timer) -> None:
    journey, guild = await _journey_and_guild(bot, timer.ref_id)
    if guild is None:
        return
    await service.drop_forgotten_buddy(journey)
    if journey.step < Step.INTRODUCED or journey.buddy_id is not None:
        return
    await find_buddy(bot, journey, guild, retry=False)


async def on_remind_due(bot: Gromada, timer: Timer) -> None:
    journey, guild = await _journey_and_guild(bot, timer.ref_id)
    if guild is None or journey.reminded_at is not None:
        return
    after = await service.REMINDER_AFTER.get(guild.id)
    due: datetime = journey.last_active_at + after
    if due > now():
        # Active since the deadline was set: look again a full idle period after that.
        await bot.timers.schedule(service.REMIND_TIMER, due, ref_id=journey.pk, guild_id=guild.id, replace=False)
        return
    thread = await thread_of(guild, journey)
    if thread is None or not await service.mark_reminded(journey.pk, now()):
        return
    with use_locale(await language_for_member(bot, journey.user_id, guild.id)):
        if journey.step >= Step.MATCHED:
            text = _(
                "Hi {newcomer}! Your buddy is here for you: say hello whenever you like.",
                newcomer=f"<@{journey.user_id}>",
            )
        else:
            text = _(
                "Hi {newcomer}! Just a gentle reminder: your welcome is waiting for you above, whenever you are ready.",
                newcomer=f"<@{journey.user_id}>",
            )
    await thread.send(text, allowed_mentions=mention_only(discord.Object(journey.user_id)))


async def on_buddy_check_due(bot: Gromada, timer: Timer) -> None:
    slot = await service.slot_of_id(timer.ref_id)
    if slot is None or slot.spoke_at is not None:
        return
    journey, guild = await _journey_and_guild(bot, slot.journey_id)
    if guild is None:
        return
    # A slot the journey does not name was reserved and never confirmed: the bot stopped before
    # its buddy was told (or, rarely, after the ping and before the confirmation), so they are
    # neither passed over nor thanked.
    told = journey.buddy_id == slot.buddy_id
    if await service.release_slot(journey.pk) is None:
        return  # freed meanwhile (sign-off, leave)
    journey.buddy_id = None
    replacement = await find_buddy(bot, journey, guild, exclude=(slot.buddy_id,) if told else ())
    if told:
        await _thank_replaced(bot, guild, slot.buddy_id, journey.user_id, replaced=replacement is not None)


async def _thank_replaced(
    bot: Gromada, guild: discord.Guild, buddy_id: int, newcomer_id: int, *, replaced: bool
) -> None:
    """Tell the silent buddy kindly who looks after their newcomer now (another buddy or the team)."""
    if await member_of(guild, buddy_id) is None:
        return  # left the server meanwhile

    def thanks() -> str:
        if replaced:
            return _(
                "Hi! It looks like the last days were busy for you, so another buddy is now welcoming "
                "<@{newcomer}> on {server}. No worries, and thank you for being a buddy!",
                newcomer=newcomer_id,
                server=guild.name,
            )
        return _(
            "Hi! It looks like the last days were busy for you, so the onboarding team now looks after "
            "<@{newcomer}> on {server}. No worries, and thank you for being a buddy!",
            newcomer=newcomer_id,
            server=guild.name,
        )

    await dm(bot, buddy_id, guild_id=guild.id, render=thanks)
