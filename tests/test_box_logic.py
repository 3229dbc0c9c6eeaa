"""The box's pure logic, without a window: remote keys, focus geometry, WebVTT, Mongolian
columns, rung choice, the one-rung master, the playback position across reopens, the channel
guide's entries and start times, the grid's scrolling, fitting Mongolian to a column, the order
posters are decoded in, and the order screens are prepared in."""
from datetime import datetime, timedelta, timezone

import pytest

from stb_app import (abr, hls_master, keys, mongolian_layout, poster_decoding, programme_guide, screen_order,
                     scrolling, webvtt)
from stb_app.position_tracker import GIVE_UP_FRAMES, PositionTracker
from stb_app.focus import DOWN, LEFT, RIGHT, UP, FocusMemory, Rect, grid_move, nearest


def test_every_remote_button_maps_to_one_action_whether_key_or_joystick():
    for code in (13, 271, 1073741943):
        assert keys.from_key(code).action == keys.OK
    assert keys.from_joystick_button(0).action == keys.OK
    assert keys.from_key(27).action == keys.BACK and keys.from_joystick_button(4).action == keys.BACK
    assert keys.from_key(1073741942).action == keys.MENU and keys.from_joystick_button(6).action == keys.MENU
    arrows = {273: keys.UP, 274: keys.DOWN, 275: keys.RIGHT, 276: keys.LEFT}
    for code, action in arrows.items():
        assert keys.from_key(code).action == action
    assert [keys.from_joystick_button(b).action for b in (11, 12, 13, 14)] == [keys.UP, keys.DOWN, keys.LEFT, keys.RIGHT]
    assert [keys.from_key(48 + d).digit for d in range(10)] == list(range(10))
    assert [keys.from_key(256 + d).digit for d in range(10)] == list(range(10))
    assert keys.from_key(97) is None and keys.from_joystick_button(9) is None


# three panels in a row, a language button above the right one (Kivy coordinates: y up)
PANELS = [("watch", Rect(100, 200, 500, 600)), ("choose", Rect(700, 200, 500, 600)),
          ("ask", Rect(1300, 200, 500, 600)), ("language", Rect(1600, 900, 200, 80))]


def test_arrows_move_to_the_nearest_panel_in_that_direction():
    watch = PANELS[0][1]
    assert nearest(watch, PANELS, RIGHT) == "choose"
    assert nearest(PANELS[1][1], PANELS, RIGHT) == "ask"
    assert nearest(PANELS[2][1], PANELS, LEFT) == "choose"
    assert nearest(PANELS[2][1], PANELS, UP) == "language"
    assert nearest(PANELS[3][1], PANELS, DOWN) == "ask"
    assert nearest(watch, PANELS, LEFT) is None and nearest(watch, PANELS, DOWN) is None


def test_a_button_in_line_beats_a_closer_diagonal_one():
    here = Rect(0, 0, 100, 100)
    candidates = [("diagonal", Rect(120, 150, 100, 100)), ("in_line", Rect(400, 10, 100, 100))]
    assert nearest(here, candidates, RIGHT) == "in_line"


def test_focus_is_remembered_per_screen_and_survives_a_list_reload():
    memory = FocusMemory()
    memory.remember("home", "choose", PANELS[1][1])
    memory.remember("watch", "item:7", Rect(700, 200, 200, 300))
    assert memory.resolve("home", PANELS) == "choose"
    # the catalog reloaded and item 7 is gone: focus lands on the item where it was, not nowhere
    reloaded = [("item:1", Rect(100, 200, 200, 300)), ("item:8", Rect(720, 200, 200, 300))]
    assert memory.resolve("watch", reloaded) == "item:8"
    assert memory.resolve("new-screen", reloaded) == "item:1"
    assert memory.resolve("watch", []) is None


def test_grid_cursor_moves_by_rows_and_leaves_at_the_edges():
    assert grid_move(0, RIGHT, 5, 12) == 1
    assert grid_move(4, RIGHT, 5, 12) is None
    assert grid_move(3, DOWN, 5, 12) == 8
    assert grid_move(8, DOWN, 5, 12) == 11   # short last row: land on its last cell
    assert grid_move(11, DOWN, 5, 12) is None
    assert grid_move(2, UP, 5, 12) is None
    assert grid_move(11, LEFT, 5, 12) == 10


