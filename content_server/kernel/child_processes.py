"""ffmpeg and ffprobe as children that die with the server, even when it is killed with SIGKILL.

Linux's parent-death signal (prctl PR_SET_PDEATHSIG) is set in the child between fork and exec,
so no orphan keeps decoding and writing into a work folder after a crash. The signal follows the
*thread* that started the child: start children from the event loop thread or from a pool thread
that waits for them (asyncio.to_thread does), never from a thread that ends before its child.
"""
from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1
_SIGKILL = int(signal.SIGKILL)
_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with(parent: int):
    def preexec() -> None:
        # runs in the forked child before exec: kept to two system calls, nothing imported or locked
        _libc.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os.kill(os.getpid(), _SIGKILL)
    return preexec


def _guard() -> dict:
    return {"preexec_fn": _die_with(os.getpid())} if _libc is not None else {}


def run_child(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """subprocess.run with captured output, stdin closed, and death with this process."""
    return subprocess.run(args, capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout, **_guard())


async def start_child(args: list[str], **kwargs) -> asyncio.subprocess.Process:
    """asyncio.create_subprocess_exec, with death with this process."""
    return await asyncio.create_subprocess_exec(*args, **kwargs, **_guard())
