"""What a box records of what was watched, without a window: each mark once, events kept on disk
through a power cut, one batch at a time and at most one sending per 15 minutes."""
from __future__ import annotations

from stb_app.api import Offline
from stb_app.play_log import BATCH_SPACING_SECONDS, PlayLog, PlayRecorder

T0 = 1_796_000_000.0


def kinds(events):
    return [(e["event"], e.get("percent")) for e in events]


def test_a_play_reports_each_mark_once_its_switches_and_its_end():
    play = PlayRecorder("v1", 100.0, "mn", "", position=0.0, now=T0)
    assert kinds([play.started]) == [("start", None)] and play.started["audio"] == "mn"
    assert kinds(play.position(30, T0 + 30)) == [("progress", 25)]
    assert play.position(31, T0 + 31) == []                       # the mark is not said twice
    assert kinds(play.position(80, T0 + 40)) == [("progress", 50), ("progress", 75)]  # a seek passes two
    assert kinds(play.audio_chosen("zh", T0 + 41)) == [("audio", None)] and play.audio_chosen("zh", T0 + 42) == []
    [subtitles] = play.subtitles_chosen("mn", T0 + 43)
    assert (subtitles["audio"], subtitles["subtitles"]) == ("zh", "mn")
    assert play.rung_changed("234p", T0 + 44) == []                # the first rung is no change
    assert play.rung_changed("720p", T0 + 45)[0]["height"] == 720
    assert play.stalled(4.24, T0 + 46)[0]["seconds"] == 4.2
    assert kinds(play.ended(T0 + 100)) == [("progress", 100)] and play.ended(T0 + 101) == []


def test_a_resumed_play_counts_the_marks_it_started_past_as_passed():
    play = PlayRecorder("v1", 100.0, "zh", "zh", position=60.0, now=T0)
    assert kinds(play.position(61, T0 + 1)) == []
    assert kinds(play.ended(T0 + 50)) == [("progress", 75), ("progress", 100)]


def test_events_survive_a_power_cut_and_go_in_one_batch_per_quarter_hour(tmp_path):
    sent: list[tuple[str, dict]] = []
    log = PlayLog(tmp_path / "plays.db")
    play = PlayRecorder("v1", 100.0, "mn", "", 0.0, T0)
    log.record([play.started, *play.position(30, T0 + 30)])
    log.close()                                                   # switched off before sending
    log = PlayLog(tmp_path / "plays.db")
    assert kinds(log.pending()) == [("start", None), ("progress", 25)]
    # when the network is down, the batch waits and nothing is tried again for 15 minutes
    def offline(key, body):
        raise Offline("no network")
    assert log.send(offline, T0 + 60) == 0
    assert log.pending() == [] and len(log.outbox.waiting()) == 1
    log.record(play.ended(T0 + 100))
    assert log.send(lambda key, body: sent.append((key, body)) or {}, T0 + 120) == 0 and sent == []
    # when 15 minutes have passed, the first batch goes, as it was sealed (its id kept)
    [waiting] = log.outbox.waiting()
    assert log.send(lambda key, body: sent.append((key, body)) or {"counted": True},
                    T0 + 60 + BATCH_SPACING_SECONDS) == 1
    assert [k for k, _ in sent] == [waiting.key] and kinds(sent[0][1]["events"]) == [("start", None), ("progress", 25)]
    # and the events recorded since wait for the next quarter hour
    assert log.send(lambda key, body: sent.append((key, body)) or {}, T0 + 61 + BATCH_SPACING_SECONDS) == 0
    assert len(sent) == 1 and kinds(log.pending()) == [("progress", 50), ("progress", 75), ("progress", 100)]
    assert log.send(lambda key, body: sent.append((key, body)) or {}, T0 + 60 + 2 * BATCH_SPACING_SECONDS) == 1
    assert len(sent) == 2 and log.pending() == []
    log.close()
