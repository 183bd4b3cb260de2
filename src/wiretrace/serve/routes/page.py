"""The web page at ``/``, its favicon and its static files (nothing else is served)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import Response

from wiretrace.report.html import asset_text
from wiretrace.serve.inputs import ApiError

router = APIRouter(include_in_schema=False)

# The page's files: URL name -> (package, path inside it, media type). Nothing else is served.
STATIC_FILES = {
    "report.js": ("wiretrace.report", "assets/report.js", "text/javascript"),
    "report.css": ("wiretrace.report", "assets/report.css", "text/css"),
    "app.js": ("wiretrace.serve", "static/app.js", "text/javascript"),
    "page.css": ("wiretrace.serve", "static/page.css", "text/css"),
    "library.js": ("wiretrace.serve", "static/library.js", "text/javascript"),
    "library.css": ("wiretrace.serve", "static/library.css", "text/css"),
}


@router.get("/")
async def page() -> Response:
    text = resources.files("wiretrace.serve").joinpath("static", "index.html")
    return Response(text.read_text("utf-8"), media_type="text/html; charset=utf-8")


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(status_code=204)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    entry = STATIC_FILES.get(name)
    if entry is None:
        raise ApiError(404, "not_found", f"no static file {name!r}")
    package, path, kind = entry
    if package == "wiretrace.report":
        content = asset_text(path.split("/", 1)[1])
    else:
        content = resources.files(package).joinpath(*path.split("/")).read_text("utf-8")
    return Response(content, media_type=f"{kind}; charset=utf-8")
