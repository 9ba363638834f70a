"""Pull UCDP data for one country from the UCDP API.

``GET {base}/api/{resource}/{version}?pagesize=…&page=0&Country=<GW code>``
with the ``x-ucdp-access-token`` header answers
``{TotalCount, TotalPages, NextPageUrl, Result}``; pages are followed through
``NextPageUrl`` until it is empty. ``pagesize`` is at most 1,000. Versions are
the annual release (``25.1``) or a monthly candidate (``25.0.10``). Pages are
saved as they arrive, so an interrupted pull resumes; the finished pull is one
JSON-lines file of GED records, which ``ucdp-ged`` ingests.
"""

from __future__ import annotations

import json
import shutil
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from partnerwatch.countries import crosswalk
from partnerwatch.credentials import credentials
from partnerwatch.errors import PartnerWatchError
from partnerwatch.net.http import RetryPolicy, get_json, origin, safe_url

API_BASE = "https://ucdpapi.pcr.uu.se"
DEFAULT_VERSION = "25.1"
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class UcdpPull:
    path: Path
    records: int
    pages: int
    resumed_pages: int


def _page(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("Result"), list):
        raise ValueError("no Result list in the answer")
    return list(body["Result"])


def pull_ged(
    iso3: str,
    folder: Path,
    home: Path,
    *,
    base_url: str = API_BASE,
    version: str = DEFAULT_VERSION,
    page_size: int = MAX_PAGE_SIZE,
    policy: RetryPolicy | None = None,
    progress: Callable[[int], None] | None = None,
) -> UcdpPull:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise PartnerWatchError.single("bad-value", f"pagesize must be 1-{MAX_PAGE_SIZE}", field="pagesize")
    country = crosswalk().by_iso3.get(iso3)
    if country is None or country.gw_code is None:
        raise PartnerWatchError.single("unknown-country", f"{iso3} has no Gleditsch-Ward code for UCDP")
    token = credentials("ucdp", home)["token"]
    policy = policy or RetryPolicy()
    partial = folder / f"ucdp-ged-{iso3}-{version}.partial"
    partial.mkdir(parents=True, exist_ok=True)
    url: str | None = f"{base_url}/api/gedevents/{version}"
    params: dict[str, object] = {"pagesize": page_size, "page": 0, "Country": country.gw_code}
    number, resumed = 0, 0
    while url:
        saved = partial / f"page-{number:05d}.json"
        if saved.exists():
            body = json.loads(saved.read_text(encoding="utf-8"))
            resumed += 1
        else:
            body = get_json(url, params, policy, headers={"x-ucdp-access-token": token}, validate=_page)
            staging = saved.with_suffix(".tmp")
            staging.write_text(json.dumps(body), encoding="utf-8")
            staging.replace(saved)
        records = _page(body)
        if progress is not None:
            progress(len(records))
        following = str(body.get("NextPageUrl") or "")
        if not following or not records:
            break
        parts = urllib.parse.urlsplit(following)
        if origin(following) != origin(base_url):
            raise PartnerWatchError.single(
                "fetch-error",
                f"the API gave a next page on another host ({safe_url(following)}); the UCDP token is sent only to"
                f" {safe_url(base_url)}, so the pull stops here (the pages fetched are kept)",
            )
        url = urllib.parse.urlunsplit(parts._replace(query=""))
        params = {k: v for k, v in urllib.parse.parse_qsl(parts.query)}
        number += 1
    target = folder / f"ucdp-ged-{iso3}-{version}-{date.today():%Y%m%d}.jsonl"
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for page in range(number + 1):
            for record in _page(json.loads((partial / f"page-{page:05d}.json").read_text(encoding="utf-8"))):
                out.write(json.dumps({**record, "version": version}, ensure_ascii=False) + "\n")
                count += 1
    shutil.rmtree(partial)
    return UcdpPull(target, count, number + 1, resumed)
