"""The canonical schema, as ordered migrations.

Table and column names here are the contract that exports, figures, the API
and outside tools rely on: add columns and tables in a new migration, never
rename or drop in place. ``schema_version`` records which migrations a store
has run, so an old store is brought forward on first use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]
    duckdb_only: tuple[str, ...] = ()
    """Statements that bring existing DuckDB stores forward (a PostgreSQL store starts at the latest schema)."""


SNAPSHOT_ID = "snapshot_id INTEGER NOT NULL"

_V1 = (
    """CREATE TABLE countries (
        iso3 VARCHAR PRIMARY KEY, iso_numeric INTEGER, gw_code INTEGER,
        name VARCHAR NOT NULL, kind VARCHAR NOT NULL)""",
    """CREATE TABLE country_aliases (
        source VARCHAR NOT NULL, alias VARCHAR NOT NULL, iso3 VARCHAR NOT NULL,
        PRIMARY KEY (source, alias))""",
    "CREATE SEQUENCE snapshot_ids START 1",
    """CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY, source VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL, bytes BIGINT NOT NULL, rows BIGINT NOT NULL,
        loaded_at TIMESTAMP NOT NULL, producer VARCHAR, citation VARCHAR, licence VARCHAR,
        url VARCHAR, release VARCHAR, notes VARCHAR, scope VARCHAR NOT NULL,
        superseded_by INTEGER, stored_path VARCHAR)""",
    f"""CREATE TABLE assistance (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, fiscal_year INTEGER, program VARCHAR,
        account VARCHAR, category VARCHAR, transaction_type VARCHAR, amount_usd DOUBLE,
        un_mission BOOLEAN, description VARCHAR)""",
    f"""CREATE TABLE training (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, fiscal_year INTEGER, program VARCHAR,
        department VARCHAR, course_title VARCHAR, quantity INTEGER, location VARCHAR,
        student_unit VARCHAR, us_unit VARCHAR, total_cost_usd DOUBLE, start_date DATE,
        end_date DATE, page INTEGER)""",
    f"""CREATE TABLE arms_transfers (
        {SNAPSHOT_ID}, supplier_iso3 VARCHAR NOT NULL, recipient_iso3 VARCHAR NOT NULL,
        supplier_name VARCHAR, recipient_name VARCHAR, order_year INTEGER,
        order_year_uncertain BOOLEAN, number_ordered BIGINT, number_ordered_uncertain BOOLEAN,
        designation VARCHAR, description VARCHAR, number_delivered BIGINT,
        number_delivered_uncertain BOOLEAN, delivery_years INTEGER[], status VARCHAR,
        comments VARCHAR, tiv_per_unit DOUBLE, tiv_order DOUBLE, tiv_delivered DOUBLE,
        source_row INTEGER)""",
    f"""CREATE TABLE arms_sales (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, year INTEGER, fiscal_year INTEGER,
        usml_category VARCHAR, value_usd DOUBLE, kind VARCHAR, description VARCHAR)""",
    f"""CREATE TABLE milex (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, year INTEGER NOT NULL,
        measure VARCHAR NOT NULL, value DOUBLE, unit VARCHAR, note VARCHAR)""",
    f"""CREATE TABLE harm_events (
        {SNAPSHOT_ID}, source VARCHAR NOT NULL, event_id VARCHAR NOT NULL,
        country_iso3 VARCHAR NOT NULL, event_date DATE, year INTEGER, event_type VARCHAR,
        sub_event_type VARCHAR, actor1 VARCHAR, assoc_actor_1 VARCHAR, actor2 VARCHAR,
        assoc_actor_2 VARCHAR, interaction VARCHAR, civilian_targeting BOOLEAN,
        admin1 VARCHAR, admin2 VARCHAR, admin3 VARCHAR, location VARCHAR, latitude DOUBLE,
        longitude DOUBLE, fatalities INTEGER, notes VARCHAR, perpetrator_class VARCHAR)""",
    f"""CREATE TABLE displacement (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, year INTEGER, date DATE,
        admin1 VARCHAR, admin2 VARCHAR, cause VARCHAR, measure VARCHAR NOT NULL,
        value DOUBLE, unit VARCHAR)""",
    f"""CREATE TABLE aid_worker_incidents (
        {SNAPSHOT_ID}, incident_id VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        event_date DATE, year INTEGER, admin1 VARCHAR, location VARCHAR, latitude DOUBLE,
        longitude DOUBLE, killed INTEGER, wounded INTEGER, kidnapped INTEGER,
        total_affected INTEGER, nationals_affected INTEGER, internationals_affected INTEGER,
        means_of_attack VARCHAR, attack_context VARCHAR, actor_type VARCHAR, details VARCHAR)""",
    f"""CREATE TABLE treaty_status (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, treaty VARCHAR NOT NULL,
        treaty_name VARCHAR, status VARCHAR, signature_year INTEGER,
        ratification_year INTEGER, note VARCHAR)""",
    f"""CREATE TABLE facts (
        {SNAPSHOT_ID}, fact_id VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        section VARCHAR NOT NULL, topic VARCHAR NOT NULL, item VARCHAR, statement VARCHAR NOT NULL,
        value DOUBLE, unit VARCHAR, qualifier VARCHAR, period VARCHAR, citation VARCHAR NOT NULL,
        cited_source VARCHAR, url VARCHAR)""",
    f"""CREATE TABLE incidents (
        {SNAPSHOT_ID}, incident_id VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        section VARCHAR, date_start DATE, date_end DATE, period VARCHAR, place VARCHAR, perpetrator VARCHAR,
        victims VARCHAR, killed INTEGER, description VARCHAR NOT NULL, citation VARCHAR NOT NULL,
        cited_source VARCHAR, url VARCHAR)""",
    f"""CREATE TABLE timeline (
        {SNAPSHOT_ID}, event_id VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        section VARCHAR, date DATE NOT NULL,
        date_precision VARCHAR NOT NULL, kind VARCHAR NOT NULL, title VARCHAR NOT NULL,
        description VARCHAR, effect_on_us_assistance VARCHAR, citation VARCHAR NOT NULL,
        cited_source VARCHAR, url VARCHAR)""",
    f"""CREATE TABLE legal_instruments (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, section VARCHAR, area VARCHAR NOT NULL,
        instrument_type VARCHAR NOT NULL, name VARCHAR NOT NULL, citation VARCHAR NOT NULL)""",
)

_V2 = (
    "ALTER TABLE training ADD COLUMN account VARCHAR",
    "ALTER TABLE training ADD COLUMN authority VARCHAR",
    f"""CREATE TABLE training_totals (
        {SNAPSHOT_ID}, country_iso3 VARCHAR, fiscal_year INTEGER, level VARCHAR NOT NULL,
        program VARCHAR, department VARCHAR, printed_quantity BIGINT, printed_cost_usd DOUBLE,
        parsed_quantity BIGINT, parsed_cost_usd DOUBLE, parsed_rows INTEGER, matches BOOLEAN NOT NULL,
        page INTEGER)""",
    f"""CREATE TABLE snapshot_issues (
        {SNAPSHOT_ID}, code VARCHAR NOT NULL, message VARCHAR NOT NULL, file VARCHAR,
        row INTEGER, page INTEGER, field VARCHAR)""",
)

_V3 = (
    "ALTER TABLE countries ADD COLUMN iso2 VARCHAR",
    "ALTER TABLE assistance ADD COLUMN amount_constant_usd DOUBLE",
    "ALTER TABLE assistance ADD COLUMN transition_quarter BOOLEAN",
    "ALTER TABLE assistance ADD COLUMN us_category VARCHAR",
    "ALTER TABLE assistance ADD COLUMN us_sector VARCHAR",
    "ALTER TABLE assistance ADD COLUMN managing_agency VARCHAR",
    "ALTER TABLE assistance ADD COLUMN activity_id VARCHAR",
    "ALTER TABLE milex ADD COLUMN status VARCHAR",
    "ALTER TABLE milex ADD COLUMN estimate BOOLEAN",
    "ALTER TABLE milex ADD COLUMN uncertain BOOLEAN",
    "ALTER TABLE treaty_status ADD COLUMN signatory BOOLEAN",
)

_V4 = (
    "ALTER TABLE harm_events ADD COLUMN event_timestamp BIGINT",
    "ALTER TABLE harm_events ADD COLUMN disorder_type VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN inter1 VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN inter2 VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN time_precision INTEGER",
    "ALTER TABLE harm_events ADD COLUMN geo_precision INTEGER",
    "ALTER TABLE harm_events ADD COLUMN reported_by VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN source_scale VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN civilian_targeting_derived BOOLEAN",
    "ALTER TABLE harm_events ADD COLUMN taxonomy_mapped BOOLEAN",
    "ALTER TABLE harm_events ADD COLUMN actor1_class VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN actor2_class VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN assoc_actor_1_classes VARCHAR",
    "ALTER TABLE harm_events ADD COLUMN fatalities_low INTEGER",
    "ALTER TABLE harm_events ADD COLUMN fatalities_high INTEGER",
    "ALTER TABLE harm_events ADD COLUMN civilian_fatalities INTEGER",
    "ALTER TABLE displacement ADD COLUMN admin3 VARCHAR",
    "ALTER TABLE displacement ADD COLUMN round VARCHAR",
    "ALTER TABLE displacement ADD COLUMN value_raw DOUBLE",
    "ALTER TABLE aid_worker_incidents ADD COLUMN month INTEGER",
    "ALTER TABLE aid_worker_incidents ADD COLUMN detained INTEGER",
    "ALTER TABLE aid_worker_incidents ADD COLUMN actor_name VARCHAR",
    "ALTER TABLE aid_worker_incidents ADD COLUMN motive VARCHAR",
    "ALTER TABLE aid_worker_incidents ADD COLUMN verified VARCHAR",
    f"""CREATE TABLE conflict_deaths (
        {SNAPSHOT_ID}, dataset VARCHAR NOT NULL, conflict_id VARCHAR NOT NULL, dyad_id VARCHAR,
        year INTEGER NOT NULL, country_iso3 VARCHAR NOT NULL, location VARCHAR, side_a VARCHAR,
        side_a_2nd VARCHAR, side_b VARCHAR, side_b_2nd VARCHAR, supporting_iso3 VARCHAR,
        incompatibility INTEGER, type_of_conflict INTEGER, intensity_level INTEGER,
        deaths_best INTEGER, deaths_low INTEGER, deaths_high INTEGER, version VARCHAR)""",
)

_CURATED = ("facts", "incidents", "timeline", "legal_instruments")
_V5 = tuple(f"ALTER TABLE {table} ADD COLUMN source_row INTEGER" for table in _CURATED)
# Rows already stored were appended in their files' order: DuckDB's rowid keeps that order.
_V5_DUCKDB = tuple(f"UPDATE {table} SET source_row = rowid + 1 WHERE source_row IS NULL" for table in _CURATED)

_V6 = (
    # Same columns as harm_events, in the same order (a test keeps the two in step).
    "CREATE TABLE harm_events_shadowed AS SELECT * FROM harm_events LIMIT 0",
    # What a load accepted but the reader should know (values repaired, releases not comparable), one per line.
    "ALTER TABLE snapshots ADD COLUMN warnings VARCHAR",
    "ALTER TABLE countries ADD COLUMN status VARCHAR",
)

_V7 = (
    # An analyst's narrative for a country, one row per paragraph; numbers in it are references to figures.
    f"""CREATE TABLE narratives (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, section VARCHAR NOT NULL, paragraph INTEGER NOT NULL,
        source_row INTEGER NOT NULL, text VARCHAR NOT NULL, citation VARCHAR NOT NULL)""",
)

_V8 = (
    # Coup attempts (Powell & Thyne): dated events with the precision their source gives.
    f"""CREATE TABLE coups (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, country VARCHAR NOT NULL, ccode INTEGER,
        date DATE NOT NULL, date_precision VARCHAR NOT NULL, year INTEGER NOT NULL, month INTEGER, day INTEGER,
        outcome VARCHAR NOT NULL, version VARCHAR, source_row INTEGER NOT NULL)""",
)

_V9 = (
    # Uniformed personnel a country contributed to a UN peace operation, by year (total is the figure used).
    f"""CREATE TABLE peacekeeping (
        {SNAPSHOT_ID}, country_iso3 VARCHAR NOT NULL, year INTEGER NOT NULL, mission VARCHAR NOT NULL,
        female INTEGER, male INTEGER, total INTEGER NOT NULL, source_row INTEGER NOT NULL)""",
)

_V10 = (
    # The State Department's budget tables: one row per budget line, account and fiscal year, as printed.
    f"""CREATE TABLE state_budget (
        {SNAPSHOT_ID}, fiscal_year INTEGER NOT NULL, basis VARCHAR, line VARCHAR NOT NULL, line_kind VARCHAR NOT NULL,
        region VARCHAR, country_iso3 VARCHAR, account VARCHAR NOT NULL, account_printed VARCHAR NOT NULL,
        amount_thousands BIGINT NOT NULL, amount_usd DOUBLE NOT NULL, repeats_row INTEGER, document VARCHAR,
        source_row INTEGER NOT NULL)""",
)

_V11 = (
    # ACLED's aggregated workbooks: events and fatalities by country (or admin-2 area) and month, per measure.
    f"""CREATE TABLE acled_monthly (
        {SNAPSHOT_ID}, measure VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL, country VARCHAR NOT NULL,
        admin1 VARCHAR, admin2 VARCHAR, admin1_pcode VARCHAR, admin2_pcode VARCHAR, year INTEGER NOT NULL,
        month INTEGER NOT NULL, events INTEGER NOT NULL, fatalities INTEGER NOT NULL, sheet VARCHAR NOT NULL,
        source_row INTEGER NOT NULL)""",
)

_V12 = (
    # FMTR rows as printed, for analysts' searches, and how the parser read rows the reports print broken.
    "ALTER TABLE training ADD COLUMN region VARCHAR",
    "ALTER TABLE training ADD COLUMN country_printed VARCHAR",
    "ALTER TABLE training ADD COLUMN program_printed VARCHAR",
    "ALTER TABLE training ADD COLUMN start_date_raw VARCHAR",
    "ALTER TABLE training ADD COLUMN end_date_raw VARCHAR",
    "ALTER TABLE training ADD COLUMN search_text VARCHAR",
    "ALTER TABLE training ADD COLUMN inferred BOOLEAN",
    "ALTER TABLE training ADD COLUMN repair VARCHAR",
)

_V13 = (
    # The watch: its values per store version (the highest snapshot id when recorded), and the signals raised.
    "CREATE TABLE watch_versions (store_version INTEGER PRIMARY KEY, recorded_at TIMESTAMP NOT NULL)",
    """CREATE TABLE watch_values (
        store_version INTEGER NOT NULL, recorded_at TIMESTAMP NOT NULL, country_iso3 VARCHAR NOT NULL,
        column_id VARCHAR NOT NULL, value DOUBLE, text VARCHAR NOT NULL, period VARCHAR NOT NULL,
        snapshot_ids VARCHAR NOT NULL, PRIMARY KEY (store_version, country_iso3, column_id))""",
    """CREATE TABLE signals (
        id INTEGER PRIMARY KEY, rule VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
        store_version INTEGER NOT NULL, raised_at TIMESTAMP NOT NULL, title VARCHAR NOT NULL,
        sentence VARCHAR NOT NULL, value DOUBLE, threshold DOUBLE, period VARCHAR NOT NULL,
        snapshot_ids VARCHAR NOT NULL, previous_id INTEGER, subject VARCHAR NOT NULL)""",
)

_V14 = (
    # What each new release changed against the snapshots it superseded, per table, counted in records.
    """CREATE TABLE snapshot_revisions (
        snapshot_id INTEGER NOT NULL, superseded VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
        added BIGINT NOT NULL, removed BIGINT NOT NULL, revised BIGINT NOT NULL, unchanged BIGINT NOT NULL,
        examples VARCHAR NOT NULL, PRIMARY KEY (snapshot_id, table_name))""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "canonical tables, snapshots and country crosswalk", _V1),
    Migration(2, "FMTR: training accounts, printed totals, accepted load issues", _V2),
    Migration(3, "ISO alpha-2; assistance detail; milex status; treaty signatures", _V3),
    Migration(4, "harm events: ACLED detail and actor classes; UCDP conflict deaths", _V4),
    Migration(5, "curated rows keep their line, so every engine gives them in the document's order", _V5, _V5_DUCKDB),
    Migration(6, "keyed tables keep every live snapshot's version of a record; warnings kept on snapshots", _V6),
    Migration(7, "curated narratives: an analyst's paragraphs per section, with references to figures", _V7),
    Migration(8, "coup attempts, dated to the precision of their source", _V8),
    Migration(9, "UN peacekeeping contributions by year, country and mission", _V9),
    Migration(10, "State Department budget tables by line, account and fiscal year", _V10),
    Migration(11, "ACLED's aggregated monthly events and fatalities by country and admin area", _V11),
    Migration(12, "FMTR rows keep their region, headings and dates as printed, a search form and repairs", _V12),
    Migration(13, "the watch: its values per store version and the signals its rules raised", _V13),
    Migration(14, "what a new release revised, added and removed against the release it superseded", _V14),
)

