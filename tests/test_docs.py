"""Docs that cannot drift: each command, error code, source and table must be documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerwatch.cli import app
from partnerwatch.errors import ERROR_CODES
from partnerwatch.sources import REGISTRY
from partnerwatch.store import DATA_TABLES, REFERENCE_TABLES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands() -> list[str]:
    return sorted(c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_documented(command: str) -> None:
    assert f"## `partnerwatch {command}" in (DOCS / "cli.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_error_code_is_documented(code: str) -> None:
    assert f"| `{code}` |" in (DOCS / "errors.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("source", sorted(REGISTRY))
def test_every_source_has_a_page(source: str) -> None:
    assert (DOCS / "sources" / f"{source}.md").is_file()


@pytest.mark.parametrize("table", [*DATA_TABLES, *REFERENCE_TABLES])
def test_every_table_is_documented(table: str) -> None:
    assert f"### `{table}`" in (DOCS / "store.md").read_text(encoding="utf-8")


def test_readme_test_command_is_what_ci_runs() -> None:
    root = DOCS.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line.strip() for line in readme.splitlines() if line.strip().startswith("python -m pytest"))
    assert command in ci
