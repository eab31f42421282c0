"""How an anonymous poll stores votes so that nobody can link a voter to a choice.

The scheme
----------
1. When an anonymous poll opens it gets a random 256-bit secret, stored on the poll row.
2. Voting writes, in one transaction,
   - a `poll_participation` row whose primary key is HMAC-SHA256(secret, "poll id:user id").
     It carries no choice, no timestamp and no user id. Its uniqueness makes a second vote
     by the same member impossible, however fast they click; the number of rows is the
     exact turnout.
   - an increment of `poll_anonymous_count` for the ballot's *content* (a choice key such as
     "2", "0,3" or "3>0>1"). That table has no voter reference, no timestamp, no per-vote
     row: only "this many ballots said exactly this". For single-choice and consent polls
     every possible key is created with count 0 when the poll opens, so even the order in
     which rows appear tells nothing.
   - for an objection or block in a consent poll, the reason text, unsigned. Reasons are
     always shown sorted by option and text, never in the order they were stored.
3. While the poll is open the secret lets the bot answer "has this member voted?" (to refuse
   a second vote and to remind only those who have not). It never tells what they chose.
4. At close the secret is erased (set to NULL) in the same transaction that freezes the
   result, and the count and reason rows are rewritten in a canonical order (sorted keys,
   shuffled reasons). From then on the participation hashes cannot be recomputed for any
   member, and no row order follows the order of votes.

Consequences, said plainly
--------------------------
- Changing an anonymous vote is impossible by design: undoing the old choice would require
  knowing which count to decrease, i.e. a stored link between the member and the choice.
  The confirmation tells voters so before they vote, and a second click is refused.
- Staff export of an anonymous poll lists the counts per distinct ballot, never voters.
- What the scheme does not hide: the counts themselves (if everyone voted the same, the
  tally says so, as any tally would), and someone who watches the database *live* while the
  poll is open can see which count moved right after which participation row appeared.
  While the poll is open a reader of the secret can also learn *who* has voted (not what),
  which /poll remind needs anyway. For multi and ranked polls a distinct ballot's count row
  is created by its first voter, so until close the physical order of those rows can hint
  at the first voter of a rare ranking to someone who also knows the order of votes; the
  close-time rewrite removes that hint from the stored data.
"""

from __future__ import annotations

from collections.abc import Iterable

from cogs.polls.rules import Ballot


def choice_key(kind: str, ballot: Ballot) -> str:
    """The stored form of a ballot's content: ranked keeps the order, others are sets."""
    if kind == "ranked":
        return ">".join(str(option) for option in ballot)
    return ",".join(str(option) for option in sorted(set(ballot)))


def parse_choice_key(key: str) -> Ballot:
    if not key:
        return ()
    separator = ">" if ">" in key else ","
    return tuple(int(part) for part in key.split(separator))


def all_single_keys(kind: str, options: int) -> Iterable[str]:
    """Keys to create up front, so that row creation order reveals nothing (single/consent)."""
    if kind in ("single", "consent"):
        return [str(option) for option in range(options)]
    return []
