"""Parsing untrusted files in a child process with time and memory limits.

A hostile file (a zip bomb, a PDF whose streams never end) can take the parser down or hang it;
in a child it takes only the child. The parent gets a report, or a one-line error.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import resource
import signal
import time
import traceback
from dataclasses import dataclass

from .api import ParseError, check_hints, parse_bytes
from .limits import (PARSE_MEMORY, PARSE_RSS, PARSE_TIMEOUT, PARSE_WALL_FACTOR, PARSE_WALL_MIN,
                     breach)
from .report import Report

DEFAULT_TIMEOUT = PARSE_TIMEOUT
DEFAULT_MEMORY = PARSE_MEMORY
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
RSS_POLL = 0.05  # seconds between two looks at the child's resident memory
PAGE = os.sysconf("SC_PAGE_SIZE")
# Resident memory of a parent counted in the child's PARSE_RSS (what `xxgk parse` holds).
BASE_RSS = 256 * 2 ** 20
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # CPU seconds per file (all its threads)
    memory: int = DEFAULT_MEMORY  # bytes of address space
    rss: int = PARSE_RSS  # bytes of resident memory (0: unchecked)
    wall: float | None = None  # wall-clock seconds; None: PARSE_WALL_FACTOR x timeout

    @property
    def wall_seconds(self) -> float:
        if self.wall is not None:
            return self.wall
        return max(PARSE_WALL_FACTOR * self.timeout, PARSE_WALL_MIN)


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel SIGKILL this process when the thread that forked it ends (its parent
    killed with SIGKILL included): a child never parses on for nobody. Linux only."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _address_space() -> int:
    """Bytes of address space this process has mapped (0 where /proc cannot say)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _child(conn, data: bytes, limits: Limits, hints: dict | None, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    try:
        # The parse may map `memory` bytes beyond what the forked child already holds: a parent
        # with a large address space (threads' stacks, mapped files) must not leave the child
        # none, where every library it loads would fail to map.
        room = limits.memory + _address_space()
        resource.setrlimit(resource.RLIMIT_AS, (room, room))
        cpu = int(limits.timeout) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ValueError, OSError):
        pass
    try:
        report = parse_bytes(data, hints=hints)
        conn.send(("ok", report))
    except ParseError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", breach("PARSE_MEMORY", limits.memory, "parsing needed more memory")))
    except BaseException as exc:  # noqa: BLE001 - the child reports whatever killed it
        conn.send(("error", f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]))
        traceback.print_exc()
    finally:
        conn.close()


def parse_isolated(data: bytes, limits: Limits | None = None, *,
                   hints: dict | None = None) -> Report:
    """Parse in a child process; raise ParseError with one line on any failure. ``hints`` as
    for parse_bytes."""
    check_hints(hints)  # a caller's mistake is raised here, not as the child's error
    limits = limits or Limits()
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, data, limits, hints, os.getpid()),
                       daemon=True)
    # The child starts as a copy of this process, its pages shared and counted in its RSS: a
    # parent larger than BASE_RSS has the excess left out, so that the parse has the room it
    # has under a command-line parent.
    base = _resident()
    proc.start()
    child.close()
    try:
        _wait(parent, proc.pid, limits, base)
        try:
            status, payload = parent.recv()
        except (EOFError, OSError):
            proc.join(1)
            code = proc.exitcode
            raise ParseError(_death(code, limits)) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "ok":
        return payload
    raise ParseError(payload)


def _wait(conn, pid: int, limits: Limits, base: int = 0) -> None:
    """Until the child answers: once it has used PARSE_TIMEOUT seconds of CPU, or its resident
    memory passes PARSE_RSS, or the wall clock passes its backstop, ParseError (the caller kills
    it). Time is counted in CPU seconds so that a busy machine does not fail a file that is only
    waiting for a core; the address-space limit alone cannot bound memory, since the OCR runtime
    reserves far more address space than it ever touches."""
    wall = limits.wall_seconds
    deadline = time.monotonic() + wall
    while not conn.poll(min(RSS_POLL, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            raise ParseError(f"timed out after {wall:g} s of waiting (PARSE_WALL_FACTOR x "
                             "PARSE_TIMEOUT, at least PARSE_WALL_MIN)")
        rss, cpu = _usage(pid)
        if cpu > limits.timeout:
            raise ParseError(f"timed out after {limits.timeout:g} s of CPU (PARSE_TIMEOUT)")
        if limits.rss and rss - max(0, base - BASE_RSS) > limits.rss:
            raise ParseError(breach("PARSE_RSS", limits.rss, "parsing needed more memory"))


def _resident() -> int:
    """Resident bytes of this process."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _usage(pid: int) -> tuple[int, float]:
    """Resident bytes and CPU seconds (every thread) of a live process; zeros once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        # After the command: state is field 3; utime, stime 14, 15; rss 24 (man 5 proc).
        return int(fields[21]) * PAGE, (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0, 0.0


def _death(code: int | None, limits: Limits) -> str:
    if code is not None and code < 0:
        sig = -code
        if sig == 9:
            return f"the parser was killed (memory above PARSE_MEMORY, {limits.memory // 2**20} MiB?)"
        if sig == 24:  # SIGXCPU
            return f"timed out after {limits.timeout:g} s of CPU (PARSE_TIMEOUT)"
        return f"the parser died on signal {sig}"
    return f"the parser exited with status {code}"


os.environ.setdefault("OMP_NUM_THREADS", "1")
