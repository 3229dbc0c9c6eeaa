"""Statements of the guidance feature: service points, glossary, situation guides.

Each of the three sets is replaced as a whole (an editor's JSON import or the seed data);
`guidance_sets` remembers that a set was filled once, so an empty table never refills itself.
"""
from __future__ import annotations

import json
import time

from . import documents

MIGRATIONS: list[str] = [
    """
    CREATE TABLE service_points (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        region TEXT NOT NULL CHECK (length(region) = 6),
        level TEXT NOT NULL,
        name_zh TEXT NOT NULL, name_mn TEXT NOT NULL,
        phone TEXT NOT NULL,
        hours_zh TEXT NOT NULL, hours_mn TEXT NOT NULL,
        address_zh TEXT NOT NULL, address_mn TEXT NOT NULL
    );
    CREATE INDEX service_points_region ON service_points (substr(region, 1, 2));
    CREATE TABLE glossary_terms (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        term_zh TEXT NOT NULL, term_mn TEXT NOT NULL,
        definition_zh TEXT NOT NULL, definition_mn TEXT NOT NULL
    );
    CREATE TABLE guides (
        topic TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        title_zh TEXT NOT NULL, title_mn TEXT NOT NULL,
        steps TEXT NOT NULL,          -- JSON [{"zh", "mn"}]
        glossary TEXT NOT NULL,       -- JSON [glossary id]
        video_category TEXT
    );
    CREATE TABLE guidance_sets (
        kind TEXT PRIMARY KEY,        -- services | glossary | guides
        version INTEGER NOT NULL,
        updated_at REAL NOT NULL,
        updated_by TEXT
    );
    """,
    # what each point offers: a JSON list of service kinds (guidance.imports.SERVICE_KINDS)
    "ALTER TABLE service_points ADD COLUMN services TEXT NOT NULL DEFAULT '[]';",
    # what to bring to an appointment about the guide's topic: JSON [{"zh", "mn"}]
    "ALTER TABLE guides ADD COLUMN documents TEXT NOT NULL DEFAULT '[]';",
]
POSTGRES_MIGRATIONS: list[str] = [
    """
    CREATE TABLE service_points (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        region TEXT NOT NULL CHECK (length(region) = 6),
        level TEXT NOT NULL,
        name_zh TEXT NOT NULL, name_mn TEXT NOT NULL,
        phone TEXT NOT NULL,
        hours_zh TEXT NOT NULL, hours_mn TEXT NOT NULL,
        address_zh TEXT NOT NULL, address_mn TEXT NOT NULL
    );
    CREATE INDEX service_points_region ON service_points ((substr(region, 1, 2)));
    CREATE TABLE glossary_terms (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        term_zh TEXT NOT NULL, term_mn TEXT NOT NULL,
        definition_zh TEXT NOT NULL, definition_mn TEXT NOT NULL
    );
    CREATE TABLE guides (
        topic TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        title_zh TEXT NOT NULL, title_mn TEXT NOT NULL,
        steps TEXT NOT NULL,          -- JSON [{"zh", "mn"}]
        glossary TEXT NOT NULL,       -- JSON [glossary id]
        video_category TEXT
    );
    CREATE TABLE guidance_sets (
        kind TEXT PRIMARY KEY,        -- services | glossary | guides
        version INTEGER NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        updated_by TEXT
    );
    """,
    "ALTER TABLE service_points ADD COLUMN services TEXT NOT NULL DEFAULT '[]';",
    "ALTER TABLE guides ADD COLUMN documents TEXT NOT NULL DEFAULT '[]';",
]

KINDS = ("services", "glossary", "guides")


def set_version(store, kind: str) -> int | None:
    """How often this set was replaced (1 after seeding), or None if it was never filled."""
    row = store.one("SELECT version FROM guidance_sets WHERE kind = ?", (kind,))
    return row["version"] if row else None


def seeded_services_without_kinds(store) -> bool:
    """Whether the service points are still the seed's, filled before points said what they offer."""
    row = store.one("SELECT updated_by FROM guidance_sets WHERE kind = 'services'")
    return row is not None and row["updated_by"] == "seed" and store.one(
        "SELECT 1 AS found FROM service_points WHERE services <> '[]' LIMIT 1") is None


def seeded_guides_without_documents(store) -> bool:
    """Whether the guides are still the seed's, filled before guides said what to bring."""
    row = store.one("SELECT updated_by FROM guidance_sets WHERE kind = 'guides'")
    return row is not None and row["updated_by"] == "seed" and store.one(
        "SELECT 1 AS found FROM guides WHERE documents <> '[]' LIMIT 1") is None


def _bump(conn, kind: str, by: str | None) -> None:
    documents.bump(conn, documents.Document(kind))
    conn.execute("INSERT INTO guidance_sets (kind, version, updated_at, updated_by) VALUES (?, 1, ?, ?) "
                 "ON CONFLICT (kind) DO UPDATE SET version = guidance_sets.version + 1, "
                 "updated_at = excluded.updated_at, "
                 "updated_by = excluded.updated_by", (kind, time.time(), by))


