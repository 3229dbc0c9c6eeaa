"""The SQLite and PostgreSQL schemas cannot drift apart.

Both are built from their migrations (a real SQLite file, a real PostgreSQL database) and
compared table by table: columns in order with compatible types, NOT NULL and defaults,
primary keys, unique constraints, foreign keys, CHECK constraints (the columns they read) and
indexes (their columns, the columns their expressions and WHERE read).
"""
from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest

from content_server.storage import FEATURES, Store, postgres

# SQLite declared type -> the PostgreSQL types that keep the same values exactly
COMPATIBLE_TYPES = {
    "INTEGER": {"integer", "bigint"},
    "REAL": {"double precision"},
    "TEXT": {"text"},
}
EXPRESSION = "<expression>"


def _default(text: str | None) -> str | None:
    """A default as a plain literal: PostgreSQL adds casts ('zh'::text), SQLite keeps the text."""
    if text is None:
        return None
    text = re.sub(r"::[a-z ]+", "", text).strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def _check_columns(expression: str, columns: list[str]) -> frozenset[str]:
    plain = re.sub(r"::[a-z ]+", "", re.sub(r"'[^']*'", "", expression))  # no literals, no casts
    words = set(re.findall(r"[a-z_][a-z0-9_]*", plain))
    return frozenset(c for c in columns if c in words)


def _sqlite_checks(create_sql: str) -> list[str]:
    """The expressions inside every CHECK ( … ) of a CREATE TABLE statement."""
    out = []
    for match in re.finditer(r"CHECK\s*\(", create_sql, re.IGNORECASE):
        depth, start = 1, match.end()
        i = start
        while depth:
            depth += {"(": 1, ")": -1}.get(create_sql[i], 0)
            i += 1
        out.append(create_sql[start:i - 1])
    return out


def _index_shape(definition: str, columns: list[str]) -> tuple:
    """What an index's definition reads, from its CREATE INDEX text: the columns its key
    expressions mention and, for a partial index, the columns its WHERE mentions (else None)."""
    start = definition.index("(", definition.upper().index(" ON "))
    depth, i = 1, start + 1
    while depth:
        depth += {"(": 1, ")": -1}.get(definition[i], 0)
        i += 1
    where = re.search(r"\bWHERE\b(.*)$", definition[i:], re.IGNORECASE | re.DOTALL)
    return (_check_columns(definition[start:i], columns),
            _check_columns(where.group(1), columns) if where else None)


def sqlite_schema(path) -> dict:
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    schema = {}
    tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    for table in tables:
        name = table["name"]
        info = conn.execute(f"PRAGMA table_info({name})").fetchall()
        columns = [c["name"] for c in info]
        unique, indexes = set(), {}
        for index in conn.execute(f"PRAGMA index_list({name})").fetchall():
            if index["origin"] == "pk":
                continue
            parts = tuple(c["name"] or EXPRESSION for c in
                          conn.execute(f"PRAGMA index_info({index['name']})").fetchall())
            if index["unique"]:
                unique.add(parts)
            else:
                definition = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index["name"],)).fetchone()
                indexes[index["name"]] = (parts, *_index_shape(definition[0], columns))
        schema[name] = {
            "columns": [(c["name"], c["type"].upper(), bool(c["notnull"]) or c["pk"] > 0, _default(c["dflt_value"]))
                        for c in info],
            "primary_key": tuple(c["name"] for c in sorted(info, key=lambda c: c["pk"]) if c["pk"]),
            "unique": unique,
            "foreign_keys": {(f["from"], f["table"], f["to"], f["on_delete"].upper())
                             for f in conn.execute(f"PRAGMA foreign_key_list({name})").fetchall()},
            "checks": sorted((_check_columns(e, columns) for e in _sqlite_checks(table["sql"])), key=sorted),
            "indexes": indexes,
        }
    conn.close()
    return schema


def postgres_schema(url: str) -> dict:
    conn = psycopg.connect(url)
    schema = {}
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
    actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
    for name in tables:
        info = conn.execute(
            "SELECT column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
            "ORDER BY ordinal_position", (name,)).fetchall()
        columns = [c[0] for c in info]

        def names(attnums) -> tuple:
            return tuple(columns[n - 1] if n else EXPRESSION for n in attnums)

        primary_key, unique, indexes = (), set(), {}
        for index_name, is_primary, is_unique, keys, definition in conn.execute(
                "SELECT c.relname, i.indisprimary, i.indisunique, i.indkey::int2[], pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass", (name,)).fetchall():
            if is_primary:
                primary_key = names(keys)
            elif is_unique:
                unique.add(names(keys))
            else:
                indexes[index_name] = (names(keys), *_index_shape(definition, columns))
        foreign_keys, checks = set(), []
        for kind, keys, ref_table, ref_keys, on_delete, expression in conn.execute(
                "SELECT contype, conkey, confrelid::regclass::text, confkey, confdeltype, "
                "pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass", (name,)).fetchall():
            if kind == "f":
                ref_columns = [r[0] for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = ANY(%s)",
                    (ref_table, ref_keys)).fetchall()]
                foreign_keys.add((names(keys)[0], ref_table, ref_columns[0], actions[on_delete]))
            elif kind == "c":
                checks.append(frozenset(names(keys)))
        schema[name] = {
            "columns": [(c[0], c[1], c[2] == "NO", _default(c[3])) for c in info],
            "identity": {c[0] for c in info if c[4] == "YES"},
            "primary_key": primary_key,
            "unique": unique,
            "foreign_keys": foreign_keys,
            "checks": sorted(checks, key=sorted),
            "indexes": indexes,
        }
    conn.close()
    return schema


