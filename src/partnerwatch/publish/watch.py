"""The watch in the formats people take away: CSV and JSON for analysis, an Atom feed to subscribe to."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from partnerwatch.store.revisions import Release
from partnerwatch.store.revisions import summary as revision_summary
from partnerwatch.watch.branches import ForcesView
from partnerwatch.watch.columns import COLUMNS
from partnerwatch.watch.model import Change, Signal
from partnerwatch.watch.table import Watch

ATOM = "http://www.w3.org/2005/Atom"


def watch_csv(watch: Watch) -> str:
    """One line per country: each column's value, text, period and snapshots; then the rules that fired."""
    out = io.StringIO()
    header = ["iso3", "country", "region"]
    for column in COLUMNS:
        header += [column.id, f"{column.id}_text", f"{column.id}_period", f"{column.id}_sources"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*header, "flags"])
    for row in watch.rows:
        line: list[object] = [row.iso3, row.country, row.region]
        for column in COLUMNS:
            cell = row.cells.get(column.id)
            line += (
                ["", "", "", ""]
                if cell is None
                else [
                    "" if cell.value is None else cell.value,
                    cell.text,
                    cell.period,
                    ";".join(map(str, cell.sources)),
                ]
            )
        writer.writerow([*line, ";".join(s.rule for s in row.signals)])
    return out.getvalue()


def watch_json(
    watch: Watch,
    version: int,
    changes: list[Change],
    since: tuple[int | None, int | None],
    releases: Sequence[Release] = (),
) -> str:
    return json.dumps(
        {
            "store_version": version,
            "coups_since": watch.window.coups_since.isoformat(),
            "columns": [{"id": c.id, "title": c.title, "description": c.description} for c in COLUMNS],
            "rows": [r.to_dict() for r in watch.rows],
            "signals": [s.to_dict() for r in watch.rows for s in r.signals],
            "untested": [u.to_dict() for r in watch.rows for u in r.untested],
            "changes": {
                "from_version": since[0],
                "to_version": since[1],
                "values": [c.to_dict() for c in changes],
                "releases": [r.to_dict() for r in releases],
            },
            "sources": {str(k): v for k, v in sorted(watch.sources.items())},
        },
        indent=1,
        ensure_ascii=False,
    )


FEED_RELEASES = 50
"""New releases the feed lists, newest first, beside the signals."""


def watch_atom(
    signals: list[Signal], base_url: str, sources: dict[int, str], releases: Sequence[Release] = ()
) -> bytes:
    """An Atom 1.0 feed (RFC 4287): the recorded signals and the new releases loaded, newest first.

    A signal links to its country's page; a new release — a source's data revised under the watch — to the
    watch, with what it revised, added and removed.
    """
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", "PartnerWatch: signals")
    _text(
        feed,
        "subtitle",
        "Where U.S. security assistance meets civilian harm: the watch's rules that fired, and the new releases"
        " of its sources.",
    )
    _text(feed, "id", "urn:partnerwatch:watch")
    shown = list(releases)[-FEED_RELEASES:]
    stamps = [s.raised_at for s in signals if s.raised_at] + [r.loaded_at for r in shown if r.loaded_at]
    _text(feed, "updated", max(stamps) if stamps else _now())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "PartnerWatch")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}/watch.atom", type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/watch", type="text/html")
    _text(feed, "generator", "PartnerWatch")
    entries = [(s.raised_at, _signal_entry(s, base, sources)) for s in signals]
    entries += [(r.loaded_at, _release_entry(r, base)) for r in shown]
    for _, entry in sorted(entries, key=lambda e: e[0] or "", reverse=True):
        feed.append(entry)
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def _signal_entry(signal: Signal, base: str, sources: dict[int, str]) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "title", f"{signal.country}: {signal.title}")
    subject = f":{signal.subject}" if signal.subject else ""
    _text(entry, "id", f"urn:partnerwatch:signal:{signal.rule}:{signal.iso3}{subject}:{signal.store_version}")
    _text(entry, "updated", signal.raised_at or _now())
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/countries/{signal.iso3}", type="text/html")
    ET.SubElement(entry, f"{{{ATOM}}}category", term=signal.rule, label=signal.title)
    cited = "; ".join(f"[{s}] {sources[s]}" for s in signal.sources if s in sources)
    follows = f" Follows signal {signal.previous_id}." if signal.previous_id else ""
    _text(
        entry,
        "summary",
        f"{signal.sentence} Period: {signal.period}. Store version {signal.store_version}.{follows}"
        + (f" Sources: {cited}." if cited else ""),
    )
    return entry


def _release_entry(release: Release, base: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "title", f"New release: {release.citation or release.source} (snapshot {release.snapshot_id})")
    _text(entry, "id", f"urn:partnerwatch:release:{release.snapshot_id}")
    _text(entry, "updated", release.loaded_at or _now())
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}/watch", type="text/html")
    ET.SubElement(entry, f"{{{ATOM}}}category", term="new_release", label="New release of a source")
    tables = "; ".join(
        f"{r.table}: {revision_summary(r)}" + (f" (for example, {r.examples[0]})" if r.examples else "")
        for r in release.revisions
    )
    heading = release.heading[0].upper() + release.heading[1:]
    _text(entry, "summary", f"{heading}. {tables}.")
    return entry


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    return element


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def forces_json(found: tuple[ForcesView, dict[int, str]]) -> str:
    view, sources = found
    return json.dumps(
        {
            "iso3": view.iso3,
            "note": view.note,
            "branches": [r.to_dict() for r in view.rows],
            "sources": {str(k): v for k, v in sorted(sources.items())},
        },
        indent=1,
        ensure_ascii=False,
    )
