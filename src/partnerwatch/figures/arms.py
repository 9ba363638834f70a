"""Arms-transfer figures computed from the SIPRI register rows in the store."""

from __future__ import annotations

import duckdb

from partnerwatch.figures.model import Figure, SourceRef

SPREAD_METHOD = (
    "Sum of SIPRI TIV of delivered weapons with each order's delivered TIV spread evenly over"
    " its listed delivery years, counting only years in the period; TIV is a volume index,"
    " not money; donations and sales alike."
)


def arms_suppliers_by_delivered_tiv(
    con: duckdb.DuckDBPyConnection, iso3: str, first_year: int, last_year: int
) -> Figure | None:
    """Suppliers of ``iso3`` ranked by delivered TIV in ``first_year..last_year``, or None if no rows."""
    rows = con.execute(
        """
        WITH spread AS (
            SELECT supplier_iso3, snapshot_id,
                   tiv_delivered / len(delivery_years) AS tiv_per_year,
                   unnest(delivery_years) AS year
            FROM arms_transfers
            WHERE recipient_iso3 = ? AND tiv_delivered IS NOT NULL AND len(delivery_years) > 0
        )
        SELECT s.supplier_iso3, c.name, sum(s.tiv_per_year) AS tiv, count(*) AS deliveries
        FROM spread s LEFT JOIN countries c ON c.iso3 = s.supplier_iso3
        WHERE s.year BETWEEN ? AND ?
        GROUP BY s.supplier_iso3, c.name
        ORDER BY tiv DESC, s.supplier_iso3
        """,
        [iso3, first_year, last_year],
    ).fetchall()
    if not rows:
        return None
    sources = con.execute(
        "SELECT DISTINCT s.id, s.citation, s.url, s.release FROM snapshots s JOIN arms_transfers a"
        " ON a.snapshot_id = s.id WHERE a.recipient_iso3 = ? ORDER BY s.id",
        [iso3],
    ).fetchall()
    table = tuple(
        {
            "rank": rank,
            "supplier_iso3": r[0],
            "supplier": r[1] or r[0],
            "tiv_millions": round(r[2], 2),
            "order_years": int(r[3]),
        }
        for rank, r in enumerate(rows, start=1)
    )
    return Figure(
        id=f"{iso3.lower()}-arms-suppliers-{first_year}-{last_year}",
        topic="arms_supplier_ranking",
        label=f"Arms suppliers ranked by delivered volume, {first_year}-{last_year}",
        unit="tiv_millions",
        period=f"{first_year}-{last_year}",
        method=SPREAD_METHOD,
        sources=tuple(
            SourceRef(int(s[0]), f"{s[1]} (release {s[3]})" if s[3] else s[1], "SIPRI", s[2] or "") for s in sources
        ),
        rows=table,
    )
