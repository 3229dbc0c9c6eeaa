"""What a service point offers and its level, named for households (the server's keys), and the
points that offer one service."""
from __future__ import annotations

from legaltv_regions.offices import SERVICE_LABELS


def services_offered(points: list) -> list[str]:
    """The services some point offers, in the fixed order of SERVICE_LABELS (unknown keys left out)."""
    offered = {kind for point in points for kind in point.get("services") or []}
    return [kind for kind in SERVICE_LABELS if kind in offered]


def offering(points: list, service: str | None) -> list:
    """The points that offer `service`, nearest first as the server sent them (all without one)."""
    return list(points) if not service else [p for p in points if service in (p.get("services") or [])]
