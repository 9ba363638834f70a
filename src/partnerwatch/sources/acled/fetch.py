"""Pull ACLED events for one country from the ACLED API.

Protocol: an OAuth password grant (``POST /oauth/token``, ``grant_type=password``,
``client_id=acled``) returns an access token (valid 24 h) and a refresh token;
data requests carry ``Authorization: Bearer …`` (``GET /api/acled/read``,
``_format=json``, ``country``, ``limit``, ``page``) and answer ``{count, data}``.
A refused token is refreshed (``grant_type=refresh_token``), then, failing
that, requested anew. Tokens are cached in ``$PARTNERWATCH_HOME/tokens`` (mode
600); credentials come from the environment or ``credentials.toml`` and never
appear in logs or errors.

ACLED asks users to pull at most weekly: a full pull of a country is refused
within seven days of the last one unless forced; meanwhile a pull asks only
for events whose ``timestamp`` is newer than the newest already fetched
(``timestamp`` with ``timestamp_where=>``). Pages are saved as they arrive and
an interrupted pull resumes at the first missing page.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from partnerwatch.countries import crosswalk
from partnerwatch.credentials import credentials
from partnerwatch.errors import PartnerWatchError
from partnerwatch.net.http import RetryPolicy, get_json
from partnerwatch.sources.cells import digits

API_BASE = "https://acleddata.com"
PAGE_LIMIT = 5000
FULL_PULL_INTERVAL = timedelta(days=7)


@dataclass(frozen=True)
class AcledPull:
    path: Path
    records: int
    pages: int
    incremental: bool


class TokenStore:
    """Access and refresh tokens for one account, renewed when refused or expired."""

    def __init__(self, base: str, home: Path, policy: RetryPolicy, clock: Callable[[], float] = time.time) -> None:
        self.base, self.home, self.policy, self.clock = base, home, policy, clock
        self.path = home / "tokens" / "acled.json"
        self.tokens: dict[str, Any] = {}
        try:
            cached = json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else {}
        except (OSError, ValueError):
            cached = {}  # a damaged cache only costs a new token
        self.tokens = cached if isinstance(cached, dict) else {}

    def headers(self, refused: bool) -> Mapping[str, str]:
        if refused or not self.tokens or self.clock() >= float(self.tokens.get("expires_at", 0)) - 60:
            self._renew(use_refresh=bool(self.tokens.get("refresh_token")))
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def _renew(self, use_refresh: bool) -> None:
        url = f"{self.base}/oauth/token"
        if use_refresh:
            try:
                body = get_json(
                    url,
                    {},
                    self.policy,
                    data={
                        "grant_type": "refresh_token",
                        "refresh_token": str(self.tokens["refresh_token"]),
                        "client_id": "acled",
                    },
                )
                self._keep(body)
                return
            except PartnerWatchError:
                pass  # the refresh token expired too: fall back to the password grant
        account = credentials("acled", self.home)
        body = get_json(
            url,
            {},
            self.policy,
            data={
                "grant_type": "password",
                "client_id": "acled",
                "username": account["username"],
                "password": account["password"],
                "scope": "authenticated",
            },
        )
        self._keep(body)

    def _keep(self, body: Any) -> None:
        if not isinstance(body, dict) or "access_token" not in body:
            raise PartnerWatchError.single("fetch-error", "the token endpoint answered without an access token")
        self.tokens = {
            "access_token": body["access_token"],
            "refresh_token": body.get("refresh_token", self.tokens.get("refresh_token")),
            "expires_at": self.clock() + float(body.get("expires_in", 86400)),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_suffix(".tmp")
        staging.write_text(json.dumps(self.tokens), encoding="utf-8")
        os.chmod(staging, 0o600)
        staging.replace(self.path)


def _read_state(path: Path) -> dict[str, Any]:
    """What the last pulls recorded; an unreadable record is a coded error, not a guess about when ACLED was pulled."""
    if not path.is_file():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            raise ValueError("not an object")
        if "last_full_pull" in state:
            datetime.fromisoformat(str(state["last_full_pull"]))
        if state.get("max_timestamp") is not None and not digits(str(state["max_timestamp"])):
            raise ValueError("max_timestamp is not a number")
    except (OSError, ValueError) as exc:
        raise PartnerWatchError.single(
            "fetch-error",
            f"the record of earlier ACLED pulls cannot be read ({exc}); delete it to pull in full",
            file=str(path),
        ) from None
    return state


def _page_data(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("no data list in the answer")
    if not all(isinstance(r, dict) for r in body["data"]):
        raise ValueError("data are not objects")
    return list(body["data"])


def pull_country(
    iso3: str,
    folder: Path,
    home: Path,
    *,
    base_url: str = API_BASE,
    limit: int = PAGE_LIMIT,
    force: bool = False,
    policy: RetryPolicy | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int], None] | None = None,
) -> AcledPull:
    policy = policy or RetryPolicy()
    country = crosswalk().name(iso3)
    state_path = home / "state" / f"acled-{iso3}.json"
    state = _read_state(state_path)
    last_full = datetime.fromisoformat(state["last_full_pull"]) if "last_full_pull" in state else None
    recent = last_full is not None and now() - last_full < FULL_PULL_INTERVAL
    incremental = recent and not force and state.get("max_timestamp") is not None
    if recent and force is False and not incremental:
        raise PartnerWatchError.single(
            "fetch-error",
            f"ACLED was pulled in full for {iso3} on {last_full:%Y-%m-%d}; ACLED asks for at most"
            " one full pull a week (use --force to override)",
        )
    tokens = TokenStore(base_url, home, policy)
    params: dict[str, object] = {"_format": "json", "country": country, "limit": limit}
    if incremental:
        params.update({"timestamp": state["max_timestamp"], "timestamp_where": ">"})
    partial = folder / f"acled-{iso3}.partial"
    partial.mkdir(parents=True, exist_ok=True)
    page = 1
    while True:
        saved = partial / f"page-{page:05d}.json"
        if saved.exists():
            records = _page_data(json.loads(saved.read_text(encoding="utf-8")))
        else:
            body = get_json(
                f"{base_url}/api/acled/read",
                {**params, "page": page},
                policy,
                headers=tokens.headers,
                validate=_page_data,
            )
            staging = saved.with_suffix(".tmp")
            staging.write_text(json.dumps(body), encoding="utf-8")
            staging.replace(saved)
            records = _page_data(body)
        if progress is not None:
            progress(len(records))
        if len(records) < limit:
            break
        page += 1
    target = folder / f"acled-{iso3}-{now():%Y%m%dT%H%M%S}.jsonl"
    count, newest = 0, state.get("max_timestamp")
    with target.open("w", encoding="utf-8") as out:
        for number in range(1, page + 1):
            for record in _page_data(json.loads((partial / f"page-{number:05d}.json").read_text(encoding="utf-8"))):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
                raw = str(record.get("timestamp") or "")
                if digits(raw):  # anything else is refused, at its line, when the download is ingested
                    newest = int(raw) if newest is None or int(raw) > int(newest) else newest
    shutil.rmtree(partial)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state = {**state, "max_timestamp": newest}
    if not incremental:
        state["last_full_pull"] = now().isoformat()
    state_path.write_text(json.dumps(state), encoding="utf-8")
    return AcledPull(target, count, page, incremental)
