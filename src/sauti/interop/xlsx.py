"""XLSX exports: the data sheet carries the column names and the HXL hashtags, an "about" sheet
says what the export is and what was left out. Written by the streaming writer of
``xlsx_stream`` (rows go straight into the zip, constant memory); openpyxl's write-only mode was
the first version and reads these files back in the tests. Every text is a string cell, never a
formula (spreadsheet formula injection)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from sauti.interop.table import Table
from sauti.interop.xlsx_stream import write_workbook


def write_xlsx(table: Table, out: IO[bytes], progress: Any = None) -> int:
    count = 0

    def data() -> Iterator[list[Any]]:
        nonlocal count
        yield table.names()
        yield table.tags()
        for row in table.rows:
            count += 1
            yield row

    def about() -> Iterator[list[Any]]:
        yield [table.title]
        yield ["classification", table.classification]
        yield ["export id", table.watermark]
        yield ["rows", count]
        for note in table.notes:
            yield [note]

    write_workbook(
        out,
        [("data", data()), ("about", about())],
        title=table.title,
        identifier=table.watermark,
        progress=progress,
    )
    return count
