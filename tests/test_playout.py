"""The channel broadcast to a cable headend: one constant-bitrate MPEG-TS read back from a UDP
socket on loopback, across joins between items, the slate and one schedule edit."""
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import shutil
import time
from datetime import datetime

import pytest

from content_server.kernel.clock import CLOCK
from content_server.kernel.config import SETTINGS
from content_server.playout import play
from content_server.playout.output import SrtOutput, UdpOutput
from content_server.playout.service import Options
from content_server.playout.subtitles import picture
from content_server.storage import STORE, media

from . import given
from .channel_media import RUNGS, install, install_slate, make_renditions
from .conftest import METRICS
from .console_session import sign_in
from .test_channel_live import moment
from .transport_stream import analyse, epoch_ms, receive

MUXRATE = 1_500_000
HEIGHTS = {"talk": 180, "short": 144, None: 360}  # the slate is 360p
TITLE = {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}
SLOT_A = {"id": "a", "title": {"zh": "早间", "mn": "ᠦᠭᠡᠯᠡᠭᠡ"}, "start": "08:00", "end": "08:01",
          "source": {"type": "playlist", "playlist": "mix"}, "order": "in_order"}
SLOT_B = {"id": "b", "title": {"zh": "特别", "mn": "ᠣᠨᠴᠠ"}, "start": "08:01", "end": "08:02",
          "source": {"type": "videos", "videos": ["talk"]}, "order": "in_order"}
BEFORE = {"seed": 1, "playlists": {"mix": ["talk", "short", "short"]}, "slots": [SLOT_A], "overrides": []}
AFTER = dict(BEFORE, slots=[SLOT_A, SLOT_B])


@pytest.fixture(scope="session")
def renditions(tmp_path_factory):
    return make_renditions(tmp_path_factory.mktemp("playout-media"))


@pytest.fixture
async def channel(client, make_account, renditions):
    """Given talk (6 s, 180p), short (4 s, 144p) and the slate, and a channel playing
    talk, short, short from 08:00 until a talk no longer fits, then the slate."""
    app = client.server.app
    root = app[SETTINGS].root
    install(app[STORE], root, renditions, "talk")
    install(app[STORE], root, renditions, "short")
    install_slate(root, renditions)
    editor = make_account("saran", "editor")
    resp = await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": BEFORE})
    assert resp.status == 201, await resp.text()
    return editor


def loopback_receiver() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(30)  # a stopped playout fails the test instead of hanging it
    return sock


