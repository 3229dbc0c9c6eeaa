"""Opens every box screen in both languages at one window size and prints what is on screen as
JSON: focus cards and text pieces in window pixels, font sizes, texture sizes; saves screenshots.

Kivy starts once per process, so `tests/test_box_screens.py` runs this once per window size:
`python -m tests.box_screens_probe SERVER DATA_DIR WIDTHxHEIGHT SCREENSHOT_DIR LAWYER_TOKEN`.
The box is lived-in: a "continue watching" row and questions asked, one answered at length.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .box_ui import launch, start_xvfb


def _clip(widget) -> tuple | None:
    """The window rect in which `widget` can be seen: the intersection of its scroll views."""
    from kivy.uix.scrollview import ScrollView
    left, bottom, right, top = 0.0, 0.0, float("inf"), float("inf")
    w = widget.parent
    while w is not None and w is not w.parent:
        if isinstance(w, ScrollView):
            x, y = w.to_window(*w.pos)
            left, bottom = max(left, x), max(bottom, y)
            right, top = min(right, x + w.width), min(top, y + w.height)
        w = w.parent
    return (left, bottom, right, top) if left < right and bottom < top else None


def _visible(rect: tuple, clip: tuple) -> list | None:
    x, y, w, h = rect
    left, bottom = max(x, clip[0]), max(y, clip[1])
    right, top = min(x + w, clip[2]), min(y + h, clip[3])
    return [left, bottom, right - left, top - bottom] if left < right and bottom < top else None


def must_read(box, name: str, lang: str) -> list[str]:
    """Texts of a screen that are never cut: the guide's steps, the service points' hours."""
    from stb_app.i18n import pick
    if name == "topic":
        return [step.ids.text.shown_text for step in box.app.sm.current_screen.ids.steps.children]
    if name == "services":
        return [pick(s["hours"], lang) for s in box.app.library.services if s.get("hours")]
    return []


def measure(screen, navigator, must_read: list | None = None) -> dict:
    from kivy.graphics import Rectangle

    from stb_app.ui.widgets import BiLabel
    cards = []
    for card in navigator.cards(screen):
        clip = _clip(card)
        x, y = card.to_window(*card.pos)
        seen = clip and _visible((x, y, card.width, card.height), clip)
        if seen:
            cards.append({"key": card.key(), "rect": [x, y, card.width, card.height], "visible": seen})
    texts = []
    for label in screen.walk():
        if not isinstance(label, BiLabel) or not label.shown_text or label.get_root_window() is None:
            continue
        if any(getattr(w, "opacity", 1) == 0 for w in (label, *_ancestors(label))):
            continue
        clip = _clip(label)
        if clip is None:
            continue
        shift = label._shift.xy if label._shift is not None else (0, 0)
        for piece in label.canvas.children:
            if not isinstance(piece, Rectangle) or piece.texture is None:
                continue
            x, y = label.to_window(piece.pos[0] + shift[0], piece.pos[1] + shift[1])
            seen = _visible((x, y, *piece.size), clip)
            if seen:
                texts.append({"text": label.shown_text, "lang": label.shown_lang, "font_px": label.font_size,
                              "rect": [x, y, *piece.size], "visible": seen, "texture": list(piece.texture.size),
                              "color": list(label.color)})
    # Mongolian words broken between letters to fit a column (a cut with "…" is not counted)
    broken = [label.shown_columns for label in screen.walk() if isinstance(label, BiLabel)
              and label.shown_lang == "mn" and label.shown_columns and label.opacity
              and not label.shown_columns[-1].endswith("…")
              and _words(" ".join(label.shown_columns)) != _words(label.shown_text)]
    # texts cut with "…" (what the label holds, and the label's name in the kv, if any)
    cut = [label.shown_text for label in screen.walk() if isinstance(label, BiLabel) and label.shown_text
           and not label.shown_whole and label.get_root_window() is not None
           and not any(getattr(w, "opacity", 1) == 0 for w in (label, *_ancestors(label)))]
    return {"cards": cards, "texts": texts, "broken_words": broken, "cut": cut, "must_read": must_read or [],
            "cut_beside_room": cut_beside_room(screen), "posters": posters(navigator, screen)}


def _drawn_box(label) -> tuple:
    """The window rect (x, y, w, h) of the text a label drew."""
    x, y, w, h = label.shown_box
    wx, wy = label.to_window(label.x + x, label.y + y)
    return wx, wy, w, h


def _widest_gap(spans, start: float, end: float) -> float:
    """The longest stretch of [start, end] that no (from, to) span covers."""
    widest, reach = 0.0, start
    for low, high in sorted(spans):
        widest = max(widest, low - reach)
        reach = max(reach, high)
    return max(widest, end - reach)


def cut_beside_room(screen) -> list[dict]:
    """Texts cut with "…" inside a card that still has room for another line (Chinese) or column
    (Mongolian) beside what is drawn (an empty stretch of the card at least that wide): a card
    fills itself before it cuts anything."""
    from stb_app.ui import text as textdraw
    from stb_app.ui.widgets import AsyncPoster, BiLabel, FocusCard
    found = []
    for label in screen.walk():
        if not isinstance(label, BiLabel) or label.shown_whole or not label.shown_text \
                or label.get_root_window() is None or any(not w.opacity for w in (label, *_ancestors(label))):
            continue
        card = next((w for w in _ancestors(label) if isinstance(w, FocusCard)), None)
        if card is None:
            continue
        left, bottom = card.to_window(card.x + card.padding[0], card.y + card.padding[3])
        inner_w = card.width - card.padding[0] - card.padding[2]
        inner_h = card.height - card.padding[1] - card.padding[3]
        x, y, w, h = _drawn_box(label)
        inside = list(card.walk(restrict=True))
        drawn = [_drawn_box(other) for other in inside if isinstance(other, BiLabel) and other.shown_text
                 and other.opacity] + [(*other.to_window(*other.pos), *other.size) for other in inside
                                       if isinstance(other, AsyncPoster) and other.opacity]
        if label.shown_lang == "mn":  # columns run rightwards: the room beside the text, across the card
            pitch = w / max(1, len(label.shown_columns))
            beside = [(dx, dx + dw) for dx, dy, dw, dh in drawn if dy < y + h and y < dy + dh]
            free = _widest_gap(beside, left, left + inner_w)
        else:  # lines run downwards: the room above and below the text, down the card
            pitch = textdraw.paragraph_texture("国", label.font_size, label.color, label.width, label.halign,
                                               None).height
            beside = [(dy, dy + dh) for dx, dy, dw, dh in drawn if dx < x + w and x < dx + dw]
            free = _widest_gap(beside, bottom, bottom + inner_h)
        if free >= pitch:
            found.append({"text": label.shown_text, "free": free, "pitch": pitch, "card": card.key()})
    return found


def posters(navigator, screen) -> list[dict]:
    """Each poster on a card: its frame, the picture drawn in it and the card's inside (window rects)."""
    from kivy.graphics import Rectangle
    from stb_app.ui.widgets import AsyncPoster
    found = []
    for card in navigator.cards(screen):
        for poster in card.walk(restrict=True):
            if not isinstance(poster, AsyncPoster) or poster.get_root_window() is None:
                continue
            shift = [a - b for a, b in zip(poster.to_window(0, 0), (0, 0))]
            rects = [[r.pos[0] + shift[0], r.pos[1] + shift[1], *r.size] for r in poster.canvas.children
                     if isinstance(r, Rectangle)]
            x, y = card.to_window(card.x + card.padding[0], card.y + card.padding[3])
            found.append({"card": card.key(), "frame": [*poster.to_window(*poster.pos), *poster.size],
                          "pictures": rects[1:], "inside": [x, y, card.width - card.padding[0] - card.padding[2],
                                                            card.height - card.padding[1] - card.padding[3]]})
    return found


