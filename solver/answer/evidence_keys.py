"""Which pairs must share a reason, found with numpy: the explanations' keys for all pairs
of a response at once, instead of one Python tuple and one dictionary lookup per pair
and criterion (41,000 pairs × 8 criteria at 10,000 × 3,400).

A criterion's reason depends only on its key (`solver.answer.explain`): the codes of the
two fields it reads, or for a list field the items the two share (as the mentee wrote
them, in the mentee's order) and what it reads of the counts. Here each pair gets a key
made of integers that is equal for two pairs only when those keys are equal (a
refinement: pairs it separates may still turn out equal, never the other way round), and
`groups` numbers the distinct ones; the explainer then works out one reason per group.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from solver.rules.criteria import CountsRead

INT64_ROOM = 2**62  # a list's code stays below this, far from int64's overflow


def groups(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For rows keyed by equal-length integer columns: the first row of each distinct key
    (in order of first appearance) and each row's group, an index into those firsts."""
    size = len(columns[0])
    if size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    order = np.lexsort(tuple(reversed(columns)))  # by the first column, then the next...
    changed = np.zeros(size, dtype=bool)
    changed[0] = True
    for column in columns:
        ordered = column[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(changed)
    sorted_group = np.cumsum(changed) - 1
    first = order[starts]  # the group's earliest row: lexsort is stable
    by_appearance = np.argsort(first, kind="stable")
    rank = np.empty_like(by_appearance)
    rank[by_appearance] = np.arange(len(by_appearance))
    inverse = np.empty(size, dtype=np.intp)
    inverse[order] = rank[sorted_group]
    return first[by_appearance], inverse


def groups_of_keys(keys: Sequence[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    """`groups` for keys that are Python objects (the criteria's own `key`, and lists too
    long for an integer code): a dictionary, one lookup a pair."""
    index: dict[Hashable, int] = {}
    first: list[int] = []
    inverse = np.empty(len(keys), dtype=np.intp)
    for row, key in enumerate(keys):
        found = index.get(key)
        if found is None:
            found = index[key] = len(first)
            first.append(row)
        inverse[row] = found
    return np.asarray(first, dtype=np.intp), inverse


def as_int64(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


class ItemCodes:
    """One list criterion's items as integers: each mentee's items (their forms, for what
    the mentor also lists, and their spellings, for the key) in the mentee's order, each
    mentor's forms as a row of flags, and how many each lists."""

    def __init__(
        self, mine: list[dict[str, str]], theirs: list[dict[str, str]], read: CountsRead
    ) -> None:
        forms: dict[str, int] = {}
        spellings: dict[str, int] = {}
        width = max(max((len(items) for items in mine), default=0), 1)
        distinct: dict[int, int] = {}  # equal lists are one dict: each is coded once
        which = [distinct.setdefault(id(items), len(distinct)) for items in mine]
        form_rows, spelling_rows = [], []
        for items in {id(items): items for items in mine}.values():
            pad = [-1] * (width - len(items))
            form_rows.append([forms.setdefault(form, len(forms)) for form in items] + pad)
            spelling_rows.append(
                [spellings.setdefault(text, len(spellings)) + 1 for text in items.values()] + pad
            )
        self.form = np.asarray(form_rows, dtype=np.int64).reshape(-1, width)[which]
        self.spelling = np.asarray(spelling_rows, dtype=np.int64).reshape(-1, width)[which]
        listed = [
            (j, forms[form]) for j, items in enumerate(theirs) for form in items if form in forms
        ]
        self.listed = np.zeros((len(theirs), len(forms) + 1), dtype=bool)  # last: no item
        if listed:
            at = np.asarray(listed, dtype=np.intp)
            self.listed[at[:, 0], at[:, 1]] = True
        self.form[self.form < 0] = len(forms)
        self.base = len(spellings) + 1
        self.counts = (as_int64([len(found) for found in mine]), as_int64([len(t) for t in theirs]))
        self.read = read

    def keys(self, rows: np.ndarray, cols: np.ndarray) -> list[np.ndarray] | None:
        """Per pair: a code of the shared items' spellings in the mentee's order, and which
        value `read` gives the counts; None when the code would not fit in an int64."""
        shared = self.listed[cols[:, None], self.form[rows]]
        most = int(shared.sum(axis=1).max(initial=0))
        if self.base**most >= INT64_ROOM:
            return None
        code = np.zeros(len(rows), dtype=np.int64)
        spelling = self.spelling[rows]
        for k in range(shared.shape[1]):
            code = np.where(shared[:, k], code * self.base + spelling[:, k], code)
        mine, theirs = self.counts[0][rows], self.counts[1][cols]
        wide = int(theirs.max(initial=0)) + 1
        pair_counts, inverse = np.unique(mine * wide + theirs, return_inverse=True)
        values: dict[Hashable, int] = {}
        said = [
            values.setdefault(self.read(int(c) // wide, int(c) % wide), len(values))  # type: ignore[arg-type]
            for c in pair_counts.tolist()
        ]
        return [code, as_int64(said)[inverse.reshape(-1)]]
