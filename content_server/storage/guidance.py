"""Statements of the guidance feature: service points, glossary, situation guides."""

MIGRATIONS: list[str] = []
