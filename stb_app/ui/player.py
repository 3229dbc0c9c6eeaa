"""The player screens use: `Player` (open, seek, select_audio, select_subtitles, pause/play, close;
`position`, `rung`, `texture`, `subtitle`, `state`; events `on_frame`, `on_end`) over a `Backend`.

The app chooses the rung, the audio and the subtitles itself and draws the subtitles; a backend
only decodes one stream at a time. The backend here drives ffpyplayer's MediaPlayer directly
(frames into a Kivy texture). FFmpeg's HLS demuxer never adapts and opens every variant and audio
rendition of a master before the first frame, so the player hands it a one-rung master (the
chosen variant and audio only, see `hls_master`) written on the box. An Android MediaPlayer or
ExoPlayer backend would implement `Backend` (see build/README.md) without touching the screens.

A rung step, an audio switch or a backward seek reopens the stream where the household is: the
sound starts on that second (FFmpeg's own HLS seek would go back to the segment start), the
picture from the next keyframe, paused stays paused on the picture it showed; `position_tracker`
keeps the resume point right while a reopened player has shown nothing yet.
"""
from __future__ import annotations

import os
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Callable, Protocol

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from .. import abr, hls_master, webvtt
from ..api import ApiClient, Offline, Rejected
from ..position_tracker import EXACT, GIVE_UP_FRAMES, PositionTracker
from ..segment_store import SegmentStore

# FFmpeg's mpegts muxer starts timestamps here; frame pts (and WebVTT X-TIMESTAMP-MAP) include it
TS_START = 1.48
# WebVTT cues in HLS segments are mapped onto the TS clock by X-TIMESTAMP-MAP; the player's
# position counts from the video's start, so the TS clock's start is taken off
SUBTITLE_ORIGIN = TS_START
STALL_SECONDS = 3.0     # playing but the clock stood still this long: a stall
PROBE_EVERY = 20.0      # seconds between throughput probes while playing
# a probe competes with playback for the link: only once this much video has played without a
# stall since the last (re)opening's first frame (a whole segment: FFmpeg fetched the next in time)
STEADY_BEFORE_PROBE = 6.0
END_SLACK = 1.5         # the clock stood still this close to the catalog's length: the video ended
END_WAIT = 2.0          # opened this close to the end without a picture for this long: it ended
NO_STEP_UP_BEFORE_END = 6.0  # a segment: a step up there would reopen for a moment of picture, or past the end


class Backend(Protocol):
    """What `Player` asks of a decoder. Made with `on_frame(texture, video_seconds)` (called on the
    UI thread for each picture put on screen) and `on_eof()`. `url` is an HLS master; with `local`
    a one-rung master file on the box whose segments may be the box's own copies."""
    first_frame_at: float | None  # when the first picture since (re)opening was shown (monotonic)
    paused: bool

    def open(self, url: str, position: float, audio_lang: str | None = None, program: int | None = None,
             local: bool = False, paused: bool = False) -> None: ...
    def pause(self, paused: bool) -> None: ...
    def seek(self, position: float) -> bool: ...  # False: it cannot land there exactly, reopen instead
    def position(self) -> float | None: ...      # video seconds, None before the first picture
    def duration(self) -> float: ...
    def close(self) -> None: ...
    @property
    def opened(self) -> bool: ...     # a stream is open or opening
    @property
    def started(self) -> bool: ...    # the stream is open: seeks and pauses reach it
    @property
    def silent(self) -> bool: ...     # no sound device: the picture plays alone


