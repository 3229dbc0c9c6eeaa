"""Statements of the schedule feature."""

MIGRATIONS: list[str] = []