def _words(text: str) -> list[str]:
    # U+202F joins a suffix: not a break; a column may start at it (a suffix parts before a letter does)
    return [w for w in text.replace("\n", " ").replace(" \u202f", "\u202f").split(" ") if w]


def _ancestors(widget):
    w = widget.parent
    while w is not None and w is not w.parent:
        yield w
        w = w.parent


def lived_in(server: str, data: Path) -> None:
    """A box used for a while: a video stopped at 0:03 makes a "continue watching" row."""
    import time
    import urllib.request
    catalog = json.loads(urllib.request.urlopen(server + "/api/v1/catalog", timeout=10).read())
    data.mkdir(parents=True, exist_ok=True)
    (data / "resume.json").write_text(json.dumps(
        {str(catalog["items"][0]["id"]): {"position": 3.0, "duration": 6.0, "at": time.time()}}))


def questions_answered(box, server, lawyer: str) -> dict:
    """Two questions asked with the box's token; a lawyer answers the newer one at length."""
    from .test_box_lived_in import LONG_ANSWER, ask_directly
    from .test_box_ui import call
    token = box.app.api.token()
    topic = str(box.app.library.topics[0]["id"])
    for phone in ("13700001111", "13700002222"):
        ask_directly(_Server(server), token, topic, phone)
    newest = max(call(_Server(server), "/api/v1/questions", token), key=lambda q: (q["created_at"], q["number"]))
    url = f"/api/v1/desk/questions/{newest['id']}"
    claimed = call(_Server(server), url + "/claim", lawyer, {})
    called = call(_Server(server), url + "/attempts", lawyer, {"version": claimed["version"], "outcome": "answered"})
    call(_Server(server), url + "/answer", lawyer, {"version": called["version"], "summary": LONG_ANSWER})
    box.app.refresh_questions()
    box.until(lambda: any(q.get("answer_summary") for q in box.app.library.questions or []), timeout=30,
              what="the answer")
    return newest


