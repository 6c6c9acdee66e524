"""Group commit of the webhook's INSERTs on SQLite (``core.group_commit``): many threads, one
statement per group, nothing returned before it committed, one bad row never fails its
neighbours, a key stored before (or twice in a group) told apart from the row written now.

The write lock is held by a second connection while the threads arrive, so they must queue and
be written together (as they are while ``sauti worker`` holds the lock in production)."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection, connections
from django.test import override_settings

from sauti.core.group_commit import GroupCommit, Insert

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer only"),
]

PROBE = Insert(table="gc_probe", columns=("v", "w"), key=("v",), witness="w")


def _values(value: Any) -> list[Any]:
    """The row for ``value``, with a witness no other attempt has (as a sealed value's nonce)."""
    return [value, uuid.uuid4().hex]


@pytest.fixture
def probe():
    with connection.cursor() as c:
        c.execute(
            # As Django creates an id on SQLite: AUTOINCREMENT, ids of deleted rows never reused.
            "CREATE TABLE gc_probe (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL UNIQUE, "
            "w TEXT NOT NULL)"
        )
    yield
    with connection.cursor() as c:
        c.execute("DROP TABLE gc_probe")


def _rows() -> dict[str, int]:
    with connection.cursor() as c:
        c.execute("SELECT v, id FROM gc_probe")
        return dict(c.fetchall())


def _hold_write_lock(seconds: float, started: threading.Event) -> threading.Thread:
    """Another connection (as the worker's would) holds SQLite's write lock for a while."""

    def hold() -> None:
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    return thread


def _submit_all(
    group: GroupCommit, values: list[Any], specs: list[Insert] | None = None
) -> dict[Any, Any]:
    """Each value inserted from a thread of its own (with ``specs[i]``, else ``PROBE``); value →
    returned id or raised error."""
    results: dict[Any, Any] = {}
    lock = threading.Lock()

    def one(value: Any, spec: Insert) -> None:
        db = connections["default"]
        db.ensure_connection()
        try:
            out: Any = group.insert(db.connection, spec, _values(value))
        except Exception as exc:
            out = exc
        finally:
            db.close()
        with lock:
            results[value] = out

    threads = [
        threading.Thread(target=one, args=(v, specs[i] if specs else PROBE))
        for i, v in enumerate(values)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_queued_inserts_are_committed_together_and_each_gets_its_own_row(probe):
    group = GroupCommit()
    holder = _hold_write_lock(0.3, threading.Event())
    values = [f"m{i}" for i in range(12)]
    results = _submit_all(group, values)
    holder.join()
    stored = _rows()
    assert set(stored) == set(values)
    assert all(results[v] == stored[v] for v in values)  # each thread got its own id
    assert group.rows == 12
    assert group.groups < 12  # they waited together and were written together


def test_a_duplicate_in_the_same_group_returns_no_row_and_stores_once(probe):
    group = GroupCommit()
    holder = _hold_write_lock(0.2, threading.Event())
    results: dict[int, Any] = {}

    def one(n: int) -> None:
        db = connections["default"]
        db.ensure_connection()
        results[n] = group.insert(db.connection, PROBE, _values("same"))
        db.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    holder.join()
    assert len(_rows()) == 1
    assert sorted(results.values(), key=lambda r: r is None) == [_rows()["same"]] + [None] * 3


def test_one_bad_row_fails_alone_and_its_neighbours_are_stored(probe):
    group = GroupCommit()
    holder = _hold_write_lock(0.3, threading.Event())
    results = _submit_all(group, ["a", "b", None, "c"])  # NULL breaks NOT NULL
    holder.join()
    assert isinstance(results[None], IntegrityError)
    assert set(_rows()) == {"a", "b", "c"}
    assert all(results[v] == _rows()[v] for v in "abc")


@override_settings(SAUTI_SQLITE_BUSY_TIMEOUT_MS=150)
def test_a_lock_held_past_the_patience_fails_every_statement_and_stores_nothing(probe):
    group = GroupCommit()
    holder = _hold_write_lock(1.0, threading.Event())
    results = _submit_all(group, ["x", "y", "z"])
    holder.join()
    assert all(isinstance(results[v], OperationalError) for v in "xyz")
    assert _rows() == {}
    # The lock is free again: the next statements go through, and the lead was handed back.
    assert _submit_all(group, ["x"])["x"] == _rows()["x"]


def test_the_connection_keeps_its_busy_timeout_after_leading(probe):
    db = connections["default"]
    db.ensure_connection()
    GroupCommit().insert(db.connection, PROBE, _values("t"))
    with connection.cursor() as c:
        c.execute("PRAGMA busy_timeout")
        assert c.fetchone()[0] > 0


def test_a_busy_lock_is_tried_again_every_millisecond(monkeypatch):
    """Waiting for a worker's batch (~10 ms), the webhooks must not wake long after it ends:
    pauses of 0.5 ms, then 1 ms, never longer (SQLite's own handler sleeps up to 100 ms)."""
    from sauti.core import group_commit

    pauses: list[float] = []
    monkeypatch.setattr(group_commit.time, "sleep", pauses.append)
    tries = iter([True] * 8 + [False])

    def run() -> str:
        if next(tries):
            raise sqlite3.OperationalError("database is locked")
        return "stored"

    assert group_commit.with_busy_retry(run) == "stored"
    assert pauses == [0.0005] + [0.001] * 7


def test_a_key_stored_before_returns_none_and_leaves_the_stored_row(probe):
    group = GroupCommit()
    first = _submit_all(group, ["k"])["k"]
    before = _rows()
    holder = _hold_write_lock(0.2, threading.Event())
    results = _submit_all(group, ["k", "new"])  # a gateway's retry beside a new message
    holder.join()
    assert results["k"] is None and first == before["k"]
    assert _rows() == {**before, "new": results["new"]}


def test_a_group_is_one_autocommit_statement_and_visible_when_answered(probe):
    """The write lock must be taken and released inside one call into SQLite (no BEGIN …
    COMMIT around the rows, where every call lets go of the interpreter lock with the write lock
    held), and a thread's answer must come after its row is committed."""
    group = GroupCommit()
    statements: list[str] = []
    seen: dict[str, bool] = {}
    lock = threading.Lock()

    def one(value: str) -> None:
        db = connections["default"]
        db.ensure_connection()
        db.connection.set_trace_callback(statements.append)
        try:
            group.insert(db.connection, PROBE, _values(value))
            other = sqlite3.connect(connection.settings_dict["NAME"])
            found = other.execute("SELECT 1 FROM gc_probe WHERE v = ?", [value]).fetchone()
            other.close()
            with lock:
                seen[value] = found is not None
        finally:
            db.connection.set_trace_callback(None)
            db.close()

    holder = _hold_write_lock(0.3, threading.Event())
    threads = [threading.Thread(target=one, args=(f"v{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    holder.join()
    inserts = {s for s in statements if s.startswith("INSERT")}  # tries while locked repeat one
    assert len(inserts) == group.groups < 6
    assert not [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT", "SAVEPOINT")]
    assert seen == {f"v{i}": True for i in range(6)}


def test_a_row_of_the_wrong_width_is_refused(probe):
    db = connections["default"]
    db.ensure_connection()
    with pytest.raises(ValueError, match="1 values for 2 columns"):
        GroupCommit().insert(db.connection, PROBE, ["only"])
    assert _rows() == {}


def test_the_ids_are_read_through_the_keys_index(probe):
    """A full read of the table per group would grow with every message ever stored."""
    raw = connections["default"]
    raw.ensure_connection()
    plan = " | ".join(
        row[3]
        for row in raw.connection.execute(
            "EXPLAIN QUERY PLAN " + PROBE.select_sql(3), ["a", "b", "c"]
        )
    )
    assert "SEARCH t USING" in plan and "SCAN t" not in plan, plan


def test_ids_counted_from_the_statement_match_the_stored_rows_after_deletions(probe):
    """Rows written all at once get their ids from the statement's last one, counted back: right
    after the newest rows were deleted too (the next ids skip theirs)."""
    group = GroupCommit()
    first = _submit_all(group, [f"a{i}" for i in range(5)])
    with connection.cursor() as c:
        c.execute("DELETE FROM gc_probe WHERE id > ?", [sorted(first.values())[2]])
    holder = _hold_write_lock(0.3, threading.Event())
    results = _submit_all(group, [f"b{i}" for i in range(6)])
    holder.join()
    stored = _rows()
    assert all(results[v] == stored[v] for v in results)
    assert min(results.values()) > max(first.values())  # not reused
    assert group.groups < 5 + 6


def test_equal_statements_from_different_callers_share_a_group(probe):
    """Callers that each build their own (equal) description of the INSERT are written together,
    none left without an outcome."""
    group = GroupCommit()
    copies = [Insert(PROBE.table, PROBE.columns, PROBE.key, PROBE.witness) for _ in range(5)]
    holder = _hold_write_lock(0.3, threading.Event())
    results = _submit_all(group, [f"e{i}" for i in range(5)], copies)
    holder.join()
    stored = _rows()
    assert results == {f"e{i}": stored[f"e{i}"] for i in range(5)}
    assert group.groups < 5
