"""The arithmetic of a bill without Discord: line values, exact proportional splits, settling."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.purchases.rules import (
    FIRST_COME,
    PROPORTIONAL,
    FundShare,
    ItemTerms,
    MemberBill,
    Order,
    line_value,
    rebill,
    saving,
    settle,
    share_short_delivery,
    split,
    still_needed,
)

weights_lists = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40)
totals = st.integers(min_value=0, max_value=10**11)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3)


@given(totals, weights_lists)
def test_split_parts_always_add_up_to_the_total(total, weights):
    assert sum(split(total, weights)) == total


@given(totals, weights_lists)
def test_split_is_proportional_within_one_minor_unit(total, weights):
    parts = split(total, weights)
    whole = sum(weights) or len(weights)
    shares = weights if any(weights) else [1] * len(weights)
    for part, weight in zip(parts, shares, strict=True):
        exact = Decimal(total) * weight / whole
        assert abs(part - exact) < 1


@given(totals, weights_lists)
def test_split_gives_no_negative_shares_and_nothing_to_zero_weights(total, weights):
    parts = split(total, weights)
    assert all(part >= 0 for part in parts)
    if any(weights):
        assert all(part == 0 for part, weight in zip(parts, weights, strict=True) if weight == 0)


def test_split_leftover_goes_to_the_largest_remainders_first():
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert split(1000, [1840, 875, 1255]) == [464, 220, 316]
    assert split(0, [5, 7]) == [0, 0]


def test_split_refuses_a_negative_total_or_weight():
    with pytest.raises(ValueError):
        split(-1, [1, 1])
    with pytest.raises(ValueError):
        split(5, [3, -1])
    with pytest.raises(ValueError):
        split(5, [])
    assert split(0, []) == []


def test_line_value_rounds_half_up_to_a_minor_unit():
    assert line_value(Decimal("1.5"), 333) == 500  # 499.5 -> 500
    assert line_value(Decimal("0.333"), 100) == 33


@pytest.mark.parametrize(
    ("quantity", "unit_price", "value"),
    [
        # Exactly half a minor unit after an even one: half up goes up, where rounding half
        # to even (banker's rounding) would go down.
        ("0.5", 45, 23),  # 22.5
        ("0.125", 100, 13),  # 12.5
        ("2.5", 1, 3),  # 2.5
        ("0.001", 500, 1),  # 0.5
        ("1.5", 4003, 6005),  # 6004.5
        # ...and after an odd one both go up.
        ("0.5", 47, 24),  # 23.5
        # Just under half stays down.
        ("0.499", 1, 0),
        ("0.249", 10, 2),  # 2.49
    ],
)
def test_line_value_rounds_exact_halves_up_not_to_even(quantity, unit_price, value):
    assert line_value(Decimal(quantity), unit_price) == value


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 2), quantities),
        min_size=1,
        max_size=30,
        unique_by=lambda order: (order[0], order[1]),
    ),
    st.integers(0, 10**6),
)
def test_settlement_charges_exactly_the_fee_among_remaining_orders(orders, fee):
    items = [ItemTerms(0, 250, Decimal(10)), ItemTerms(1, 3000, None), ItemTerms(2, 420, Decimal(3))]
    lines = [Order(index, user, item, quantity) for index, (user, item, quantity) in enumerate(orders)]
    result = settle(items, lines, fee)
    assert all(bill.fund_share == 0 for bill in result.bills)  # no fund unless the server asks for one
    paying = [bill for bill in result.bills if bill.goods > 0]
    assert result.delivery_charged == (fee if paying else 0)
    assert all(bill.delivery_share == 0 for bill in result.bills if bill.goods == 0)
    for order in lines:
        if order.item_id in result.dropped:
            assert result.line_amounts[order.line_id] == 0
    assert sum(bill.goods for bill in result.bills) == sum(result.line_amounts.values())
    assert {bill.user_id for bill in result.bills} == {order.user_id for order in lines}


def test_item_below_its_minimum_is_dropped_and_its_buyers_pay_no_delivery_for_it():
    items = [ItemTerms(1, 250, Decimal(10)), ItemTerms(2, 3000, Decimal(5))]
    result = settle(items, [Order(1, 100, 1, Decimal(10)), Order(2, 200, 2, Decimal(2))], 1000)
    assert result.dropped == {2}
    assert [(bill.user_id, bill.goods, bill.delivery_share) for bill in result.bills] == [
        (100, 2500, 1000),
        (200, 0, 0),
    ]


def test_orders_of_several_members_reach_a_minimum_together():
    # 6 kg and 4 kg of potatoes make the 10 kg minimum between them: nothing is dropped, and
    # the 500 delivery is split 3 to 2 like their goods.
    items = [ItemTerms(1, 250, Decimal(10)), ItemTerms(2, 3000, Decimal(5))]
    orders = [Order(1, 100, 1, Decimal(6)), Order(2, 200, 1, Decimal(4)), Order(3, 200, 2, Decimal(1))]

    result = settle(items, orders, 500)

    assert result.quantities == {1: Decimal(10), 2: Decimal(1)}
    assert result.dropped == {2}
    assert result.line_amounts == {1: 1500, 2: 1000, 3: 0}
    assert [(bill.user_id, bill.goods, bill.delivery_share) for bill in result.bills] == [
        (100, 1500, 300),
        (200, 1000, 200),
    ]


def test_the_smallest_order_still_carries_its_share_of_the_delivery():
    # Goods worth one minor unit are goods: that member shares the fee like anyone else.
    assert rebill({200: 3, 100: 1, 300: 0}, 4) == [
        MemberBill(100, 1, 1),
        MemberBill(200, 3, 3),
        MemberBill(300, 0, 0),
    ]
    assert rebill({100: 0}, 400) == [MemberBill(100, 0, 0)]


@pytest.mark.parametrize(
    ("minimum", "ordered", "needed"),
    [(None, "3", "0"), ("10", "10", "0"), ("10", "10.001", "0"), ("10", "9.999", "0.001"), ("24", "18", "6")],
)
def test_still_needed_is_what_is_missing_up_to_the_minimum_and_never_negative(minimum, ordered, needed):
    assert still_needed(Decimal(minimum) if minimum else None, Decimal(ordered)) == Decimal(needed)


def test_an_item_bought_anyway_is_billed_to_its_buyers_and_the_rest_to_the_group():
    items = [ItemTerms(1, 250, Decimal(10), buy_anyway=True), ItemTerms(2, 3000, Decimal(5), buy_anyway=True)]
    result = settle(items, [Order(1, 100, 1, Decimal("6.8")), Order(2, 200, 2, Decimal(5))], 0)
    assert result.dropped == set()
    # 3.2 kg × 2.50 nobody ordered; honey reached its minimum, so nothing is the group's.
    assert result.group_costs == {1: 800}
    assert [(bill.user_id, bill.goods) for bill in result.bills] == [(100, 1700), (200, 15000)]


def test_a_coordinators_drop_wins_over_an_item_that_reached_its_minimum():
    result = settle([ItemTerms(1, 250, Decimal(1), drop=True)], [Order(1, 100, 1, Decimal(4))], 500)
    assert result.dropped == {1} and result.line_amounts == {1: 0}
    assert result.delivery_charged == 0


def test_proportional_short_delivery_gives_each_the_same_fraction_and_the_left_over_to_the_largest_remainder():
    # 7.5 of 10 kg: 4 → 3, 3 → 2.25, 3 → 2.25 exactly.
    lines = [(1, Decimal(4)), (2, Decimal(3)), (3, Decimal(3))]
    assert share_short_delivery(Decimal("7.5"), lines, PROPORTIONAL) == {
        1: Decimal(3),
        2: Decimal("2.25"),
        3: Decimal("2.25"),
    }
    # Everything whole stays whole: 8 of 4 + 3 + 3 is 3.2, 2.4, 2.4 in whole units: the floors
    # 3, 2, 2 and the one left over to the largest remainder (0.4 after 2.4, the earlier first).
    assert share_short_delivery(Decimal(8), lines, PROPORTIONAL) == {1: Decimal(3), 2: Decimal(3), 3: Decimal(2)}
    # Whole jars stay whole: 3 of 2 + 2 + 2 jars is one each, never 1.5. 2 jars of 1 + 1 + 1:
    # equal remainders, so the earlier orders get them.
    assert share_short_delivery(Decimal(3), [(1, Decimal(2)), (2, Decimal(2)), (3, Decimal(2))], PROPORTIONAL) == {
        1: Decimal(1),
        2: Decimal(1),
        3: Decimal(1),
    }
    assert share_short_delivery(Decimal(2), [(7, Decimal(1)), (8, Decimal(1)), (9, Decimal(1))], PROPORTIONAL) == {
        7: Decimal(1),
        8: Decimal(1),
        9: Decimal(0),
    }
    # One thousandth left over in kilograms goes to the largest remainder: 1 kg of 3 × 1 kg.
    assert share_short_delivery(
        Decimal(1), [(1, Decimal("1.5")), (2, Decimal(1)), (3, Decimal("0.5"))], PROPORTIONAL
    ) == {1: Decimal("0.5"), 2: Decimal("0.333"), 3: Decimal("0.167")}


def test_first_come_short_delivery_fills_the_earliest_orders_in_full():
    lines = [(1, Decimal(4)), (2, Decimal(3)), (3, Decimal(3))]
    assert share_short_delivery(Decimal(8), lines, FIRST_COME) == {1: Decimal(4), 2: Decimal(3), 3: Decimal(1)}
    assert share_short_delivery(Decimal(4), lines, FIRST_COME) == {1: Decimal(4), 2: Decimal(0), 3: Decimal(0)}
    assert share_short_delivery(Decimal(0), lines, FIRST_COME) == {1: 0, 2: 0, 3: 0}
    assert share_short_delivery(Decimal(10), lines, PROPORTIONAL) == dict(lines)  # everything arrived


def test_a_short_delivery_cannot_be_more_than_ordered_or_less_than_nothing():
    with pytest.raises(ValueError):
        share_short_delivery(Decimal("10.001"), [(1, Decimal(10))], PROPORTIONAL)
    with pytest.raises(ValueError):
        share_short_delivery(Decimal(-1), [(1, Decimal(10))], FIRST_COME)
    with pytest.raises(ValueError):
        share_short_delivery(Decimal(1), [(1, Decimal(10))], "loudest")


@given(
    st.lists(quantities, min_size=1, max_size=30),
    st.data(),
    st.sampled_from([PROPORTIONAL, FIRST_COME]),
)
def test_a_short_delivery_is_shared_exactly_and_nobody_gets_more_than_ordered(ordered, data, rule):
    total = sum(ordered)
    arrived = data.draw(st.decimals(min_value=Decimal(0), max_value=total, places=3))
    lines = list(enumerate(ordered))
    received = share_short_delivery(arrived, lines, rule)
    assert sum(received.values()) == arrived
    assert all(Decimal(0) <= received[line] <= quantity for line, quantity in lines)
    if rule == PROPORTIONAL:
        # Each within one step of the exact proportional share.
        for line, quantity in lines:
            assert abs(received[line] - arrived * quantity / total) < 1


@pytest.mark.parametrize(
    ("quantity", "unit_price", "shop_price", "saved"),
    [
        ("2", 250, None, 0),  # no shop price: no claim
        ("2", 250, 320, 140),
        ("1.5", 333, 400, 100),  # 600 - 499.5 rounded half up to 500
        ("0.5", 45, 45, 0),
        ("1", 500, 450, -50),  # the shop was cheaper: said so
    ],
)
def test_saving_is_the_difference_of_two_rounded_line_values(quantity, unit_price, shop_price, saved):
    assert saving(Decimal(quantity), unit_price, shop_price) == saved


funds = st.one_of(
    st.just(FundShare()),
    st.builds(FundShare, percent=st.integers(1, 100)),
    st.builds(FundShare, amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2)),
)


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 2), quantities),
        min_size=1,
        max_size=30,
        unique_by=lambda order: (order[0], order[1]),
    ),
    st.integers(0, 10**6),
    funds,
)
def test_a_bills_parts_with_the_fund_add_up_to_its_total_and_the_fee_stays_exact(orders, fee, fund):
    items = [
        ItemTerms(0, 250, Decimal(10), shop_price=320),
        ItemTerms(1, 3000, None, shop_price=2900),  # dearer than the shop: nothing saved, nothing given
        ItemTerms(2, 420, Decimal(3)),
    ]
    lines = [Order(index, user, item, quantity) for index, (user, item, quantity) in enumerate(orders)]
    result = settle(items, lines, fee, fund)
    assert result.delivery_charged == (fee if any(bill.goods for bill in result.bills) else 0)
    for bill in result.bills:
        assert bill.total == bill.goods + bill.delivery_share + bill.fund_share
        assert bill.fund_share >= 0 and (bill.goods > 0 or bill.fund_share == 0)
        if fund.amount:
            assert bill.fund_share == (int(fund.amount * 100) if bill.goods else 0)
        if fund.percent:
            saved = sum(
                saving(order.quantity, items[order.item_id].unit_price, items[order.item_id].shop_price)
                for order in lines
                if order.user_id == bill.user_id and order.item_id not in result.dropped
            )
            exact = Decimal(saved) * fund.percent / 100
            assert abs(bill.fund_share - max(exact, 0)) <= Decimal("0.5")
    assert sum(bill.total for bill in result.bills) == (
        sum(result.line_amounts.values()) + result.delivery_charged + sum(bill.fund_share for bill in result.bills)
    )


@pytest.mark.parametrize(
    ("fund", "goods", "saved", "share"),
    [
        (FundShare(percent=10), 1000, 385, 39),  # 38.5 rounds half up
        (FundShare(percent=10), 1000, -50, 0),  # the shop was cheaper: nothing to share
        (FundShare(amount=Decimal("2.5")), 1000, 0, 250),
        (FundShare(amount=Decimal("2.5")), 0, 0, 0),  # nothing bought: nothing given
        (FundShare(), 1000, 385, 0),
    ],
)
def test_a_fund_share_is_a_rounded_percent_of_the_savings_or_a_fixed_amount(fund, goods, saved, share):
    assert fund.of(goods, saved, 2) == share
