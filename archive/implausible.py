"""The implausible numbers (:func:`archive.views.implausible_sql`), kept as a table.

Computed over every organ's years, they take seconds at 100,000 reports and a minute at a
million — too slow for a page or a canned query. The rule needs only one organ's years, so the
writer keeps the table current organ by organ: each time a report's organ, year or headline
numbers change (:func:`archive.reports.refresh`), the rows of the organs it was and is are
computed again. The table has the columns the view had; it is filled whole once, when an
archive gets it (migration ``0011_implausible_kept``), and by :func:`rebuild`.
"""

from __future__ import annotations

from .views import TOTALS, implausible_sql

TABLE = "implausible_numbers"
COLUMNS = ("report_id", "organ", "year", "number", "label", "value", "years", "nearest",
           "direction")
# What a report row carries that the rule reads: a change to any of them may flag or clear one.
WATCHED = ("organ", "year", "n_cells", *TOTALS)

_CREATE = (f"""CREATE TABLE {TABLE} (
    report_id INTEGER, organ TEXT, year INTEGER, number TEXT, label TEXT, value REAL,
    years TEXT, nearest REAL, direction TEXT)""",
           f"CREATE INDEX {TABLE}_organ ON {TABLE} (organ, year, number)")
_COLS = ", ".join(COLUMNS)


def create(db) -> None:
    """The table in place of the view of the same name, filled from the archive's reports
    (empty on a new archive: its views are made after its migrations)."""
    db.execute(f"DROP VIEW IF EXISTS {TABLE}")
    for statement in _CREATE:   # one by one: a script would end the migration's transaction
        db.execute(statement)
    if "organ_year_totals" in db.view_names():
        rebuild(db)


def rebuild(db) -> None:
    """Every organ's implausible numbers computed again."""
    db.execute(f"DELETE FROM {TABLE}")
    db.execute(f"INSERT INTO {TABLE} ({_COLS}) SELECT {_COLS} FROM ({implausible_sql()})")


def refresh_organs(db, organs) -> None:
    """The rows of these organs computed again (inside the writer's transaction)."""
    sql = f"INSERT INTO {TABLE} ({_COLS}) SELECT {_COLS} FROM ({implausible_sql(one_organ=True)})"
    for organ in {o for o in organs if o}:
        db.conn.execute(f"DELETE FROM {TABLE} WHERE organ = ?", (organ,))
        db.conn.execute(sql, {"organ": organ})


def changed(before: dict | None, after: dict) -> bool:
    """Whether a report's refresh changed anything the rule reads."""
    return before is None or any(before.get(k) != after.get(k) for k in WATCHED)
