"""`max_same_per_mentor` on one attribute in the proof of the large path: a mentee of value v
reaches mentor j through the node (j, v) of capacity `room(j, v)`, as in the flow
(`engines/flow.py`), so the potentials and the reduced costs see those nodes too.

Every (mentor, value) node exists in the proof, whether arcs reach it or not, numbered
after the source and the sink (n + m + 2 + j × width + v): the potentials of one round are
the start of the next, node for node. A pair (i, j) is then priced against π((j, v_i)),
not π(j) (a mentee without the attribute reaches j directly). Bellman–Ford gives each
node the highest potential its arcs allow; for the pairs no arc lists yet, the lowest is
the one that proves most, and any value between the two keeps every residual arc's reduced
cost nonnegative (`lowest`): at least π(j) while the node has room, at least
π(i) − gain(i, j) for each pair made through it, and nothing below otherwise, so that a
pair into a node without room (its pins fill it) never fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance
from solver.rules.program import MaxSamePerMentor

MOST_NODES = 4_000_000  # (mentor, value) nodes the proof holds at most: beyond, no proof


NEVER = -(2**61)  # the potential of a node no pair may enter: every pair into it is priced out


@dataclass(frozen=True)
class Rooms:
    """The (mentor, value) nodes of one max-same attribute: each mentee's value (-1: none)
    and the room each node has once pins are counted."""

    code: np.ndarray  # per mentee
    room: np.ndarray  # mentors × width

    @property
    def width(self) -> int:
        return self.room.shape[1]

    def node(self, n: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The node a pair arc enters: (j, v_i), or j itself when i has no value."""
        m = len(self.room)
        value = self.code[rows]
        return np.where(value >= 0, n + m + 2 + cols * self.width + value, n + cols)

    def load(self, assignment: np.ndarray) -> np.ndarray:
        """Mentees placed through each node (mentors × width)."""
        made = np.nonzero((assignment >= 0) & (self.code >= 0))[0]
        flat = assignment[made] * self.width + self.code[made]
        return np.bincount(flat, minlength=self.room.size).reshape(self.room.shape)

    def residual(self, n: int, assignment: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tails, heads, costs) of the node → mentor arcs in the residual graph: forward
        while the node has room, backward while a mentee goes through it; cost 0."""
        m = len(self.room)
        load = self.load(assignment).ravel()
        nodes = n + m + 2 + np.arange(self.room.size)
        mentors = n + np.repeat(np.arange(m), self.width)
        room, busy = load < self.room.ravel(), load > 0
        tails = np.concatenate([nodes[room], mentors[busy]])
        heads = np.concatenate([mentors[room], nodes[busy]])
        return tails, heads, np.zeros(len(tails), dtype=np.int64)

    def lowest(
        self, distance: np.ndarray, n: int, assignment: np.ndarray, made_gain: np.ndarray
    ) -> np.ndarray:
        """The lowest potential of each node (mentors × width) that keeps the residual arcs
        at a nonnegative reduced cost, given Bellman–Ford's `distance` and the gain of each
        pair made (per mentee; pairs made are the only arcs that bound a node from below
        besides its arc to the mentor). NEVER for a node without room or pair."""
        m = len(self.room)
        mentor = distance[n : n + m]
        load = self.load(assignment)
        low = np.where(load < self.room, mentor[:, None], NEVER).astype(np.int64).ravel()
        made = np.nonzero((assignment >= 0) & (self.code >= 0))[0]
        flat = assignment[made] * self.width + self.code[made]
        np.maximum.at(low, flat, distance[made] - made_gain[made])
        fixpoint = distance[n + m + 2 : n + m + 2 + self.room.size]
        return np.minimum(low, fixpoint).reshape(self.room.shape)


def rooms_of(inst: Instance) -> Rooms | None:
    """The nodes of the instance's max-same rule (one attribute), or None without one."""
    if not inst.has(MaxSamePerMentor):
        return None
    [same] = inst.all(MaxSamePerMentor)
    width = int(same.value.max(initial=-1)) + 1
    room = np.full((inst.n_mentors, max(width, 1)), same.k, dtype=np.int64)
    for (j, v), pinned in same.pinned.items():
        room[j, v] -= pinned
    return Rooms(same.value, np.maximum(room, 0))


def fits(same: MaxSamePerMentor, mentors: int) -> bool:
    """Whether the proof can hold a node per (mentor, value) of this rule."""
    return mentors * (int(same.value.max(initial=-1)) + 1) <= MOST_NODES


@dataclass(frozen=True)
class Entry:
    """What entering its mentor costs a pair in the proof: π(j), or through its room,
    π((j, v_i))."""

    mentor: np.ndarray
    table: np.ndarray | None = None  # mentors × (width + 1): the rooms, then the mentor
    column: np.ndarray | None = None  # per mentee: its value, or width when it has none

    def of(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The potential each pair of rows × columns enters (broadcast to that shape)."""
        if self.table is None or self.column is None:
            return self.mentor[columns][None, :]
        return self.table[columns[None, :], self.column[rows][:, None]]


def entry(
    distance: np.ndarray,
    shape: tuple[int, int],
    rooms: Rooms | None,
    assignment: np.ndarray,
    made_gain: np.ndarray,
    exact: bool,
) -> Entry:
    """The potentials pairs enter (mentees × mentors: `shape`), as float64 when `exact`
    (differences exact), else int64; `made_gain`: the gain of each mentee's pair made."""
    kind = np.float64 if exact else np.int64
    n, m = shape
    mentor = distance[n : n + m].astype(kind)
    if rooms is None:
        return Entry(mentor)
    table = np.column_stack([rooms.lowest(distance, n, assignment, made_gain), mentor])
    column = np.where(rooms.code >= 0, rooms.code, rooms.width)
    return Entry(mentor, table.astype(kind), column)
