"""My appointments: the household's service requests beside My questions — waiting, the confirmed
slot (place, day and time in its script and calendar, what to bring), a refusal's reason, or
cancelled; a request is cancelled with OK twice on its Cancel button (through the outbox)."""
from __future__ import annotations


from kivy.metrics import dp

from ... import appointments
from ...i18n import N_, translate
from .ask import card
from .base import BaseScreen

# TRANSLATORS: TV app, My appointments, a request not yet answered, max 100 chars
WAITING = N_("Waiting: the office will call you to agree the day and time.")
# TRANSLATORS: TV app, My appointments, a request saved on the box, not yet sent, max 60 chars
NOT_SENT = N_("Saved on this box; waiting to send.")
# TRANSLATORS: TV app, My appointments, a confirmed appointment; {slot} is its day, time and place, max 140 chars
CONFIRMED = N_("Confirmed: {slot}")
# TRANSLATORS: TV app, My appointments, what to bring to the appointment; {bring} lists papers, max 140 chars
BRING = N_("Please bring: {bring}")
# TRANSLATORS: TV app, My appointments, a refused request; {reason} is the office's words, max 140 chars
REFUSED = N_("Not possible: {reason}")
# TRANSLATORS: TV app, My appointments, a cancelled request, max 40 chars
CANCELLED = N_("Cancelled")
# TRANSLATORS: TV app, My appointments, button that cancels a request, max 16 chars
CANCEL = N_("Cancel it")
# TRANSLATORS: TV app, My appointments, the cancel button asks once more, max 40 chars
CANCEL_AGAIN = N_("Press OK again to cancel")
# TRANSLATORS: TV app, My appointments, while a cancellation is sent, max 24 chars
CANCELLING = N_("Cancelling…")


def request_text(request: dict, lang: str) -> str:
    """One request as the household reads it: the service, then what became of it."""
    number = translate(N_("No. {number}"), lang, number=request["number"]) if request.get("number") else ""
    lines = [f"{appointments.service_name(request.get('service'), lang)}  {number}".strip()]
    if request.get("cancelled"):
        lines.append(translate(CANCELLED, lang))
    elif appointments.confirmed(request):
        lines.append(translate(CONFIRMED, lang, slot=appointments.slot_text(request["appointment"], lang)))
        bring = request["appointment"].get("bring") or {}
        if bring.get(lang) or bring.get("zh"):
            lines.append(translate(BRING, lang, bring=bring.get(lang) or bring.get("zh")))
    elif request.get("outcome") == "refused":
        reason = request.get("answer_summary") or {}
        lines.append(translate(REFUSED, lang, reason=reason.get(lang) or reason.get("zh") or ""))
    elif request.get("status") == "waiting":
        lines.append(translate(NOT_SENT, lang))
    else:
        lines.append(translate(WAITING, lang))
    return "\n".join(lines)


def cancellable(request: dict) -> bool:
    return not request.get("cancelled") and (request.get("status") in ("queued", "claimed")
                                             or appointments.confirmed(request))


class AppointmentsScreen(BaseScreen):
    kv_name = "appointments"
    default_focus = "book"

    def on_data(self) -> None:
        body = self.ids.body
        body.clear_widgets()
        mn = self.app.lang == "mn"
        tall = dp(640) if mn else dp(200)
        # TRANSLATORS: TV app, My appointments, button that starts a service request, max 30 chars
        body.add_widget(card("book", N_("Ask for a service"), size=(dp(200) if mn else dp(1400), dp(640) if mn else dp(110)),
                             on_activate=lambda: self.app.open("request", reset_focus=True)))
        cancelling = {e.body.get("question") for e in self.library.outbox.waiting()
                      if e.body.get("kind") == appointments.CANCEL}
        unsent = [{"id": e.key, "status": "waiting", "service": e.body.get("service")}
                  for e in reversed(self.library.outbox.waiting()) if e.body.get("kind") == "request"]
        for request in unsent + appointments.requests_of(self.library.questions):
            body.add_widget(card(f"request:{request['id']}", size=(dp(440) if mn else dp(1200), tall), font=dp(30),
                                 texts={lang: request_text(request, lang) for lang in ("zh", "mn")}))
            if cancellable(request):
                button = card(f"cancel:{request['id']}", CANCELLING if request["id"] in cancelling else CANCEL,
                              size=(dp(160) if mn else dp(300), tall))
                button.bind(on_activate=lambda c, r=request: self._cancel(c, r))
                body.add_widget(button)
        self.ids.empty.opacity = 0 if len(body.children) > 1 else 1

    def on_open(self) -> None:
        self.app.refresh_questions()

    def _cancel(self, button, request: dict) -> None:
        label = button.children[0]
        if label.msgid == CANCEL:  # asked once more: a stray OK cancels nothing
            label.msgid = CANCEL_AGAIN
            return
        if label.msgid != CANCEL_AGAIN:
            return
        label.msgid = CANCELLING
        self.library.outbox.add({"kind": appointments.CANCEL, "question": request["id"]})  # durable first
        self.app.flush_outbox(then=self.app.refresh_questions)


__all__ = ["AppointmentsScreen"]
