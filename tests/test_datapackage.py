"""``export --all``: every canonical table in one file each, described and hashed in datapackage.json."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from partnerwatch.datapackage import export_package, read_package
from partnerwatch.errors import PartnerWatchError
from partnerwatch.export import exportable_tables
from partnerwatch.ingest import ingest, load_bundled
from tests.conftest import table_snapshot
from tests.test_cli import run

DATA = Path(__file__).parent / "data"


def test_the_package_describes_every_table_with_its_sources(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_bundled(store)
    ingest(store, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    descriptor = export_package(store, tmp_path)
    counts = table_snapshot(store)
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert list(resources) == list(exportable_tables())
    for name, resource in resources.items():
        path = tmp_path / resource["path"]
        assert resource["rows"] == counts[name] == pq.read_metadata(path).num_rows
        assert resource["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        assert [f["name"] for f in resource["schema"]["fields"]] == pq.read_schema(path).names
    transfers = resources["arms_transfers"]
    assert [s["snapshot_id"] for s in transfers["sources"]] == [2]
    assert transfers["sources"][0]["title"].startswith("SIPRI Arms Transfers Database")
    assert "non-commercial" in transfers["licenses"][0]["title"]
    types = {f["name"]: f["type"] for f in transfers["schema"]["fields"]}
    assert (types["delivery_years"], types["tiv_delivered"], types["order_year"]) == ("array", "number", "integer")
    assert json.loads((tmp_path / "datapackage.json").read_text())["resources"] == descriptor["resources"]
    assert not list(tmp_path.glob(".*partial"))
    assert set(read_package(tmp_path)) == set(exportable_tables())
    # A package an earlier release wrote, before snapshot_revisions existed, is still read.
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "snapshot_revisions"]
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / resources["snapshot_revisions"]["path"]).unlink()
    assert set(read_package(tmp_path)) == set(exportable_tables()) - {"snapshot_revisions"}


def test_csv_packages_flatten_lists(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ingest(store, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    export_package(store, tmp_path, "csv")
    with (tmp_path / "arms_transfers.csv").open(encoding="utf-8") as fh:
        years = [r["delivery_years"] for r in csv.DictReader(fh)]
    assert any(";" in y for y in years)


def test_a_folder_that_is_not_a_package(tmp_path: Path) -> None:
    with pytest.raises(PartnerWatchError, match="not-this-format"):
        read_package(tmp_path)
    (tmp_path / "datapackage.json").write_text('{"resources": [{"name": "facts", "path": "facts.parquet"}]}')
    with pytest.raises(PartnerWatchError, match="missing-value: the export has no Parquet file for assistance"):
        read_package(tmp_path)


def test_export_all_from_the_command_line(home: Path, tmp_path: Path) -> None:
    result = run("export", "--all", str(tmp_path / "pkg"), home=home)
    assert result.returncode == 0, result.stderr
    assert "Wrote 25 tables" in result.stderr and (tmp_path / "pkg" / "facts.parquet").is_file()
    refused = run("export", "--all", str(tmp_path / "pkg"), "--format", "json", home=home)
    assert refused.returncode == 2 and "bad-value: --all writes parquet or csv, not 'json'" in refused.stderr
    figures = run("figures", "MLI", "--json", "--data", str(tmp_path / "pkg"), home=home)
    assert figures.returncode == 0, figures.stderr
    assert any(f["id"] == "mli-sa-total-21y" for f in json.loads(figures.stdout))
    missing = run("figures", "MLI", "--engine", "spark", home=home)
    assert missing.returncode == 2 and "give its folder with --data" in missing.stderr


def test_a_new_export_over_an_old_one_removes_the_old_descriptor_first(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the new export stops half way, no descriptor vouches for a mix of old and new files."""
    load_bundled(store)
    export_package(store, tmp_path)
    assert (tmp_path / "datapackage.json").is_file()
    calls = 0
    real = pq.ParquetWriter.write_table

    def failing(self: pq.ParquetWriter, table: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("disk full")
        real(self, table)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", failing)
    with pytest.raises(PartnerWatchError, match="write-error: disk full; the export stopped"):
        export_package(store, tmp_path)
    assert not (tmp_path / "datapackage.json").exists()
    assert not list(tmp_path.glob(".*partial"))
