"""A request as arrays: the pool, every pair's score and eligibility (`Problem`), and what an
engine solves (`Instance`: arcs with integer gains; `quantise` is the one place a score
becomes an integer)."""
