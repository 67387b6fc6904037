"""Views handle HTTP only (style.md §1): no page view is longer than about 25 lines; the work is in the
actions and queries they call."""

import ast
from pathlib import Path

import carnet

ROOT = Path(carnet.__file__).parent
LIMIT = 25


def _views():
    for path in sorted((ROOT / "web").rglob("*.py")):
        if "tests" in path.parts or "views" not in path.as_posix():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield path.relative_to(ROOT).as_posix(), node


def test_every_page_view_is_at_most_25_lines():
    long = [
        f"{path}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path, node in _views()
        if node.end_lineno - node.lineno + 1 > LIMIT
    ]
    assert long == []


def test_the_check_sees_the_views():
    names = {node.name for _path, node in _views()}
    assert {"access_settings", "card"} <= names
