"""XLSX with openpyxl in write-only mode (streamed rows, constant memory): the data sheet carries
the column names and the HXL hashtags; a second sheet says what the export is and what was left
out."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from sauti.interop.table import Table


def write_xlsx(table: Table, out: IO[bytes], progress: Any = None) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(table.names())
    ws.append(table.tags())
    text_cols = [i for i, c in enumerate(table.columns) if not (c.numeric or c.trusted)]
    n = 0
    for row in table.rows:
        for i in text_cols:
            v = row[i]
            if v.__class__ is str and v.startswith("="):
                # Text typed by people is never a formula (spreadsheet formula injection).
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"
                row[i] = cell
        ws.append(row)
        n += 1
        if progress is not None and n % 10000 == 0:
            progress(n)
    about = wb.create_sheet("about")
    about.append([table.title])
    about.append(["classification", table.classification])
    about.append(["export id", table.watermark])
    about.append(["rows", n])
    for note in table.notes:
        about.append([note])
    wb.properties.title = table.title
    wb.properties.identifier = table.watermark
    wb.save(out)
    return n