BEIJING = timezone(timedelta(hours=8))


def _slot(start: str, end: str, title: str) -> dict:
    return {"start": start, "end": end, "title": {"zh": title, "mn": title}}


def test_the_guide_keeps_what_has_not_ended_in_start_order_in_local_time():
    guide = [_slot("2026-11-26T02:30:00+00:00", "2026-11-26T03:00:00+00:00", "later"),   # 10:30 Beijing
             _slot("2026-11-26T01:00:00+00:00", "2026-11-26T02:00:00+00:00", "over"),
             _slot("2026-11-26T02:00:00+00:00", "2026-11-26T02:30:00+00:00", "on air"),
             {"start": "soon", "end": None, "title": "broken"}, {"title": "no times"}]
    now = datetime(2026, 11, 26, 10, 10, tzinfo=BEIJING)
    slots = programme_guide.upcoming(guide, now)
    assert [s.entry["title"]["zh"] for s in slots] == ["on air", "later"]
    assert slots[1].start.hour == 10 and slots[1].start.minute == 30           # shown in the box's time
    assert programme_guide.airing_index(slots, now) == 0
    assert programme_guide.airing_index(slots, datetime(2026, 11, 26, 10, 45, tzinfo=BEIJING)) == 1
    assert programme_guide.airing_index(slots, datetime(2026, 11, 26, 9, 0, tzinfo=BEIJING)) is None


def test_a_start_shows_now_a_time_today_tomorrow_or_a_date():
    now = datetime(2026, 11, 26, 23, 10, tzinfo=BEIJING)

    def label(start, end):
        return programme_guide.start_label(programme_guide.Slot(start, end, {}), now)
    at = lambda d, h, m: datetime(2026, 11, d, h, m, tzinfo=BEIJING)  # noqa: E731
    assert label(at(26, 23, 0), at(26, 23, 30)) == ("Now", {})
    assert label(at(26, 23, 40), at(26, 23, 50)) == ("{time}", {"time": "23:40"})
    assert label(at(27, 0, 5), at(27, 0, 30)) == ("Tomorrow {time}", {"time": "00:05"})
    assert label(at(28, 7, 0), at(28, 7, 30)) == ("{date} {time}", {"date": "11-28", "time": "07:00"})


def test_after_a_refresh_focus_stays_on_its_programme_or_moves_to_the_next_one():
    now = datetime(2026, 11, 26, 10, 0, tzinfo=BEIJING)
    guide = [_slot(f"2026-11-26T10:{m:02d}:00+08:00", f"2026-11-26T10:{m + 10:02d}:00+08:00", str(m))
             for m in (0, 10, 20, 30)]
    slots = programme_guide.upcoming(guide, now)
    assert programme_guide.index_near(slots, slots[2].key, slots[2].start) == 2
    ended = programme_guide.Slot(datetime(2026, 11, 26, 9, 50, tzinfo=BEIJING), now, {})
    assert programme_guide.index_near(slots, ended.key, ended.start) == 0         # its successor, on air now
    beyond = datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING)
    assert programme_guide.index_near(slots, "guide:gone", beyond) == 3
    assert programme_guide.index_near([], "guide:gone", beyond) is None


HLS_VTT = """WEBVTT
X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000

1
00:00:01.000 --> 00:00:03.500 line:90%
<b>ᠬᠠᠤᠯᠢ</b> 法律

00:00:04.000 --> 00:00:05.000
second
"""


def test_webvtt_cues_land_on_the_media_timeline_through_the_timestamp_map():
    cues = webvtt.parse(HLS_VTT, origin=10.0)
    assert [(c.start, c.end, c.text) for c in cues] == [(1.0, 3.5, "ᠬᠠᠤᠯᠢ 法律"), (4.0, 5.0, "second")]
    assert webvtt.parse(HLS_VTT)[0].start == 11.0
    assert webvtt.cue_at(cues, 2.0).text == "ᠬᠠᠤᠯᠢ 法律"
    assert webvtt.cue_at(cues, 3.7) is None
    assert webvtt.parse("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\nbroken --> line\nx\n")[0].text == "hi"


