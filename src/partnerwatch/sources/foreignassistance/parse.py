"""ForeignAssistance.gov files: the shape is recognised from the header, not the file name."""

from __future__ import annotations

from pathlib import Path

from partnerwatch.errors import PartnerWatchError
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.foreignassistance.api_download import parse_api_download
from partnerwatch.sources.foreignassistance.complete import parse_complete_file, read_header
from partnerwatch.sources.foreignassistance.summary import parse_country_summary


def parse_foreignassistance(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    if not path.is_file():
        raise PartnerWatchError.single("file-not-found", "no such file", file=str(path))
    with path.open("rb") as fh:
        if fh.read(64).lstrip()[:1] == b"{":
            return parse_api_download(path, progress)
    try:
        header = {h.strip() for h in read_header(path)}
    except UnicodeDecodeError:
        raise PartnerWatchError.single("bad-encoding", "the file is not UTF-8 text", file=path.name, row=1) from None
    if {"transaction_type_name", "current_amount", "country_code"} <= header:
        return parse_country_summary(path, progress)
    if {"Current Dollar Amount", "Transaction Type Name"} <= header:
        return parse_complete_file(path, progress)
    raise PartnerWatchError.single(
        "not-this-format",
        "header matches neither the country summary (country_code, transaction_type_name, current_amount)"
        " nor the complete file (Country Code, Transaction Type Name, Current Dollar Amount)",
        file=path.name,
        row=1,
    )
