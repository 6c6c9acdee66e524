"""Building XLSX workbooks in tests, the way a CLA's spreadsheet would look."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with one sheet per entry; the first row of each is the header."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table(header: list[str], rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [header, *[[r.get(h) for h in header] for r in rows]]
