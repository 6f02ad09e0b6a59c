"""The layers keep to their rooms, read from the modules' own imports (ast): the pages
never import the API nor the API the pages; both stand on ``cupula.http``, which imports
neither; the domain imports none of the layers that serve it. And every ``/api/`` route
publishes the shape of its answer in ``/openapi.json``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cupula.app import create_app
from tests.api.test_api import db, log_in  # noqa: F401  (db: the fixture)

PACKAGE = Path(__file__).resolve().parents[2] / "cupula"
SERVING = ("cupula.api", "cupula.web", "cupula.http", "cupula.cli", "cupula.app")
# package -> the packages it must not import
RULES: dict[str, tuple[str, ...]] = {
    "cupula.web": ("cupula.api", "cupula.cli", "cupula.app"),
    "cupula.api": ("cupula.web", "cupula.cli", "cupula.app"),
    "cupula.http": ("cupula.api", "cupula.web", "cupula.cli", "cupula.app"),
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = PACKAGE) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports (absolute names; also inside functions)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = module_name(path, root).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package upwards
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield node.lineno, base
            for alias in node.names:  # `from cupula import api` imports cupula.api
                yield node.lineno, f"{base}.{alias.name}"


def within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def forbidden_for(module: str) -> tuple[str, ...]:
    for package, banned in RULES.items():
        if within(module, (package,)):
            return banned
    if within(module, SERVING):
        return ()  # cli and the factory may compose the layers
    return SERVING  # the domain


def breaches(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        banned = forbidden_for(module)
        for line, name in imported(path, root):
            if within(name, banned):
                found.append(f"{path.relative_to(root.parent)}:{line}: {module} imports {name}")
    return found


def test_no_layer_imports_what_it_must_not() -> None:
    assert breaches() == []


def test_the_check_finds_a_breach(tmp_path: Path) -> None:
    """The rule check itself can fail: a page that imports the API, a domain module that
    imports the HTTP plumbing (also relative and inside a function)."""
    for name, text in {
        "cupula/web/bad.py": "from cupula.api import models\n",
        "cupula/graph/bad.py": "def f():\n    from ..http import reads\n",
        "cupula/api/bad.py": "import cupula.web.pages\n",
        "cupula/http/bad.py": "from cupula import api\n",
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    found = {breach.split(":")[0] for breach in breaches(tmp_path / "cupula")}
    assert found == {"cupula/web/bad.py", "cupula/graph/bad.py", "cupula/api/bad.py",
                     "cupula/http/bad.py"}  # fmt: skip


@pytest.fixture
def openapi(db: str) -> dict[str, Any]:  # noqa: F811
    with TestClient(create_app(db)) as client:
        log_in(client, "ana", "ana-pass-1")  # the schema is for those who may use the API
        schema: dict[str, Any] = client.get("/openapi.json").json()
    return schema


def described(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """Whether a response schema names its fields (a model, or a list of them, or plain
    values), rather than 'any object'."""
    if "$ref" in schema:
        component = components[schema["$ref"].rsplit("/", 1)[1]]
        return bool(component.get("properties")) and all(
            described(p, components) or p.get("type") in ("string", "integer", "number", "boolean")
            for p in component["properties"].values()
            if "$ref" in p
        )
    if schema.get("type") == "array":
        return described(schema.get("items", {}), components)
    return schema.get("type") in ("string", "integer", "number", "boolean")


def test_every_api_route_documents_its_answer(openapi: dict[str, Any]) -> None:
    components = openapi["components"]["schemas"]
    routes = [
        (path, method, operation)
        for path, methods in openapi["paths"].items()
        if path.startswith("/api/")
        for method, operation in methods.items()
    ]
    assert len(routes) >= 13
    vague = []
    for path, method, operation in routes:
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        if not described(answer, components):
            vague.append(f"{method.upper()} {path}: {answer}")
        error = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Problem"}, (path, error)
    assert vague == []
    assert not any(p for p in openapi["paths"] if not p.startswith("/api/")), "pages are not API"