def test_a_long_mongolian_text_runs_in_columns_left_to_right():
    text = "ᠬᠠᠤᠯᠢ ᠡᠷᠬᠡ ᠶᠢᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ 12348 法律"
    measure = lambda kind, s: 10.0 * len(s)  # noqa: E731 — 10 px per character
    columns = mongolian_layout.layout(text, 120, measure)
    assert " ".join(c.text for c in columns) == text          # nothing lost, reading order kept
    assert not any(c.text.endswith(" ") for c in columns)    # a break swallows the space
    assert columns[0].text.startswith("ᠬᠠᠤᠯᠢ")                 # the first column holds the first words
    assert all(c.length <= 120 for c in columns)
    assert len(columns) >= 3
    # Chinese stays upright glyph by glyph; digits rotate with the line
    kinds = [kind for c in columns for kind, _ in c.pieces]
    assert kinds.count(mongolian_layout.UPRIGHT) == 2 and mongolian_layout.OTHER in kinds
    # a word longer than a column is broken rather than overflowing
    assert all(c.length <= 30 for c in mongolian_layout.layout("ᠲᠤᠰᠠᠯᠠᠮᠵᠢ", 30, measure))
    # ... but never between the vowel separator and its vowel (alone it shows as a dotted box)
    broken = mongolian_layout.layout("ᠬᠠᠷᠢᠭᠤᠴᠠᠯᠭ\u180eᠠ", 110, measure)
    assert [c.text for c in broken] == ["ᠬᠠᠷᠢᠭᠤᠴᠠᠯ", "ᠭ\u180eᠠ"]
    # a word with its suffix joined by U+202F stays whole in a column that holds both; in one too
    # short for both, the suffix parts from the word (keeping its space) before any letter does
    joined = "ᠦᠢᠯᠡᠴᠢᠯᠡᠭᠡ\u202fᠶᠢᠨ ᠬᠠᠤᠯᠢ"
    assert [c.text for c in mongolian_layout.layout(joined, 150, measure)] == ["ᠦᠢᠯᠡᠴᠢᠯᠡᠭᠡ\u202fᠶᠢᠨ", "ᠬᠠᠤᠯᠢ"]
    assert [c.text for c in mongolian_layout.layout(joined, 130, measure)] == ["ᠦᠢᠯᠡᠴᠢᠯᠡᠭᠡ", "\u202fᠶᠢᠨ ᠬᠠᠤᠯᠢ"]
    limited = mongolian_layout.layout(text, 115, measure, max_columns=1)   # the ellipsis replaces letters
    assert len(limited) == 1 and limited[0].text.endswith("…") and limited[0].length <= 115
    assert limited[0].text.startswith("ᠬᠠᠤᠯᠢ")


MASTER = """#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="zh",NAME="zh",URI="audio_zh/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=1280x720,AUDIO="aud"
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=416x234,AUDIO="aud"
234p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=640x360,AUDIO="aud"
360p/index.m3u8
"""


def test_rung_choice_starts_low_steps_up_with_throughput_and_down_on_a_stall():
    rungs = abr.parse_master(MASTER)
    assert [r.height for r in rungs] == [234, 360, 720]
    chooser = abr.RungChooser(rungs, max_height=720)
    assert chooser.choose().height == 234                      # nothing measured yet: start low
    chooser.add_sample(1_000_000, 1.0)                         # 8 Mbit/s
    assert chooser.choose().height == 360                      # one step at a time
    assert chooser.choose().height == 720
    assert chooser.stalled().height == 360
    capped = abr.RungChooser(rungs, max_height=360)
    capped.add_sample(10_000_000, 1.0)
    assert capped.choose().height == 360 and capped.choose().height == 360   # never above the cap
    slow = abr.RungChooser(rungs, max_height=720)
    slow.add_sample(40_000, 1.0)                               # 320 kbit/s
    assert slow.choose().height == 234