# Tables that hold rows from sources (each with snapshot_id), in export order.
DATA_TABLES: tuple[str, ...] = (
    "assistance",
    "training",
    "training_totals",
    "arms_transfers",
    "arms_sales",
    "milex",
    "harm_events",
    "acled_monthly",
    "conflict_deaths",
    "displacement",
    "aid_worker_incidents",
    "treaty_status",
    "facts",
    "incidents",
    "timeline",
    "legal_instruments",
    "narratives",
    "coups",
    "peacekeeping",
    "state_budget",
    "snapshot_issues",
)
REFERENCE_TABLES: tuple[str, ...] = ("countries", "country_aliases", "snapshots", "snapshot_revisions")
DERIVED_TABLES: tuple[str, ...] = ("watch_versions", "watch_values", "signals")
"""Tables computed from the others and recorded (the watch): not data of any snapshot, not exported."""


@dataclass(frozen=True)
class KeyedTable:
    """A table that holds one row per record however many files carry it.

    ``key`` names the record; of the versions that live snapshots carry, the
    one with the highest ``version`` is in the table (the first loaded, among
    equals) and the others wait in ``shadow``, so that retiring one snapshot
    brings back the version another still carries instead of losing the record.
    """

    key: tuple[str, ...]
    version: str
    shadow: str


