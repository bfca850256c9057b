"""Service settings, from the environment (prefix BINOME_), injected into the routes.

`create_app(settings)` keeps one `Settings` on the application; routes read it through
the `get_settings` dependency, so a test builds an app with the settings it wants. A
nonsensical value (a limit of 0, an API key of 3 characters) stops the service at
start-up with the setting's name, rather than at the first request.
"""

from __future__ import annotations

import os

from fastapi import Request
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_KEY_LENGTH = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BINOME_")

    max_time_limit_s: float = Field(60.0, gt=0, le=3600, description="Clamp on time_limit_s.")
    solver_threads: int = Field(1, ge=1, le=64, description="CP-SAT workers per request.")
    block_threads: int = Field(
        max(1, min(2, os.cpu_count() or 1)),
        ge=1,
        le=64,
        description="Threads for the dense block loops of large pools (candidates, proof).",
    )
    retain_mb: int = Field(
        2048,
        ge=0,
        le=2**20,
        description="Freed memory the service process keeps for the next request, in MB, "
        "instead of handing it back to the system at once (0: the allocator's defaults; "
        "`api.memory`).",
    )
    scenario_workers: int = Field(2, ge=1, le=64, description="Variants solved at once.")
    max_body_bytes: int = Field(
        128 * 2**20,
        ge=1024,
        le=2**31,
        description="Else 413. The default takes a dense score matrix of 14.4 M pairs with 2 "
        "decimals (about 80 to 100 MB of JSON).",
    )
    max_unpacked_bytes: int = Field(
        64 * 2**20,
        ge=1024,
        le=2**34,
        description="Bytes an uploaded Excel workbook unpacks to (POST /v1/intake); beyond, 413.",
    )
    max_participants: int = Field(
        150_000,
        ge=2,
        le=1_000_000,
        description="Mentors + mentees (100,000 × 34,000 is 134,000: a plain compact request "
        "that size is read by blocks, its memory in docs/operations.md).",
    )
    max_candidate_pairs: int = Field(
        4_000_000_000, ge=1, le=2**40, description="Mentors × mentees."
    )
    max_request_memory_mb: float = Field(
        1536.0,
        ge=16,
        le=1_048_576,
        description="Estimated peak memory of one request's solve, above the process's own (a "
        "what-if: the solves it runs at once and what it keeps); beyond, 413.",
    )
    max_answer_mb: float = Field(
        64.0, ge=1, le=65_536, description="Estimated size of one answer's JSON; beyond, 413."
    )
    solve_seconds_per_million_pairs: float = Field(
        0.065,
        gt=0,
        le=1000,
        description="The flow's seconds per million usable pairs on this machine: the unit a "
        "what-if comparison's time is estimated in, against its time limit.",
    )
    max_concurrent_solves: int = Field(
        3,
        ge=1,
        le=256,
        description="Solver slots: solves running at once (a what-if call holds one per solve "
        "it runs at once), BINOME_SMALL_SOLVE_SLOTS of them for small requests only; beyond, "
        "503 with Retry-After.",
    )
    small_solve_slots: int = Field(
        1,
        ge=0,
        le=255,
        description="Of the solver slots, how many only small requests may take (so they "
        "never starve behind large ones); fewer than BINOME_MAX_CONCURRENT_SOLVES.",
    )
    small_request_pairs: int = Field(
        10_000, ge=1, le=2_000_000_000, description="Mentors × mentees of a small request."
    )
    retry_after_s: int = Field(2, ge=1, le=3600, description="Retry-After of a 503.")
    read_idle_timeout_s: float = Field(
        10.0, gt=0, le=3600, description="Longest wait for the next piece of a body; else 408."
    )
    read_timeout_s: float = Field(
        60.0, gt=0, le=3600, description="Longest time to receive a whole body; else 408."
    )
    write_timeout_s: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="Longest wait for a client to take the next piece of an answer; beyond, "
        "the connection is aborted.",
    )
    max_buffered_bodies: int = Field(
        16, ge=1, le=10_000, description="Bodies being received at once; beyond, 503."
    )
    max_buffered_bytes: int = Field(
        256 * 2**20,
        ge=1024,
        le=2**40,
        description="Bytes of the bodies being received at once; beyond, 503.",
    )
    api_keys: str = Field(
        "", description="Comma-separated; when set, /v1/* needs Authorization: Bearer <key>."
    )
    cors_origins: str = Field("", description="Comma-separated origins allowed; none by default.")
    log_format: str = Field("json", pattern="^(json|text)$")
    redis_url: str = Field(
        "",
        description="Jobs' queue and results in this Redis (`redis://host:6379/0`), taken by "
        "`binome worker` on any machine; empty: the service's own worker processes.",
    )
    job_workers: int = Field(
        2, ge=1, le=256, description="Worker processes of the embedded job backend."
    )
    job_ttl_s: float = Field(
        3600.0,
        gt=0,
        le=30 * 86400,
        description="A job, its request and its result are deleted this long after it was "
        "submitted (its request as soon as it ends); then 404.",
    )
    max_queued_jobs: int = Field(
        100, ge=1, le=1_000_000, description="Jobs waiting at most; beyond, 503 with Retry-After."
    )
    job_heartbeat_s: float = Field(
        1.0,
        gt=0,
        le=600,
        description="A running job's worker says it is alive this often; silent for three "
        "periods, it is lost: its job runs once more, or fails with `worker lost`.",
    )

    @field_validator("api_keys", "cors_origins")
    @classmethod
    def comma_separated(cls, value: str) -> str:
        return ",".join(part.strip() for part in value.split(",") if part.strip())

    @field_validator("api_keys")
    @classmethod
    def long_enough(cls, value: str) -> str:
        short = [key for key in value.split(",") if key and len(key) < MIN_KEY_LENGTH]
        if short:
            raise ValueError(f"API keys need at least {MIN_KEY_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def limits_that_can_be_met(self) -> Settings:
        if self.small_solve_slots >= self.max_concurrent_solves:
            raise ValueError(
                "small_solve_slots must be fewer than max_concurrent_solves "
                "(set BINOME_SMALL_SOLVE_SLOTS=0 for a single slot)"
            )
        if self.max_buffered_bytes < self.max_body_bytes:
            raise ValueError("max_buffered_bytes must be at least max_body_bytes")
        return self

    @property
    def keys(self) -> list[str]:
        return [key for key in self.api_keys.split(",") if key]

    @property
    def origins(self) -> list[str]:
        return [origin for origin in self.cors_origins.split(",") if origin]


def get_settings(request: Request) -> Settings:
    """The settings of the application serving this request (a route dependency)."""
    settings: Settings = request.app.state.settings
    return settings
