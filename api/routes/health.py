"""Liveness and metrics: open without an API key, answered on the event loop itself (no
worker thread to wait for), so they answer whatever the load."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from api.answer_examples import METRICS_TEXT

router = APIRouter(tags=["health"])
OK = {"status": "ok"}


class Health(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok`: the process answers.", examples=["ok"])


@router.get("/healthz", responses={200: {"content": {"application/json": {"example": OK}}}})
async def healthz() -> Health:
    """Liveness: the process answers (no API key needed); HEAD too, for load balancers."""
    return Health(status="ok")


# HEAD, as GET without the body (a route of its own: one route with two methods would give
# both operations one operationId, and HEAD of a GET needs no page of its own)
router.head("/healthz", include_in_schema=False)(healthz)


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"example": METRICS_TEXT}}}},
)
async def metrics(request: Request) -> str:
    """Prometheus text format: requests by route and code, latency, solves, pool sizes, and
    gauges of what the service holds now."""
    return str(request.app.state.metrics.render())