class FFPyPlayerBackend:
    """Decodes with ffpyplayer; `on_frame(texture, pts)` is called on the UI thread with the
    video time of each frame put on screen."""
    # no second connection prefetching the next segment: on a thin link it slows the first one
    LIB_OPTS = {"http_multiple": "0"}
    LONGEST_WAIT = 0.25  # cap on ffpyplayer's "next frame due in" (it is long only after pauses)
    # SDL could not open a sound device once: it will not later in this process, so the picture plays alone
    no_sound_device = False

    def __init__(self, on_frame, on_eof):
        self.on_frame, self.on_eof = on_frame, on_eof
        self.mp = None
        self.texture = None
        self._event = None
        self.first_frame_at: float | None = None
        self.paused = False
        self._started = False            # the stream is open: seeks and pauses go to ffpyplayer
        self._start_at: float | None = None
        self._landing = False            # an exact start asked for, its first frame not shown yet
        self._strays = 0
        self._next_frame_at = 0.0

    def open(self, url: str, position: float, audio_lang: str | None = None, program: int | None = None,
             local: bool = False, paused: bool = False) -> None:
        """Opens `url` (a master's URL, or with `local` a one-rung master file on the box) at
        `position`, playing or `paused` (then nothing new is shown until `pause(False)`);
        `program`/`audio_lang` pick the variant and audio among several."""
        from ffpyplayer.player import MediaPlayer

        self.close()
        # opened paused so the clock stays unset until the exact start is asked for (see _begin);
        # no `ss`: FFmpeg would fetch the segment twice (for it, then for the exact seek)
        ff_opts = {"sn": True, "out_fmt": "rgba", "paused": True, "autoexit": False}
        self._start_at = position if position > 0.5 else None
        if program is not None:
            ff_opts["vst"] = f"p:{program}:v"  # the variant's program (FFmpeg's HLS demuxer)
        if audio_lang:
            ff_opts["ast"] = f"m:language:{audio_lang}"
        # a local master points at http segments: FFmpeg refuses that unless whitelisted
        lib_opts = dict(self.LIB_OPTS)
        if local:
            lib_opts["protocol_whitelist"] = "file,http,https,tcp,tls,crypto"
        self.first_frame_at = None
        self.paused, self._started, self._next_frame_at = paused, False, 0.0
        self._landing, self._strays = False, 0
        if FFPyPlayerBackend.no_sound_device:
            ff_opts["an"] = True
        try:
            self.mp = MediaPlayer(url, ff_opts=ff_opts, lib_opts=lib_opts, loglevel="error")
        except ValueError as err:  # "Could not initialize SDL audio": a box or desktop without sound
            if "audio" not in str(err).lower():
                raise
            FFPyPlayerBackend.no_sound_device = True
            ff_opts["an"] = True
            self.mp = MediaPlayer(url, ff_opts=ff_opts, lib_opts=lib_opts, loglevel="error")
        self._event = Clock.schedule_interval(self._poll, 1 / 60)

    def _begin(self) -> bool:
        """Once the stream is open: asks for the exact start (then `_land` plays from its first
        frame), or plays at once unless paused."""
        metadata = self.mp.get_metadata()
        if metadata.get("duration") is None:
            return False  # not open yet: ffpyplayer crashes on seeks before
        self._started = True
        if self._start_at is not None and metadata["duration"] > 0:
            # FFmpeg's HLS demuxer rounds absolute seeks (and `ss`) back to the segment start,
            # sound included; a forward relative seek lands the sound on the second. The clock is
            # unset while paused, so "relative" counts from 0.
            self.mp.seek(self._start_at + TS_START, relative=True, accurate=True)
            self._landing = True
        elif not self.paused:
            self.mp.set_pause(False)
        return True

    def _land(self) -> None:
        """Still paused after the exact seek: takes decoded frames until one from the target
        (earlier ones were decoded before the seek took effect), shows it and lets the sound go."""
        frame, value = self.mp.get_frame(force_refresh=True)
        if value == "eof":  # asked for a place past the last keyframe
            self._landing = False
            self.on_eof()
            return
        if frame is None:
            return
        image, pts = frame
        if pts - TS_START < self._start_at - EXACT[0] and self._strays < GIVE_UP_FRAMES:
            self._strays += 1
            return
        self._landing = False
        self._show(image, pts)
        self.mp.set_pause(False)

    def _poll(self, _dt) -> None:
        if self.mp is None or (not self._started and not self._begin()):
            return
        if self._landing:
            if not self.paused:  # paused households keep the picture they paused on
                self._land()
            return
        now = time.monotonic()
        if now < self._next_frame_at:
            return  # ffpyplayer hands out the next frame whenever asked: asking early plays fast
        frame, value = self.mp.get_frame()
        if value == "eof":
            self.on_eof()
            return
        if value == "paused":
            return
        if isinstance(value, float) and value > 0:
            self._next_frame_at = now + min(value, self.LONGEST_WAIT)
        if frame is not None:
            self._show(*frame)

    def _show(self, image, pts: float) -> None:
        w, h = image.get_size()
        if self.texture is None or self.texture.size != (w, h):
            self.texture = Texture.create(size=(w, h), colorfmt="rgba")
            self.texture.flip_vertical()
        self.texture.blit_buffer(image.to_memoryview()[0], colorfmt="rgba")
        if self.first_frame_at is None:
            self.first_frame_at = time.monotonic()
        self.on_frame(self.texture, pts - TS_START)

    @property
    def opened(self) -> bool:
        """Whether a stream is open (or opening) in the backend."""
        return self.mp is not None

    @property
    def silent(self) -> bool:
        return FFPyPlayerBackend.no_sound_device

    @property
    def started(self) -> bool:
        """Whether the stream is open (its exact start asked for)."""
        return self._started

    def pause(self, paused: bool) -> None:
        self.paused = paused
        self._next_frame_at = 0.0
        if self.mp is not None and self._started and not self._landing:
            self.mp.set_pause(paused)

    def seek(self, position: float) -> bool:
        """Moves to `position` within the open stream when that lands exactly: before the
        stream is open (it starts there), or forward while playing. False: reopen instead."""
        if self.mp is None:
            return False
        if not self._started:
            self._start_at = position if position > 0.5 else None
            return True
        if self.paused or self.first_frame_at is None:
            return False  # the clock is not running: a relative seek would not know from where
        step = position + TS_START - float(self.mp.get_pts())
        if step < 0.1:
            return False  # backward: FFmpeg's HLS demuxer would round it to the segment start
        self._next_frame_at = 0.0
        self.mp.seek(step, relative=True, accurate=True)
        return True

    def position(self) -> float | None:
        """The stream clock in seconds from the start of the video, once a frame was shown
        (None before: ffpyplayer reports 0, its start offset or the seek target until then)."""
        if self.mp is None or self.first_frame_at is None:
            return None  # ffpyplayer may crash when asked before the stream is open
        return float(self.mp.get_pts() or 0.0) - TS_START

    def duration(self) -> float:
        if self.mp is None or not self._started:
            return 0.0
        return float((self.mp.get_metadata() or {}).get("duration") or 0.0)

    def close(self) -> None:
        self.first_frame_at, self._started = None, False
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self.mp is not None:
            mp, self.mp = self.mp, None
            mp.close_player()


