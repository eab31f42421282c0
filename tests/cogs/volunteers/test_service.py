"""The seat rules against the database: races, waitlists, offers and renewals."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from cogs.volunteers import rules, service
from gromada import seats
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound
from models.volunteers import (
    Approval,
    ApprovalRequest,
    RequestStatus,
    SeatStatus,
    Thanks,
    VolunteerRole,
    VolunteerSeat,
    VolunteerTerm,
    WaitlistEntry,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
GUILD = 1


async def make_role(seats=1, **fields):
    values = service.RoleFields(name=fields.pop("name", "Treasurer"), seats=seats, **fields)
    return await service.create_role(GUILD, values, discord_role_id=99, now=NOW)


async def test_racing_for_the_last_seat_leaves_exactly_one_holder(database):
    role = await make_role(seats=3)
    for early in (1, 2):
        assert (await service.claim(role, early, set(), NOW)).outcome == service.Outcome.GRANTED
    people = range(100, 120)

    results = await asyncio.gather(*(service.claim(role, user, set(), NOW) for user in people))

    granted = [r for r in results if r.outcome == service.Outcome.GRANTED]
    waiting = [r for r in results if r.outcome == service.Outcome.WAITLISTED]
    assert len(granted) == 1 and len(waiting) == 19
    assert granted[0].seat.slot == 2 and granted[0].seat.user_id in people
    seats = await VolunteerSeat.filter(role_id=role.pk).order_by("slot")
    assert [(seat.slot, seat.user_id) for seat in seats] == [(0, 1), (1, 2), (2, granted[0].seat.user_id)]
    assert sorted(r.position for r in waiting) == list(range(1, 20))
    assert await WaitlistEntry.filter(role_id=role.pk).count() == 19


async def test_racing_for_several_free_seats_fills_each_once(database):
    role = await make_role(seats=3)
    people = range(100, 120)

    results = await asyncio.gather(*(service.claim(role, user, set(), NOW) for user in people))

    granted = [r for r in results if r.outcome == service.Outcome.GRANTED]
    waiting = [r for r in results if r.outcome == service.Outcome.WAITLISTED]
    assert len(granted) == 3 and len(waiting) == 17
    seats = await VolunteerSeat.filter(role_id=role.pk)
    assert sorted(seat.slot for seat in seats) == [0, 1, 2]
    assert sorted(r.position for r in waiting) == list(range(1, 18))


async def test_two_claims_by_the_same_person_hold_one_seat(database):
    role = await make_role(seats=5)

    results = await asyncio.gather(*(service.claim(role, 7, set(), NOW) for _ in range(4)), return_exceptions=True)

    assert sum(1 for r in results if isinstance(r, service.ClaimResult)) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, service.ClaimResult))
    assert await VolunteerSeat.filter(role_id=role.pk).count() == 1


async def test_concurrent_offers_after_a_release_reserve_one_seat_each(database):
    role = await make_role(seats=1)
    first = (await service.claim(role, 1, set(), NOW)).seat
    for user in (2, 3, 4):
        await service.claim(role, user, set(), NOW)
    await service.end_seat(first, role, NOW, "released")

    offers = await asyncio.gather(*(service.offer_next(role, NOW) for _ in range(3)))

    made = [offer for offer in offers if offer is not None]
    assert [offer.user_id for offer in made] == [2]
    assert made[0].offer_expires_at == NOW + rules.OFFER_VALIDITY
    # The others keep their places, in order.
    assert [e.user_id for e in await WaitlistEntry.filter(role_id=role.pk).order_by("id")] == [3, 4]


async def test_an_offer_made_while_another_is_seating_waits_and_never_skips_the_first_in_line(database, monkeypatch):
    # Two releases at once: while the first person in line is being seated, the second offer
    # must wait, not seat the second person and leave the first with no seat.
    role = await make_role(seats=1)
    first = (await service.claim(role, 1, set(), NOW)).seat
    for user in (2, 3, 4):
        await service.claim(role, user, set(), NOW)
    await service.end_seat(first, role, NOW, "released")
    seating, go_on = asyncio.Event(), asyncio.Event()
    take_seat = service._take_seat

    async def seat_slowly(role, user_id, *args, **kwargs):
        if user_id == 2:
            seating.set()
            await go_on.wait()
        return await take_seat(role, user_id, *args, **kwargs)

    monkeypatch.setattr(service, "_take_seat", seat_slowly)
    earlier = asyncio.create_task(service.offer_next(role, NOW))
    await seating.wait()
    later = asyncio.create_task(service.offer_next(role, NOW))
    finished, _ = await asyncio.wait({later}, timeout=1)
    go_on.set()

    assert not finished  # it waited for the first offer
    assert (await earlier).user_id == 2
    assert await later is None
    assert [e.user_id for e in await WaitlistEntry.filter(role_id=role.pk).order_by("id")] == [3, 4]


async def test_two_seats_freed_at_once_are_offered_to_the_first_two_waiting(database):
    """Two releases racing: the one that finds the first entry already taken offers to the next."""
    role = await make_role(seats=2)
    held = [(await service.claim(role, user, set(), NOW)).seat for user in (1, 2)]
    for user in (3, 4, 5):
        await service.claim(role, user, set(), NOW)
    for seat in held:
        await service.end_seat(seat, role, NOW, "released")

    offers = await asyncio.gather(service.offer_next(role, NOW), service.offer_next(role, NOW))

    assert sorted(offer.user_id for offer in offers if offer is not None) == [3, 4]
    assert [e.user_id for e in await WaitlistEntry.filter(role_id=role.pk)] == [5]


async def test_someone_waiting_who_got_a_seat_meanwhile_is_passed_over(database):
    """Given the role by hand while a seat was free, they hold it and are still on the waitlist."""
    role = await make_role(seats=2)
    held = [(await service.claim(role, user, set(), NOW)).seat for user in (1, 2)]
    for user in (3, 4):
        await service.claim(role, user, set(), NOW)
    await service.end_seat(held[0], role, NOW, "released")
    assert (await service.adopt(role, 3, NOW)).status == SeatStatus.ACTIVE
    await service.end_seat(held[1], role, NOW, "released")

    offer = await service.offer_next(role, NOW)

    assert (offer.user_id, offer.status) == (4, SeatStatus.OFFERED)
    assert not await WaitlistEntry.filter(role_id=role.pk).exists()


async def test_deleting_a_role_keeps_the_history_of_its_holders_only(database):
    role = await make_role(seats=2)
    for user in (1, 2, 3):
        await service.claim(role, user, set(), NOW)
    await service.end_seat(await service.seat_of(role, 2), role, NOW, "released")
    offer = await service.offer_next(role, NOW)
    assert offer.user_id == 3
    # An offer is no seat held: ending it as if it were changes nothing.
    assert not await service.end_seat(offer, role, NOW, "removed")
    assert (await VolunteerSeat.get(id=offer.pk)).status == SeatStatus.OFFERED

    ended = await service.delete_role(role, NOW + timedelta(days=1))

    assert sorted(seat.user_id for seat in ended) == [1, 3]
    history = {term.user_id: term.reason for term in await VolunteerTerm.all()}
    assert history == {1: "deleted", 2: "released"}


async def test_a_role_is_found_by_its_id_on_its_own_server_only(database):
    role = await make_role()

    assert (await service.role_by_id(GUILD, role.pk)).name == "Treasurer"
    with pytest.raises(NotFound) as elsewhere:
        await service.role_by_id(GUILD + 1, role.pk)
    assert elsewhere.value.render("en") == "That volunteer role no longer exists."


async def test_a_request_is_decided_once(database):
    role = await make_role(approval=Approval.COORDINATOR)
    request = (await service.claim(role, 5, set(), NOW)).request
    other = (await service.claim(role, 6, set(), NOW)).request
    await service.decide_request(request, approve=False, coordinator_id=8, now=NOW)
    assert (await ApprovalRequest.get(id=other.pk)).status == RequestStatus.PENDING  # decided one by one

    with pytest.raises(Conflict) as again:
        await service.decide_request(request, approve=True, coordinator_id=9, now=NOW)

    assert again.value.render("en") == "Another coordinator has already decided this request."
    await service.forget_member(GUILD, 6, NOW)  # the other one left the server
    with pytest.raises(Conflict) as left:
        await service.decide_request(other, approve=True, coordinator_id=9, now=NOW)
    assert left.value.render("en") == "This request was closed: that member left the server."
    stored = await ApprovalRequest.get(id=request.pk)
    assert (stored.status, stored.decided_by) == (RequestStatus.DECLINED, 8)


async def test_two_renames_racing_to_one_name_leave_one_role_of_that_name(database):
    cook, baker = await make_role(name="Cook"), await make_role(name="Baker")

    results = await asyncio.gather(
        service.edit_role(cook, {"name": "Chef"}), service.edit_role(baker, {"name": "Chef"}), return_exceptions=True
    )

    refused = [result for result in results if isinstance(result, Exception)]
    assert [error.render("en") for error in refused] == ["A volunteer role called “Chef” already exists."]
    names = sorted(await VolunteerRole.filter(guild_id=GUILD).values_list("name", flat=True))
    assert names in (["Baker", "Chef"], ["Chef", "Cook"])


async def offered_to_the_one_waiting():
    """A 90-day role's only seat, released by member 1 and offered to member 2, who waited."""
    role = await make_role(seats=1, term_days=90)
    await service.claim(role, 1, set(), NOW)
    await service.claim(role, 2, set(), NOW)
    await service.end_seat(await service.seat_of(role, 1), role, NOW, "released")
    return await service.seat_by_id((await service.offer_next(role, NOW)).pk)


