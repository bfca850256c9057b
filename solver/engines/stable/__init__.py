"""Stable matchings: deferred acceptance from both sides, then the best stable matching."""
