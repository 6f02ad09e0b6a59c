"""Files the pages load: our own scripts (``static/``) and the front-end libraries that
``scripts/setup.sh`` installs from npm with the lock file (``assets/node_modules``, never
committed). Only the files named here are served; nothing comes from a CDN, and the
pages' Content-Security-Policy forbids any other origin."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response

HERE = Path(__file__).parent
STATIC = HERE / "static"
NODE_MODULES = HERE / "assets" / "node_modules"
VENDOR = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "d3.min.js": "d3/dist/d3.min.js",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "countries-110m.json": "world-atlas/countries-110m.json",
}
OWN = {"network.js", "money.js"}
MISSING = "front-end libraries are not installed: run `bash scripts/setup.sh` (needs npm)"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


def vendor_ready() -> bool:
    return all((NODE_MODULES / path).is_file() for path in VENDOR.values())


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """ISO 3166 alpha-2 (lower case, as FtM writes countries) → numeric, the ids of the
    world-atlas shapes; from the world-countries package."""
    rows = json.loads((NODE_MODULES / "world-countries" / "countries.json").read_text("utf-8"))
    return {row["cca2"].lower(): row["ccn3"] for row in rows if row.get("ccn3")}


router = APIRouter(include_in_schema=False)


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in OWN:
        return JSONResponse({"error": "NotFound", "detail": name}, status_code=404)
    return FileResponse(STATIC / name, headers={"Cache-Control": "no-cache"})


@router.get("/vendor/{name}")
def vendor(name: str) -> Response:
    if name == "country-codes.json" and (NODE_MODULES / "world-countries").is_dir():
        return JSONResponse(country_codes(), headers={"Cache-Control": "max-age=86400"})
    path = NODE_MODULES / VENDOR[name] if name in VENDOR else None
    if path is None or not path.is_file():
        return JSONResponse({"error": "NotFound", "detail": MISSING}, status_code=404)
    return FileResponse(path, headers={"Cache-Control": "max-age=86400"})
