"""Ask for a service: which service → preferred days (several, from the next 14) → phone number →
consent → send. The ask wizard with two steps of its own: the same phone entry and its check, the
same consent and the same outbox (a request is sent as a question of kind "request")."""
from __future__ import annotations

import datetime as dt

from kivy.clock import Clock
from kivy.metrics import dp

from ... import appointments
from ...i18n import N_, translate
from ...keys import BACK
from ..widgets import FocusCard
from .ask import AskScreen, card, phone_ok

# TRANSLATORS: TV app, service request, consent step: what will be sent; {service} and {days} name it, max 160 chars
REQUEST_RECAP = N_("Service: {service}\nDays you prefer: {days}")
# TRANSLATORS: TV app, service request, after sending, above the request's number shown large, max 120 chars
REQUEST_SENT = N_("Your request was sent. The office will call you to agree the day and time. Your request's number:")


# TRANSLATORS: TV app, button and screen title: the household's service requests and appointments, max 24 chars
MY_APPOINTMENTS = N_("My appointments")


class RequestScreen(AskScreen):
    kv_name = "request"
    steps = ("service", "days", "phone", "consent", "done")

    def on_data(self) -> None:
        if self.params.get("_started"):
            self.show(self.step)
            return
        self.params["_started"] = True
        self.topic_id, self.calculation = None, None
        self.phrases, self.text, self.phone, self.window, self.result = [], "", "", "any", None
        self.service, self.days = "", []
        self.show("service")

    def show(self, step: str) -> None:
        if step not in ("service", "days"):
            super().show(step)
            if step == "done":  # the way on is to My appointments
                mine = next(c for c in self.ids.body.children if getattr(c, "focus_key", "") == "questions")
                mine.children[0].msgid = MY_APPOINTMENTS
            return
        self.step = step
        ids = self.ids
        ids.body.clear_widgets()
        ids.actions.clear_widgets()
        ids.notice.msgid = ""
        ids.entry.texts, ids.entry.msgid, ids.entry.lang = None, "", ""
        self.app.navigator.memory.forget(self.name)
        ids.step_count.msgid = N_("Step {number} of {count}")
        ids.step_count.params = {"number": self.steps.index(step) + 1, "count": len(self.steps) - 1}
        tall = dp(230) if self.app.lang == "mn" else dp(130)
        if step == "service":
            # TRANSLATORS: TV app, service request, heading of step 1, max 60 chars
            ids.heading.msgid = N_("Which service do you need?")
            for value, msgid in appointments.SERVICES:
                ids.body.add_widget(card(f"service:{value}", msgid, size=(dp(400), tall),
                                         on_activate=lambda v=value: self._pick_service(v)))
        else:
            # TRANSLATORS: TV app, service request, heading of step 2, max 60 chars
            ids.heading.msgid = N_("Which days suit you? (OK marks, choose several)")
            ids.entry.texts = {lang: appointments.service_name(self.service, lang) for lang in ("zh", "mn")}
            for day in appointments.day_choices(self.app.today()):
                c = card(f"day:{day.isoformat()}", size=(dp(300), tall), font=dp(30),
                         texts={lang: appointments.day_label(day, lang, "\n") for lang in ("zh", "mn")})
                self._mark_day(c, day.isoformat())
                c.bind(on_activate=lambda c, d=day.isoformat(): self._toggle_day(c, d))
                ids.body.add_widget(c)
            ids.actions.add_widget(self._action("next", N_("Next"), dp(260), self._days_done))
        first = next((c for c in reversed(ids.body.children) if isinstance(c, FocusCard)), None)
        self.default_focus = first.focus_key if first is not None else ""
        Clock.schedule_once(lambda _dt: self.app.navigator.restore(self), 0)

    def _pick_service(self, value: str) -> None:
        self.service, self.days = value, []
        self.show("days")

    def _mark_day(self, c, day: str) -> None:
        c.selected = day in self.days
        label = c.children[0]
        plain = {lang: text.removeprefix("✓ ") for lang, text in label.texts.items()}
        label.texts = {lang: f"✓ {text}" for lang, text in plain.items()} if c.selected else plain

    def _toggle_day(self, c, day: str) -> None:
        if day in self.days:
            self.days.remove(day)
        else:
            self.days.append(day)
        self._mark_day(c, day)

    def _days_done(self) -> None:
        if self.days:
            self.show("phone")
        else:
            # TRANSLATORS: TV app, service request, notice when no day is chosen, max 60 chars
            self.ids.notice.msgid = N_("Please choose at least one day.")

    def _phone_done(self) -> None:  # the same check as a question's; a request has no call window
        if self.phone_ok():
            self.show("consent")
        else:
            self.ids.notice.msgid = N_("Please check the number: 11 digits for a mobile phone")

    def phone_ok(self) -> bool:
        return phone_ok(self.phone)

    def recap(self) -> dict:
        days = sorted(self.days)
        return {lang: translate(REQUEST_RECAP, lang, service=appointments.service_name(self.service, lang),
                                days=("、" if lang == "zh" else " ᠂ ").join(
                                    appointments.day_label(dt.date.fromisoformat(d), lang) for d in days))
                for lang in ("zh", "mn")}

    def body(self) -> dict:
        return {"kind": "request", "service": self.service, "preferred_days": sorted(self.days),
                "phone": self.phone, "text": "", "language": self.app.lang}

    def urgent(self) -> bool:
        return False

    def _to_questions(self) -> None:
        """My appointments from the last step, by way of home (Back there goes home)."""
        self.app.go_home()
        self.app.open("appointments")

    def _show_result(self) -> None:
        super()._show_result()
        entry = self.library.outbox.entry(self.key)
        if entry is not None and entry.response and entry.state == "sent":
            self.ids.entry.texts, self.ids.entry.msgid = None, REQUEST_SENT

    def on_remote(self, action) -> bool:
        if action.action == BACK and self.step in self.steps[1:-1]:
            self.show(self.steps[self.steps.index(self.step) - 1])
            return True
        if action.action == BACK:
            return False
        return super().on_remote(action)
