"""Group commit for single-row statements on SQLite: the server's threads hand in their INSERTs
and one of them commits them all in one transaction.

Why: SQLite has one writer at a time. When the web server's eight threads each run their own
autocommit INSERT, they collide: the losers retry and sleep, and every INSERT pays a commit of its
own. Here the first thread to arrive becomes the *leader*: it takes every statement waiting at
that moment, runs them in one ``BEGIN IMMEDIATE … COMMIT`` on its own connection, hands each
thread its row, and passes the lead to a thread that arrived meanwhile. Nobody gets a result
before the COMMIT that made it durable, so a 2xx still means "stored".

A statement that fails inside a group (it should not: the callers' INSERTs are ``ON CONFLICT DO
NOTHING``) makes the leader roll the group back and run each statement alone, so one bad row
never fails its neighbours.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError

MAX_GROUP = 64  # statements per transaction: bounds how long the write lock is held
MAX_PAUSE = 0.001  # seconds between tries for a lock another process holds (``with_busy_retry``)


@dataclass
class _Pending:
    sql: str
    values: list[Any]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    row: Any = None
    error: BaseException | None = None
    settled: bool = False  # row or error is the statement's outcome


class GroupCommit:
    """One per process (``GROUP``); see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Pending] = []
        self._leading = False
        self.groups = 0  # how many transactions ran (tests and benchmarks read it)
        self.statements = 0

    def fetch_one(self, raw: sqlite3.Connection, sql: str, values: list[Any]) -> Any:
        """Run ``sql`` (one row in, at most one row out) committed; its first result row.

        ``raw`` is the calling thread's own sqlite3 connection, in autocommit mode (not inside a
        transaction): it is used only if this thread leads a group."""
        item = _Pending(sql, values)
        with self._lock:
            self._waiting.append(item)
            lead = not self._leading
            if lead:
                self._leading = True
        if not lead:
            item.done.wait()
            if not item.lead:
                return _result(item)
        self._lead(raw)
        return _result(item)

    def _lead(self, raw: sqlite3.Connection) -> None:
        with self._lock:
            group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
        try:
            # Busy waits are this module's (``with_busy_retry``), not SQLite's coarse ones.
            raw.execute("PRAGMA busy_timeout = 0")
            try:
                _write_group(raw, group)
            finally:
                raw.execute(f"PRAGMA busy_timeout = {settings.SAUTI_SQLITE_BUSY_TIMEOUT_MS:d}")
            self.groups += 1
            self.statements += len(group)
        except BaseException as exc:
            # Whatever went wrong around the group: a statement without an outcome is reported
            # failed (its caller answers 5xx and the gateway retries; a retry is idempotent).
            for item in group:
                if not item.settled:
                    item.error, item.settled = exc, True
        finally:
            for item in group:
                item.done.set()
            with self._lock:
                if self._waiting:
                    # Whoever came while this group was written leads the next one.
                    nxt = self._waiting[0]
                    nxt.lead = True
                    nxt.done.set()
                else:
                    self._leading = False


def _result(item: _Pending) -> Any:
    if item.error is not None:
        raise item.error
    return item.row


def _write_group(raw: sqlite3.Connection, group: list[_Pending]) -> None:
    """Run the group in one transaction, or each statement alone if the group fails."""
    if len(group) == 1:
        _alone(raw, group[0])
        return
    try:
        with_busy_retry(lambda: raw.execute("BEGIN IMMEDIATE"))
    except BaseException as exc:  # no lock in time: every statement of the group fails alike
        for item in group:
            item.error = exc if isinstance(exc, OperationalError) else OperationalError(str(exc))
            item.settled = True
        return
    try:
        rows = [raw.execute(item.sql, item.values).fetchone() for item in group]
        raw.execute("COMMIT")
    except sqlite3.Error:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        for item in group:
            _alone(raw, item)
        return
    for item, row in zip(group, rows, strict=True):
        item.row, item.settled = row, True


def _alone(raw: sqlite3.Connection, item: _Pending) -> None:
    try:
        item.row = with_busy_retry(lambda: raw.execute(item.sql, item.values).fetchone())
    except sqlite3.IntegrityError as exc:
        item.error = IntegrityError(str(exc))
    except BaseException as exc:
        item.error = exc
    item.settled = True


def with_busy_retry(run: Callable[[], Any]) -> Any:
    """``run()``, retried within milliseconds while another process holds the write lock.

    SQLite's own busy handler sleeps in growing steps (1, 2, 5 … 100 ms), so a webhook waiting
    for a worker's batch would often wake long after the lock was free, and the gateway's answer
    waits for it. Here the pause starts at 0.5 ms and stops growing at 1 ms, with the same
    patience as the configured busy timeout: a worker's batch holds the lock ~10 ms, and every
    millisecond the webhooks wake late after it is one they all stand still (at 4 ms, 2 ms on
    average per batch). A try costs a few microseconds."""
    raw_patience = settings.SAUTI_SQLITE_BUSY_TIMEOUT_MS
    deadline = time.monotonic() + raw_patience / 1000
    pause = 0.0005
    while True:
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise OperationalError(str(exc)) from exc
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)


GROUP = GroupCommit()
