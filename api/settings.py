"""Service settings, from the environment (prefix BINOME_), injected into the routes."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BINOME_")

    max_time_limit_s: float = Field(60.0, gt=0, le=3600, description="Clamp on time_limit_s.")
    solver_threads: int = Field(1, ge=1, le=64, description="CP-SAT workers per request.")
    scenario_workers: int = Field(2, ge=1, le=64, description="Variants solved at once.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
