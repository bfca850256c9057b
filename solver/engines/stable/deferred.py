"""Deferred acceptance (Gale and Shapley) from each side, in rounds over numpy arrays.

Mentees proposing give the mentee-optimal stable matching, mentors proposing the
mentor-optimal one; with strict orders, every stable matching lies between them
(`bracket.py`). Each round, every free proposer proposes to the next in their order
at once (a mentor to as many as it has places free), and each receiver keeps the
best it has been offered: the outcome does not depend on the order of proposals.
Orders are read from the score matrix a few dozen at a time (`orders.next_best`),
never sorted whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.engines.stable.orders import NEVER, Orders, next_best

FIRST = 64  # how much of each proposer's order is read at first
MORE = 256  # how much more is read when a proposer has used it up
WINDOW = 16  # how far ahead in their order a proposer looks for someone who would accept


@dataclass
class _Lists:
    """Each proposer's stretch of their order read so far (`count` of them; `complete`
    when it reaches the order's end) and how far they are through it."""

    ids: np.ndarray
    keys: np.ndarray
    count: np.ndarray
    complete: np.ndarray
    at: np.ndarray

    def _refill(self, people: np.ndarray, keys_of: object) -> None:
        worn = people[(self.at[people] >= self.count[people]) & ~self.complete[people]]
        if len(worn):
            last = self.keys[worn, self.count[worn] - 1]
            self.ids[worn], self.keys[worn] = next_best(keys_of, worn, last, MORE)
            self.count[worn] = (self.ids[worn] >= 0).sum(axis=1)
            self.complete[worn] = self.count[worn] < MORE
            self.at[worn] = 0

    def next_taken(
        self, people: np.ndarray, keys_of: object, key_for: object, bar: np.ndarray
    ) -> np.ndarray:
        """Each person's next one in their order who would hold them now: whose key for them
        (`key_for(people, others)`) is below `bar` (the key of the worst they hold when full,
        NEVER with room); -1 when nobody left would. Those passed over would refuse them now
        and later (a receiver's bar only falls), so skipping them changes no outcome."""
        found = np.full(len(people), -1, dtype=np.int64)
        todo = np.arange(len(people))
        steps = np.arange(WINDOW)[None, :]
        while len(todo):
            who = people[todo]
            self._refill(who, keys_of)
            at, count = self.at[who][:, None] + steps, self.count[who][:, None]
            seen = at < count
            other = np.where(seen, self.ids[who[:, None], np.minimum(at, MORE - 1)], -1)
            takes = np.zeros(seen.shape, dtype=bool)
            mine = np.broadcast_to(who[:, None], seen.shape)
            takes[seen] = key_for(mine[seen], other[seen]) < bar[other[seen]]  # type: ignore[operator]
            has, first = takes.any(axis=1), takes.argmax(axis=1)
            found[todo[has]] = other[has, first[has]]
            self.at[who] += np.where(has, first + 1, seen.sum(axis=1))
            left = ~has & ~(self.complete[who] & (self.at[who] >= self.count[who]))
            todo = todo[left]
        return found


def _lists(
    people: int, keys_of: object, best: tuple[np.ndarray, np.ndarray] | None = None
) -> _Lists:
    """Everyone's first stretch: `best` when read already, else from `keys_of`."""
    everyone = np.arange(people, dtype=np.int64)
    if best is None:
        best = next_best(keys_of, everyone, np.full(people, -1, dtype=np.int64), FIRST)
    first, first_keys = best
    ids = np.full((people, MORE), -1, dtype=np.int64)
    keys = np.full((people, MORE), NEVER, dtype=np.int64)
    ids[:, :FIRST], keys[:, :FIRST] = first, first_keys
    count = (first >= 0).sum(axis=1)
    return _Lists(ids, keys, count, count < FIRST, np.zeros(people, dtype=np.int64))