def differences(lite: dict, pg: dict) -> list[str]:
    """Every way the PostgreSQL schema differs from the SQLite one, as sentences."""
    out = []
    if sorted(lite) != sorted(pg):
        out.append(f"tables: {sorted(set(lite) ^ set(pg))} exist in one engine only")
    for table in sorted(set(lite) & set(pg)):
        lite_columns, pg_columns = lite[table]["columns"], pg[table]["columns"]
        if [c[0] for c in lite_columns] != [c[0] for c in pg_columns]:
            out.append(f"{table}: columns {[c[0] for c in lite_columns]} vs {[c[0] for c in pg_columns]}")
            continue
        for (name, lite_type, lite_not_null, lite_default), (_, pg_type, pg_not_null, pg_default) in zip(
                lite_columns, pg_columns):
            if pg_type not in COMPATIBLE_TYPES[lite_type]:
                out.append(f"{table}.{name}: {lite_type} became {pg_type}")
            if lite_not_null != pg_not_null:
                out.append(f"{table}.{name}: NOT NULL differs")
            if lite_default != pg_default:
                out.append(f"{table}.{name}: default {lite_default} vs {pg_default}")
        for part in ("primary_key", "unique", "foreign_keys", "checks", "indexes"):
            if lite[table][part] != pg[table][part]:
                out.append(f"{table}: {part} {lite[table][part]} vs {pg[table][part]}")
        # SQLite's INTEGER PRIMARY KEY numbers rows itself; PostgreSQL needs an identity column
        key = lite[table]["primary_key"]
        types = {c[0]: c[1] for c in lite_columns}
        one_row = any(key and key[0] in check for check in lite[table]["checks"])  # health_probe: id = 1
        numbered = len(key) == 1 and types[key[0]] == "INTEGER" and not one_row
        if pg[table]["identity"] != ({key[0]} if numbered else set()):
            out.append(f"{table}: identity columns {pg[table]['identity']}")
    return out


def build_both(tmp_path, url: str) -> tuple[dict, dict]:
    Store(tmp_path / "legal-tv.db").close()
    postgres.migrate(url)
    return sqlite_schema(tmp_path / "legal-tv.db"), postgres_schema(url)


def test_every_feature_has_as_many_postgres_steps_as_sqlite_steps():
    pg = postgres.migrations()
    assert list(pg) == list(FEATURES)
    for feature, steps in FEATURES.items():
        assert len(pg[feature]) == len(steps), f"{feature}: a migration was added to one engine only"


def test_both_engines_build_the_same_schema(tmp_path, postgres_url):
    lite, pg = build_both(tmp_path, postgres_url)
    assert len(lite) >= 20 and sum(len(t["indexes"]) for t in lite.values()) >= 15  # the comparison saw it all
    assert differences(lite, pg) == []


def test_postgres_keeps_times_exact(tmp_path, postgres_url):
    _, pg = build_both(tmp_path, postgres_url)
    float4 = [f"{table}.{c[0]}" for table, t in pg.items() for c in t["columns"] if c[1] == "real"]
    assert float4 == []  # float4 keeps 7 digits: a UNIX time would lose its seconds


@pytest.mark.parametrize("drift", [
    "ALTER TABLE devices ADD COLUMN model TEXT",
    "ALTER TABLE questions ALTER COLUMN rated_at TYPE real",
    "ALTER TABLE uploads ALTER COLUMN filename DROP NOT NULL",
    "ALTER TABLE users ALTER COLUMN languages SET DEFAULT 'mn'",
    "ALTER TABLE videos DROP CONSTRAINT videos_status_check",
    "ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey",
    "DROP INDEX questions_claim",
    "DROP INDEX uploads_expiry; CREATE INDEX uploads_expiry ON uploads (expires_at) WHERE filename = ''",
    "DROP INDEX service_points_region; CREATE INDEX service_points_region ON service_points ((substr(level, 1, 2)))",
    "CREATE INDEX devices_region ON devices (region)",
    "ALTER TABLE devices DROP CONSTRAINT devices_token_hash_key",
    "CREATE TABLE notes (id TEXT PRIMARY KEY)",
])
def test_the_comparison_notices_a_change_made_to_one_engine_only(tmp_path, postgres_url, drift):
    postgres.migrate(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(drift)
    lite, pg = build_both(tmp_path, postgres_url)
    assert differences(lite, pg) != []
