from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.sources.curated import bundled_folders
from tests.conftest import table_snapshot


def test_bundled_mali_dataset_loads_with_citations(store: duckdb.DuckDBPyConnection, home: Path) -> None:
    (result,) = load_bundled(store)
    counts = {
        t: store.execute(f"SELECT count(*) FROM {t}").fetchone()
        for t in ("facts", "incidents", "timeline", "legal_instruments", "narratives")
    }
    assert counts == {
        "facts": (138,),
        "incidents": (11,),
        "timeline": (26,),
        "legal_instruments": (46,),
        "narratives": (18,),
    }
    assert result.rows == 239
    value = store.execute(
        "SELECT value, unit, period, cited_source, citation FROM facts WHERE fact_id = 'mli-aid-2020-peace-security'"
    ).fetchone()
    assert value is not None
    assert value[:4] == (16560000.0, "usd", "2020", "ForeignAssistance.gov")
    assert value[4].startswith("U.S. Security Partnerships and the Protection of Civilians: The Case of Mali")
    assert value[4].endswith("section \u201cPartnership Overview: Type of Assistance Provided\u201d")
    trainees = store.execute(
        "SELECT sum(value) FROM facts WHERE topic = 'trainees_by_program' AND country_iso3 = 'MLI'"
    ).fetchone()
    assert trainees == (11163.0,)
    assert store.execute("SELECT count(*) FROM facts WHERE citation IS NULL OR section = ''").fetchone() == (0,)
    # The raw files are kept as an immutable snapshot copy.
    assert (home / "snapshots").is_dir()
    assert load_bundled(store)[0].unchanged


def test_broken_curated_row_names_file_row_and_field(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_bundled(store)
    folder = tmp_path / "mli"
    shutil.copytree(bundled_folders()[0], folder)
    facts = folder / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",74000000,", ",seventy-four,")
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = table_snapshot(store)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "curated", folder)
    assert [str(e) for e in caught.value.errors] == [
        "mli/facts.csv:3:value: bad-number: 'seventy-four' is not a number"
    ]
    assert table_snapshot(store) == before
