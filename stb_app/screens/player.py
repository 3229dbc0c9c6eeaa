"""The player screen: video, app-drawn subtitles, and remote controls.

OK play/pause · ←/→ seek 10 s with a preview tile · ↑ audio language · ↓ subtitles · Back stops
(and remembers the position for "continue watching").
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ObjectProperty

from .. import webvtt
from ..api import Offline, Rejected
from ..i18n import N_, pick, translate
from ..player import TS_START
from ..keys import BACK, DIGIT, DOWN, LEFT, OK, RIGHT, UP
from .base import BaseScreen, next_choice
from .detail import LANGUAGE_NAMES, clock

SEEK_STEP = 10.0
OSD_SECONDS = 4.0
# WebVTT cues in HLS segments are mapped onto the TS clock by X-TIMESTAMP-MAP; the player's
# position counts from the video's start, so the TS clock's start is taken off
SUBTITLE_ORIGIN = TS_START


class PlayerScreen(BaseScreen):
    kv_name = "player"
    item = ObjectProperty(None, allownone=True)  # None while the live channel plays

    def on_data(self) -> None:
        if self.app.player.state != "closed" and self.params.get("_opened"):
            return
        self.params["_opened"] = True
        player = self.app.player
        player.unbind(texture=self._show_frame, position=self._tick)
        player.bind(texture=self._show_frame, position=self._tick)
        self.cues, self.sub_lang, self.tiles = [], "", None
        self.ids.subtitle.texts = None
        if self.params.get("live"):
            channel = self.library.channels[0] if self.library.channels else None
            if channel is None:
                return
            self.item = None
            self.ids.title.texts = channel["title"]
            player.open(f"/api/v1/channels/{channel['id']}/live.m3u8", 0, self.app.lang)
        else:
            self.item = self.library.item(self.params.get("item_id"))
            if self.item is None:
                return
            prefs = self.app.playback_prefs
            self.ids.title.texts = self.item["title"]
            player.open(self.item["hls"], self.params.get("position", 0.0), prefs.get("audio") or None,
                        duration=self.item.get("duration") or 0)
            self.load_subtitles(prefs.get("subtitles", ""))
            self.load_tiles()
        self.show_osd()

    # -- subtitles --------------------------------------------------------------------------------
    def load_subtitles(self, lang: str) -> None:
        self.sub_lang, self.cues = lang, []
        self.ids.subtitle.texts = None
        track = next((s for s in (self.item or {}).get("subtitles") or [] if s["lang"] == lang), None)
        if track is None:
            return
        api, library = self.app.api, self.library

        def fetch():
            url = api.url(track["url"])
            cached = library.content.file(url)
            if cached is None:
                return []
            content = cached.read_text(encoding="utf-8", errors="replace")
            if not content.startswith("#EXTM3U"):
                return webvtt.parse(content, SUBTITLE_ORIGIN)
            cues = []
            import urllib.parse
            for segment in webvtt.segment_urls(content):
                local = library.content.file(urllib.parse.urljoin(url, segment))
                if local is not None:
                    try:
                        cues += webvtt.parse(local.read_text(encoding="utf-8", errors="replace"), SUBTITLE_ORIGIN)
                    except ValueError:
                        continue
            return sorted(set(cues), key=lambda c: c.start)  # segments repeat cues that span them

        def done(cues):
            if self.sub_lang == lang and isinstance(cues, list):
                self.cues = cues
                self.ids.subtitle.lang = lang
        self.app.in_background(fetch, done)

    def _tick(self, _player, position) -> None:
        cue = webvtt.cue_at(self.cues, position) if self.cues else None
        text = cue.text if cue else None
        if self.ids.subtitle.texts != text:
            self.ids.subtitle.texts = text
        duration = self.app.player.duration
        self.ids.position.params = {"position": clock(position), "duration": clock(duration)}
        self.ids.progress.value = position / duration if duration else 0
        if self.item is not None and int(position) % 5 == 0 and position > 1:
            self.library.save_position(self.item["id"], position, duration)

    def _show_frame(self, _player, texture) -> None:
        self.ids.video.texture = texture
        if texture is not None:
            self.ids.video.canvas.ask_update()

    # -- remote -----------------------------------------------------------------------------------
    def show_osd(self, message: str = "") -> None:
        self.ids.osd.opacity = 1
        if message:
            self.ids.notice.msgid = message
        Clock.unschedule(self._hide_osd)
        Clock.schedule_once(self._hide_osd, OSD_SECONDS)

    def _hide_osd(self, _dt) -> None:
        self.ids.osd.opacity = 0
        self.ids.preview.opacity = 0

    def on_remote(self, action) -> bool:
        player = self.app.player
        if action.action == BACK:
            return False  # the app goes back; on_leave_screen stops the video
        if action.action == OK:
            (player.pause if player.state == "playing" else player.play)()
            # TRANSLATORS: TV app, player screen, notice, max 12 chars
            self.ids.notice.msgid = N_("Paused") if player.state == "paused" else ""
            self.show_osd()
        elif action.action in (LEFT, RIGHT) and not self.params.get("live"):
            target = player.position + (SEEK_STEP if action.action == RIGHT else -SEEK_STEP)
            player.seek(target)
            self.show_preview(target)
            self.show_osd()
        elif action.action == UP:
            options = (self.item or {}).get("audio") or ["zh", "mn"]
            current = player.audio_lang if player.audio_lang in options else options[0]
            lang = next_choice(options, current)
            self.app.playback_prefs["audio"] = lang
            player.set_audio(lang)
            self.ids.notice.msgid = N_("Audio: {language}")
            self.ids.notice.params = {"language": translate(LANGUAGE_NAMES[lang], self.app.lang)}
            self.show_osd()
        elif action.action == DOWN:
            options = [s["lang"] for s in (self.item or {}).get("subtitles") or []] + [""]
            lang = next_choice(options, self.sub_lang)
            self.app.playback_prefs["subtitles"] = lang
            self.load_subtitles(lang)
            self.ids.notice.msgid = N_("Subtitles: {language}")
            self.ids.notice.params = {"language": translate(LANGUAGE_NAMES[lang], self.app.lang)}
            self.show_osd()
        elif action.action == DIGIT:
            return True
        else:
            return False
        return True

    def load_tiles(self) -> None:
        """Fetches tiles.json (the seek-preview index beside the poster), when the video has one."""
        self.tiles, poster = None, (self.item or {}).get("poster")
        if not poster:
            return
        url = self.app.api.url(poster.rsplit("/", 1)[0] + "/tiles.json")
        item_id = self.item["id"]

        def fetch():
            import json
            path = self.library.content.file(url)
            return json.loads(path.read_text()) if path else None

        def done(index):
            if isinstance(index, dict) and self.item is not None and self.item["id"] == item_id:
                self.tiles = dict(index, base=url.rsplit("/", 1)[0])
        self.app.in_background(fetch, done)

    def show_preview(self, position: float) -> None:
        """The seek-preview tile for `position` (from the tile sheets), with the time under it."""
        self.ids.preview.opacity = 1
        self.ids.preview_time.params = {"time": clock(position)}
        t = self.tiles
        if not t or not t.get("sheets"):
            return
        per_sheet = t["columns"] * t["rows"]
        n = max(0, min(int(position // t["interval"]), t["count"] - 1))
        sheet, k = divmod(n, per_sheet)
        if sheet >= len(t["sheets"]):
            return
        w, h = t["tile_width"], t["tile_height"]
        self.ids.preview_image.set_tile(f"{t['base']}/{t['sheets'][sheet]}", (k % t["columns"]) * w,
                                        (k // t["columns"]) * h, w, h)

    def on_leave_screen(self) -> None:
        player = self.app.player
        position = player.seen_position()
        if self.item is not None and position > 0:
            self.library.save_position(self.item["id"], position, player.duration)
        player.unbind(texture=self._show_frame, position=self._tick)
        player.close()
        self.params["_opened"] = False
        self.ids.video.texture = None
