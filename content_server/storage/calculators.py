"""Statements of the calculators feature: the published figures (incomes, wages, the LPR).

The set is replaced as a whole, by an editor's import or, once, by the bundled seed; its
document version (0 until first filled) says whether it was ever filled.
"""
from __future__ import annotations

from . import documents

_TABLE = """
    CREATE TABLE calculator_figures (
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        region TEXT NOT NULL CHECK (length(region) = 6),
        year INTEGER NOT NULL,
        value TEXT NOT NULL,          -- a decimal, exactly as published
        applies_from TEXT NOT NULL,   -- YYYY-MM-DD
        source TEXT NOT NULL,
        updated_by TEXT,
        PRIMARY KEY (key, region, applies_from)
    );
"""
MIGRATIONS: list[str] = [_TABLE]
POSTGRES_MIGRATIONS: list[str] = [_TABLE]


def filled(store) -> bool:
    return documents.version_of(store, documents.Document.FIGURES)[0] > 0


def replace_figures(store, figures: list[dict], by: str | None = None) -> None:
    """Replaces every figure with `figures` (checked entries as Figure.as_json gives them)."""
    with store.write() as conn:
        conn.execute("DELETE FROM calculator_figures")
        conn.executemany(
            "INSERT INTO calculator_figures (position, key, region, year, value, applies_from, source, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, f["key"], f["region"], f["year"], f["value"], f["applies_from"], f["source"], by)
             for i, f in enumerate(figures)])
        documents.bump(conn, documents.Document.FIGURES)


def figures(store) -> list[dict]:
    return [{"key": r["key"], "region": r["region"], "year": r["year"], "value": r["value"],
             "applies_from": r["applies_from"], "source": r["source"]}
            for r in store.all("SELECT * FROM calculator_figures ORDER BY position")]
