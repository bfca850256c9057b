"""Pools too big to list every pair as an arc: candidates from the score matrix, flows on
them, and a proof over every pair read block by block (plain, fair, a priced or reduced
cross share; `arcs` for instances already given as arcs)."""
