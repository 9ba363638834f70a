"""Fetch one country's activity data from the ForeignAssistance.gov data API.

The API pages through the complete data set filtered by ``country_code``
(ISO3), ``per_page`` records at a time, ``page`` from 1. Each page is saved as
it arrives (``<name>.partial/page-NNNNN.json``), so a run that fails part way
resumes at the first missing page. When the last page is in, the records are
written as one JSON-lines file — the raw answer, kept as the snapshot — and the
partial pages are removed. ``parse_api_download`` reads that file.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from partnerwatch.net.http import RetryPolicy, get_json

API_URL = "https://foreignassistance.gov/data-api/complete-data.json"
PER_PAGE = 1000
RECORD_KEYS = ("data", "results", "records", "items")


@dataclass(frozen=True)
class FetchResult:
    path: Path
    records: int
    pages: int
    resumed_pages: int


def page_records(body: Any) -> list[dict[str, Any]]:
    """The records of one page: a bare list, or the list under data/results/records/items."""
    if isinstance(body, list):
        records = body
    elif isinstance(body, dict):
        found = next((body[k] for k in RECORD_KEYS if k in body), None)
        if found is None:
            raise ValueError(f"no {'/'.join(RECORD_KEYS)} list in the page")
        records = found
    else:
        raise ValueError("the page is neither a list nor an object")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError("records are not a list of objects")
    return records


def _total_pages(body: Any) -> int | None:
    if isinstance(body, dict):
        for key in ("total_pages", "last_page", "pages", "TotalPages"):
            if isinstance(body.get(key), int):
                return int(body[key])
    return None


def fetch_country(
    iso3: str,
    folder: Path,
    *,
    base_url: str = API_URL,
    per_page: int = PER_PAGE,
    policy: RetryPolicy | None = None,
    progress: Callable[[int], None] | None = None,
) -> FetchResult:
    policy = policy or RetryPolicy()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"foreignassistance-{iso3}-{date.today():%Y%m%d}"
    partial = folder / f"foreignassistance-{iso3}.partial"
    partial.mkdir(exist_ok=True)
    page, resumed = 1, 0
    while True:
        saved = partial / f"page-{page:05d}.json"
        if saved.exists():
            body = json.loads(saved.read_text(encoding="utf-8"))
            resumed += 1
        else:
            body = get_json(
                base_url,
                {"country_code": iso3, "per_page": per_page, "page": page},
                policy,
                validate=page_records,
            )
            staging = saved.with_suffix(".tmp")
            staging.write_text(json.dumps(body), encoding="utf-8")
            staging.replace(saved)
        records = page_records(body)
        if progress is not None:
            progress(len(records))
        total = _total_pages(body)
        if not records or len(records) < per_page or (total is not None and page >= total):
            break
        page += 1
    target = folder / f"{stem}.jsonl"
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for number in range(1, page + 1):
            body = json.loads((partial / f"page-{number:05d}.json").read_text(encoding="utf-8"))
            for record in page_records(body):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    shutil.rmtree(partial)
    return FetchResult(target, count, page, resumed)