class Player(EventDispatcher):
    """Plays an HLS master playlist, choosing the rung itself (start low, adapt by reopening).
    Events: `on_frame(texture)` for each picture shown, `on_end()` when the whole video was seen,
    `on_stall(seconds)` when the picture moves again after standing still while playing."""
    texture = ObjectProperty(None, allownone=True)
    state = StringProperty("closed")       # closed | loading | playing | paused | ended | failed
    silent = BooleanProperty(False)        # no sound device: the picture plays without sound
    position = NumericProperty(0)
    duration = NumericProperty(0)
    rung_name = StringProperty("")
    subtitles_lang = StringProperty("")    # the subtitles chosen ("" none)
    subtitle = ObjectProperty(None, allownone=True)  # the subtitle text showing now, None between cues
    __events__ = ("on_frame", "on_end", "on_stall")

    def __init__(self, api: ApiClient, max_height: int = 1080, work_dir: Path | None = None,
                 backend: Callable[..., Backend] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.api, self.max_height = api, max_height
        # where the one-rung master is written (the box's data directory unless given)
        self.work_dir = Path(work_dir) if work_dir else api.device_file.parent / "player"
        self.master = ""
        self.backend: Backend = (backend or FFPyPlayerBackend)(self._on_frame, self._on_eof)
        self.cues: list[webvtt.Cue] = []
        self.url = ""
        self.audio_lang: str | None = None
        self.chooser: abr.RungChooser | None = None
        self.rung: abr.Rung | None = None   # the rung playing now
        self.tracker = PositionTracker()
        self.frame_position: float | None = None  # the video time of the picture on screen
        self.opened_at = 0.0
        self.catalog_duration = 0.0
        self._last_pos, self._still_since = 0.0, None
        self._tick = None
        self._last_probe = 0.0
        self._generation = 0
        self.playlists: dict[str, str] = {}  # media playlists of the video, by absolute URL
        self.segments = SegmentStore(self.work_dir / "segments")
        self._opening = 0  # counts (re)openings: a late segment fetch opens only the latest
        self._shown_from: float | None = None  # the video time of the first frame since (re)opening
        self._keep_playlists = False  # the opened rung's playlists are to be kept once it shows a frame

    # -- the interface ---------------------------------------------------------------------------
    def open(self, url: str, position: float = 0.0, audio_lang: str | None = None, rung=None,
             duration: float = 0.0) -> None:
        """Starts playing `url` at `position` (seconds) with the audio language; the rung is
        chosen by the player unless given. Fetching the master runs off the UI thread."""
        self.close()
        self._generation += 1
        generation = self._generation
        if self.api.url(url) != self.url:
            self.playlists = {}
        self.url, self.audio_lang = self.api.url(url), audio_lang
        self.master = ""
        self.state, self.position, self.duration = "loading", position, duration
        self.catalog_duration = duration  # the whole video's length; a resumed stream knows only what is left
        self.tracker.moved(position)
        self.opened_at = time.monotonic()

        def fetch_master():
            rungs: list[abr.Rung] = []
            master = ""
            try:
                content, seconds = self.api.get_bytes(self.url)
                master = content.decode("utf-8", "replace")
                rungs = abr.parse_master(master)
            except Offline:  # nothing to play from without the network: the screen says so at once
                Clock.schedule_once(lambda _dt: self._fail(generation))
                return
            except Rejected:
                pass
            Clock.schedule_once(lambda _dt: self._start(generation, master, rungs, position, rung))
        threading.Thread(target=fetch_master, daemon=True).start()

    def _fail(self, generation: int) -> None:
        if generation == self._generation:
            self.close()
            self.state = "failed"

    def _start(self, generation: int, master: str, rungs, position: float, rung) -> None:
        if generation != self._generation:
            return
        self.master = master
        self.chooser = abr.RungChooser(rungs, self.max_height) if rungs else None
        chosen = rung or (self.chooser.current if self.chooser else None)
        missing = self._missing_playlists(chosen) if position >= 1 else []
        if not missing:
            self._begin(generation, position, chosen)
            return
        # a resumed video: its playlists come first, so FFmpeg starts reading at the right segment
        threading.Thread(target=lambda: (self._fetch_playlists(missing), Clock.schedule_once(
            lambda _dt: self._begin(generation, position, chosen))), daemon=True).start()

    def _begin(self, generation: int, position: float, rung) -> None:
        if generation != self._generation:
            return
        self._open_backend(position, rung)
        self._tick = Clock.schedule_interval(self._update, 0.25)

    def _open_backend(self, position: float, rung) -> None:
        """(Re)opens the backend at `position` on `rung`; paused stays paused with the frame
        on screen kept until play. The segments FFmpeg starts in are fetched by the box first
        (once each, side by side) when it holds their playlists: FFmpeg reads them twice."""
        self.backend.close()
        self._opening += 1
        opening = self._opening
        self.rung, self.rung_name = rung, (rung.name if rung else "")
        self.tracker.moved(position, EXACT)
        self.position = position
        self._last_pos, self._still_since, self._shown_from = position, None, None
        urls = self._first_segments(rung, position)
        if not urls:
            self._open_now(opening, position, rung)
            return
        # what the household chose is on disk at once; the box's segment copies join it when fetched
        self._write_one_rung_master(rung, position)

        def fetch_segments():
            fetches = [threading.Thread(target=self.segments.fetch, args=(url, self.api.get_bytes), daemon=True)
                       for url in urls]
            for fetch in fetches:
                fetch.start()
            for fetch in fetches:
                fetch.join()
            Clock.schedule_once(lambda _dt: self._open_now(opening, position, rung))
        threading.Thread(target=fetch_segments, daemon=True).start()

    def _first_segments(self, rung, position: float) -> list[str]:
        """The segments FFmpeg starts in at `position` (and the next, if its first picture may lie
        there) in the media playlists `rung` plays with the audio chosen, when the box holds all
        those playlists (else FFmpeg reads the server's)."""
        if rung is None or not self.master or position < 1:
            return []
        try:
            media = hls_master.media_urls(self._one_rung_text(rung, self.audio_lang))
        except ValueError:
            return []
        if not all(url in self.playlists for url in media):
            return []
        # the picture starts at the next keyframe: near a segment's end, in the next segment
        urls = [hls_master.segment_at(self.playlists[m], m, at) for m in media for at in (position, position + EXACT[1])]
        return [url for url in dict.fromkeys(urls) if url]

    def _open_now(self, opening: int, position: float, rung) -> None:
        if opening != self._opening or self.state not in ("loading", "playing", "paused"):
            return  # reopened again, or closed, while the segments were fetched
        paused = self.state == "paused"
        local = self._write_one_rung_master(rung, position) if rung is not None and self.master else None
        if local is not None:
            self.backend.open(str(local), position, local=True, paused=paused)
        else:  # no master in hand: FFmpeg reads the whole one and we pick among its programs
            self.backend.open(self.url, position, self.audio_lang, rung.program if rung else None, paused=paused)
        self._keep_playlists = True
        self.silent = self.backend.silent
        self._last_pos, self._still_since = self.position, None

    def _one_rung_text(self, rung, audio_lang: str | None) -> str:
        """The master holding only `rung` and `audio_lang` (ValueError if the rung is not there)."""
        # the lowest rung takes the audio-only rung's smaller audio: the first frame comes sooner
        lowest = self.chooser is not None and rung == self.chooser.rungs[0] and rung.height > 0
        group = hls_master.lightest_audio_group(self.master) if lowest else None
        return hls_master.one_rung_master(self.master, self.url, rung.uri, audio_lang, group)

    def _write_one_rung_master(self, rung, position: float = 0.0) -> Path | None:
        """Writes the master holding only `rung` and the audio language, its media playlists
        starting at `position`'s segment when the box has them; None if it can't."""
        try:
            text = self._one_rung_text(rung, self.audio_lang)
            self.work_dir.mkdir(parents=True, exist_ok=True)
            urls = hls_master.media_urls(text)
            trimmed = [hls_master.trimmed_media(self.playlists.get(u, ""), u, position, self.segments.held)
                       for u in urls]
            if position >= 1 and all(trimmed):
                for n, (url, media) in enumerate(zip(urls, trimmed)):
                    text = text.replace(url, str(self._write(f"media{n}.m3u8", media)))
            return self._write("master.m3u8", text)
        except (ValueError, OSError):
            return None

    def _write(self, name: str, text: str) -> Path:
        path = self.work_dir / name
        partial = path.with_suffix(".part")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
        return path

    def _missing_playlists(self, rung, languages=None) -> list[str]:
        """The media playlists of `rung` (with the audio in each of `languages`, else the one
        chosen) that the box does not hold yet."""
        if rung is None or not self.master:
            return []
        urls = []
        for lang in languages or [self.audio_lang]:
            try:
                urls += hls_master.media_urls(self._one_rung_text(rung, lang))
            except ValueError:
                continue
        return [u for u in dict.fromkeys(urls) if u not in self.playlists]

    def _fetch_playlists(self, urls) -> None:
        """Downloads media playlists into `playlists` (on a worker thread; failures are skipped:
        the stream then opens at the start of its lists, as FFmpeg would)."""
        for url in urls:
            try:
                self.playlists[url] = self.api.get_bytes(url)[0].decode("utf-8", "replace")
            except (Offline, Rejected):
                return

    def play(self) -> None:
        if self.state == "paused":
            self.backend.pause(False)
            self.state = "playing"

    def pause(self) -> None:
        if self.state == "playing":
            self.backend.pause(True)
            self.state = "paused"

    def seek(self, position: float) -> None:
        position = max(0.0, min(position, (self.duration or position + 1) - 1))
        if self.state == "ended":  # seeking back from the end plays on
            self.state = "playing"
        if self.state == "closed" or self._tick is None:
            return  # the master is still being fetched
        if self.backend.seek(position):
            self.tracker.moved(position, EXACT)
            self.position = position
        else:  # backward, or paused: reopening there lands on the second (and stays paused)
            self._open_backend(position, self.rung)
        self._still_since = None

    def select_audio(self, lang: str) -> None:
        """Switches the audio language by reopening at the current position."""
        self.audio_lang = lang
        if self.state in ("playing", "paused"):
            self._open_backend(self.seen_position(), self.rung)

    def select_subtitles(self, lang: str, documents=()) -> None:
        """Chooses the subtitles ("" none) and gives their WebVTT documents (HLS segments carrying
        X-TIMESTAMP-MAP included) as they arrive; `subtitle` follows the position from then on."""
        cues = set()
        for document in documents:
            try:
                cues.update(webvtt.parse(document, SUBTITLE_ORIGIN))
            except ValueError:
                continue
        self.subtitles_lang = lang
        self.cues = sorted(cues, key=lambda c: c.start)  # segments repeat cues that span them
        self.on_position(self, self.position)

    def on_position(self, _player, position) -> None:
        cue = webvtt.cue_at(self.cues, position) if self.cues else None
        text = cue.text if cue else None
        if self.subtitle != text:
            self.subtitle = text

    def on_frame(self, texture) -> None:
        pass

    def on_end(self) -> None:
        pass

    def on_stall(self, seconds: float) -> None:
        pass

    def seen_position(self) -> float:
        """Where the household is now (read from the player, not the last 0.25 s tick); the
        position it was moved to while a reopened or sought player has not shown a frame yet."""
        if self.state in ("playing", "paused", "loading"):
            self.position = self.tracker.clock(self.backend.position())
        return self.position

    def close(self) -> None:
        self._generation += 1
        self._opening += 1
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        self.backend.close()
        self.state, self.texture = "closed", None

    # -- inside ----------------------------------------------------------------------------------
    def _on_frame(self, texture, pts: float) -> None:
        self.tracker.frame_shown(pts)
        self.frame_position = pts
        self.texture = texture
        if self.state == "loading":
            self.state = "playing"
        self.dispatch("on_frame", texture)
        if self._keep_playlists:  # the first frame since (re)opening, on whichever rung
            self._keep_playlists = False
            self._shown_from = pts
            # for a later audio switch or seek back: the playlists of this rung in both languages
            missing = self._missing_playlists(self.rung, ("zh", "mn"))
            if missing:
                threading.Thread(target=self._fetch_playlists, args=(missing,), daemon=True).start()
        self.canvas_update = time.monotonic()

    def _on_eof(self) -> None:
        if self.backend.first_frame_at is None and self.state == "loading" and not self._at_the_end(self.position):
            self._fail(self._generation)  # the stream ended before any picture: it could not be read
            return
        self._ended()  # (opened or reopened past the last picture: the household has seen it all)

    def _at_the_end(self, position: float) -> bool:
        return bool(self.catalog_duration) and position >= self.catalog_duration - END_SLACK

    def _ended(self) -> None:
        if self.state == "ended":
            return  # FFmpeg says "eof" at every poll once there
        self.state = "ended"
        self.dispatch("on_end")

    def _update(self, _dt) -> None:
        if self.state not in ("playing", "paused", "loading"):
            return
        pos = self.position = self.tracker.clock(self.backend.position())
        duration = self.backend.duration()
        if duration > 0 and not self.catalog_duration:  # a resumed stream starts at its segment
            self.duration = duration
        now = time.monotonic()
        if self.state == "loading" and self.backend.opened and self._at_the_end(pos) \
                and now - self.opened_at > END_WAIT:
            # opened past the last picture, FFmpeg shows nothing and never says "eof": the end
            self._ended()
            return
        if self.state != "playing" or self.chooser is None:
            return
        if abs(pos - self._last_pos) < 0.05:
            self._still_since = self._still_since or now
            # FFmpeg does not always say "eof" at the end of an HLS stream: the last frame stays
            if self._at_the_end(pos) and now - self._still_since > 1.0:
                self._ended()
                return
            # (not while the box fetches the segments a reopening starts in: nothing plays yet)
            if now - self._still_since > STALL_SECONDS and self.chooser.index > 0 and self.backend.opened:
                self._open_backend(self.seen_position(), self.chooser.stalled())  # step down now
        else:
            if self._still_since is not None and now - self._still_since > STALL_SECONDS:
                self.dispatch("on_stall", now - self._still_since)  # the household waited this long
            self._last_pos, self._still_since = pos, None
        if now - self._last_probe > PROBE_EVERY and self._playing_steadily(pos):
            self._last_probe = now
            self._probe()

    def _playing_steadily(self, position: float) -> bool:
        """Whether a segment's length of video has played since the (re)opening's first frame,
        without a stall: the link carries playback with room, a probe will not starve it."""
        return (self._shown_from is not None and self._still_since is None
                and position - self._shown_from >= STEADY_BEFORE_PROBE)

    def _probe(self) -> None:
        """Downloads one segment of the next rung up to measure throughput; adapts if it fits."""
        chooser = self.chooser
        if chooser is None or chooser.index + 1 >= len(chooser.rungs):
            return
        target = chooser.rungs[chooser.index + 1]
        generation, position = self._generation, self.position

        def probe():
            url = self.api_url(target.uri)
            try:
                playlist, seconds = self.api.get_bytes(url)
                self.playlists[url] = playlist.decode("utf-8", "replace")
                chooser.add_sample(len(playlist), seconds)
                # the first from here the box does not hold (one it holds measures nothing); kept:
                # stepping up reopens in this segment, and FFmpeg is handed the box's copy. A live
                # list (not a finished VOD one): its newest segment
                segments = (hls_master.segments_from(self.playlists[url], url, position)
                            or [urllib.parse.urljoin(url, u) for u in webvtt.segment_urls(self.playlists[url])][-1:])
                segment_url = next((u for u in segments if self.segments.held(u) is None), None)
                if segment_url and self.segments.fetch(segment_url, self.api.get_bytes, chooser.add_sample) is None:
                    return
            except (Offline, Rejected):
                return
            if generation == self._generation:
                # stepping up reopens where the household is: FFmpeg gets the target rung's kept
                # playlists (its audio too) starting at that segment, not the server's from the start
                self._fetch_playlists(self._missing_playlists(target))
            Clock.schedule_once(lambda _dt: self._adapt(generation))
        threading.Thread(target=probe, daemon=True).start()

    def api_url(self, uri: str) -> str:
        return urllib.parse.urljoin(self.url, uri)

    def _adapt(self, generation: int) -> None:
        if generation != self._generation or self.chooser is None:
            return
        after = self.chooser.choose()
        position = self.seen_position()
        if self.catalog_duration and position > self.catalog_duration - NO_STEP_UP_BEFORE_END:
            return
        if after != self.rung and self.state in ("playing", "paused"):
            self._open_backend(position, after)