TRANSCODER_MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="zh",NAME="中文",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio_zh/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="mn",NAME="ᠮᠣᠩᠭᠣᠯ",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio_mn/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio_low",LANGUAGE="zh",NAME="中文",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="1",URI="audio_only_zh/index.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="zh",NAME="中文",DEFAULT=NO,AUTOSELECT=YES,URI="subs_zh/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=249757,RESOLUTION=416x234,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="audio",SUBTITLES="subs"
234p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=348019,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="audio",SUBTITLES="subs"
360p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=57743,CODECS="mp4a.40.2",AUDIO="audio_low",SUBTITLES="subs"
audio_only_zh/index.m3u8
"""
RENDITIONS = "http://box.example:8080/media/renditions/v1/"


def test_the_one_rung_master_holds_only_the_chosen_variant_and_audio_language_with_absolute_urls():
    # given the transcoder's master, when the player picks 360p and Mongolian audio
    text = hls_master.one_rung_master(TRANSCODER_MASTER, RENDITIONS + "master.m3u8", "360p/index.m3u8", "mn")
    lines = text.splitlines()
    # then FFmpeg is shown one variant, one audio rendition (made the default), no subtitles
    assert lines[0] == "#EXTM3U"
    assert [line for line in lines if not line.startswith("#")] == [RENDITIONS + "360p/index.m3u8"]
    audio = [line for line in lines if line.startswith("#EXT-X-MEDIA:")]
    assert len(audio) == 1 and 'LANGUAGE="mn"' in audio[0] and "DEFAULT=YES" in audio[0]
    assert f'URI="{RENDITIONS}audio_mn/index.m3u8"' in audio[0]
    stream = next(line for line in lines if line.startswith("#EXT-X-STREAM-INF:"))
    assert "RESOLUTION=640x360" in stream and 'AUDIO="audio"' in stream and "SUBTITLES" not in stream
    assert hls_master.one_rung_master(TRANSCODER_MASTER, RENDITIONS + "master.m3u8", "234p/index.m3u8", None).count("audio_zh/") == 1


def test_the_one_rung_master_falls_back_to_the_default_audio_and_refuses_an_unknown_variant():
    text = hls_master.one_rung_master(TRANSCODER_MASTER, RENDITIONS + "master.m3u8", "234p/index.m3u8", "en")
    assert 'LANGUAGE="zh"' in text and 'LANGUAGE="mn"' not in text
    with pytest.raises(ValueError):
        hls_master.one_rung_master(TRANSCODER_MASTER, RENDITIONS + "master.m3u8", "1080p/index.m3u8", "zh")


def test_the_lowest_rung_can_take_the_audio_only_rungs_smaller_audio_in_the_chosen_language():
    group = hls_master.lightest_audio_group(TRANSCODER_MASTER)
    assert group == "audio_low"
    text = hls_master.one_rung_master(TRANSCODER_MASTER, RENDITIONS + "master.m3u8", "234p/index.m3u8", "zh", group)
    assert f'URI="{RENDITIONS}audio_only_zh/index.m3u8"' in text and 'AUDIO="audio_low"' in text
    assert text.count("#EXT-X-MEDIA:") == 1 and "RESOLUTION=416x234" in text
    # a group the master lacks leaves the variant's own audio
    assert "audio_zh/" in hls_master.one_rung_master(TRANSCODER_MASTER, RENDITIONS + "master.m3u8",
                                                     "234p/index.m3u8", "zh", "nope")


def test_a_reopened_player_does_not_move_the_resume_point_before_it_shows_a_frame_there():
    # given the household watching at 42 s, when an audio switch reopens the player there
    tracker = PositionTracker()
    tracker.moved(0.0)
    tracker.frame_shown(0.0)
    assert tracker.clock(42.0) == 42.0
    tracker.moved(42.0)
    # then what the new player reports before its first frame there is not where the household is:
    # 0, None, NaN, its start offset, the segment start its sound may begin at, a leftover frame
    for reading in (0.0, None, float("nan"), -0.02, 36.0):
        assert tracker.clock(reading) == 42.0
    tracker.frame_shown(36.0)
    assert tracker.clock(36.1) == 42.0 and not tracker.settled
    # and once a frame near 42 s is on screen (the next keyframe), the clock is followed again
    tracker.frame_shown(44.0)
    assert tracker.settled and tracker.clock(42.3) == 42.3


def test_a_picture_that_keeps_showing_elsewhere_is_believed_after_a_while():
    tracker = PositionTracker()
    tracker.moved(42.0)
    for _ in range(GIVE_UP_FRAMES - 1):
        tracker.frame_shown(80.0)
    assert tracker.position == 42.0
    tracker.frame_shown(80.04)                 # a live stream, or a seek FFmpeg could not do
    assert tracker.settled and tracker.clock(80.1) == 80.1


def test_a_seek_waits_for_the_new_picture_not_the_old_one():
    tracker = PositionTracker()
    tracker.moved(42.0)
    tracker.frame_shown(42.0)
    tracker.moved(32.0)                         # ← 10 s
    tracker.frame_shown(42.04)                  # a frame decoded before the seek
    assert tracker.clock(42.1) == 32.0
    tracker.frame_shown(34.0)                   # the sound at 32 s, the picture from the next keyframe
    assert tracker.clock(32.2) == 32.2


MEDIA = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:6.000000,
seg_00000.ts
#EXTINF:6.000000,
seg_00001.ts
#EXTINF:6.000000,
seg_00002.ts
#EXTINF:2.000000,
seg_00003.ts
#EXT-X-ENDLIST
"""