async def test_accept_is_once_and_renewal_only_in_the_last_week(database):
    offer = await offered_to_the_one_waiting()

    with pytest.raises(Conflict) as not_held:
        await service.renew(offer, 2, NOW)  # an offer is no term yet
    assert not_held.value.render("en") == "This term can no longer be renewed."
    with pytest.raises(NotAllowed) as not_theirs:
        await service.accept_offer(offer, 3, NOW)
    assert not_theirs.value.render("en") == "This offer is for someone else."
    accepted = await service.accept_offer(offer, 2, NOW)
    with pytest.raises(Conflict):
        await service.accept_offer(offer, 2, NOW)
    assert accepted.term_ends_at == NOW + timedelta(days=90)
    with pytest.raises(InvalidInput) as too_early:
        await service.renew(accepted, 2, NOW + timedelta(days=10))
    assert too_early.value.render("en") == "You can renew in the last week of your term."
    renewed = await service.renew(accepted, 2, NOW + timedelta(days=85))
    assert renewed.term_ends_at == NOW + timedelta(days=180)
    assert renewed.terms == 2 and renewed.status == SeatStatus.ACTIVE


async def test_an_offer_accepted_later_starts_its_term_then_and_can_no_longer_be_withdrawn(database):
    offer = await offered_to_the_one_waiting()
    later = NOW + timedelta(hours=30)

    accepted = await service.accept_offer(offer, 2, later)

    assert (accepted.started_at, accepted.term_ends_at) == (later, later + timedelta(days=90))
    with pytest.raises(Conflict) as again:
        await service.accept_offer(offer, 2, later)
    assert again.value.render("en") == "This offer is no longer open."
    # The offer's deadline or a Decline arriving after the acceptance leaves the seat alone.
    assert await service.withdraw_offer(offer) is False
    assert (await VolunteerSeat.get(id=offer.pk)).status == SeatStatus.ACTIVE


