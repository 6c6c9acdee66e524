"""Group commit for the web server's single-row INSERTs on SQLite: the server's threads hand in
their rows and one of them writes them all in one statement.

Why: SQLite has one writer at a time. When the web server's eight threads each run their own
autocommit INSERT, they collide: the losers retry and sleep, and every INSERT pays a commit of its
own. Here the first thread to arrive becomes the *leader*: it takes every row waiting at that
moment, writes them in one multi-row ``INSERT … ON CONFLICT DO NOTHING`` committed on its own
(autocommit) on its own connection, hands each thread its row's id, and passes the lead to a
thread that arrived meanwhile. Nobody gets a result before the commit that made it durable, so a
2xx still means "stored".

Why one statement and not ``BEGIN … INSERT × n … COMMIT``: every call into SQLite lets go of
Python's interpreter lock, and taking it back waits for whichever thread holds it (up to the
5 ms switch interval). Between BEGIN and COMMIT that wait happened with SQLite's write lock held:
a group of ~3 held it ~4 ms for ~0.6 ms of work, while the worker and the next group waited. One
autocommit statement takes and releases the write lock inside a single call. When it wrote every
row, their ids are the statement's last id and the ones before it (SQLite numbers new rows max + 1,
in order). When some key was already stored (a gateway's retry), the ids are read afterwards (no
lock needed): the row whose ``witness`` column holds this attempt's value (a sealed value, random
for every attempt) is the one the statement wrote; any other row with the key was stored before,
and the caller answers with it.

A group that fails for any reason but a busy lock (it should not: rows are checked before) is
written again row by row, so one bad row never fails its neighbours.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection

MAX_GROUP = 64  # rows per statement: bounds how long the write lock is held
MAX_PAUSE = 0.001  # seconds between tries for a lock another process holds (``with_busy_retry``)


@dataclass(frozen=True)
class Insert:
    """An INSERT whose rows many threads can share: ``columns`` of ``table``; a row whose ``key``
    (a unique constraint) is already stored is skipped; ``witness``, one of the columns, holds a
    value no other attempt has (a sealed value, with its random nonce)."""

    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    witness: str

    def insert_sql(self, rows: int) -> str:
        return _insert_sql(self, rows)

    def select_sql(self, rows: int) -> str:
        return _select_sql(self, rows)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)  # SQLite's, as every other statement is quoted


@cache
def _insert_sql(spec: Insert, rows: int) -> str:
    row = "(" + ", ".join(["?"] * len(spec.columns)) + ")"
    return (
        f"INSERT INTO {_quoted(spec.table)} ({', '.join(map(_quoted, spec.columns))}) "  # noqa: S608
        f"VALUES {', '.join([row] * rows)} "
        f"ON CONFLICT ({', '.join(map(_quoted, spec.key))}) DO NOTHING"
    )


@cache
def _select_sql(spec: Insert, rows: int) -> str:
    """The stored rows with the group's keys: a join on the key list, which SQLite answers from
    the key's unique index (a row-value ``IN (VALUES …)`` read the whole table)."""
    marks = "(" + ", ".join(["?"] * len(spec.key)) + ")"
    on = " AND ".join(f"t.{_quoted(k)} = k.column{i + 1}" for i, k in enumerate(spec.key))
    key = ", ".join(f"t.{_quoted(k)}" for k in spec.key)
    return (
        f"SELECT t.id, t.{_quoted(spec.witness)}, {key} "  # noqa: S608 - names are ours
        f"FROM (VALUES {', '.join([marks] * rows)}) AS k JOIN {_quoted(spec.table)} AS t ON {on}"
    )


@dataclass
class _Pending:
    spec: Insert
    values: list[Any]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    row_id: int | None = None
    error: BaseException | None = None
    settled: bool = False  # row_id or error is the row's outcome


class GroupCommit:
    """One per process (``GROUP``); see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Pending] = []
        self._leading = False
        self.groups = 0  # how many groups were written (tests and benchmarks read it)
        self.rows = 0  # how many rows they held

    def insert(self, raw: sqlite3.Connection, spec: Insert, values: list[Any]) -> int | None:
        """Insert one row (``values`` in ``spec.columns``' order), committed: its id, or None
        when a row with its key was already stored.

        ``raw`` is the calling thread's own sqlite3 connection, in autocommit mode (not inside a
        transaction): it is used only if this thread leads a group."""
        if len(values) != len(spec.columns):
            raise ValueError(f"{len(values)} values for {len(spec.columns)} columns")
        item = _Pending(spec, values)
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
            if raw.in_transaction:
                raise OperationalError("group commit needs a connection in autocommit mode")
            # Busy waits are this module's (``with_busy_retry``), not SQLite's coarse ones.
            raw.execute("PRAGMA busy_timeout = 0")
            try:
                for spec in dict.fromkeys(item.spec for item in group):  # equal specs: one
                    _write_group(raw, spec, [item for item in group if item.spec == spec])
            finally:
                raw.execute(f"PRAGMA busy_timeout = {settings.SAUTI_SQLITE_BUSY_TIMEOUT_MS:d}")
            self.rows += len(group)
            self.groups += 1
        except BaseException as exc:
            # Whatever went wrong around the group: a row without an outcome is reported failed
            # (its caller answers 5xx and the gateway retries; a retry is idempotent).
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


def _result(item: _Pending) -> int | None:
    if item.error is not None:
        raise item.error
    return item.row_id


def _write_group(raw: sqlite3.Connection, spec: Insert, group: list[_Pending]) -> None:
    """Write the group in one statement (or each row alone if the group fails), then read the
    rows' ids. A failed autocommit statement has changed nothing."""
    values = [v for item in group for v in item.values]
    try:
        cursor = with_busy_retry(lambda: raw.execute(spec.insert_sql(len(group)), values))
    except OperationalError as exc:  # no lock in time: every row of the group fails alike
        for item in group:
            item.error, item.settled = exc, True
        return
    except sqlite3.Error as exc:
        if len(group) > 1:
            for item in group:
                _write_group(raw, spec, [item])
        else:
            bad = group[0]
            bad.error = IntegrityError(str(exc)) if isinstance(exc, sqlite3.IntegrityError) else exc
            bad.settled = True
        return
    last, written = cursor.lastrowid, cursor.rowcount
    if written == len(group) and last is not None and last >= written:
        # Every row was written: SQLite numbered them one after the other, in the statement's
        # order, under the write lock (max + 1 for each; ``AUTOINCREMENT`` only keeps ids of
        # deleted rows from coming back) — ids known without a read.
        for offset, item in enumerate(group, start=last - written + 1):
            item.row_id, item.settled = offset, True
        return
    _read_ids(raw, spec, group)  # some keys were stored before (a gateway's retry)


def _read_ids(raw: sqlite3.Connection, spec: Insert, group: list[_Pending]) -> None:
    """Each row's id: the stored row with its key and its witness value is the one written now;
    with its key but another witness, one stored before (None: the caller reads it)."""
    width = len(spec.key)
    where = spec.columns.index
    key_at = [where(name) for name in spec.key]
    witness_at = where(spec.witness)
    keys = [tuple(item.values[i] for i in key_at) for item in group]
    found = {
        tuple(row[2 : 2 + width]): (row[0], row[1])
        for row in raw.execute(spec.select_sql(len(group)), [v for k in keys for v in k])
    }
    for item, key in zip(group, keys, strict=True):
        row_id, witness = found.get(key, (None, None))
        item.row_id = row_id if witness == item.values[witness_at] else None
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
