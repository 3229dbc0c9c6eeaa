"""The device token check, remembered briefly: a box's every request need not read its row.

A box is known by its token's hash. A found device is kept for `TTL_SECONDS` in a bounded
table (least recently used dropped first); an unknown token is never remembered, so it is
refused by the database every time. A device removed from the database (a revoked token)
is still accepted by this node for at most `TTL_SECONDS`. Only what seldom changes in a device
row is relied upon from a remembered row (its id, region, language); what changes, like the
version of its question list, is read fresh where it is needed, unless the row was read just now.
A household that chooses another place is forgotten here at once (`forget`); another node may
keep its old region for at most `TTL_SECONDS`.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable

from aiohttp import web

from ..storage import accounts

TTL_SECONDS = 15.0
MAX_DEVICES = 100_000  # about 30 MB of rows at most, for a node's busiest quarter of a minute


class DeviceTokens:
    def __init__(self, store, ttl: float = TTL_SECONDS, max_devices: int = MAX_DEVICES,
                 clock: Callable[[], float] = time.monotonic):
        self.store, self.ttl, self.max_devices, self.clock = store, ttl, max_devices, clock
        self._known: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self.lookups = 0  # database reads, for tests and benchmarks

    async def device(self, token_hash: str) -> tuple[object | None, bool]:
        """The device holding this token, or None (never remembered: refused every time), and
        whether its row was read from the database just now (all its fields current)."""
        now = self.clock()
        hit = self._known.get(token_hash)
        if hit is not None and now < hit[0]:
            self._known.move_to_end(token_hash)
            return hit[1], False
        self.lookups += 1
        device = await self.store.read(accounts.device_by_token, token_hash)
        if device is None:
            self._known.pop(token_hash, None)
            return None, True
        self._known[token_hash] = (now + self.ttl, device)
        self._known.move_to_end(token_hash)
        while len(self._known) > self.max_devices:
            self._known.popitem(last=False)
        return device, True


    def forget(self, token_hash: str) -> None:
        """The device's row changed: the next request reads it again."""
        self._known.pop(token_hash, None)


DEVICE_TOKENS = web.AppKey("device_tokens", DeviceTokens)  # the device token check, remembered briefly
