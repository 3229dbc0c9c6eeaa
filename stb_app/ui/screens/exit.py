"""Back on the home screen asks before the app closes."""
from __future__ import annotations

from .base import BaseScreen


class ExitScreen(BaseScreen):
    kv_name = "exit"

    def leave(self) -> None:
        self.app.stop()
