"""The documentation page, served from this host alone: Swagger UI at /docs, its script and
style from the `fastapi-offline` package installed with the service (mounted at `ASSETS`),
and an icon of our own at /favicon.ico. A browser showing it asks no other host for
anything, so it works offline and behind a closed proxy. There is no /redoc: ReDoc's page
fetches its logo from its vendor's host, whatever its options.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

router = APIRouter(include_in_schema=False)

ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<circle cx="12" cy="16" r="9" fill="#2f6f8f"/>'
    '<circle cx="20" cy="16" r="9" fill="#e39b2d" fill-opacity="0.85"/></svg>'
)


class Assets(StaticFiles):
    """Swagger UI's files, as the installed package holds them; counted in the log and in
    /metrics under the route `ASSETS` (a mount is no route of its own: `unmatched` else)."""

    path = ASSETS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = self
        await super().__call__(scope, receive, send)


def assets() -> Assets:
    return Assets(directory=str(files("fastapi_offline") / "static"))


def _openapi_url(http: Request) -> str:
    return str(http.app.openapi_url or "/openapi.json")


@router.get("/docs")
async def swagger_ui(http: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=_openapi_url(http),
        title=f"{http.app.title} — API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url="/favicon.ico",
        oauth2_redirect_url=OAUTH2_REDIRECT,
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from swagger.io
    )


@router.get(OAUTH2_REDIRECT)
async def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/favicon.ico")
async def favicon() -> Response:
    """binome's icon (two overlapping circles), so that browsers find one."""
    headers = {"Cache-Control": "public, max-age=86400"}
    return Response(FAVICON_SVG, media_type="image/svg+xml", headers=headers)