class _Server:
    def __init__(self, url: str):
        self.url = url


def main(server: str, data: str, size: str, shots: str, lawyer: str) -> None:
    width, height = (int(v) for v in size.split("x"))
    xvfb, display = start_xvfb(width, height)
    try:
        lived_in(server, Path(data))
        box = launch(server, Path(data), display, language="zh", size=(width, height))
        from kivy.core.window import Window  # only now: the window is made at the size asked for
        from kivy.metrics import Metrics

        from stb_app.i18n import pick
        lib = box.app.library
        box.until(lambda: lib.catalog["items"] and lib.topics and lib.services and lib.glossary and lib.channels,
                  timeout=60, what="content")
        item, topic = lib.catalog["items"][0], lib.topics[0]
        answered = questions_answered(box, server, lawyer)
        screens = [("home", {}), ("watch", {}), ("detail", {"item_id": item["id"]}), ("choose", {}),
                   ("topic", {"topic_id": topic["id"]}), ("services", {}), ("glossary", {}), ("ask", {}),
                   ("questions", {}), ("channel", {})]
        found = {"window": list(Window.size), "density": Metrics.density, "screens": {},
                 "video_titles": {lang: [pick(i["title"], lang) for i in lib.catalog["items"]] for lang in ("zh", "mn")}}
        for lang in ("zh", "mn"):
            if box.app.lang != lang:
                box.press("menu")
            for name, params in screens:
                box.app.open(name, **params)
                box.until(lambda: box.screen == name, what=name)
                box.pump(8)
                box.screenshot(Path(shots), f"{name}-{lang}")
                found["screens"][f"{name}-{lang}"] = measure(box.app.sm.current_screen, box.app.navigator,
                                                             must_read=must_read(box, name, lang))
            ask = box.app.sm.get_screen("ask")
            box.app.open("ask")
            ask.phone = "13812345678"  # the number read back before sending
            ask.show("phone")
            box.pump(8)
            box.screenshot(Path(shots), f"ask-phone-{lang}")
            found["screens"][f"ask-phone-{lang}"] = measure(ask, box.app.navigator)
            # what must be read whole: the phone-number error and the consent
            ask.phone = "1381234567"
            ask._phone_done()
            box.pump(8)
            box.screenshot(Path(shots), f"ask-phone-error-{lang}")
            found["screens"][f"ask-phone-error-{lang}"] = measure(ask, box.app.navigator,
                                                                  must_read=[ask.ids.notice.shown_text])
            ask.phone, ask.window = "13812345678", "morning"
            ask.show("consent")
            box.pump(8)
            box.screenshot(Path(shots), f"ask-consent-{lang}")
            found["screens"][f"ask-consent-{lang}"] = measure(ask, box.app.navigator,
                                                              must_read=[ask.ids.entry.shown_text])
            ask.show("topic")  # the next language's run starts the wizard from its first step
            # the lived-in screens: the continue row focused, and a long answer opened whole
            box.app.go_home()
            box.until(lambda: box.app.sm.current_screen.continuing, what="the continue row")
            home = box.app.sm.current_screen
            box.app.navigator.set_focus(home.ids.continue_row.children[-1], "home")
            box.pump(8)
            box.screenshot(Path(shots), f"home-continue-{lang}")
            found["screens"][f"home-continue-{lang}"] = measure(home, box.app.navigator)
            box.app.open("questions")
            box.until(lambda: box.screen == "questions", what="questions")
            questions = box.app.sm.current_screen
            box.until(lambda: any(c.question.get("id") == answered["id"] for c in questions.ids.questions.children),
                      what="the answered question")
            questions.read(next(c.question for c in questions.ids.questions.children
                                if c.question.get("id") == answered["id"]))
            box.pump(8)
            box.screenshot(Path(shots), f"answer-{lang}")
            found["screens"][f"answer-{lang}"] = measure(questions, box.app.navigator)
            questions.close_reader()
            box.app.go_home()
            box.pump(3)
        print(json.dumps(found))
    finally:
        xvfb.terminate()


if __name__ == "__main__":
    try:
        main(*sys.argv[1:6])
    except BaseException:  # Kivy's logging hides stderr: the test prints this
        import traceback
        print(traceback.format_exc())
        raise