async def test_leaving_one_waitlist_keeps_the_others_and_a_missing_request_is_named(database):
    cook, baker = await make_role(name="Cook"), await make_role(name="Baker")
    for role in (cook, baker):
        await service.claim(role, 1, set(), NOW)
        await service.claim(role, 2, set(), NOW)

    assert await service.leave_waitlist(cook, 2) is True

    waiting = await WaitlistEntry.filter(user_id=2).prefetch_related("role")
    assert [entry.role.name for entry in waiting] == ["Baker"]
    with pytest.raises(NotFound) as gone:
        await service.request_by_id(12345, GUILD)
    assert gone.value.render("en") == "That request no longer exists."


async def test_catalogue_limits(database):
    await make_role(name="One")
    with pytest.raises(Conflict):
        await make_role(name="One")
    for n in range(rules.MAX_ROLES - 1):
        await make_role(name=f"Role {n}")
    with pytest.raises(LimitReached):
        await make_role(name="One too many")


async def test_thanks_rules(database):
    async def refusal(*args, **kwargs) -> InvalidInput:
        with pytest.raises(InvalidInput) as caught:
            await service.thank(GUILD, *args, NOW, **kwargs)
        return caught.value

    assert (await refusal(1, 1, "me")).render("en") == "Thank someone else: thanking yourself does not count."
    assert (await refusal(1, 2, "   ")).render("en") == "Write a few words of thanks."
    assert (await refusal(1, 3, "for the beeps", to_bot=True)).render("en") == "Thank a person, not a bot."
    too_long = await refusal(1, 2, "x" * (service.THANKS_LIMIT + 1))
    assert too_long.render("en") == f"Thanks can have at most {service.THANKS_LIMIT} characters."
    assert too_long.render("pl") == f"Podziękowanie może mieć najwyżej {service.THANKS_LIMIT} znaków."
    assert too_long.render("ru") == f"Благодарность может быть не длиннее {service.THANKS_LIMIT} символов."
    assert not await Thanks.exists()
    assert (await service.thank(GUILD, 1, 2, "x" * service.THANKS_LIMIT, NOW)).message == "x" * service.THANKS_LIMIT
    thanks = await service.thank(GUILD, 1, 2, " for the soup ", NOW)
    assert thanks.message == "for the soup"


