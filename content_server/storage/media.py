"""Statements of the media feature."""

MIGRATIONS: list[str] = []
