"""The reported gap stays honest whatever the sign of the totals: caller scores may be
negative, and a bound at or below 0 must not read as a proof (it used to report 0)."""

import pytest

from solver.answer.respond import relative_gap


@pytest.mark.parametrize(
    ("objective", "bound", "gap"),
    [
        (40.0, 50.0, 0.2),  # the usual (bound − objective) / bound
        (50.0, 50.0, 0.0),
        (-10.0, -5.0, 0.5),  # both negative: 5 missing out of 10
        (-10.0, 0.0, 1.0),  # bound 0: nothing known to be reachable, everything missing
        (-3.0, 1.0, 1.0),  # mixed signs: the difference is the scale
        (0.0, 2.0, 1.0),
        (-2.0, -2.0, 0.0),
    ],
)
def test_gap_is_relative_to_the_larger_total(objective, bound, gap):
    assert relative_gap(objective, bound) == pytest.approx(gap)


def test_gap_is_never_zero_while_the_bound_is_above_the_objective():
    for objective, bound in [(-1e-3, 0.0), (-100.0, -99.0), (-1.0, 1e-9)]:
        assert 0.0 < relative_gap(objective, bound) <= 1.0
