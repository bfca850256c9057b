"""The ASGI application: `uvicorn api.main:app`."""

from __future__ import annotations

from fastapi import FastAPI

from api import match, problems, rematch, scenarios

app = FastAPI(
    title="binome",
    version="0.1.0",
    description="Optimisation-based mentor–mentee matching: provably optimal, fast, explained.",
)
problems.install(app)
app.include_router(match.router)
app.include_router(scenarios.router)
app.include_router(rematch.router)


@app.get("/healthz", tags=["health"])
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}