def test_a_resumed_video_starts_its_playlist_at_the_households_segment():
    url = "http://tv.example/media/renditions/v1/360p/index.m3u8"
    trimmed = hls_master.trimmed_media(MEDIA, url, 13.5)
    lines = trimmed.splitlines()
    # the segment holding 13.5 s is the third: the list starts there, numbered as before
    assert "#EXT-X-MEDIA-SEQUENCE:2" in lines and "#EXT-X-MEDIA-SEQUENCE:0" not in lines
    assert [line for line in lines if not line.startswith("#")] == [
        "http://tv.example/media/renditions/v1/360p/seg_00002.ts",
        "http://tv.example/media/renditions/v1/360p/seg_00003.ts"]
    assert lines[0] == "#EXTM3U" and "#EXT-X-TARGETDURATION:6" in lines and lines[-1] == "#EXT-X-ENDLIST"
    assert hls_master.trimmed_media(MEDIA, url, 5.9) is None           # the first segment: nothing to trim
    assert hls_master.trimmed_media(MEDIA.replace("#EXT-X-ENDLIST", ""), url, 13.5) is None  # not finished
    assert "seg_00003.ts" in hls_master.trimmed_media(MEDIA, url, 99).splitlines()[-2]  # past the end: the last


def test_left_and_right_stay_in_the_row_and_stop_at_its_ends():
    # home: Right on 想问的 (the last panel) stays there; the language card above it is not beside it
    assert nearest(PANELS[2][1], PANELS, RIGHT) is None
    # watch: Right on the last poster of a row stays; the category row above runs further right
    posters = [(f"item:{i}", Rect(100 + 350 * i, 200, 300, 300)) for i in range(5)]
    categories = [(f"category:{i}", Rect(100 + 300 * i, 600, 260, 80)) for i in range(7)]
    last = posters[-1][1]
    assert nearest(last, posters + categories, RIGHT) is None
    assert nearest(posters[0][1], posters + categories, RIGHT) == "item:1"
    # a situation's guide: Right after the last step stays; the buttons in the header are above
    steps = [(f"step:{i}", Rect(100 + 450 * i, 300, 400, 400)) for i in range(3)]
    header = [("ask", Rect(900, 800, 300, 150)), ("services", Rect(1250, 800, 300, 150))]
    assert nearest(steps[-1][1], steps + header, RIGHT) is None
    assert nearest(steps[0][1], steps + header, LEFT) is None
    # only Up/Down change rows, to the nearest card there even when it is not straight above
    assert nearest(last, posters + categories, UP) == "category:5"
    assert nearest(steps[-1][1], steps + header, UP) == "ask"


def test_a_card_that_shows_already_does_not_scroll_and_one_outside_scrolls_the_least():
    # a view 0..700 long, cards 200 long with 20 of room around them
    assert scrolling.reveal(0, 700, 300, 200, 20) == 0              # shown: nothing moves
    assert scrolling.reveal(0, 700, 600, 200, 20) == 120            # below: its end (820) becomes the view's end
    assert scrolling.reveal(500, 700, 300, 200, 20) == 280          # above: its start with its room on top


