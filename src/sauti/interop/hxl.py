"""CSV with HXL hashtags (https://hxlstandard.org): a header row, then the hashtag row, then data.

A first line names the export (title, class, watermark id); HXL readers look for the hashtag row
in the first rows and skip what comes above it."""

from __future__ import annotations

import csv
from typing import IO, Any

from sauti.interop.table import Table, safe_text


def write_hxl_csv(table: Table, out: IO[str], progress: Any = None) -> int:
    """Write the table; returns the number of data rows. ``progress(rows)`` every 10,000 rows."""
    writer = csv.writer(out, lineterminator="\n")
    if table.watermark:
        writer.writerow([f"{table.title} — {table.classification} — {table.watermark}"])
    writer.writerow(table.names())
    writer.writerow(table.tags())
    text_cols = [i for i, c in enumerate(table.columns) if not c.numeric]
    n = 0
    write = writer.writerow
    for row in table.rows:
        for i in text_cols:
            v = row[i]
            if v.__class__ is str and v and v[0] in "=+-@\t\r":
                row[i] = safe_text(v)
        write(row)
        n += 1
        if progress is not None and n % 10000 == 0:
            progress(n)
    return n
