"""Opens every box screen in both languages at one window size and prints what is on screen as
JSON: focus cards and text pieces in window pixels, font sizes, texture sizes; saves screenshots.

Kivy starts once per process, so `tests/test_box_screens.py` runs this once per window size:
`python -m tests.box_screens_probe SERVER DATA_DIR WIDTHxHEIGHT SCREENSHOT_DIR`.
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


def measure(screen, navigator) -> dict:
    from kivy.graphics import Rectangle

    from stb_app.widgets import BiLabel
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
    return {"cards": cards, "texts": texts, "broken_words": broken}


def _words(text: str) -> list[str]:
    return [w for w in text.replace("\n", " ").split(" ") if w]  # U+202F joins a suffix: not a break


def _ancestors(widget):
    w = widget.parent
    while w is not None and w is not w.parent:
        yield w
        w = w.parent


def main(server: str, data: str, size: str, shots: str) -> None:
    width, height = (int(v) for v in size.split("x"))
    xvfb, display = start_xvfb(width, height)
    try:
        box = launch(server, Path(data), display, language="zh", size=(width, height))
        from kivy.core.window import Window  # only now: the window is made at the size asked for
        from kivy.metrics import Metrics
        lib = box.app.library
        box.until(lambda: lib.catalog["items"] and lib.topics and lib.services and lib.glossary and lib.channels,
                  timeout=60, what="content")
        item, topic = lib.catalog["items"][0], lib.topics[0]
        screens = [("home", {}), ("watch", {}), ("detail", {"item_id": item["id"]}), ("choose", {}),
                   ("topic", {"topic_id": topic["id"]}), ("services", {}), ("glossary", {}), ("ask", {}),
                   ("questions", {}), ("channel", {})]
        found = {"window": list(Window.size), "density": Metrics.density, "screens": {}}
        for lang in ("zh", "mn"):
            if box.app.lang != lang:
                box.press("menu")
            for name, params in screens:
                box.app.open(name, **params)
                box.until(lambda: box.screen == name, what=name)
                box.pump(8)
                box.screenshot(Path(shots), f"{name}-{lang}")
                found["screens"][f"{name}-{lang}"] = measure(box.app.sm.current_screen, box.app.navigator)
            ask = box.app.sm.get_screen("ask")
            box.app.open("ask")
            ask.phone = "13812345678"  # the number read back before sending
            ask.show("phone")
            box.pump(8)
            box.screenshot(Path(shots), f"ask-phone-{lang}")
            found["screens"][f"ask-phone-{lang}"] = measure(ask, box.app.navigator)
            box.app.go_home()
            box.pump(3)
        print(json.dumps(found))
    finally:
        xvfb.terminate()


if __name__ == "__main__":
    try:
        main(*sys.argv[1:5])
    except BaseException:  # Kivy's logging hides stderr: the test prints this
        import traceback
        print(traceback.format_exc())
        raise