def test_a_poster_grid_scrolls_row_by_row_to_the_focused_entry_and_sizes_its_cells_to_the_row():
    # 100 posters in 5 columns, rows 200 high with a gap of 20 and padding of 30, in a 700-high view
    grid = dict(count=100, columns=5, row_height=200, gap=20, padding_top=30, padding_bottom=30,
                view_height=700, margin=14)
    assert scrolling.row_scroll_y(0, scroll_y=1, **grid) == 1                      # the first row: at the top
    assert scrolling.row_scroll_y(12, scroll_y=1, **grid) == 1                     # the third row shows already
    content = 30 + 30 + 20 * 200 + 19 * 20

    def view_bottom(scroll_y: float) -> float:
        return (1 - scroll_y) * (content - 700) + 700

    fourth = scrolling.row_scroll_y(15, scroll_y=1, **grid)
    assert view_bottom(fourth) == pytest.approx(30 + 3 * 220 + 200 + 14)         # its bottom, with room, at the view's
    last = scrolling.row_scroll_y(99, scroll_y=fourth, **grid)
    assert view_bottom(last) == pytest.approx(content - 30 + 14)                 # the last row, over the padding below
    back = scrolling.row_scroll_y(0, scroll_y=last, **grid)
    assert view_bottom(back) - 700 == pytest.approx(30 - 14)                      # back to the first: its top, with room
    assert scrolling.row_scroll_y(3, scroll_y=1, **dict(grid, count=8)) == 1       # two rows fit: nothing scrolls
    assert scrolling.cell_width(1920, 5, 40, 40, 20) == 352                      # (1920 - 80 - 80) / 5
    assert scrolling.cell_width(10, 5, 40, 40, 20) == 1                          # never below a pixel


def test_upright_glyphs_and_spaces_are_measured_without_a_font_and_a_long_word_gets_a_smaller_size():
    assert mongolian_layout.fixed_length(mongolian_layout.UPRIGHT, "法律", 40) == pytest.approx(84)
    assert mongolian_layout.fixed_length(mongolian_layout.OTHER, "  ", 40) == pytest.approx(24)
    assert mongolian_layout.fixed_length(mongolian_layout.MONG, "ᠬᠠᠤᠯᠢ", 40) is None   # the font measures it
    assert mongolian_layout.fitting_size(40, 300, 400, 30) == 40                   # it fits: the size stays
    assert mongolian_layout.fitting_size(40, 500, 400, 30) == 32                   # 40 × 400/500
    assert mongolian_layout.fitting_size(40, 450, 400, 30) == 35.5                 # half pixels, rounded down
    assert mongolian_layout.fitting_size(40, 1000, 400, 30) == 30                  # never below the floor


def test_posters_are_decoded_at_their_size_newest_request_first_and_a_broken_file_once(tmp_path):
    from PIL import Image

    Image.new("RGB", (960, 540), (138, 28, 28)).save(tmp_path / "poster.jpg", quality=80)
    (tmp_path / "broken.jpg").write_bytes((tmp_path / "poster.jpg").read_bytes()[:200])
    size, pixels = poster_decoding.decode(str(tmp_path / "poster.jpg"), 300, 300)
    assert size == (300, 169) and len(pixels) == 300 * 169 * 3                    # fits, keeps its shape
    assert poster_decoding.decode(str(tmp_path / "broken.jpg"), 300, 300) is poster_decoding.BROKEN

    waiting = poster_decoding.WaitingPosters()
    waiting.add("a.jpg", 300, 169, "first card")
    waiting.add("b.jpg", 300, 169, "second card")
    waiting.add("a.jpg", 600, 338, "a bigger card")                              # another size: its own decode
    waiting.add("a.jpg", 300, 169, "a recycled card")                            # asked again: moves to the front
    key, (path, _w, _h, callbacks) = waiting.take()
    assert (path, callbacks) == ("a.jpg", ["first card", "a recycled card"])
    assert key == poster_decoding.cache_key("a.jpg", 300, 169)
    assert [waiting.take()[1][0] for _ in range(len(waiting))] == ["a.jpg", "b.jpg"]
    assert not waiting


