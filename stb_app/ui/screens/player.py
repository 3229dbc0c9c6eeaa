"""The player screen: video, app-drawn subtitles, and remote controls.

OK play/pause · ←/→ seek 10 s with a preview tile · ↑ audio language · ↓ subtitles · Back stops
(and remembers the position for "continue watching"). Black with "Connecting…" until the first
frame, a plain sentence if the video cannot play; at the end, back to its page to watch again.
The live channel shows LIVE, the programme on air and its times instead of a clock and seeking.
"""
from __future__ import annotations

import time
from datetime import datetime

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import ObjectProperty

from ... import programme_guide, webvtt
from ...play_log import PlayRecorder
from ...i18n import N_, translate
from ...keys import BACK, DIGIT, DOWN, LEFT, OK, RIGHT, UP
from .base import BaseScreen, next_choice
from .detail import LANGUAGE_NAMES, clock

SEEK_STEP = 10.0
OSD_SECONDS = 4.0
GIVE_UP_SECONDS = 8.0  # no picture this long after OK: say it cannot play rather than wait in silence
# TRANSLATORS: TV app, player screen, large text on black while a video or the channel starts, max 24 chars
CONNECTING = N_("Connecting…")
# TRANSLATORS: TV app, player screen, large text on black when a video or the channel cannot start, max 80 chars
CANNOT_PLAY = N_("This cannot play without the network. Press Back to go back.")
# TRANSLATORS: TV app, player screen, notice on a box without a sound device, max 40 chars
NO_SOUND = N_("No sound on this box: picture only")
# TRANSLATORS: TV app, player screen, remote key help at the bottom, max 80 chars
SEEK_HELP = N_("OK pause · ←→ 10 seconds · ↑ audio · ↓ subtitles · Back stop")
# TRANSLATORS: TV app, player screen of the live channel, remote key help at the bottom, max 60 chars
LIVE_HELP = N_("OK pause · ↑ audio · Back stop")


def seconds_from_now(seconds: float) -> float:
    """A Clock timeout of `seconds` counted from now: Kivy counts one from the start of the frame
    under way, so a key handled late in a long frame would get less (or no) time on screen."""
    return seconds + Clock.time() - Clock.get_time()


def subtitle_box(area, bar, bar_along_bottom: bool, columns: bool, gap: float) -> tuple:
    """Where subtitles go in `area` (x, y, width, height): a line along the bottom, or Mongolian
    columns at the left. While the controls show (`bar`: their rect, else None) the subtitles sit
    clear of them, `gap` apart: above a bar along the bottom, left of a panel at the right."""
    x, y, w, h = area
    if columns:
        left, bottom, right, top = x + 0.05 * w, y + 0.15 * h, x + 0.27 * w, y + 0.95 * h
    else:
        left, bottom, right, top = x + 0.1 * w, y + 0.05 * h, x + 0.9 * w, y + 0.25 * h
    if bar is not None:
        bar_x, bar_y, _bar_w, bar_h = bar
        if bar_along_bottom and bottom < bar_y + bar_h + gap:
            lifted = bar_y + bar_h + gap
            top = top if columns else top + lifted - bottom  # columns shorten, a line moves up whole
            bottom = lifted
        elif not bar_along_bottom:
            right = min(right, bar_x - gap)
    return left, bottom, max(0.0, right - left), max(0.0, top - bottom)


def in_both(msgid: str, language: str) -> dict:
    """A notice naming a language, written out in both scripts: a switch of script while it shows
    redraws it whole in the other (never the name left in the script it was made in)."""
    return {lang: translate(msgid, lang, language=translate(LANGUAGE_NAMES[language], lang)) for lang in ("zh", "mn")}