def replace_services(store, points: list[dict], by: str | None = None) -> None:
    """Replaces every service point with `points` (contract shape plus `region`), in one transaction."""
    with store.write() as conn:
        conn.execute("DELETE FROM service_points")
        conn.executemany(
            "INSERT INTO service_points (id, position, region, level, name_zh, name_mn, phone, hours_zh, "
            "hours_mn, address_zh, address_mn, services) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p["id"], i, p["region"], p["level"], p["name"]["zh"], p["name"]["mn"], p["phone"],
              p["hours"]["zh"], p["hours"]["mn"], p["address"]["zh"], p["address"]["mn"],
              json.dumps(p.get("services") or []))
             for i, p in enumerate(points)])
        _bump(conn, "services", by)


def services_near(store, region: str | None) -> list[dict]:
    """Service points nearest first for a 6-digit region code: the county itself, its league's
    offices, the league's other banners, the province's offices, the rest of the province, then
    the nationwide ones (region 000000). Without a region: all, in editor order."""
    if region is None:
        rows = store.all("SELECT * FROM service_points ORDER BY position")
    else:
        # the prefixes are computed here: both engines take positional `?` parameters only
        county, league, province = region, region[:4], region[:2]
        rows = store.all(
            """SELECT *, CASE
                   WHEN region = ? THEN 0
                   WHEN region = ? THEN 1
                   WHEN substr(region, 1, 4) = ? THEN 2
                   WHEN region = ? THEN 3
                   WHEN substr(region, 1, 2) = ? THEN 4
                   ELSE 5 END AS distance
               FROM service_points
               WHERE substr(region, 1, 2) = ? OR region = '000000'
               ORDER BY distance, position""", (county, league + "00", league, province + "0000", province, province))
    return [_point(r) for r in rows]


def _point(r) -> dict:
    return {"id": r["id"], "name": {"zh": r["name_zh"], "mn": r["name_mn"]}, "level": r["level"],
            "phone": r["phone"], "hours": {"zh": r["hours_zh"], "mn": r["hours_mn"]},
            "address": {"zh": r["address_zh"], "mn": r["address_mn"]}, "region": r["region"],
            "services": json.loads(r["services"])}


def service_point(store, point_id: str) -> dict | None:
    """One service point in the contract's shape, or None."""
    row = store.one("SELECT * FROM service_points WHERE id = ?", (point_id,))
    return _point(row) if row is not None else None


def replace_glossary(store, terms: list[dict], by: str | None = None) -> None:
    """Replaces the whole glossary with `terms` ({"id", "term", "definition"})."""
    with store.write() as conn:
        conn.execute("DELETE FROM glossary_terms")
        conn.executemany(
            "INSERT INTO glossary_terms (id, position, term_zh, term_mn, definition_zh, definition_mn) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(t["id"], i, t["term"]["zh"], t["term"]["mn"], t["definition"]["zh"], t["definition"]["mn"])
             for i, t in enumerate(terms)])
        _bump(conn, "glossary", by)


def glossary(store) -> list[dict]:
    return [{"id": r["id"], "term": {"zh": r["term_zh"], "mn": r["term_mn"]},
             "definition": {"zh": r["definition_zh"], "mn": r["definition_mn"]}}
            for r in store.all("SELECT * FROM glossary_terms ORDER BY position")]


def glossary_ids(store) -> set[str]:
    return {r["id"] for r in store.all("SELECT id FROM glossary_terms")}


def replace_guides(store, guides_: list[dict], by: str | None = None) -> None:
    """Replaces every situation guide with `guides_` ({"topic", "title", "steps", "glossary", "category",
    "documents"})."""
    with store.write() as conn:
        conn.execute("DELETE FROM guides")
        conn.executemany(
            "INSERT INTO guides (topic, position, title_zh, title_mn, steps, glossary, video_category, documents) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(g["topic"], i, g["title"]["zh"], g["title"]["mn"], json.dumps(g["steps"], ensure_ascii=False),
              json.dumps(g["glossary"]), g.get("category"),
              json.dumps(g.get("documents") or [], ensure_ascii=False)) for i, g in enumerate(guides_)])
        _bump(conn, "guides", by)


def guides(store) -> list[dict]:
    """Every guide; glossary ids that no longer exist in the glossary are left out."""
    known = glossary_ids(store)
    return [{"topic": r["topic"], "title": {"zh": r["title_zh"], "mn": r["title_mn"]},
             "steps": json.loads(r["steps"]),
             "glossary": [g for g in json.loads(r["glossary"]) if g in known],
             "category": r["video_category"], "documents": json.loads(r["documents"])}
            for r in store.all("SELECT * FROM guides ORDER BY position")]


def guide_documents(store, topic: str) -> list[dict]:
    """What to bring to an appointment about `topic` ([{"zh", "mn"}]; none without a guide)."""
    row = store.one("SELECT documents FROM guides WHERE topic = ?", (topic,))
    return json.loads(row["documents"]) if row is not None else []