def test_pure_rules():
    assert seats.free_slots(4, [1, 3, 7]) == [0, 2]
    end = NOW + timedelta(days=30)
    assert rules.renewal_prompt_at(end, NOW) == end - timedelta(days=7)
    assert rules.renewal_prompt_at(NOW + timedelta(days=2), NOW) == NOW
    assert rules.extended_term(end, 30, NOW) == end + timedelta(days=30)
    assert rules.extended_term(NOW - timedelta(days=1), 30, NOW) == NOW + timedelta(days=30)
    # Role names in field titles are cut at 120 characters: 25 full fields still fit 6,000.
    assert 25 * (rules.field_budget(25) + 120) + 400 < 6000


def test_a_full_catalogue_fits_one_panel():
    from cogs.volunteers.views import panel_embed

    lines = [rules.PanelLine(f"{n:02} " + "N" * 97, "D" * 500, 3, 500, 12) for n in range(rules.MAX_ROLES)]

    embed = panel_embed(None, "S" * 100, lines)
    assert len(embed) <= 6000 and len(embed.fields) == 25


async def test_panel_select_has_one_option_per_role():
    from cogs.volunteers.views import panel_view

    lines = [rules.PanelLine(f"Role {n}", "", 0, 1, 0) for n in range(rules.MAX_ROLES)]
    view = panel_view(5, lines, list(range(rules.MAX_ROLES)))
    (picker,) = view.children
    assert len(picker.item.options) == 25 and picker.item.custom_id == "volunteers:pick:5"


async def test_importing_a_pack_again_updates_its_roles_in_place_on_that_server_only(database):
    """A content pack's roles are matched by key, then by name: importing it again updates them,
    and another server's role of the same key is a role of its own."""
    kitchen = service.RoleFields(name="Kitchen lead", seats=2, key="kitchen", responsibilities="Plan the menu.")
    first = await service.upsert_from_spec(GUILD, kitchen, discord_role_id=10, now=NOW)
    elsewhere = await service.upsert_from_spec(GUILD + 1, kitchen, discord_role_id=20, now=NOW)
    # Imported without a key first, then a pack names it: matched by its name.
    unkeyed = await service.upsert_from_spec(GUILD, service.RoleFields(name="Gardener", seats=1), 11, NOW)

    renamed = service.RoleFields(
        name="Kitchen coordinator",
        seats=3,
        key="kitchen",
        responsibilities="Cook.",
        prerequisite_role_id=30,
        purpose="buddy",
    )
    again = await service.upsert_from_spec(GUILD, renamed, discord_role_id=12, now=NOW)
    keyed = await service.upsert_from_spec(
        GUILD, service.RoleFields(name="Gardener", seats=2, key="garden"), discord_role_id=13, now=NOW
    )

    assert (again.pk, keyed.pk) == (first.pk, unkeyed.pk)
    stored = {
        (role.guild_id, role.key): (
            role.name,
            role.seats,
            role.responsibilities,
            role.discord_role_id,
            role.prerequisite_role_id,
            role.purpose,
        )
        for role in await VolunteerRole.all()
    }
    assert stored == {
        (GUILD, "kitchen"): ("Kitchen coordinator", 3, "Cook.", 12, 30, "buddy"),
        (GUILD, "garden"): ("Gardener", 2, "", 13, None, None),
        (GUILD + 1, "kitchen"): ("Kitchen lead", 2, "Plan the menu.", 20, None, None),
    }
    assert elsewhere.pk not in (first.pk, unkeyed.pk)
