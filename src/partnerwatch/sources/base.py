"""What every source is: its origin record and the parse step it offers.

A source turns the bytes of one file into canonical rows and knows nothing of
the store (CONVENTIONS.md: ``sources`` never import ``store``). Each source
package holds the same files: ``origin.toml`` (producer, citation, licence,
URL), ``parse.py`` (bytes to rows) and, where the producer serves the data
over the network, ``fetch.py``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyarrow as pa

from partnerwatch.errors import DataError


@dataclass(frozen=True)
class Origin:
    """Who made the data and how to cite it; copied onto every snapshot."""

    producer: str
    citation: str
    licence: str
    url: str
    description: str = ""

    @classmethod
    def from_package(cls, package: str) -> Origin:
        text = (resources.files(package) / "origin.toml").read_text(encoding="utf-8")
        data = tomllib.loads(text)
        return cls(
            producer=data["producer"],
            citation=data["citation"],
            licence=data["licence"],
            url=data["url"],
            description=data.get("description", ""),
        )


@dataclass
class ParsedFile:
    """The rows one file yields, by canonical table, plus what the file says of itself.

    ``scope`` names what a newer snapshot of the same source replaces: the SIPRI
    register is a full dump (scope ``all``), the curated dataset is per country.
    """

    tables: dict[str, pa.Table]
    scope: str = "all"
    streams: dict[str, Iterator[pa.RecordBatch]] = field(default_factory=dict)
    """Tables too large for memory: blocks of rows, produced (and checked) while the store appends them."""
    release: str = ""
    notes: str = ""
    warnings: list[str] = field(default_factory=list)
    origin: Origin | None = None
    """Who made this file, when the source itself cannot say (an analyst's table names it in its mapping)."""
    mismatches: list[DataError] = field(default_factory=list)
    """Reconciliation failures: the file is refused unless the user accepts them."""

    @property
    def rows(self) -> int:
        return sum(t.num_rows for t in self.tables.values())


class ReadAgain(Exception):
    """Raised by a block stream that met something only its source's row-by-row reader settles.

    It carries that reader's result for the same file (had the file an error,
    that reader raised it instead, with its row and field). Streams are
    consumed before the store's transaction begins, so the loader simply
    loads ``parsed`` instead.
    """

    def __init__(self, parsed: ParsedFile) -> None:
        super().__init__("read the file again row by row")
        self.parsed = parsed


ProgressCallback = Callable[[int], None]
"""Called by parsers with the number of bytes (or units) done since the last call."""


@dataclass(frozen=True)
class Source:
    """A registry entry: a name the CLI accepts and the function that parses its files."""

    name: str
    title: str
    reads: str
    tables: tuple[str, ...]
    origin: Origin
    parse: Callable[[Path, ProgressCallback | None], ParsedFile]
    reads_folders: bool = False
    """Whether an input is a folder (the curated dataset) rather than one file."""
    parallel: bool = False
    """Whether several files can be parsed at once in worker processes (its parse returns whole tables)."""
