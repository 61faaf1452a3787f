"""What every Redis-shared job (a distributed crawl, the parse queue) says of its workers: how
it connects, how a worker is named, and when a worker is dead.

Liveness is a heartbeat: each worker writes Redis's own clock into a hash every
``HEARTBEAT_SECONDS``; one silent for ``DEAD_AFTER_SECONDS`` is dead and its work is taken
over. Redis's clock, not the machine's: workers on several machines compare the same clock.
"""

from __future__ import annotations

import os
import socket

import redis

HEARTBEAT_SECONDS = 2.0
DEAD_AFTER_SECONDS = 10.0


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10,
                                retry_on_timeout=True, health_check_interval=30)


def worker_id() -> str:
    """This process's name in Redis: its host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def redis_now(server: redis.Redis) -> float:
    """Redis's clock, in seconds."""
    sec, usec = server.time()
    return sec + usec / 1e6


def live_workers(server: redis.Redis, heartbeats: str) -> set[str]:
    """The workers of the hash ``heartbeats`` heard from within ``DEAD_AFTER_SECONDS``."""
    now = redis_now(server)
    return {w.decode() for w, seen in server.hgetall(heartbeats).items()
            if now - float(seen) < DEAD_AFTER_SECONDS}
