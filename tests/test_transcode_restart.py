"""kill -9 of the server mid-transcode loses nothing and leaves nothing running: its ffmpeg dies
with it, and the job is redone once, in a fresh attempt folder, after the restart."""
from __future__ import annotations

import json
import os
import select
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from content_server.kernel import auth
from content_server.storage import Store, accounts, media as media_sql

from . import media_samples as samples
from .conftest import add_account
from .ready_video import ensure_category
from .tus import tus_upload_sync
from . import given

pytestmark = pytest.mark.slow


def call(server, method: str, path: str, headers: dict, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(server.url + path, method=method, headers={**headers, "Content-Type": "application/json"},
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def media_processes(data: Path) -> dict[int, list[bytes]]:
    """Live ffmpeg/ffprobe processes whose arguments or working folder point into the data root
    (a zombie has neither, so only processes still able to run are listed)."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if args and args[0].endswith((b"ffmpeg", b"ffprobe")) and \
                (any(str(data).encode() in a for a in args) or cwd.startswith(str(data))):
            found[int(proc.name)] = args
    return found


def transcoding_ffmpeg(data: Path, seconds: float = 60) -> list[int]:
    """pidfds of the ffmpeg processes writing into the data root's work folder, once one has
    started (a pidfd names one process for good: no signal can reach a later one of that pid)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pidfds = []
        for pid, args in media_processes(data).items():
            if any(str(data / "work").encode() in a for a in args) and b"-filter_complex" in args:
                try:
                    pidfds.append(os.pidfd_open(pid))
                except ProcessLookupError:
                    continue
        if pidfds:
            return pidfds
        time.sleep(0.02)
    raise AssertionError("no transcode started")


def exits_within(pidfd: int, seconds: float) -> bool:
    """Whether the process (not our child) ends within `seconds`."""
    return bool(select.select([pidfd], [], [], seconds)[0])


def kill_and_close(pidfds: list[int]) -> None:
    """Kills what is left of these processes (an orphan of an unguarded server) and closes the pidfds."""
    for pidfd in pidfds:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(pidfd)


def rendition_is_clean(folder: Path) -> None:
    """Every variant folder holds exactly the segments its playlist lists, and nothing else."""
    for playlist in folder.glob("*/index.m3u8"):
        listed = {line for line in playlist.read_text().splitlines() if line and not line.startswith("#")}
        present = {p.name for p in playlist.parent.iterdir() if p.name != "index.m3u8"}
        assert present == listed, playlist


def test_a_transcode_killed_by_kill_9_is_redone_after_restart(server_process, tmp_path):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    store = Store(data / "legal-tv.db")
    token, token_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, add_account(store, "saren", "editor"), token_hash)
    ensure_category(store)
    editor = {"Authorization": f"Bearer {token}"}

    server = server_process()
    upload_id = tus_upload_sync(server.url, editor, samples.two_languages(12, "640x360"))
    status, answer = call(server, "POST", "/api/v1/videos", editor, {
        "upload_id": upload_id, "category": "traffic", "title": {"zh": "交通事故", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"}})
    assert status == 202
    video_id = answer["id"]

    # given a transcode under way, its ffmpeg held still so that it cannot simply finish first
    encoders = transcoding_ffmpeg(data)
    try:
        for pidfd in encoders:
            signal.pidfd_send_signal(pidfd, signal.SIGSTOP)
        # when the server is killed without warning
        server.kill()
        assert given.read(store, media_sql.job_state, video_id) == "running"
        # then its ffmpeg dies with it: nothing is left running in the data root
        assert all(exits_within(pidfd, 30) for pidfd in encoders)
        assert media_processes(data) == {}
    finally:
        kill_and_close(encoders)
    assert not (data / "renditions" / video_id).exists()  # nothing half-made is visible

    # then the restarted server redoes the job and the video becomes ready
    server = server_process()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = call(server, "GET", f"/api/v1/videos/{video_id}", editor)[1]
        if body["status"] != "processing":
            break
        time.sleep(0.3)
    assert body["status"] == "ready", body
    master = (data / "renditions" / video_id / "master.m3u8").read_text()
    assert master.index("234p/index.m3u8") < master.index("360p/index.m3u8")
    # exactly one clean rendition: the segments of one run, nothing from the killed attempt
    assert [p.name for p in (data / "renditions").iterdir()] == [video_id]
    rendition_is_clean(data / "renditions" / video_id)
    deadline = time.monotonic() + 10
    while any((data / "work").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # the work folder is removed just after the video turns ready
    assert [p.name for p in (data / "work").iterdir()] == []
    assert media_processes(data) == {}
    store.close()
