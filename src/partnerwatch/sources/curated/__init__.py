"""The curated dataset: published figures transcribed per country, shipped in the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.curated.parse import parse_curated_folder

SOURCE = Source(
    name="curated",
    title="Curated published figures, incidents, timeline and legal annex",
    reads="a folder with dataset.toml, facts.csv, incidents.csv, timeline.csv, legal_instruments.csv"
    " and an optional narrative.md",
    tables=("facts", "incidents", "timeline", "legal_instruments", "narratives"),
    origin=Origin.from_package(__name__),
    parse=parse_curated_folder,
    reads_folders=True,
)


def bundled_folders() -> list[Path]:
    """The curated country folders shipped inside the package, in a stable order."""
    root = Path(str(resources.files("partnerwatch") / "data" / "curated"))
    return sorted(p for p in root.iterdir() if (p / "dataset.toml").is_file())


__all__ = ["SOURCE", "bundled_folders", "parse_curated_folder"]
