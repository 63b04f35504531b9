"""Polling, leases and elapsed-time checks in a job runner."""

import datetime
import logging
import os
import time
from datetime import datetime as dt
from datetime import timedelta

log = logging.getLogger(__name__)

JOB_TIMEOUT = 30


def wait_until_ready(job) -> bool:
    deadline = time.time() + 30  # expect: RES104
    while time.time() < deadline:  # expect: RES104
        if job.ready():
            return True
        time.sleep(0.5)
    return False


def wait_until_ready_monotonic(job) -> bool:
    deadline = time.monotonic() + 30  # ok: RES104
    while time.monotonic() < deadline:  # ok: RES104
        if job.ready():
            return True
        time.sleep(0.5)
    return False


def run_with_budget(job, timeout: float) -> None:
    start = time.time()  # ok: RES104
    for step in job.steps():
        step.run()
        if time.time() - start > timeout:  # expect: RES104
            raise TimeoutError(job.id)


def run_with_budget_ns(job) -> None:
    start = time.time_ns()
    job.run()
    if time.time_ns() - start > JOB_TIMEOUT * 1_000_000_000:  # expect: RES104
        raise TimeoutError(job.id)


def lease_expired(lease_started: dt) -> bool:
    # Where `lease_started` comes from cannot be told (a database row is wall-clock by nature).
    return dt.now() - lease_started > timedelta(seconds=JOB_TIMEOUT)  # ok: RES104


class FailureWindow:
    def __init__(self) -> None:
        self.opened: dt = dt.now()
        self.window_end = self.opened + timedelta(seconds=JOB_TIMEOUT)

    def in_window(self) -> bool:
        return self.opened < dt.now() < self.window_end  # expect: RES104


def overdue_jobs(session, Job):
    # A stored deadline column compared in a query: wall-clock by nature.
    return session.query(Job).filter(Job.deadline_at < dt.now()).all()  # ok: RES104


def drain(queue) -> None:
    began = datetime.datetime.utcnow()
    while queue:
        queue.pop().ack()
        # Elapsed time since a wall-clock read taken here.
        if datetime.datetime.utcnow() - began >= datetime.timedelta(minutes=5):  # expect: RES104
            break


def dormant(user) -> bool:
    # `last_login` comes from the database: a wall-clock timestamp by nature.
    return datetime.datetime.utcnow() - user.last_login > timedelta(days=30)  # ok: RES104


def heartbeat_deadline() -> dt:
    heartbeat_timeout = dt.now() + timedelta(seconds=JOB_TIMEOUT)  # expect: RES104
    return heartbeat_timeout


class Poller:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.started_at = time.time()  # ok: RES104

    def poll(self, fetch) -> None:
        self.until = time.time() + self.interval  # expect: RES104
        while time.time() <= self.until:  # expect: RES104
            fetch()

    def report(self) -> None:
        log.info("poller ran for %.1fs", time.time() - self.started_at)  # ok: RES104


def stale_file(path: str) -> bool:
    # A file's age is wall-clock by nature: mtimes are wall-clock timestamps.
    return time.time() - os.path.getmtime(path) > 3600  # ok: RES104


def stale_stat(path: str) -> bool:
    return time.time() - os.stat(path).st_mtime > 3600  # ok: RES104


def token_expired(token) -> bool:
    # A stored wall-clock expiry is compared with the wall clock.
    return datetime.datetime.utcnow() > token.expires_at  # ok: RES104


def audit_record(event: str) -> dict:
    return {"event": event, "at": time.time(), "day": dt.now().date()}  # ok: RES104


def elapsed_for_metrics(start: float) -> float:
    return time.time() - start  # ok: RES104


def next_run(interval: int) -> float:
    # A schedule is about wall-clock time on purpose.
    next_run_at = time.time() + interval  # ok: RES104
    return next_run_at


class TokenCache:
    def __init__(self) -> None:
        self.token = None
        self.expires_at = 0.0

    def valid(self) -> bool:
        # A stored expiry, set from the issuer's `expires_in`.
        return self.token is not None and time.time() < self.expires_at  # ok: RES104

    def store(self, token: str, expires_in: int) -> None:
        self.token = token
        self.expires_at = time.time() + expires_in  # ok: RES104


def cache_entry(value, ttl: int) -> dict:
    entry = {"value": value}
    entry["expires"] = time.time() + ttl  # ok: RES104
    return entry


def wait_for_lock(lock) -> bool:
    give_up_end = time.time() + 10  # expect: RES104
    while not lock.acquire(blocking=False):
        if time.time() > give_up_end:  # expect: RES104
            return False
    return True


def tomorrow() -> dt:
    return dt.now() + timedelta(days=1)  # ok: RES104
