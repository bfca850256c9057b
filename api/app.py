"""The application factory: `create_app(settings)` wires routers, guards and middleware.

Everything a running service holds lives on the application it builds: its settings, its
solver slots, the bodies it is receiving and its metrics (`app.state`). Two apps in one
process share nothing but the solver's block threads (`solver.runtime`), which the last
app built sizes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp

from api import problems
from api.encoding import RequestDecoding
from api.exporting import MEDIA_TYPES, ExportRequest
from api.guards import SolveSlots
from api.jobs import Job, JobAccepted, Jobs, JobSubmission
from api.limits import BodyLimit
from api.observe import Metrics, Observe, configure_logging
from api.openapi import for_clients, operation_id, with_request_bodies
from api.reading import BodyBuffers, ClientGone, gone
from api.routes import docs, export, health, intake, jobs, match, page, rematch, scenarios
from api.running import CollectorPaused, solve_threads
from api.settings import Settings
from api.writing import WriteTimeout
from solver import MatchRequest, RematchRequest, ScenarioRequest, runtime

CORS_HEADERS = [
    "Authorization",
    "Content-Type",
    "Content-Encoding",
    "Accept-Language",
    "X-Request-ID",
    "Idempotency-Key",
]


class Service(FastAPI):
    """FastAPI, with answers written under the write timeout by the outermost layer (outside
    even the error handler, so that it holds the server's own `send`), and the bodies the
    solving routes read themselves shown in the OpenAPI."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        return WriteTimeout(super().build_middleware_stack(), settings.write_timeout_s)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            bodies = (MatchRequest, ScenarioRequest, RematchRequest, ExportRequest, JobSubmission)
            secured = bool(self.state.settings.keys)
            schema = for_clients(with_request_bodies(super().openapi(), bodies), secured)
            answers = (Job, JobAccepted)  # what the job routes write themselves
            self.openapi_schema = with_request_bodies(schema, answers, "serialization")
        return self.openapi_schema


def _watch(app: FastAPI) -> None:
    """Gauges of what the service holds now: solver slots and bodies being received."""
    slots: SolveSlots = app.state.slots
    buffers: BodyBuffers = app.state.buffers
    metrics: Metrics = app.state.metrics
    metrics.gauge(
        "binome_solver_slots_busy",
        "Solver slots held, by the size of the requests holding them.",
        lambda: {'size="large"': slots.busy_large, 'size="small"': slots.busy - slots.busy_large},
    )
    metrics.gauge(
        "binome_bodies_receiving",
        "Request bodies being received, and their bytes.",
        lambda: {'unit="bodies"': buffers.bodies, 'unit="bytes"': buffers.bytes},
    )
    held: Jobs = app.state.jobs
    metrics.gauge("binome_jobs", "Jobs queued and running, and job workers alive.", held.gauges)
    metrics.gauge(
        "binome_job_seconds_total", "Seconds jobs ran, by kind and end.", lambda: _ran(held, 1)
    )
    metrics.gauge("binome_jobs_ended_total", "Jobs ended, by kind and end.", lambda: _ran(held, 0))


def _ran(held: Jobs, which: int) -> dict[str, float]:
    if not held.started:
        return {}
    found = held.backend.store.durations()
    return {f'kind="{k}",status="{s}"': v[which] for (k, s), v in sorted(found.items())}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    held: Jobs = app.state.jobs
    held.close()  # the embedded backend's workers stop, and the log says which jobs are lost


def _compressed(app: FastAPI, settings: Settings) -> None:
    """Compressed bodies both ways: requests inflated outside the body limit (what it counts
    is the body inflated, `api.encoding`), answers gzipped for clients that accept it (level
    4: a 43 MB answer in about 0.2 s), but for the workbook, a zip already."""
    app.add_middleware(RequestDecoding, limit=settings.max_body_bytes)
    excluded = (*DEFAULT_EXCLUDED_CONTENT_TYPES, MEDIA_TYPES["xlsx"])
    app.add_middleware(
        GZipMiddleware, minimum_size=1024, compresslevel=4, exclude_content_types=excluded
    )


def _cors(app: FastAPI, settings: Settings) -> None:
    """Cross-origin calls from the origins named, none by default."""
    if settings.origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=CORS_HEADERS,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service with these settings (default: from the BINOME_ environment, checked)."""
    settings = settings or Settings()
    configure_logging(settings.log_format)
    runtime.configure(block_threads=settings.block_threads)
    app = Service(
        title="binome",
        version="0.1.0",
        description="Optimisation-based mentor–mentee matching: provably optimal, fast, explained.",
        docs_url=None,  # served by api.routes.docs, from this host alone
        redoc_url=None,
        generate_unique_id_function=operation_id,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.slots = SolveSlots(
        settings.max_concurrent_solves, settings.small_solve_slots, settings.small_request_pairs
    )
    app.state.solve_threads = solve_threads(settings.max_concurrent_solves)
    app.state.buffers = BodyBuffers(settings.max_buffered_bodies, settings.max_buffered_bytes)
    app.state.metrics = Metrics()
    app.state.jobs = Jobs(settings)
    _watch(app)
    problems.install(app)
    app.add_exception_handler(ClientGone, gone)
    routers = (match, scenarios, rematch, jobs, intake, export, health, page, docs)
    for module in routers:
        app.include_router(module.router)
    app.mount(docs.ASSETS, docs.assets(), name="docs-assets")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    _compressed(app, settings)
    _cors(app, settings)
    app.add_middleware(CollectorPaused)  # until the answer is sent: see `CollectorPaused`
    # outermost but for the write timeout: every answer, refusals included, is logged and counted
    app.add_middleware(Observe, metrics=app.state.metrics)
    return app