async def start_playout(app, sock, at_ms: int, **options):
    """Starts the playout of `legal` with the app's clock at `at_ms`; returns (playout, thread)."""
    app[CLOCK].offset = at_ms / 1000 - time.time()
    url = f"udp://127.0.0.1:{sock.getsockname()[1]}?pkt_size=1316"
    playout = await play(app[STORE], app[SETTINGS], Options("legal", url, MUXRATE, **options), app[CLOCK])
    thread = threading.Thread(target=playout.run, args=(UdpOutput(url),), daemon=True)
    thread.start()
    return playout, thread


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def frames(path, near_ms: int) -> dict:
    """Decoded pictures and sound per stream (ffprobe decodes each one): {index: [(epoch ms, height)]}."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_frames", "-show_entries",
                          "frame=stream_index,pts,height,media_type", "-of", "json", str(path)],
                         capture_output=True, text=True, timeout=120, check=True)
    found: dict = {}
    for frame in json.loads(out.stdout)["frames"]:
        if frame.get("pts") is not None and frame.get("media_type") != "subtitle":
            found.setdefault(frame["stream_index"], []).append((epoch_ms(int(frame["pts"]), near_ms), frame.get("height")))
    return found


def subtitle_frames(path, stream: str, near_ms: int) -> tuple[list, str]:
    """Decoded DVB subtitle pages of one stream: [(epoch ms, rectangles)], and the decoder's complaints."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", stream, "-show_frames", "-show_entries",
                          "subtitle=pts,num_rects", "-of", "json", str(path)],
                         capture_output=True, text=True, timeout=120, check=True)
    pages = [(epoch_ms(int(f["pts"]) * 90 // 1000, near_ms), f["num_rects"]) for f in json.loads(out.stdout)["frames"]]
    return pages, out.stderr


def on_air(guide: list[dict], at_ms: float) -> dict:
    return next(g for g in guide if ms(datetime.fromisoformat(g["start"])) <= at_ms < ms(datetime.fromisoformat(g["end"])))


async def test_the_broadcast_is_continuous_cbr_and_follows_the_schedule_and_its_edit(client, channel, tmp_path):
    app = client.server.app
    join = ms(moment(0, 8, 0, 45))  # mid-programme: talk runs 08:00:42–48
    sock = loopback_receiver()
    playout, thread = await start_playout(app, sock, join)
    chunks: list[bytes] = []
    try:
        await asyncio.to_thread(receive, sock, chunks, join, join)
        # when an editor adds a programme at 08:01 while the channel is on air
        resp = await client.put("/api/v1/channels/legal", headers=channel,
                                json={"id": "legal", "title": TITLE, "schedule": AFTER})
        assert resp.status == 200, await resp.text()
        await asyncio.to_thread(receive, sock, chunks, ms(moment(0, 8, 1, 9)), join)
    finally:
        playout.stop.set()
        await asyncio.to_thread(thread.join)
        sock.close()
    data = b"".join(chunks)
    capture = tmp_path / "capture.ts"
    capture.write_bytes(data)
    a = analyse(data)

    # then a headend's probe finds nothing broken (TR 101 290 priority 1)
    assert a.continuity_errors == []
    assert playout.mux.counters.late_units == 0  # every unit left before its decode time
    steps = [c1 - c0 for (_, c0), (_, c1) in zip(a.pcrs, a.pcrs[1:])]
    assert steps and min(steps) > 0 and max(steps) <= 40 * 27_000
    for table in ("pat", "pmt"):
        times = [a.time_ms(i, join) for i in a.tables[table]]
        assert max(t1 - t0 for t0, t1 in zip(times, times[1:])) <= 500, table
    for table in ("sdt", "tdt"):
        assert len(a.tables[table]) >= 15
    # every second carries the muxrate within 1 %, nulls included
    first = 0
    seconds = 0
    for n, (index, pcr) in enumerate(a.pcrs):
        if pcr - a.pcrs[first][1] >= 27_000_000:
            i0, c0 = a.pcrs[first]
            rate = (index - i0) * 188 * 8 * 27_000_000 / (pcr - c0)
            assert abs(rate - MUXRATE) <= MUXRATE / 100, (n, rate)
            first, seconds = n, seconds + 1
    assert seconds >= 20
    # both languages on their own PIDs, labelled for the receiver's audio menu
    audio = {pid: lang for pid, lang in a.languages.items() if a.stream_types[pid] == 0x0F}
    assert sorted(audio.values()) == ["chi", "mon"]
    assert ("chi", "12348公共法律服务", "法治频道") in [(l, p, s) for l, p, s in a.sdt_names]
    assert ("mon", TITLE["mn"]) in [(l, s) for l, _, s in a.sdt_names]
    programs = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_programs", "-of", "json", str(capture)],
                                         capture_output=True, text=True, timeout=60, check=True).stdout)["programs"]
    assert programs[0]["tags"] == {"service_name": "法治频道", "service_provider": "12348公共法律服务"}  # as a receiver lists it
    # timestamps never step back across the joins
    for pid, stamps in a.pes.items():
        order = [d for _, d in stamps] if a.stream_types[pid] == 0x1B else [p for p, _ in stamps]
        times = [epoch_ms(t, join) for t in order]
        assert all(t1 > t0 for t0, t1 in zip(times, times[1:])), pid

    # and each decoded picture is the one the guide has on air at its instant, edit included
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    decoded = frames(capture, join)
    video = next(i for i, f in decoded.items() if any(h for _, h in f))
    pictures = decoded[video]
    assert pictures[0][0] <= join  # joined on the key frame before the instant on air, not later
    shown = []
    for at, height in pictures:
        item = on_air(guide, at)
        assert height == HEIGHTS[item["item_id"]], (at, item)
        if not shown or shown[-1] != (item["start"], item["item_id"]):
            shown.append((item["start"], item["item_id"]))
    assert [i for _, i in shown] == ["talk", "short", "short", None, "talk", "talk"]
    assert shown[-2][0] == moment(0, 8, 1).isoformat()  # the edited 08:01 programme, on time
    # every second of the stream decodes, pictures and both languages' sound
    start, end = int(pictures[0][0] // 1000), int(pictures[-1][0] // 1000)
    for stream in decoded.values():
        covered = {int(t // 1000) for t, _ in stream}
        assert set(range(start, end)) <= covered
    assert len(decoded) == 3
    # and the guide inside the stream (EIT p/f) is the guide JSON at that instant
    assert max(t1 - t0 for t0, t1 in zip(*[[a.time_ms(i, join) for i, n, _ in a.eit if n == 0][k:] for k in (0, 1)])) <= 2000
    checked = 0
    for index, number, event in a.eit:
        at = a.time_ms(index, join)
        item = on_air(guide, at)
        if abs(at - ms(datetime.fromisoformat(item["start"]))) < 200:
            continue  # made just before a join and sent just after it
        if number == 1:
            item = on_air(guide, ms(datetime.fromisoformat(item["end"])))
        assert event["start_ms"] == ms(datetime.fromisoformat(item["start"])) // 1000 * 1000, (at, number)
        assert event["names"] == {"chi": item["title"]["zh"], "mon": item["title"]["mn"]}
        assert event["running"] == (4 if number == 0 else 1)
        checked += 1
    assert checked >= 40
    assert a.text_tables == {("chi", 0x13), ("mon", 0x15)}  # GB2312 and UTF-8 (EN 300 468 Annex A)
    # and its schedule (EIT 0x50), as last sent after the edit, lists the guide's programmes
    latest = a.eit_schedule[-1][1][0]
    sent_at = a.time_ms(next(i for i, (v, *_), _ in a.eit_schedule if v == latest), join)
    listed = {e["start_ms"]: e for _, (v, *_), e in a.eit_schedule if v == latest}
    horizon = ms(datetime.fromisoformat(guide[-1]["start"]))
    expected = [g for g in guide if ms(datetime.fromisoformat(g["end"])) > sent_at
                and ms(datetime.fromisoformat(g["start"])) < horizon]
    assert sorted(k for k in listed if k < horizon) == [ms(datetime.fromisoformat(g["start"])) for g in expected]
    for g in expected:
        event = listed[ms(datetime.fromisoformat(g["start"]))]
        assert event["end_ms"] == ms(datetime.fromisoformat(g["end"])) // 1000 * 1000
        assert event["names"] == {"chi": g["title"]["zh"], "mon": g["title"]["mn"]}
    assert any(g["item_id"] == "talk" and g["start"] == moment(0, 8, 1).isoformat() for g in expected)
    errors = subprocess.run(["ffmpeg", "-v", "error", "-i", str(capture), "-map", "0:v", "-map", "0:a", "-f", "null", "-"],
                            capture_output=True, text=True, timeout=120).stderr
    assert errors == ""
    # and talk's Chinese subtitles come as DVB subtitles a receiver decodes, on each cue's time
    assert sorted(lang for pid, lang in a.languages.items() if a.stream_types[pid] == 0x06) == ["chi", "mon"]
    pages, complaints = subtitle_frames(capture, "s:0", join)
    assert complaints == ""
    talks = [ms(datetime.fromisoformat(g["start"])) for g in guide if g["item_id"] == "talk"]
    bound = pictures[-1][0] - 2000  # pages near the capture's end may not have arrived whole
    shows = [start + 2000 * i for start in talks for i in range(3) if pictures[0][0] <= start + 2000 * i]
    expected = [(t, 1) for t in shows] + [(t + 1500, 0) for t in shows]
    assert sorted((round(t), n) for t, n in pages if t < bound) == sorted(e for e in expected if e[0] < bound)
    assert len([e for e in expected if e[0] < bound]) >= 8


ALL_DAY = {"seed": 1, "playlists": {"mix": ["short", "talk"]}, "overrides": [],
           "slots": [{"id": "day", "title": {"zh": "全天", "mn": "ᠡᠳᠦᠷ"}, "start": "00:00", "end": "24:00",
                      "source": {"type": "playlist", "playlist": "mix"}, "order": "in_order"}]}


async def all_day_channel(client, make_account, renditions) -> None:
    app = client.server.app
    install(app[STORE], app[SETTINGS].root, renditions, "talk")
    install(app[STORE], app[SETTINGS].root, renditions, "short")
    install_slate(app[SETTINGS].root, renditions)
    editor = make_account("saran", "editor")
    resp = await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": ALL_DAY})
    assert resp.status == 201, await resp.text()


def drain(sock: socket.socket, chunks: list[bytes]) -> None:
    """Takes what a killed playout had already sent."""
    sock.setblocking(False)
    try:
        while True:
            chunks.append(sock.recv(65536))
    except BlockingIOError:
        pass
    finally:
        sock.settimeout(30)


async def test_a_killed_playout_restarts_where_the_schedule_is_and_a_missing_segment_shows_the_slate(
        client, make_account, renditions, settings):
    """Given a channel playing short and talk all day, with one segment of short lost from disk."""
    app = client.server.app
    root = app[SETTINGS].root
    await all_day_channel(client, make_account, renditions)
    (root.rendition_dir("short") / "144p" / "seg_00001.ts").unlink()
    sock = loopback_receiver()
    command = [sys.executable, "-m", "content_server.cli", "playout", "legal", "--muxrate", str(MUXRATE),
               "--output", f"udp://127.0.0.1:{sock.getsockname()[1]}?pkt_size=1316", "--data", str(root.root),
               *(["--database", settings.database] if settings.database else [])]
    log = open(root.root.parent / "playout.log", "ab")
    started = time.time()
    first = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    second = None
    try:
        before: list[bytes] = []
        await asyncio.to_thread(receive, sock, before, int(started * 1000) + 3000, int(started * 1000))
        # when the playout is killed and the machine is back three seconds later
        first.kill()
        first.wait()
        drain(sock, before)
        await asyncio.sleep(3)  # the time the channel was off the cable, not a wait for anything
        restarted = time.time()
        second = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        after = [sock.recv(65536)]
        received = time.time()
        await asyncio.to_thread(receive, sock, after, int(restarted * 1000) + 11000, int(restarted * 1000))
        metrics = await (await client.get("/metrics", headers=METRICS)).text()
        await sign_in(client, "tuya", "editor")
        page = await (await client.get("/console/editor/channels?channel=legal")).text()
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
        sock.close()
        log.close()
    capture = root.root.parent / "after.ts"
    capture.write_bytes(b"".join(after))
    near = int(restarted * 1000)
    a = analyse(b"".join(after))
    assert a.continuity_errors == [] and len(a.pcrs) > 300

    # then it joins the schedule as it is at the restart (at the key frame before it), not where it stopped
    app[CLOCK].fixed = started - 60
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    decoded = frames(capture, near)
    video = next(i for i, f in decoded.items() if any(h for _, h in f))
    pictures = decoded[video]
    assert restarted * 1000 - 2100 <= pictures[0][0] <= received * 1000
    stopped_at = analyse(b"".join(before)).time_ms(len(b"".join(before)) // 188 - 1, near)
    assert pictures[0][0] > stopped_at
    # and short, whose segment is lost, shows the slate for its whole time, never a stopped stream
    shown = set()
    for at, height in pictures:
        item = on_air(guide, at)
        assert height == (180 if item["item_id"] == "talk" else 360), (at, item)
        shown.add(item["item_id"])
    assert shown == {"talk", "short"}
    assert set(range(int(pictures[0][0] // 1000), int(pictures[-1][0] // 1000))) <= {int(t // 1000) for t, _ in pictures}
    # and the server shows the playout's state and counters
    assert 'legaltv_playout_on_air{channel="legal"} 1' in metrics
    substitutions = float(re.search(r'legaltv_playout_slate_substitutions\{channel="legal"\} (\S+)', metrics).group(1))
    assert substitutions >= 1
    assert "正在播出" in page and "missing segment of short" in page


def add_mongolian_subtitles(app) -> None:
    """Gives talk Mongolian subtitles too, cued as its Chinese ones."""
    root = app[SETTINGS].root
    chinese, mongolian = root.rendition_dir("talk") / "subs_zh", root.rendition_dir("talk") / "subs_mn"
    shutil.copytree(chinese, mongolian)
    for vtt in mongolian.glob("*.vtt"):
        vtt.write_text(vtt.read_text(encoding="utf-8").replace("字幕", "ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠵᠠᠰᠠᠭ"), encoding="utf-8")
    ladder = [{"name": r, "width": RUNGS[r][0], "height": RUNGS[r][1], "bandwidth": RUNGS[r][2]} for r in ("144p", "180p")]
    given.write(app[STORE], media.finish_job, "talk", 6.0, ladder, ["zh", "mn"])


async def test_with_mp2_both_languages_are_mpeg1_layer2_for_older_boxes(client, channel, tmp_path):
    """And the Mongolian subtitles are drawn shaped, in a vertical column at the right."""
    app = client.server.app
    add_mongolian_subtitles(app)
    join = ms(moment(0, 8, 0, 43))  # talk (42–48) with its cues at 44 and 46, then short
    sock = loopback_receiver()
    playout, thread = await start_playout(app, sock, join, audio="mp2")
    chunks: list[bytes] = []
    try:
        await asyncio.to_thread(receive, sock, chunks, join + 6000, join)
    finally:
        playout.stop.set()
        await asyncio.to_thread(thread.join)
        sock.close()
    capture = tmp_path / "mp2.ts"
    capture.write_bytes(b"".join(chunks))
    a = analyse(b"".join(chunks))
    assert a.continuity_errors == []
    assert sorted((a.stream_types[pid], lang) for pid, lang in a.languages.items()) == [
        (0x03, "chi"), (0x03, "mon"), (0x06, "chi"), (0x06, "mon")]  # MPEG-1 audio and DVB subtitles
    decoded = frames(capture, join)
    sound = [f for f in decoded.values() if not any(h for _, h in f)]
    assert len(sound) == 2
    for stream in sound:
        times = [t for t, _ in stream]
        assert all(t1 > t0 for t0, t1 in zip(times, times[1:]))
        assert set(range(int(times[0] // 1000) + 1, int(join // 1000) + 5)) <= {int(t // 1000) for t in times}
    errors = subprocess.run(["ffmpeg", "-v", "error", "-i", str(capture), "-map", "0:v", "-map", "0:a", "-f", "null", "-"],
                            capture_output=True, text=True, timeout=120).stderr
    assert errors == ""
    talk = ms(moment(0, 8, 0, 42))
    for stream in ("s:0", "s:1"):
        pages, complaints = subtitle_frames(capture, stream, join)
        assert complaints == ""
        assert [(round(t), n) for t, n in pages] == [(talk + cue + end, 1 - end // 1500) for cue in (0, 2000, 4000)
                                                     for end in (0, 1500)]  # joined at the 08:00:42 key frame


def free_udp_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.skipif(shutil.which("srt-live-transmit") is None, reason="srt-tools is not installed")
async def test_over_srt_the_headend_gets_the_same_packets_at_the_same_constant_rate(client, channel):
    """Given a headend listening for SRT on loopback (srt-live-transmit passing it on to a UDP socket)."""
    app = client.server.app
    sock = loopback_receiver()
    port = free_udp_port()
    headend = subprocess.Popen(["srt-live-transmit", "-q", "-chunk:1316", f"srt://:{port}?mode=listener",
                                f"udp://127.0.0.1:{sock.getsockname()[1]}"], stdout=subprocess.DEVNULL)
    join = ms(moment(0, 8, 0, 3))
    app[CLOCK].offset = join / 1000 - time.time()
    output = SrtOutput(f"srt://127.0.0.1:{port}?mode=caller")
    playout = await play(app[STORE], app[SETTINGS], Options("legal", "srt://", MUXRATE), app[CLOCK])
    thread = threading.Thread(target=playout.run, args=(output,), daemon=True)
    thread.start()
    chunks: list[bytes] = []
    try:
        first = await asyncio.to_thread(sock.recv, 65536)    # the caller has reached the headend
        chunks.append(first[len(first) % 188:])
        near = int(time.time() * 1000 + app[CLOCK].offset * 1000)
        await asyncio.to_thread(receive, sock, chunks, near + 4000, near)
    finally:
        playout.stop.set()
        await asyncio.to_thread(thread.join)
        output.close()
        headend.terminate()
        headend.wait()
        sock.close()
    a = analyse(b"".join(chunks))
    assert a.continuity_errors == [] and len(a.pcrs) > 100
    assert all(len(c) % 188 == 0 for c in chunks)             # whole packets, as the playout sent them
    assert sorted(a.languages.values()) == ["chi", "chi", "mon", "mon"]   # sound and subtitles in both
    # the constant rate survives the relay: packets per second of stream clock, from its PCRs
    (i0, c0), (i1, c1) = a.pcrs[0], a.pcrs[-1]
    assert abs((i1 - i0) * 188 * 8 / ((c1 - c0) / 27_000_000) - MUXRATE) < MUXRATE * 0.01


def test_mongolian_subtitles_are_a_shaped_vertical_column_at_the_right():
    column, x, y = picture("ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠵᠠᠰᠠᠭ", "mn")
    across, _, _ = picture("字幕 0", "zh")
    assert column.height > 4 * column.width and x > 1920 * 3 // 4
    assert across.width > across.height


@pytest.mark.timeout(60)
def test_with_nothing_to_copy_the_stream_keeps_its_rate_tables_and_padding(tmp_path):
    """Given a channel that was deleted and no slate made: the headend still gets a valid stream."""
    from content_server.kernel.config import DataRoot
    from content_server.playout.feed import Feed
    from content_server.playout.mux import Multiplexer
    from content_server.schedule.library import Library

    feed = Feed(DataRoot(tmp_path), lambda at: (None, Library()), "1080p")
    mux = Multiplexer(feed.units(1_800_000_000_000), MUXRATE, TITLE, TITLE)
    data = mux.take(MUXRATE * 3 // (188 * 8))  # three seconds of stream
    a = analyse(data)
    assert a.continuity_errors == [] and len(a.tables["pat"]) >= 29 and a.pes == {}
    assert (a.pcrs[-1][1] - a.pcrs[0][1]) / 27_000_000 > 2.9


async def test_a_playout_configured_beside_the_server_is_started_again_when_killed(
        client, make_account, renditions, server_process, monkeypatch):
    """Given `serve` configured to broadcast the channel (setting `playouts`)."""
    await all_day_channel(client, make_account, renditions)
    sock = loopback_receiver()
    url = f"udp://127.0.0.1:{sock.getsockname()[1]}?pkt_size=1316"
    monkeypatch.setenv("LEGAL_TV_PLAYOUTS", json.dumps({"legal": {"output": url, "muxrate": MUXRATE}}))
    started = time.time()
    server_process()
    state_path = client.server.app[SETTINGS].root.root / "playout" / "legal.json"
    try:
        chunks: list[bytes] = []
        await asyncio.to_thread(receive, sock, chunks, int(started * 1000) + 2000, int(started * 1000))
        first = json.loads(state_path.read_text())["pid"]
        # when its process is killed
        os.kill(first, signal.SIGKILL)
        killed = time.time()
        # then the server starts it again and the broadcast comes back where the schedule is
        after: list[bytes] = []
        await asyncio.to_thread(receive, sock, after, int(killed * 1000) + 2000, int(killed * 1000))
    finally:
        sock.close()
    assert json.loads(state_path.read_text())["pid"] != first
