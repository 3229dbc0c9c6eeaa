"""Service points near the household's region: name, level, phone (large), hours, address."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ...i18n import pick
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
            card = ServiceCard(focus_key=f"service:{service['id']}", service=service)
            card.bind(on_activate=lambda c: self.read(c.service))
            grid.add_widget(card)
        self.ids.empty.opacity = 0 if self.library.services else 1

    def read(self, service: dict) -> None:
        """OK on a point: its name, phone, hours and address whole, in large type."""
        body = {lang: "\n".join(filter(None, (service.get("phone") or "", pick(service.get("hours") or "", lang),
                                               pick(service.get("address") or "", lang))))
                for lang in ("zh", "mn")}
        self.ids.page.open(service.get("name"), body)

    def on_remote(self, action) -> bool:
        return self.ids.page.on_remote(action)

    def on_leave_screen(self) -> None:
        self.ids.page.close()
