"""The ASGI application: `uvicorn api.main:app`.

Settings are read (and checked) when the module loads: a nonsensical BINOME_ value stops
the service at start-up, naming the setting.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse

from api import match, problems, rematch, scenarios
from api.limits import BodyLimit
from api.observe import METRICS, Observe, configure_logging
from api.settings import get_settings

settings = get_settings()
configure_logging(settings.log_format)

app = FastAPI(
    title="binome",
    version="0.1.0",
    description="Optimisation-based mentor–mentee matching: provably optimal, fast, explained.",
)
problems.install(app)
app.include_router(match.router)
app.include_router(scenarios.router)
app.include_router(rematch.router)
app.add_middleware(BodyLimit)
if settings.origins:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
    )
app.add_middleware(Observe)  # outermost: every answer, refusals included, is logged and counted


@app.get("/healthz", tags=["health"])
def healthz() -> dict[str, str]:
    """Liveness: the process answers (no API key needed)."""
    return {"status": "ok"}


@app.get("/metrics", tags=["health"], response_class=PlainTextResponse)
def metrics() -> str:
    """Prometheus text format: requests by route and code, latency, solves, pool sizes."""
    return METRICS.render()
