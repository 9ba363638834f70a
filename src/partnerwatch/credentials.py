"""API credentials: from the environment, else ``$PARTNERWATCH_HOME/credentials.toml``; never logged.

[acled]
username = "me@example.org"
password = "…"

[ucdp]
token = "…"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from partnerwatch.errors import PartnerWatchError

ENVIRONMENT = {
    "acled": {"username": "ACLED_USERNAME", "password": "ACLED_PASSWORD"},
    "ucdp": {"token": "UCDP_TOKEN"},
}


def credentials(service: str, home: Path) -> dict[str, str]:
    """The credentials for ``service``; a coded error naming where to put them (never their values)."""
    wanted = ENVIRONMENT[service]
    found = {key: os.environ[var] for key, var in wanted.items() if os.environ.get(var)}
    path = home / "credentials.toml"
    if len(found) < len(wanted) and path.is_file():
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get(service, {})
        except tomllib.TOMLDecodeError:
            raise PartnerWatchError.single(
                "not-this-format", "credentials.toml is not valid TOML", file=str(path)
            ) from None
        except UnicodeDecodeError:
            raise PartnerWatchError.single(
                "bad-encoding", "credentials.toml is not UTF-8 text: save it as UTF-8", file=str(path)
            ) from None
        except OSError as exc:
            raise PartnerWatchError.single(
                "file-not-found", f"credentials.toml cannot be read ({exc.strerror})", file=str(path)
            ) from None
        if not isinstance(section, dict):
            raise PartnerWatchError.single(
                "not-this-format", f"[{service}] in credentials.toml must be a table of keys", file=str(path)
            )
        for key in wanted:
            if key not in found and isinstance(section.get(key), str) and section[key]:
                found[key] = section[key]
    missing = [key for key in wanted if key not in found]
    if missing:
        variables = ", ".join(wanted[key] for key in missing)
        raise PartnerWatchError.single(
            "missing-value",
            f"{service} needs {', '.join(missing)}: set {variables} or add them under [{service}] in {path}",
            field=service,
        )
    return found
