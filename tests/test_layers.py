"""The arrows point one way: lower layers never import higher ones (see CONVENTIONS.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "partnerwatch"
# layer -> packages it must not import
FORBIDDEN = {
    "sources": (
        "partnerwatch.store",
        "partnerwatch.ingest",
        "partnerwatch.figures",
        "partnerwatch.publish",
        "partnerwatch.web",
        "partnerwatch.cli",
    ),
    "store": (
        "partnerwatch.sources",
        "partnerwatch.ingest",
        "partnerwatch.figures",
        "partnerwatch.publish",
        "partnerwatch.web",
        "partnerwatch.cli",
    ),
    "figures": (
        "partnerwatch.sources",
        "partnerwatch.ingest",
        "partnerwatch.publish",
        "partnerwatch.web",
        "partnerwatch.cli",
    ),
    "publish": ("partnerwatch.web", "partnerwatch.cli", "partnerwatch.ingest"),
    "web": ("partnerwatch.cli", "partnerwatch.ingest"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_layer_imports_a_higher_one() -> None:
    wrong = []
    for layer, forbidden in FORBIDDEN.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for module in _imports(path):
                if module.startswith(forbidden):
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert wrong == []