KEYED_TABLES: dict[str, KeyedTable] = {
    "harm_events": KeyedTable(("source", "event_id"), "event_timestamp", "harm_events_shadowed"),
}


@dataclass(frozen=True)
class Revisable:
    """How two releases of a table are compared: which columns name a record, which change with every release.

    A record present in both releases whose other columns differ is revised;
    ``ignore`` holds columns that differ without the data changing (a row's
    line or page in its file, the release's own version string).
    """

    key: tuple[str, ...]
    ignore: tuple[str, ...] = ()


_LINE = ("source_row",)
REVISABLE: dict[str, Revisable] = {
    "assistance": Revisable(
        (
            "country_iso3",
            "fiscal_year",
            "transaction_type",
            "account",
            "program",
            "category",
            "activity_id",
            "managing_agency",
            "us_category",
            "us_sector",
            "transition_quarter",
        ),
    ),
    "training": Revisable(
        (
            "country_iso3",
            "fiscal_year",
            "program",
            "course_title",
            "location",
            "student_unit",
            "us_unit",
            "start_date",
            "end_date",
        ),
        ("page", "search_text", "start_date_raw", "end_date_raw", "inferred", "repair"),
    ),
    "training_totals": Revisable(("country_iso3", "fiscal_year", "level", "program", "department"), ("page",)),
    "arms_transfers": Revisable(("supplier_iso3", "recipient_iso3", "order_year", "designation", "description"), _LINE),
    "arms_sales": Revisable(("country_iso3", "year", "fiscal_year", "usml_category", "kind", "description")),
    "milex": Revisable(("country_iso3", "year", "measure")),
    "harm_events": Revisable(KEYED_TABLES["harm_events"].key),
    "acled_monthly": Revisable(
        ("measure", "country_iso3", "admin1", "admin2", "admin1_pcode", "admin2_pcode", "year", "month"),
        ("sheet", "source_row"),
    ),
    "conflict_deaths": Revisable(("dataset", "conflict_id", "dyad_id", "year", "country_iso3"), ("version",)),
    "displacement": Revisable(
        ("country_iso3", "year", "date", "admin1", "admin2", "admin3", "cause", "measure", "round")
    ),
    "aid_worker_incidents": Revisable(("incident_id",)),
    "treaty_status": Revisable(("country_iso3", "treaty")),
    "facts": Revisable(("fact_id",), _LINE),
    "incidents": Revisable(("incident_id",), _LINE),
    "timeline": Revisable(("event_id",), _LINE),
    "legal_instruments": Revisable(("country_iso3", "area", "instrument_type", "name"), _LINE),
    "narratives": Revisable(("country_iso3", "section", "paragraph"), _LINE),
    "coups": Revisable(("country_iso3", "date"), ("version", "source_row")),
    "peacekeeping": Revisable(("country_iso3", "year", "mission"), _LINE),
    "state_budget": Revisable(
        ("fiscal_year", "basis", "line", "line_kind", "region", "country_iso3", "account"),
        ("source_row", "repeats_row", "document"),
    ),
}
"""Every data table but ``snapshot_issues`` (a load's own findings, not the source's data)."""

# The column a ``--country`` filter applies to, per table.
COUNTRY_COLUMN: dict[str, str] = {
    **{t: "country_iso3" for t in DATA_TABLES if t != "snapshot_issues"},
    "arms_transfers": "recipient_iso3",
    "countries": "iso3",
    "country_aliases": "iso3",
}
