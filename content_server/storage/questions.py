"""Statements of the questions feature."""

MIGRATIONS: list[str] = []