class _Held:
    """What each receiver holds: up to its room of proposers, best first, with its keys."""

    def __init__(self, room: np.ndarray) -> None:
        width = max(int(room.max(initial=0)), 1)
        self.room = room
        self.ids = np.full((len(room), width), -1, dtype=np.int64)
        self.keys = np.full((len(room), width), NEVER, dtype=np.int64)

    def offer(self, who: np.ndarray, by: np.ndarray, key: np.ndarray) -> np.ndarray:
        """Receivers `who` are offered proposers `by` (their key `key`); each keeps its room's
        best of what it held and what it is offered. Returns the proposers let go."""
        touched = np.unique(who)
        width = self.ids.shape[1]
        ids, keys = self.ids[touched].ravel(), self.keys[touched].ravel()
        present = ids >= 0
        receiver = np.concatenate([np.repeat(touched, width)[present], who])
        proposer = np.concatenate([ids[present], by])
        keys = np.concatenate([keys[present], key])
        order = np.lexsort((keys, receiver))
        receiver, proposer, keys = receiver[order], proposer[order], keys[order]
        rank = _nth_of_each(receiver)
        kept = rank < self.room[receiver]
        self.ids[touched], self.keys[touched] = -1, NEVER
        self.ids[receiver[kept], rank[kept]] = proposer[kept]
        self.keys[receiver[kept], rank[kept]] = keys[kept]
        return proposer[~kept]

    def bar(self) -> np.ndarray:
        """Per receiver, the key an offer must beat to be held: its worst held when full."""
        room = np.minimum(self.room, self.ids.shape[1]) - 1
        full = self.room > 0
        worst = np.full(len(self.room), NEVER, dtype=np.int64)
        worst[full] = self.keys[np.nonzero(full)[0], room[full]]
        return worst

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(receiver, proposer) of everything held."""
        receiver, slot = np.nonzero(self.ids >= 0)
        return receiver.astype(np.int64), self.ids[receiver, slot]


def mentees_propose(orders: Orders) -> np.ndarray:
    """The mentee-optimal stable matching: each mentee's mentor, -1 for none."""
    n, m = orders.shape
    lists = _lists(n, orders.mentee_rows)
    held = _Held(orders.usable.capacity.astype(np.int64))
    free = np.arange(n, dtype=np.int64)
    while len(free):
        mentors = lists.next_taken(free, orders.mentee_rows, orders.mentor_key, held.bar())
        free, mentors = free[mentors >= 0], mentors[mentors >= 0]
        free = held.offer(mentors, free, orders.mentor_key(free, mentors))
    mentors, mentees = held.pairs()
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[mentees] = mentors
    return assignment


def mentors_propose(orders: Orders) -> np.ndarray:
    """The mentor-optimal stable matching: each mentee's mentor, -1 for none."""
    n, m = orders.shape
    lists = _lists(m, orders.mentor_rows, orders.mentors_best(FIRST))
    held = _Held(np.ones(n, dtype=np.int64))
    ended = lists.count == 0

    def by_mentee(mentors: np.ndarray, mentees: np.ndarray) -> np.ndarray:
        return orders.mentee_key(mentees, mentors)

    while True:
        load = np.bincount(held.ids[held.ids >= 0], minlength=m)
        wanting = np.where(ended, 0, orders.usable.capacity - load)
        if not (wanting > 0).any():
            break
        mentors = np.repeat(np.arange(m, dtype=np.int64), wanting)
        mentees, nth = np.full(len(mentors), -1, dtype=np.int64), _nth_of_each(mentors)
        for step in range(int(wanting.max())):  # at most a mentor's places
            now = np.nonzero(nth == step)[0]
            bar = held.bar()
            mentees[now] = lists.next_taken(mentors[now], orders.mentor_rows, by_mentee, bar)
        ok = mentees >= 0
        ended[mentors[~ok]] = True
        mentees, mentors = mentees[ok], mentors[ok]
        held.offer(mentees, mentors, orders.mentee_key(mentees, mentors))
    mentees, mentors = held.pairs()
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[mentees] = mentors
    return assignment


def _nth_of_each(values: np.ndarray) -> np.ndarray:
    """For each entry of a sorted array, how many equal entries come before it."""
    return np.arange(len(values)) - np.searchsorted(values, values, side="left")


__all__ = ["NEVER", "mentees_propose", "mentors_propose"]
