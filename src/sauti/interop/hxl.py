"""CSV with HXL hashtags (https://hxlstandard.org): a header row, then the hashtag row, then data.

A first line names the export (title, class, watermark id); HXL readers look for the hashtag row
in the first rows and skip what comes above it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from typing import IO, Any

from sauti.interop.table import Table, safe_text


def write_hxl_csv(table: Table, out: IO[str], progress: Any = None) -> int:
    """Write the table; returns the number of data rows. ``progress(rows)`` every 10,000 rows."""
    writer = csv.writer(out, lineterminator="\n")
    if table.watermark:
        writer.writerow([f"{table.title} — {table.classification} — {table.watermark}"])
    writer.writerow(table.names())
    writer.writerow(table.tags())
    text_cols = [i for i, c in enumerate(table.columns) if not (c.numeric or c.trusted)]
    rows: Iterator[list[Any]] = iter(table.rows)
    if text_cols:
        rows = (_guard(row, text_cols) for row in rows)
    n = 0
    while True:
        chunk = list(islice(rows, CHUNK))
        if not chunk:
            return n
        writer.writerows(chunk)
        n += len(chunk)
        if progress is not None:
            progress(n)


CHUNK = 10_000


def _guard(row: list[Any], cols: list[int]) -> list[Any]:
    for i in cols:
        v = row[i]
        if v.__class__ is str and v and v[0] in "=+-@\t\r":
            row[i] = safe_text(v)
    return row