class PlayerScreen(BaseScreen):
    kv_name = "player"
    item = ObjectProperty(None, allownone=True)  # None while the live channel plays
    recorder: PlayRecorder | None = None  # the play being recorded (videos only, not the channel)

    def on_kv_post(self, base_widget) -> None:
        super().on_kv_post(base_widget)
        self.ids.osd.bind(pos=self.place_subtitles, size=self.place_subtitles, opacity=self.place_subtitles)
        self.ids.subtitle.bind(lang=self.place_subtitles)
        self.bind(pos=self.place_subtitles, size=self.place_subtitles)

    def place_subtitles(self, *_) -> None:
        """The subtitles' place: clear of the controls while they show, in either script."""
        osd, subtitle = self.ids.osd, self.ids.subtitle
        bar = (osd.x, osd.y, osd.width, osd.height) if osd.opacity > 0 else None
        x, y, w, h = subtitle_box((self.x, self.y, self.width, self.height), bar, self.app.lang == "zh",
                                  subtitle.lang == "mn", dp(16))
        subtitle.pos, subtitle.size = (x, y), (w, h)

    def on_data(self) -> None:
        if self.app.player.state != "closed" and self.params.get("_opened"):
            return
        self.params["_opened"] = True
        player = self.app.player
        player.unbind(**self._listening())
        player.bind(**self._listening())
        self.tiles = None
        self.ids.subtitle.texts = None
        self._notice("")  # nothing left over from the last video
        self.ids.pause_mark.opacity = 0
        live = bool(self.params.get("live"))
        self.ids.help.msgid = LIVE_HELP if live else SEEK_HELP
        self.ids.live.opacity = 1 if live else 0
        self.ids.position.msgid = "{start}–{end}" if live else "{position} / {duration}"
        self.ids.position.params = {"start": "", "end": ""} if live else {"position": clock(0), "duration": clock(0)}
        self.ids.progress.value = 0
        self._say(CONNECTING)
        self.recorder = None
        if live:
            channel = self.library.channels[0] if self.library.channels else None
            if channel is None:
                self._say(CANNOT_PLAY)
                return
            self.item, self._on_air = None, None
            self.ids.title.texts = channel["title"]
            self._show_programme()
            player.open(f"/api/v1/channels/{channel['id']}/live.m3u8", 0, self.app.lang)
        else:
            self.item = self.library.item(self.params.get("item_id"))
            if self.item is None:
                return
            prefs = self.app.playback_prefs
            self.ids.title.texts = self.item["title"]
            duration = self.item.get("duration") or 0
            self.ids.position.params = {"position": clock(self.params.get("position", 0.0)),
                                        "duration": clock(duration)}
            player.open(self.item["hls"], self.params.get("position", 0.0), prefs.get("audio") or None,
                        duration=duration)
            self.recorder = PlayRecorder(self.item["id"], duration, prefs.get("audio") or self._audio_heard(),
                                         prefs.get("subtitles", ""), self.params.get("position", 0.0), time.time())
            self._record([self.recorder.started])
            self.load_subtitles(prefs.get("subtitles", ""))
            self.load_tiles()
        Clock.unschedule(self._give_up)
        Clock.schedule_once(self._give_up, seconds_from_now(GIVE_UP_SECONDS))
        self._silent(player, player.silent)
        self.show_osd()

    def _listening(self) -> dict:
        """What the screen hears from the player (the same bound methods each time: unbind finds them)."""
        return {"texture": self._show_frame, "on_end": self._on_end, "position": self._tick,
                "state": self._state_changed, "silent": self._silent, "subtitle": self._show_subtitle,
                "rung_name": self._rung_changed, "on_stall": self._stalled}

    # -- what was watched (anonymous play events, kept on disk until sent) -------------------------
    def _record(self, events: list) -> None:
        """Stores the events on disk off the UI thread (a synced write can take a while on a box)."""
        if events:
            plays = self.library.plays
            self.app.in_background(lambda: plays.record(events))

    def _audio_heard(self) -> str:
        """The audio language playing when none was chosen: the one the player opened with."""
        options = (self.item or {}).get("audio") or ["zh", "mn"]
        return self.app.player.audio_lang if self.app.player.audio_lang in options else options[0]

    def _rung_changed(self, _player, name) -> None:
        if self.recorder is not None:
            self._record(self.recorder.rung_changed(name, time.time()))

    def _stalled(self, _player, seconds) -> None:
        if self.recorder is not None:
            self._record(self.recorder.stalled(seconds, time.time()))

    # -- starting, failing, ending ----------------------------------------------------------------
    def _say(self, msgid: str) -> None:
        """The large sentence in the middle of the black screen ("" hides it)."""
        self.ids.status.msgid = msgid

    def _give_up(self, _dt) -> None:
        if self.app.player.texture is None and self.manager is not None and self.manager.current == self.name:
            self._say(CANNOT_PLAY)

    def _state_changed(self, player, state) -> None:
        if state == "failed":
            Clock.unschedule(self._give_up)
            self._say(CANNOT_PLAY)

    def _on_end(self, _player) -> None:
        if self.item is not None and self.manager.current == self.name:
            Clock.schedule_once(lambda _dt: self._ended(self.item["id"]), 0)

    def _ended(self, item_id) -> None:
        """The whole video was seen: back to its page, "Watch again" focused."""
        if self.manager.current != self.name or self.app.player.state != "ended":
            return
        self.library.save_position(item_id, self.app.player.duration, self.app.player.duration)
        if self.recorder is not None and self.recorder.video_id == str(item_id):
            self._record(self.recorder.ended(time.time()))
        came_from_detail = self.app.history and self.app.history[-1] == "detail"
        detail = self.manager.get_screen("detail")
        if came_from_detail and detail.params.get("item_id") == item_id:
            detail.params = dict(detail.params, finished=True)
            self.app.back()
        else:
            self.app.back()
            self.app.open("detail", item_id=item_id, finished=True)

    def _silent(self, _player, silent) -> None:
        if silent:
            self.show_osd(NO_SOUND)

    def _show_programme(self) -> None:
        """The live bar: the programme on air, its start and end, how far it has run (the guide
        is searched again only when that programme ends, and the bar shows as the next begins)."""
        now = datetime.now().astimezone()
        slot = getattr(self, "_on_air", None)
        if slot is None or not slot.start <= now < slot.end:
            slots = programme_guide.upcoming(self.library.guide, now)
            airing = programme_guide.airing_index(slots, now)
            began = slot is not None  # a programme followed another: its bar shows, as on any channel
            self._on_air = slot = slots[airing] if airing is not None else None
            if slot is None:
                return
            if began:
                self.show_osd()
            self.ids.title.texts = slot.entry.get("title") or self.ids.title.texts
            # a programme inside one minute would read "20:06–20:06": its seconds tell start from end
            shown = "%H:%M" if f"{slot.start:%H:%M}" != f"{slot.end:%H:%M}" else "%H:%M:%S"
            self.ids.position.params = {"start": slot.start.strftime(shown), "end": slot.end.strftime(shown)}
        self.ids.progress.value = (now - slot.start) / (slot.end - slot.start)

    # -- subtitles --------------------------------------------------------------------------------
    def load_subtitles(self, lang: str) -> None:
        """Chooses the subtitles with the player, and hands it their WebVTT once read (the box's
        content cache, off the UI thread); the player says which line shows when."""
        player = self.app.player
        player.select_subtitles(lang)
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
                return [content]
            import urllib.parse
            segments = (library.content.file(urllib.parse.urljoin(url, s)) for s in webvtt.segment_urls(content))
            return [s.read_text(encoding="utf-8", errors="replace") for s in segments if s is not None]

        def done(documents):
            if player.subtitles_lang == lang and isinstance(documents, list):
                self.ids.subtitle.lang = lang
                player.select_subtitles(lang, documents)
        self.app.in_background(fetch, done)

    def _show_subtitle(self, _player, text) -> None:
        if self.item is not None:
            self.ids.subtitle.texts = text

    def _tick(self, _player, position) -> None:
        if self.item is None:  # live: the programme and its times, not a clock
            self._show_programme()
            return
        duration = self.app.player.duration
        self.ids.position.params = {"position": clock(position), "duration": clock(duration)}
        self.ids.progress.value = position / duration if duration else 0
        if self.item is not None and int(position) % 5 == 0 and position > 1:
            self.library.save_position(self.item["id"], position, duration)
        if self.recorder is not None:
            self._record(self.recorder.position(position, time.time()))

    def _show_frame(self, _player, texture) -> None:
        first = self.ids.video.texture is None
        self.ids.video.texture = texture
        if texture is not None:
            self._say("")
            if first and self.app.player.silent:  # said again as the picture starts: no sound is no fault
                self.show_osd(NO_SOUND)
            self.ids.video.canvas.ask_update()

    # -- remote -----------------------------------------------------------------------------------
    def show_osd(self, message: str = "") -> None:
        self.ids.osd.opacity = 1
        if message:
            self._notice(message)
        Clock.unschedule(self._hide_osd)
        Clock.schedule_once(self._hide_osd, seconds_from_now(OSD_SECONDS))

    def _notice(self, msgid: str) -> None:
        self.ids.notice.texts, self.ids.notice.msgid, self.ids.notice.params = None, msgid, {}

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
            paused = player.state == "paused"
            # TRANSLATORS: TV app, player screen, notice beside the pause sign, max 12 chars
            self._notice(N_("Paused") if paused else "")
            self.ids.pause_mark.opacity = 1 if paused else 0
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
            player.select_audio(lang)
            if self.recorder is not None:
                self._record(self.recorder.audio_chosen(lang, time.time()))
            self.ids.notice.texts = in_both(N_("Audio: {language}"), lang)
            self.show_osd()
        elif action.action == DOWN:
            options = [s["lang"] for s in (self.item or {}).get("subtitles") or []] + [""]
            lang = next_choice(options, player.subtitles_lang)
            self.app.playback_prefs["subtitles"] = lang
            self.load_subtitles(lang)
            if self.recorder is not None:
                self._record(self.recorder.subtitles_chosen(lang, time.time()))
            self.ids.notice.texts = in_both(N_("Subtitles: {language}"), lang)
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
        player.unbind(**self._listening())
        self.recorder = None
        Clock.unschedule(self._give_up)
        player.close()
        self.params["_opened"] = False
        self.ids.video.texture = None
