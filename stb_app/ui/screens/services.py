"""Service points near the household's region: name, level, phone (large), hours, address."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ..widgets import FocusCard
from .base import BaseScreen


class ServiceCard(FocusCard):
    service = ObjectProperty(None)


class ServicesScreen(BaseScreen):
    kv_name = "services"

    def on_data(self) -> None:
        grid = self.ids.services
        grid.clear_widgets()
        for service in self.library.services:
            grid.add_widget(ServiceCard(focus_key=f"service:{service['id']}", service=service))
        self.ids.empty.opacity = 0 if self.library.services else 1
