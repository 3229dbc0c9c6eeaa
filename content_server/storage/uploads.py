"""Statements of the uploads feature (resumable tus uploads)."""

MIGRATIONS: list[str] = []
