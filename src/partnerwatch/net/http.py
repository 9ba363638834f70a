"""A small HTTP GET with the manners data APIs expect.

Every request has a timeout; 429 and 5xx answers, timeouts and dropped
connections are retried with exponential backoff and jitter, honouring a
``Retry-After`` header; a body that is not the JSON promised is retried too,
then reported as a coded ``fetch-error``. Credentials passed in headers are
never written into errors or logs: messages name the URL without its query
values for secret parameters or a password in it. Credentials go only to the
origin they were given for: a redirect to another scheme, host or port is
followed without them.
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from partnerwatch import __version__
from partnerwatch.errors import PartnerWatchError

log = logging.getLogger("partnerwatch.net")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"key", "token", "access_token", "password", "api_key", "email"})
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-ucdp-access-token"})


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    timeout: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        backoff: float = min(self.base_delay * 2**attempt, self.max_delay)
        return backoff * (0.5 + self.jitter() / 2)


def safe_url(url: str) -> str:
    """The URL with secret query values and any password in it masked, for messages and logs."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, "***" if k.lower() in SECRET_PARAMS else v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    ]
    netloc = parts.netloc
    if "@" in netloc:  # user:password@host
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}:***@{host}" if ":" in userinfo else netloc
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=urllib.parse.urlencode(query)))


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port): what credentials are bound to."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or default


class _CredentialsStayHome(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but send credential headers only back to the origin they were given for."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and origin(newurl) != origin(req.full_url):
            for name in [h for h in new.headers if h.lower() in CREDENTIAL_HEADERS]:
                del new.headers[name]
            for name in [h for h in new.unredirected_hdrs if h.lower() in CREDENTIAL_HEADERS]:
                del new.unredirected_hdrs[name]
            log.info(
                "redirected from %s to another origin, %s: credentials not sent",
                safe_url(req.full_url),
                safe_url(newurl),
            )
        return new


_OPENER = urllib.request.build_opener(_CredentialsStayHome)


Headers = Mapping[str, str] | Callable[[bool], Mapping[str, str]]
"""Fixed headers, or a function giving them (``True``: the credentials were refused, renew them)."""


def get_json(
    url: str,
    params: Mapping[str, object],
    policy: RetryPolicy,
    headers: Headers | None = None,
    validate: Callable[[Any], object] | None = None,
    data: Mapping[str, str] | None = None,
) -> Any:
    """GET (or POST ``data`` as a form) and return the decoded JSON body, retrying what is worth retrying.

    ``validate`` raises ``ValueError`` for a body of the wrong shape (a
    truncated or malformed page); such a page is fetched again. A 401 answer
    asks ``headers`` once for renewed credentials.
    """
    query = urllib.parse.urlencode({k: str(v) for k, v in params.items()})
    full = f"{url}?{query}" if query else url
    body_bytes = urllib.parse.urlencode(data).encode() if data is not None else None
    renewed = False

    def current_headers(refresh: bool) -> dict[str, str]:
        base = {"Accept": "application/json", "User-Agent": f"partnerwatch/{__version__}"}
        extra = headers(refresh) if callable(headers) else (headers or {})
        return {**base, **extra}

    request_headers = current_headers(False)
    problem = ""
    for attempt in range(policy.attempts):
        retry_after: float | None = None
        try:
            request = urllib.request.Request(full, data=body_bytes, headers=request_headers)
            with _OPENER.open(request, timeout=policy.timeout) as response:
                body = response.read()
            try:
                decoded = json.loads(body)
                if validate is not None:
                    validate(decoded)
                return decoded
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                problem = f"malformed JSON ({exc.__class__.__name__})"
            except ValueError as exc:
                problem = f"unexpected response ({exc})"
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and callable(headers) and not renewed:
                renewed = True
                request_headers = current_headers(True)
                log.info("%s: credentials refused; renewed", safe_url(full))
                continue
            if exc.code not in RETRY_STATUSES:
                raise PartnerWatchError.single(
                    "fetch-error",
                    f"{safe_url(full)} answered HTTP {exc.code}",
                    field=str(params.get("page", "")),
                ) from None
            retry_after = _retry_after(exc.headers.get("Retry-After"))
            problem = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            problem = f"network error ({getattr(exc, 'reason', exc)})"
        if attempt + 1 < policy.attempts:
            wait = policy.delay(attempt, retry_after)
            log.warning("%s: %s; retrying in %.1f s", safe_url(full), problem, wait)
            policy.sleep(wait)
    raise PartnerWatchError.single("fetch-error", f"{safe_url(full)}: {problem} after {policy.attempts} attempts")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(when.timestamp() - time.time(), 0.0)
