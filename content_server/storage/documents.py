"""Versions of the public documents boxes read: one number per document, kept in the database.

A cache of a document keys on that document's version only, so a question, a claim, a login
or a transcode's progress never throws away what thousands of boxes read. Every write that
changes a document's data bumps its version in the same transaction; the numbers live in the
database, so every server process (and every node sharing one PostgreSQL) sees the same ones.
"""
from __future__ import annotations

from enum import StrEnum


class Document(StrEnum):
    CATALOG = "catalog"    # categories, ready videos and their publish windows (also what channels play)
    CHANNELS = "channels"  # channel titles and schedules: channel list, guides, XMLTV, live playlists
    TOPICS = "topics"
    SERVICES = "services"
    GLOSSARY = "glossary"
    GUIDES = "guides"
    FIGURES = "figures"    # the calculators' published figures
    NOTICES = "notices"    # notices to households (the changes entry also moves at their window edges)
    POPULAR = "popular"    # the Popular ranking: moves at most once an hour (storage/plays.py)


MIGRATIONS: list[str] = [
    "CREATE TABLE document_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL);",
]
POSTGRES_MIGRATIONS: list[str] = [
    "CREATE TABLE document_versions (name TEXT PRIMARY KEY, version BIGINT NOT NULL);",
]


def bump(conn, *documents: Document) -> None:
    """Marks documents changed; call inside the write transaction that changes their data."""
    for document in documents:
        conn.execute("INSERT INTO document_versions (name, version) VALUES (?, 1) "
                     "ON CONFLICT (name) DO UPDATE SET version = document_versions.version + 1", (str(document),))


def versions(store) -> dict[str, int]:
    """Every document's version (a document never written is absent: version 0), in one read."""
    return {row[0]: row[1] for row in store.all("SELECT name, version FROM document_versions")}


def version_of(store, *documents: Document) -> tuple[int, ...]:
    """The versions of `documents`, in that order, from one read."""
    current = versions(store)
    return tuple(current.get(str(d), 0) for d in documents)
