"""Inserting many rows of one model fast: the intake's write path.

Django's ``bulk_create`` spends most of its time in the SQL compiler (per field and row) and, on
SQLite, splits an insert into statements of at most 999 parameters (a dozen alerts each). Intake
writes its rows while holding SQLite's single write lock, so every millisecond there delays the
webhooks waiting to store raw messages. ``insert_many`` prepares values as the ORM would (the
common field types by a short path, the rest with the fields' own ``get_db_prep_save``) and
sends one multi-row ``INSERT … RETURNING`` per few thousand parameters. It skips what intake
does not use: signals (``bulk_create`` sends none either), ``ignore_conflicts`` and multi-table
inheritance.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    FloatField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    OneToOneField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
    TextField,
    UUIDField,
)

# PostgreSQL allows 65,535 parameters per statement; SQLite ≥ 3.32 allows 32,766.
_MAX_PARAMS = 30_000


_MISSING = object()
M = TypeVar("M", bound=Model)


@cache
def _slots(
    model: type[Model],
) -> tuple[
    tuple[tuple[str, str, Field | None, Any, Callable[[], Any] | None], ...], frozenset[str]
]:
    """Per concrete field of ``model``, in order: (name, attname, the foreign key when the value
    may be given as an object, constant default, default factory); and every accepted keyword."""
    slots = []
    for field in model._meta.concrete_fields:
        relation = field if field.is_relation else None
        if field.has_default() and not callable(field.default):
            constant, factory = field.default, None  # shared, as Django's own default is
        elif field.has_default() or field.has_db_default():
            constant, factory = None, field.get_default
        else:
            constant, factory = field.get_default(), None  # None or ""
        slots.append((field.name, field.attname, relation, constant, factory))
    names = frozenset(n for slot in slots for n in slot[:2])
    return tuple(slots), names


def build(model: type[M], **values: Any) -> M:
    """``model(**values)``, but through the positional path Django uses for rows read from the
    database: its keyword path costs ~1 µs per field (a default looked up, a dict popped, an
    exception raised and caught), 45 µs for an alert of 41 fields against ~24 here, and intake
    builds five objects per SMS. The result is the same object (tests compare the two): related
    objects go through their descriptor, as Django's keyword path sends them; unknown keywords
    raise TypeError."""
    slots, names = _slots(model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(
            f"{model.__name__}() got unexpected keyword arguments: "
            f"{', '.join(repr(n) for n in sorted(unknown))}"
        )
    args: list[Any] = []
    related: list[tuple[Field, Any]] = []
    get = values.get
    for name, attname, relation, constant, factory in slots:
        value = get(name, _MISSING)
        if value is _MISSING:
            value = get(attname, _MISSING)
            if value is _MISSING:
                value = constant if factory is None else factory()
        elif relation is not None:
            related.append((relation, value))
            value = None
        args.append(value)
    obj = model(*args)
    for relation, value in related:
        if value is None:  # what the descriptor does for None on a new object, minus its reads
            relation.set_cached_value(obj, None)  # type: ignore[attr-defined]
        else:
            setattr(obj, relation.name, value)
    return obj


def execute_many(sql: str, rows: Sequence[Sequence[Any]], *, returning: bool = False) -> list[Any]:
    """Run one statement for many rows; with ``returning``, the first column returned by each.

    On PostgreSQL, Django's cursors bind parameters on the client, so ``executemany`` would be
    one round trip per row; a server-binding psycopg cursor sends them all in one pipeline, with
    the statement parsed once.
    """
    if not rows:
        return []
    # One transaction for all the rows (none of its own inside a caller's): in autocommit each
    # row's statement would commit alone — on SQLite a write lock taken and a WAL append per row
    # (the outcomes of 50 sends: 1.97 against 1.00 ms in-process), on PostgreSQL a commit per row.
    with transaction.atomic(savepoint=False):
        return _execute_many(sql, rows, returning=returning)


def _execute_many(sql: str, rows: Sequence[Sequence[Any]], *, returning: bool) -> list[Any]:
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        with psycopg.Cursor(raw) as cursor:
            with _preparing(raw):
                cursor.executemany(sql, rows, returning=returning)
            if not returning:
                return []
            out = []
            while True:
                row = cursor.fetchone()
                out.append(row[0] if row else None)
                if not cursor.nextset():
                    break
            return out
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(sql, rows)
            return []
        out = []
        for row in rows:  # SQLite: no round trips to save, a statement per row is cheap
            cursor.execute(sql, row)
            found = cursor.fetchone()
            out.append(found[0] if found else None)
        return out


Encoder = Callable[[Model], Any]

_TEXTS = (CharField, TextField)
_NUMBERS: dict[type[Field], type] = {
    IntegerField: int,
    BigIntegerField: int,
    SmallIntegerField: int,
    PositiveIntegerField: int,
    PositiveSmallIntegerField: int,
    FloatField: float,
}


def _encoder(field: Field, alias: str) -> Encoder:
    """How to turn ``field`` of an unsaved object into the value the driver gets.

    ``get_db_prep_save(pre_save(…))`` walks four or five methods per value (with checks for
    expressions, lazy objects and deprecated forms), ~5 µs each; a batch of fifty alerts has
    thousands. For the field types intake writes, and values of the expected Python type, the
    result is known to be the value itself or one adapter call; anything else takes Django's own
    path, so the output is always what the ORM would send (tests compare the two).
    """
    db = connections[alias]
    attname = field.attname

    def general(obj: Model) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), db)

    kind = type(field)
    if kind in (ForeignKey, OneToOneField):
        cache_name = field.cache_name  # type: ignore[attr-defined]

        def foreign(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            if value is None:
                related = obj._state.fields_cache.get(cache_name)
                if related is not None:
                    if related.pk is None:  # as Model.save: never store NULL for an unsaved object
                        raise ValueError(
                            f"insert_many() prohibited to prevent data loss due to unsaved "
                            f"related object '{field.name}'."
                        )
                    # Assigned as an object that was saved after the assignment: its id now.
                    setattr(obj, attname, related.pk)
                    value = related.pk
            return value if type(value) is int or value is None else general(obj)

        return foreign
    if kind in _TEXTS:

        def text(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            return value if value is None or isinstance(value, str) else general(obj)

        return text
    if kind in _NUMBERS:
        plain = _NUMBERS[kind]

        def number(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            return value if value is None or type(value) is plain else general(obj)

        return number
    if kind is BooleanField:

        def boolean(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            return value if type(value) is bool else general(obj)

        return boolean
    if kind is DateTimeField and not (field.auto_now or field.auto_now_add):  # type: ignore[attr-defined]
        adapt = db.ops.adapt_datetimefield_value

        def moment(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            if value is None:
                return None
            if type(value) is datetime.datetime and value.tzinfo is not None:
                return adapt(value)
            return general(obj)  # naive or a date: Django's warnings and conversions

        return moment
    if kind is JSONField:
        adapt_json = db.ops.adapt_json_value
        encoder = field.encoder  # type: ignore[attr-defined]

        def document(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            if type(value) in (dict, list):
                return adapt_json(value, encoder)
            return general(obj)  # None (SQL NULL or JSON null), scalars, expressions

        return document
    if kind is UUIDField:
        native = db.features.has_native_uuid_field

        def identifier(obj: Model) -> Any:
            value = obj.__dict__.get(attname)
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return general(obj)

        return identifier
    return general


@cache
def _encoders(model: type[Model], alias: str) -> tuple[list[Field], list[Encoder]]:
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    return fields, [_encoder(f, alias) for f in fields]


def insert_fields(model: type[Model], alias: str = DEFAULT_DB_ALIAS) -> list[Field]:
    """The columns ``encode_rows`` gives values for, in order (every concrete field but the id)."""
    return _encoders(model, alias)[0]


def encode_rows(
    objs: Sequence[Model], alias: str = DEFAULT_DB_ALIAS, *, later: Collection[str] = ()
) -> list[list[Any]]:
    """The values ``insert_many`` sends for ``objs`` (all of one model), in its column order.

    ``later``: names of fields whose value is not known yet — a foreign key to an object that is
    inserted in the same transaction, just before. They are left None here and encoded by
    ``insert_many(…, later=…)``, so the rest of the row can be built before the transaction
    (intake: outside SQLite's write lock)."""
    if not objs:
        return []
    fields, encoders = _encoders(type(objs[0]), alias)
    if later:
        unknown = set(later) - {f.name for f in fields}
        if unknown:
            raise ValueError(f"encode_rows: no such fields: {', '.join(sorted(unknown))}")
        encoders = [_none if f.name in later else e for f, e in zip(fields, encoders, strict=True)]
    return [[encode(obj) for encode in encoders] for obj in objs]


def _none(obj: Model) -> None:
    return None


def _fill_later(
    objs: Sequence[Model], rows: list[list[Any]], later: Collection[str], alias: str
) -> None:
    """Encode the ``later`` fields of rows built by ``encode_rows(…, later=…)``, now."""
    fields, encoders = _encoders(type(objs[0]), alias)
    columns = [(i, encoders[i]) for i, f in enumerate(fields) if f.name in later]
    if len(columns) != len(set(later)):
        raise ValueError(f"insert_many: not all of {sorted(later)} are fields")
    for obj, row in zip(objs, rows, strict=True):
        for i, encode in columns:
            row[i] = encode(obj)


def fetch_one_prepared(sql: str, params: Sequence[Any]) -> Any:
    """PostgreSQL: run one statement prepared (once per connection) and bound by the server; its
    first row. For statements run on every request, where parsing and planning would cost
    more than executing (Django's cursors bind on the client and never prepare)."""
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    with psycopg.Cursor(raw) as cursor, _preparing(raw):
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


@contextmanager
def _preparing(raw: Any) -> Iterator[None]:
    """Let psycopg prepare statements on this connection for a moment. Django turns preparation
    off (``prepare_threshold`` None, for poolers without it), and then psycopg ignores even
    ``prepare=True``: the statement is parsed and planned again on every run (the webhook's
    INSERT was, 0.03 ms of PostgreSQL's time each, until this was found). Prepared once per
    connection, a pipelined batch costs PostgreSQL about half as much."""
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def insert_many(
    objs: Sequence[Model], *, rows: list[list[Any]] | None = None, later: Collection[str] = ()
) -> None:
    """Insert ``objs`` (all of one model, not yet saved) and set their primary keys. ``rows``:
    their values encoded earlier by ``encode_rows`` (outside a transaction, say), or None;
    ``later``: the fields ``encode_rows`` left for now (their values are read from ``objs``)."""
    if not objs:
        return
    # The wrapper itself, not the ``connection`` proxy: a proxy attribute read costs a
    # thread-local lookup, and the fields read the connection a dozen times per value.
    db = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    meta = model._meta
    fields = insert_fields(model, db.alias)
    quote = db.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = quote(str(meta.pk.column)) if meta.pk is not None else "id"
    values = rows if rows is not None else encode_rows(objs, db.alias)
    if rows is not None and later:
        _fill_later(objs, values, later, db.alias)
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names are ours
    if db.vendor == "postgresql":
        # Multi-row VALUES with thousands of placeholders is slow to parse on the client (psycopg
        # caches short statements only); one prepared row sent in a pipeline is not.
        ids = execute_many(f"{head}{row} RETURNING {pk}", values, returning=True)
    else:
        ids = []
        per_statement = max(1, _MAX_PARAMS // max(1, len(fields)))
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            with db.cursor() as cursor:
                cursor.execute(
                    f"{head}{', '.join([row] * len(chunk))} RETURNING {pk}",
                    [v for one in chunk for v in one],
                )
                # Ids are handed out in the order of the VALUES (SQLite's rowids); RETURNING's
                # own order is not promised, so sort rather than trust it.
                ids.extend(sorted(r[0] for r in cursor.fetchall()))
    if len(ids) != len(objs):  # pragma: no cover - the database broke its contract
        raise RuntimeError(f"insert_many: {len(objs)} rows sent, {len(ids)} ids returned")
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = db.alias
