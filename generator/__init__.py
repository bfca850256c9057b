"""Seeded, realistic participant pools: the bundled example and benchmark inputs."""

from generator.pools import example_pool, generate_pool

__all__ = ["example_pool", "generate_pool"]
