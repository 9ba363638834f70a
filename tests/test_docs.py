"""Docs that cannot drift: each command, error code, source and table must be documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerwatch.cli import app
from partnerwatch.errors import ERROR_CODES
from partnerwatch.sources import REGISTRY
from partnerwatch.store import DATA_TABLES, REFERENCE_TABLES
from partnerwatch.store.schema import DERIVED_TABLES

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


@pytest.mark.parametrize("table", [*DATA_TABLES, *REFERENCE_TABLES, *DERIVED_TABLES])
def test_every_table_is_documented(table: str) -> None:
    assert f"### `{table}`" in (DOCS / "store.md").read_text(encoding="utf-8")


def test_the_readme_two_commands_are_what_ci_runs() -> None:
    """Two commands, each one line, run verbatim by CI; CI installs only what the README names."""
    root = DOCS.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    part = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("\n", 1)[1].strip() for b in part.split("```")[1::2]]
    assert len(blocks) == 2 and all("\n" not in b for b in blocks), blocks
    install, test = blocks
    assert "pytest" in test and "factsheet" in install
    ci_lines = [line.strip() for line in ci.splitlines()]
    assert install in ci_lines and test in ci_lines
    assert ci_lines[-1] == test
    assert "apt-get" not in ci and "pip install" not in ci.replace(install, "").replace(test, "")
    assert "scripts/install-system-packages --test" in readme
