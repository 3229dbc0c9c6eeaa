"""A notary appointment on the real box, keys only, in both scripts: the household asks for it from
想选的 with two preferred days and its phone; a clerk confirms it through the real staff API; My
appointments shows the place, day and time in the household's script and calendar; on the day
before (by the box's clock) home reminds of it; the household cancels it and the desk sees it
cancelled. Screenshots go to test-artifacts/box/."""
import json
import subprocess
import sys
import urllib.request
from datetime import datetime, time, timedelta

import pytest

from content_server.kernel.config import Settings
from stb_app import appointments

from .box_ui import launch
from .conftest import ARTIFACTS, PASSWORD, ServerProcess
from .test_box_notices import CLINIC, FLOOD, editor_token, post_notice, refreshed
from .test_box_ui import home, walk_to
from .test_box_urgent import snake_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box"
BOTTOM_ROW = ("services", "glossary", "appointments", "calculator")


def cli(data, *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "content_server.cli", *args, "--data", str(data)],
                          input=stdin, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def desk(server, token: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"{server.url}{path}", data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("box-appointments")
    settings = Settings(data=root / "data")
    settings.data.mkdir(parents=True)
    cli(settings.data, "user", "add", "saruul", "--role", "staff", "--languages", "zh,mn", stdin=PASSWORD + "\n")
    clerk = cli(settings.data, "token", "create", "saruul")
    server = ServerProcess(settings.data).start()
    box = launch(server.url, root / "box", box_display, language="zh")
    box.until(lambda: box.app.library.topics, what="topics")
    yield box, server, clerk
    box.app.player.close()
    server.stop()


def texts_with(box, text: str, lang: str) -> bool:
    return any(text in shown for shown in box.texts(lang=lang))


def both_scripts(box, name: str, shown) -> None:
    """A screenshot in Chinese, then in Mongolian once `shown("mn")` holds, then back to Chinese."""
    box.until(lambda: shown("zh"), what=f"{name} in Chinese")
    box.screenshot(SHOTS, f"{name}-zh")
    box.press("menu")
    box.until(lambda: box.app.lang == "mn" and shown("mn"), what=f"{name} in Mongolian")
    box.screenshot(SHOTS, f"{name}-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="back to Chinese")


def open_appointments(box) -> None:
    home(box)
    walk_to(box, "choose", "right")
    box.go("ok", screen="choose")
    for _ in range(8):
        if box.focus in BOTTOM_ROW:
            break
        box.press("down")
    walk_to(box, "appointments", "right" if BOTTOM_ROW.index(box.focus) < 2 else "left")
    box.go("ok", screen="appointments", focus="book")


def test_a_household_books_a_notary_appointment_is_reminded_the_day_before_and_cancels_it(world):
    box, server, clerk = world
    first, second = box.app.today() + timedelta(days=3), box.app.today() + timedelta(days=4)
    open_appointments(box)
    box.screenshot(SHOTS, "appointments-empty-zh")
    box.go("ok", screen="request", focus="service:legal_aid")
    both_scripts(box, "request-service", lambda lang: texts_with(
        box, appointments.service_name("notary", lang), lang))
    snake_to(box, "service:notary")
    box.press("ok")
    box.until(lambda: (box.focus or "").startswith("day:"), what="the days")
    for day in (first, second):                                   # two preferred days, ticked
        snake_to(box, f"day:{day.isoformat()}")
        box.press("ok")
        assert box.focused_card().selected
    both_scripts(box, "request-days", lambda lang: texts_with(
        box, "✓ " + appointments.day_label(first, lang, "\n"), lang))
    walk_to(box, "next", "up", "right", "up", "right", "right")
    box.press("ok")
    box.until(lambda: box.focus == "digit:1", what="the phone step")
    box.press(*"13812345678")
    walk_to(box, "next", "up", "right", "up", "right", "right")
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    box.press("ok")
    box.until(lambda: box.focus == "questions", timeout=20, what="sent")
    screen = box.app.sm.current_screen
    box.until(lambda: box.app.library.outbox.entry(screen.key).response, timeout=20, what="the server's reply")
    sent = box.app.library.outbox.entry(screen.key).response
    both_scripts(box, "request-sent", lambda lang: any(sent["number"] in t for t in box.texts()))

    # a clerk confirms the first day at 09:30 at a service point, through the real staff API
    claimed = desk(server, clerk, f"/api/v1/desk/questions/{sent['id']}/claim", {})
    assert (claimed["kind"], claimed["service"], claimed["preferred_days"]) == (
        "request", "notary", [first.isoformat(), second.isoformat()])
    desk(server, clerk, f"/api/v1/desk/questions/{sent['id']}/appointment", {
        "version": claimed["version"], "place_id": "xilinhot-legal-aid", "date": first.isoformat(), "time": "09:30",
        "bring": {"zh": "身份证", "mn": "ᠪᠡᠶ᠎ᠡ\u202fᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ"}})

    box.go("ok", screen="appointments")                           # "My appointments" from the last step
    box.app.refresh_questions()
    box.until(lambda: any(appointments.confirmed(r) for r in appointments.requests_of(box.app.library.questions)),
              timeout=20, what="the confirmation")
    confirmed = appointments.requests_of(box.app.library.questions)[0]
    both_scripts(box, "appointments-confirmed", lambda lang: texts_with(
        box, appointments.slot_text(confirmed["appointment"], lang), lang))
    assert "09:30" in appointments.slot_text(confirmed["appointment"], "mn")
    assert "锡林浩特市法律援助中心" in appointments.slot_text(confirmed["appointment"], "zh")

    # two days before there is no reminder; on the day before, by the box's clock, home shows it
    home(box)
    reminder = appointments.reminder(box.app.library.questions, first - timedelta(days=1))["text"]
    assert not texts_with(box, reminder["zh"], "zh")
    # that day a flood warning and a clinic's banner arrive too: the warning takes the whole screen
    # first; then home shows the notices and, after them, the reminder, each whole and reachable
    editor = editor_token(server.data.parent)
    flood, clinic = post_notice(server, editor, FLOOD), post_notice(server, editor, CLINIC)
    day_before = datetime.combine(first - timedelta(days=1), time(19, 0), appointments.CHINA).timestamp()
    box.app.wall_clock = lambda: day_before
    refreshed(box)
    box.until(lambda: box.screen == "urgent", what="the urgent notice before anything else")
    box.go("ok", screen="home")
    ids = box.app.sm.current_screen.ids
    both_scripts(box, "home-appointment-reminder", lambda lang: texts_with(box, reminder[lang], lang)
                 and ids.banner_text.shown_text == CLINIC["title"][lang] and ids.banner_text.shown_whole
                 and ids.reminder_text.shown_whole)
    assert ids.banner_card.right <= ids.reminder_card.x                # the notices first, in either script
    walk_to(box, "banner", "up")                                    # the notices: the warning is there
    box.go("ok", screen="notices")
    box.until(lambda: (box.focus or "").startswith("notice:"), what="the notices")
    assert {c.focus_key for c in box.app.sm.current_screen.ids.list.children} == {
        f"notice:{flood['id']}", f"notice:{clinic['id']}"}
    box.go("back", screen="home")

    # OK on the reminder opens My appointments; the household cancels (OK twice) through the outbox
    walk_to(box, "reminder", "up", "right")
    box.go("ok", screen="appointments")
    snake_to(box, f"cancel:{sent['id']}")
    box.press("ok")
    assert not box.app.library.outbox.waiting()                   # one OK alone cancels nothing
    box.press("ok")
    box.until(lambda: any(r.get("cancelled") for r in appointments.requests_of(box.app.library.questions)),
              timeout=20, what="the cancellation")
    from stb_app.ui.screens.appointments import CANCELLED
    from stb_app.i18n import translate
    both_scripts(box, "appointments-cancelled", lambda lang: texts_with(box, translate(CANCELLED, lang), lang))
    assert not box.app.library.outbox.waiting()
    seen = desk(server, clerk, f"/api/v1/desk/questions/{sent['id']}")
    assert (seen["status"], seen["outcome"], seen["cancelled"]) == ("closed", "cancelled", True)
    box.app.go_home()
    assert not texts_with(box, reminder["zh"], "zh")               # no reminder of a cancelled appointment
