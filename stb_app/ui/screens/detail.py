"""A video's detail page: summary, duration, languages; play, resume, audio and subtitles.

Opened or returned to, it focuses what a household most likely wants: Resume when there is a
place to go back to, else Play ("Watch again" after the video ran to its end)."""
from __future__ import annotations

from kivy.properties import StringProperty

from ...i18n import N_
from .base import BaseScreen, next_choice

LANGUAGE_NAMES = {
    # TRANSLATORS: TV app, video detail screen and player, name of an audio or subtitle language, max 12 chars
    "zh": N_("Chinese"),
    # TRANSLATORS: TV app, video detail screen and player, name of an audio or subtitle language, max 12 chars
    "mn": N_("Mongolian"),
    # TRANSLATORS: TV app, video detail screen and player, subtitles switched off, max 12 chars
    "": N_("Off"),
}

# TRANSLATORS: TV app, video detail screen, button, max 28 chars
PLAY_FROM_START = N_("Play from the start")
# TRANSLATORS: TV app, video detail screen, button after the video was watched to its end, max 28 chars
WATCH_AGAIN = N_("Watch again")


def clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class DetailScreen(BaseScreen):
    kv_name = "detail"
    play_msgid = StringProperty(PLAY_FROM_START)  # "Watch again" just after the video ran to its end

    def item(self) -> dict | None:
        return self.library.item(self.params.get("item_id"))

    def on_data(self) -> None:
        item = self.item()
        if item is None:
            return
        ids = self.ids
        self.play_msgid = WATCH_AGAIN if self.params.get("finished") else PLAY_FROM_START
        ids.title.texts = item["title"]
        ids.summary.texts = item.get("summary") or ""
        ids.poster.url = item.get("poster") or ""
        ids.duration.params = {"time": clock(item.get("duration") or 0)}
        audio = item.get("audio") or []
        subs = [s["lang"] for s in item.get("subtitles") or []]
        prefs = self.app.playback_prefs
        if prefs.get("audio") not in audio:
            prefs["audio"] = self.app.lang if self.app.lang in audio else (audio[0] if audio else "")
        if prefs.get("subtitles") not in subs + [""]:
            prefs["subtitles"] = self.app.lang if self.app.lang in subs else ""
        ids.audio.params = {"language": self._name(prefs["audio"])}
        ids.subtitles.params = {"language": self._name(prefs["subtitles"])}
        ids.languages.params = {"audio": " · ".join(self._name(a) for a in audio) or "-",
                                "subtitles": " · ".join(self._name(s) for s in subs) or "-"}
        resume = self.library.resume_position(item["id"])
        ids.resume.opacity = 1 if resume else 0
        ids.resume.disabled = not resume
        ids.resume_label.params = {"time": clock(resume)}

    def on_open(self) -> None:
        item = self.item()
        resume = item is not None and self.library.resume_position(item["id"]) > 0
        self.default_focus = "resume" if resume else "play"
        self.app.navigator.memory.forget(self.name)  # each visit starts on its main card

    def _name(self, code: str) -> str:
        from ...i18n import translate
        return translate(LANGUAGE_NAMES.get(code, code), self.app.lang)

    def cycle(self, what: str) -> None:
        item = self.item()
        if what == "audio":
            options = item.get("audio") or []
        else:
            options = [s["lang"] for s in item.get("subtitles") or []] + [""]
        prefs = self.app.playback_prefs
        if options:
            current = prefs.get(what)
            prefs[what] = next_choice(options, current)
        self.on_data()

    def ask_about(self) -> None:
        """The ask screen with the topic of this video's category chosen (its topic list when none fits)."""
        item = self.item() or {}
        self.app.open("ask", topic_id=self.library.topic_for_category(item.get("category")), reset_focus=True)

    def play(self, from_start: bool) -> None:
        item = self.item()
        position = 0.0 if from_start else self.library.resume_position(item["id"])
        self.params = {k: v for k, v in self.params.items() if k != "finished"}
        self.app.open("player", item_id=item["id"], position=position)
