"""The app's own widgets: bilingual text, focusable cards, a poster grid."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, PopMatrix, PushMatrix, Rectangle, Translate
from kivy.metrics import Metrics, dp
from kivy.properties import (BooleanProperty, DictProperty, ListProperty, NumericProperty,
                             ObjectProperty, OptionProperty, StringProperty)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from . import posters, text as textdraw
from ..i18n import pick, translate
from ..keys import BLUE, GREEN, RED, YELLOW
from ..mongolian_layout import MONG, UPRIGHT

TEXT = (0.96, 0.95, 0.90, 1)
MUTED = (0.75, 0.76, 0.80, 1)
ACCENT = (1.0, 0.78, 0.25, 1)


class BiLabel(Widget):
    """Text in the current language: a translated msgid (+ params) or a bilingual object.

    Chinese is drawn horizontally and wrapped; Mongolian vertically in columns, 1.25× larger.
    """
    msgid = StringProperty("")
    params = DictProperty({})
    texts = ObjectProperty(None, allownone=True)     # {"zh", "mn"} from the server, or a str
    lang = StringProperty("")                        # force a language ("" = the app's)
    font_size = NumericProperty(dp(32))              # the Chinese size; Mongolian is 1.25×
    color = ListProperty(TEXT)
    halign = OptionProperty("left", options=["left", "center", "right"])
    valign = OptionProperty("top", options=["top", "middle", "bottom"])
    max_lines = NumericProperty(0)                   # Chinese lines / Mongolian columns; 0 = fit
    # grows along its reading direction (Chinese: taller, Mongolian: wider) to show all of its
    # text, for a scroll view; the size_hint of that direction must be None
    whole = BooleanProperty(False)
    shown_whole = BooleanProperty(True)              # False when the text drawn was cut with "…"
    shown_text = StringProperty("")                  # what is on screen (tests read it)
    shown_lang = StringProperty("")
    shown_columns: list = []                         # Mongolian: the text of each column drawn
    shown_lines: list = []                           # Chinese: the text of each line drawn
    shown_box = ListProperty([0, 0, 0, 0])           # x, y (from pos), width, height of the text drawn

    def __init__(self, **kwargs):
        self._redraw = Clock.create_trigger(self.redraw, -1)
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None:
            app.bind(lang=self._redraw)
        self.bind(msgid=self._redraw, params=self._redraw, texts=self._redraw, lang=self._redraw,
                  font_size=self._redraw, color=self._redraw, size=self._redraw, pos=self._move,
                  halign=self._redraw, valign=self._redraw, max_lines=self._redraw, whole=self._redraw)
        self._drawn_at, self._shift = None, None
        self._redraw()

    def _move(self, *_):
        # moving (e.g. a scrolled grid cell) only shifts what is drawn: nothing is rendered again
        if self._shift is None:
            self._redraw()
        else:
            self._shift.xy = (self.x - self._drawn_at[0], self.y - self._drawn_at[1])

    def current_language(self) -> str:
        if self.lang:
            return self.lang
        app = App.get_running_app()
        return getattr(app, "lang", "zh") if app else "zh"

    def current_text(self, lang: str) -> str:
        if lang == "mn" and getattr(App.get_running_app(), "shaping", "") == "none":
            return ""  # a box that cannot join Mongolian letters never draws them apart (its note says why)
        if self.texts is not None:
            return pick(self.texts, lang)
        if self.msgid:
            return translate(self.msgid, lang, **self.params)
        return ""

    def redraw(self, *_):
        lang = self.current_language()
        text = self.current_text(lang)
        self.shown_text, self.shown_lang = text, lang
        self.shown_box = [0, 0, 0, 0]
        self.shown_columns, self.shown_lines = [], []
        self.shown_whole = True
        self.canvas.clear()
        self._drawn_at, self._shift = None, None
        if not text or self.width < 2 or self.height < 2:
            if not text and self.whole:
                # nothing to show takes no room along its reading direction
                if lang == "mn" and self.width:
                    self.width = 0
                elif lang != "mn" and self.height:
                    self.height = 0
            elif text and self.whole and min(self.size) < 2:
                self.size = (max(self.width, 2), max(self.height, 2))  # room to measure, then grown
            return
        self._drawn_at = tuple(self.pos)
        with self.canvas:
            PushMatrix()
            self._shift = Translate(0, 0)
        if lang == "mn":
            self._draw_mongolian(text)
        else:
            self._draw_chinese(text)
        with self.canvas:
            PopMatrix()

    def _draw_chinese(self, text: str) -> None:
        texture = textdraw.paragraph_texture(text, self.font_size, self.color, self.width, self.halign,
                                             int(self.max_lines) or None)
        w, h = texture.size
        if self.whole and h != self.height:
            self.height = h  # redrawn at its full height
            return
        # as many lines as the box holds (a line is as tall as a one-line paragraph)
        pitch = textdraw.paragraph_texture("国", self.font_size, self.color, self.width, self.halign, None).height
        lines = max(1, int(self.height // pitch))
        if h > self.height and lines < round(h / pitch):  # too long: cut at whole lines, mark with "…"
            self.shown_whole = False
            while True:
                texture = textdraw.paragraph_texture(text, self.font_size, self.color, self.width, self.halign,
                                                     lines, shorten=True)
                w, h = texture.size
                if h <= self.height or lines == 1:
                    break
                lines -= 1
        y = {"top": self.top - h, "middle": self.center_y - h / 2, "bottom": self.y}[self.valign]
        x = {"left": self.x, "center": self.center_x - w / 2, "right": self.right - w}[self.halign]
        self.shown_box = [x - self.x, y - self.y, w, h]
        self.shown_lines = textdraw.drawn_lines(texture)
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=texture, pos=(x, y), size=(w, h))

    def _draw_mongolian(self, text: str) -> None:
        size = self.font_size * textdraw.fonts.MONGOLIAN_SCALE
        # long words get a slightly smaller size rather than being broken between letters
        size = textdraw.mongolian_fit(text, size, self.height, max(dp(30), 0.75 * size))
        col_w = textdraw.column_width(size)
        fit = max(1, int(self.width // col_w))
        limit = min(fit, int(self.max_lines)) if self.max_lines else fit
        if self.whole:
            # the columns' pitch at 1080p, scaled: a 4K layout is exactly twice as wide
            pitch = textdraw.column_width(size / Metrics.density) * Metrics.density
            needed = len(textdraw.mongolian_columns(text, size, self.height)) * max(pitch, col_w)
            if abs(needed - self.width) > 0.5:
                self.width = needed  # redrawn at its full width
                return
            limit = None
        columns = textdraw.mongolian_columns(text, size, self.height, limit)
        self.shown_whole = limit is None or len(textdraw.mongolian_columns(text, size, self.height)) <= limit
        self.shown_columns = [c.text for c in columns]
        total_w = col_w * len(columns)
        x = {"left": self.x, "center": self.center_x - total_w / 2, "right": self.right - total_w}[self.halign]
        longest = min(self.height, max(c.length for c in columns))
        y = {"top": self.height - longest, "middle": (self.height - longest) / 2, "bottom": 0}[self.valign]
        self.shown_box = [x - self.x, y, total_w, longest]
        with self.canvas:
            Color(1, 1, 1, 1)
            for column in columns:
                top = self.top
                if self.valign != "top":
                    slack = self.height - column.length
                    top -= slack / 2 if self.valign == "middle" else slack
                for kind, piece in column.pieces:
                    if kind == UPRIGHT:
                        texture = textdraw.line_texture(kind, piece, size * 0.8, self.color)
                        step = textdraw.measure(kind, piece, size)
                        if texture.height > step:  # the line's empty ascent and descent: its middle only
                            texture = texture.get_region(0, int((texture.height - step) / 2), texture.width, int(step))
                        Rectangle(texture=texture, size=texture.size,
                                  pos=(x + (col_w - texture.width) / 2, top - step + (step - texture.height) / 2))
                        top -= step
                        continue
                    texture = textdraw.line_texture(kind, piece, size, self.color)
                    if texture.height > col_w:  # digits' (CJK font) line is thicker than a column: its middle
                        texture = texture.get_region(0, int((texture.height - col_w) / 2), texture.width, int(col_w))
                    margin = textdraw.MONG_MARGIN if kind == MONG else 0  # the column advances by the text alone
                    Rectangle(texture=texture, tex_coords=textdraw.rotated_coords(texture),
                              pos=(x + (col_w - texture.height) / 2, top + margin - texture.width),
                              size=(texture.height, texture.width))
                    top -= texture.width - 2 * margin
                x += col_w


class FocusCard(BoxLayout):
    """Anything the remote can land on: grows ≈ 1.1× with a strong outline when focused."""
    focused = BooleanProperty(False)
    focus_key = StringProperty("")
    selected = BooleanProperty(False)   # e.g. a chosen phrase in a multi-select
    background = ListProperty([0.16, 0.18, 0.24, 1])
    __events__ = ("on_activate",)

    def on_activate(self, *_):
        pass

    def on_focused(self, _card, focused: bool) -> None:
        # drawn after its neighbours, so the 1.1× card and its ring are not covered by the next
        # card; only the drawing order changes, the layout keeps its children's order
        parent = self.parent
        if focused and parent is not None and self.canvas in parent.canvas.children:
            parent.canvas.remove(self.canvas)
            parent.canvas.add(self.canvas)

    def key(self) -> str:
        return self.focus_key or f"w{id(self)}"


class VideoCard(FocusCard):
    """A video the remote can open: its picture beside its title."""
    item = ObjectProperty(None)


def fill_video_row(row, items: list, prefix: str, app) -> bool:
    """Puts a VideoCard per item in `row` (OK opens the video's page), unless the row already
    shows those videos (a refresh keeps the focused card); whether the row has any."""
    if [c.item["id"] for c in reversed(row.children)] != [i["id"] for i in items]:
        row.clear_widgets()
        for item in items:
            card = VideoCard(focus_key=f"{prefix}:{item['id']}", item=item)
            card.bind(on_activate=lambda c: app.open("detail", item_id=c.item["id"]))
            row.add_widget(card)
    return bool(row.children)


KEY_COLOURS = {RED: (0.86, 0.22, 0.20, 1), GREEN: (0.22, 0.70, 0.34, 1), YELLOW: (0.96, 0.80, 0.18, 1),
               BLUE: (0.24, 0.48, 0.92, 1)}


class KeyHint(BoxLayout):
    """One remote key in a screen's key hints: a colour key as a dot of its colour (else the key's name),
    then what it does on this screen."""
    key = StringProperty("")     # a colour of keys.COLOURS, or the msgid of the key's name
    msgid = StringProperty("")   # what the key does here


class KeyHints(BoxLayout):
    """The keys a screen accepts besides the arrows, OK, Back and Menu, each with what it does
    there (the screen's footer of keys, wherever it has room): a colour key does what its hint
    names, nothing else."""
    hints = ListProperty([])     # [(key, msgid)] in the order of the remote

    def on_hints(self, *_):
        self.clear_widgets()
        for key, msgid in self.hints:
            self.add_widget(KeyHint(key=key, msgid=msgid))


class Parts(BoxLayout):
    """A BoxLayout whose parts with nothing to show (no size along it, none hinted) take no room at
    all, not even the spacing beside them: a line hidden leaves no doubled gap where it stood."""

    def do_layout(self, *largs):
        along = 0 if self.orientation == "horizontal" else 1
        shown = [c for c in self.children if c.size_hint[along] is not None or c.size[along] > 0]
        if not shown:
            left, top, right, bottom = self.padding
            self.minimum_size = left + right, top + bottom
            return
        for i, x, y, w, h in self._iterate_layout([(c.size, c.size_hint, c.pos_hint, c.size_hint_min,
                                                    c.size_hint_max) for c in shown]):
            part = shown[i]
            part.pos = x, y
            hint_w, hint_h = part.size_hint
            if hint_w is None:
                if hint_h is not None:
                    part.height = h
            elif hint_h is None:
                part.width = w
            else:
                part.size = w, h


class ReadingPage(BoxLayout):
    """A card's text whole, in large type, over its screen (OK on a guide step or a service point):
    ↓ reads on (Chinese runs down the page, Mongolian columns to the right); Back or OK returns to
    the card, which keeps the focus."""
    is_open = BooleanProperty(False)

    def open(self, heading, body) -> None:
        """Shows `heading` and `body` (bilingual objects or texts)."""
        self.ids.heading.texts, self.ids.body.texts = heading, body
        self.is_open, self.opacity, self.disabled = True, 1, False
        self.ids.scroll.scroll_x, self.ids.scroll.scroll_y = 0, 1

    def close(self) -> None:
        self.is_open, self.opacity, self.disabled = False, 0, True

    def on_remote(self, action) -> bool:
        """The remote while the page is open (True = consumed); the language switch passes through."""
        from ..keys import BACK, DOWN, LEFT, MENU, NEXT, OK, PAGE_ON, PAGING, RIGHT, UP
        if not self.is_open or action.action == MENU:
            return False
        if action.action in (DOWN, RIGHT, UP, LEFT, *PAGING):
            self.read_on(action.action in (DOWN, RIGHT, NEXT, PAGE_ON))
        elif action.action in (BACK, OK):
            self.close()
        return True

    def read_on(self, forward: bool) -> None:
        read_on(self.ids.scroll, forward)


def read_on(view, forward: bool) -> None:
    """Scrolls a reading view by most of a page: down in Chinese, to the right in Mongolian."""
    content = view._viewport
    if content is None:
        return
    if App.get_running_app().lang == "mn":
        room = content.width - view.width
        if room > 0:
            step = 0.8 * view.width / room
            view.scroll_x = min(1.0, max(0.0, view.scroll_x + (step if forward else -step)))
    else:
        room = content.height - view.height
        if room > 0:
            step = 0.8 * view.height / room
            view.scroll_y = min(1.0, max(0.0, view.scroll_y - (step if forward else -step)))


class AsyncPoster(Widget):
    """A poster or thumbnail from the server, kept in the disk cache (shown offline too)."""
    url = StringProperty("")
    path = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(url=self._load, pos=self._draw, size=self._draw, path=self._draw)
        self._load()

    def _load(self, *_):
        url = self.url
        self.path = ""
        if not url:
            return
        app = App.get_running_app()
        local = app.library.cache.file_path(app.api.url(url))
        if local.exists():
            self.path = str(local)
            return

        def done(result):
            if self.url == url and result is not None and not isinstance(result, Exception):
                self.path = str(result)
        app.in_background(lambda: app.library.content.file(app.api.url(url)), done)

    def _draw(self, *_):
        self.canvas.clear()
        with self.canvas:
            Color(0.12, 0.13, 0.17, 1)
            Rectangle(pos=self.pos, size=self.size)
        if not self.path or self.width < 2 or self.height < 2:
            return
        # decoded at the size it is shown, not the file's, off the UI thread; a recycled card drops it here
        shown = (self.path, int(self.width), int(self.height))
        texture = posters.cached(*shown)
        if texture is None:
            posters.request(*shown, lambda _t: self._draw() if shown == (self.path, int(self.width),
                                                                          int(self.height)) else None)
        elif texture is not posters.BROKEN:
            # whole and undistorted: scaled to fit, centred on the frame (not from `center_x/y`: Kivy
            # caches them, and a callback bound to `pos` runs before they follow the move)
            scale = min(self.width / texture.width, self.height / texture.height)
            w, h = texture.width * scale, texture.height * scale
            with self.canvas:
                Color(1, 1, 1, 1)
                Rectangle(texture=texture, pos=(self.x + (self.width - w) / 2, self.y + (self.height - h) / 2),
                          size=(w, h))


class TileImage(AsyncPoster):
    """One tile of a seek-preview sheet (tiles.json beside the poster: a grid of thumbnails)."""
    region = ListProperty([0, 0, 0, 0])  # x, y (from the top), width, height in sheet pixels

    def set_tile(self, url: str, x: int, y: int, w: int, h: int) -> None:
        self.region = [x, y, w, h]
        self.url = url
        self._draw()

    def _draw(self, *_):
        from kivy.core.image import Image as CoreImage
        self.canvas.clear()
        if not self.path:
            return
        try:
            texture = CoreImage(self.path).texture
        except Exception:  # noqa: BLE001 — a broken download shows nothing
            return
        x, y, w, h = self.region
        if not w or x + w > texture.width or y + h > texture.height:
            return
        tile = texture.get_region(x, texture.height - y - h, w, h)
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=tile, pos=self.pos, size=self.size)