def test_screens_opened_from_home_are_prepared_in_order_and_a_layout_settles_when_nothing_moves():
    plan = screen_order.warm_up_plan([{"id": 7}, {"id": 9}])
    assert [name for name, _ in plan] == ["choose", "topic", "ask", "services", "glossary", "channel", "questions"]
    assert dict(plan)["topic"] == {"topic_id": 7} and dict(plan)["ask"] == {}
    assert dict(screen_order.warm_up_plan([]))["topic"] == {"topic_id": None}   # no topics cached yet

    heights = iter([100, 180, 200, 200, 200])                                   # a label grows twice, then stays
    rounds = []
    assert screen_order.settle(lambda: rounds.append(1), lambda: next(heights)) is True
    assert len(rounds) == 4
    assert screen_order.settle(lambda: None, iter(range(100)).__next__, rounds=8) is False   # a bound, not a wait


def test_the_segments_a_reopening_starts_in_are_the_boxs_copies_while_it_holds_them_in_a_row():
    url = "http://tv.example/media/renditions/v1/360p/index.m3u8"
    base = "http://tv.example/media/renditions/v1/360p/"
    held = {base + "seg_00002.ts": "/box/segments/a-seg_00002.ts", base + "seg_00000.ts": "/box/segments/c-seg_00000.ts"}

    def segments(text):
        return [line for line in text.splitlines() if not line.startswith("#")]
    # FFmpeg reads the first listed segment twice: the box's copy; after it, the server's
    assert segments(hls_master.trimmed_media(MEDIA, url, 13.5, held.get)) == [
        "/box/segments/a-seg_00002.ts", base + "seg_00003.ts"]
    # the next one too when the box fetched it (the picture starts at a keyframe there)
    held[base + "seg_00003.ts"] = "/box/segments/b-seg_00003.ts"
    assert segments(hls_master.trimmed_media(MEDIA, url, 13.5, held.get)) == [
        "/box/segments/a-seg_00002.ts", "/box/segments/b-seg_00003.ts"]
    # never a copy after a segment the box does not hold
    assert segments(hls_master.trimmed_media(MEDIA, url, 7.0, held.get)) == [
        base + "seg_00001.ts", base + "seg_00002.ts", base + "seg_00003.ts"]
    # in the video's first segment too, when the box holds it
    first = hls_master.trimmed_media(MEDIA, url, 4.0, held.get)
    assert first is not None and "#EXT-X-MEDIA-SEQUENCE:0" in first.splitlines()
    assert segments(first)[0] == "/box/segments/c-seg_00000.ts"
    assert hls_master.segment_at(MEDIA, url, 13.5) == base + "seg_00002.ts"


def test_a_segment_asked_for_by_several_at_once_is_downloaded_once_and_kept_within_bounds(tmp_path):
    import threading
    from stb_app.segment_store import SegmentStore
    store, downloads, release = SegmentStore(tmp_path, keep=2), [], threading.Event()

    def download(url):
        downloads.append(url)
        release.wait(10)
        return url.encode() * 100, 0.5
    url = "http://tv.example/v/234p/seg_00001.ts"
    found = []
    askers = [threading.Thread(target=lambda: found.append(store.fetch(url, download))) for _ in range(4)]
    for asker in askers:
        asker.start()
    release.set()
    for asker in askers:
        asker.join(10)
    assert downloads == [url] and len(set(found)) == 1 and found[0].suffix == ".ts"
    assert found[0].read_bytes() == url.encode() * 100 and store.held(url) == found[0]
    # a later segment or two push the oldest out (its file goes too)
    for n in (2, 3):
        store.fetch(f"http://tv.example/v/234p/seg_0000{n}.ts", download)
    assert store.held(url) is None and not found[0].exists()
    # a failed download is not kept, and says so
    def offline(_url):
        raise OSError("no network")
    assert store.fetch("http://tv.example/v/234p/seg_00009.ts", offline) is None


def test_a_place_beyond_the_end_of_a_shorter_replacement_starts_it_from_the_beginning(tmp_path):
    from stb_app.api import ApiClient
    from stb_app.library import Library
    library = Library(ApiClient("http://127.0.0.1:9", tmp_path), tmp_path)
    library.catalog = {"categories": [], "items": [{"id": "v1", "duration": 60.0}, {"id": "v2", "duration": 60.0}]}
    library.save_position("v1", 50.0, 60.0)
    library.save_position("v2", 20.0, 60.0)
    assert library.resume_position("v1") == 50.0
    library.catalog["items"][0]["duration"] = 40.0           # replaced by a 40 s cut
    assert library.resume_position("v1") == 0.0 and library.resume_position("v2") == 20.0
