"""Engines: each solves an `Instance` (arcs, integer gains, capacities, priorities) and
returns a `Solution`. The min-cost flow is the core; CP-SAT and MIP model what breaks the
network; `conflicts` names rules that clash; `large/` solves pools too big to list as arcs."""
