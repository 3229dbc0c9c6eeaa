"""Service points near the household's region: name, level, services, phone (large), hours,
address; a row of service cards above them shows only the points offering that service."""
from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from legaltv_regions.offices import LEVEL_LABELS, SERVICE_LABELS

from ...i18n import N_, pick, translate
from ...offices import offering, services_offered
from ..widgets import FocusCard
from .base import BaseScreen

# TRANSLATORS: TV app, services screen, the filter card showing every service point, max 16 chars
ALL_SERVICES = N_("All services")


class ServiceCard(FocusCard):
    service = ObjectProperty(None)


class ServiceFilterCard(FocusCard):
    kind = StringProperty("")


def offers(point: dict) -> dict:
    """The point's level and services, in both scripts: "Sumu or town · Legal aid · Notary"."""
    names = [LEVEL_LABELS[point["level"]]] if point.get("level") in LEVEL_LABELS else []
    names += [SERVICE_LABELS[kind] for kind in point.get("services") or [] if kind in SERVICE_LABELS]
    return {lang: " · ".join(translate(name, lang) for name in names) for lang in ("zh", "mn")}


class ServicesScreen(BaseScreen):
    kv_name = "services"
    service = StringProperty("")  # the service chosen in the filter row ("" = every point)

    def on_data(self) -> None:
        points = self.library.services
        kinds = services_offered(points)
        if self.service not in kinds:
            self.service = ""
        row = self.ids.filters
        row.clear_widgets()
        for kind in ["", *kinds]:
            card = ServiceFilterCard(focus_key=f"filter:{kind or 'all'}", kind=kind,
                                     selected=kind == self.service)
            card.ids.label.msgid = SERVICE_LABELS.get(kind, ALL_SERVICES)
            card.bind(on_activate=lambda c: self.choose(c.kind))
            row.add_widget(card)
        self.ids.filter_row.opacity = 1 if kinds else 0
        self._show_points()

    def choose(self, kind: str) -> None:
        """OK on a service card: only the points that offer it (the focus stays on the card)."""
        self.service = kind
        for card in self.ids.filters.children:
            card.selected = card.kind == kind
        self._show_points()
        self.app.navigator.ensure(self)

    def _show_points(self) -> None:
        grid = self.ids.services
        grid.clear_widgets()
        shown = offering(self.library.services, self.service)
        # a visit starts on the nearest office; the service cards are one row up
        self.default_focus = f"service:{shown[0]['id']}" if shown else "filter:all"
        for service in shown:
            card = ServiceCard(focus_key=f"service:{service['id']}", service=service)
            card.ids.offers.texts = offers(service)
            card.bind(on_activate=lambda c: self.read(c.service))
            grid.add_widget(card)
        self.ids.empty.opacity = 0 if shown else 1

    def read(self, service: dict) -> None:
        """OK on a point: its name, services, phone, hours and address whole, in large type."""
        said = offers(service)
        body = {lang: "\n".join(filter(None, (said[lang], service.get("phone") or "",
                                               pick(service.get("hours") or "", lang),
                                               pick(service.get("address") or "", lang))))
                for lang in ("zh", "mn")}
        self.ids.page.open(service.get("name"), body)

    def on_remote(self, action) -> bool:
        return self.ids.page.on_remote(action)

    def on_leave_screen(self) -> None:
        self.ids.page.close()
