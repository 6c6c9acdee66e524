"""Reading and writing XLSX sheets column by column, with errors that name sheet, row and column.

Kept apart from what the columns mean (``imports``/``exports``), so every workbook is checked the
same way: size and file type first, then headers, then each cell against its column's type.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded workbook; row is the spreadsheet's own row number (header = 1)."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [_("sheet %(s)s") % {"s": self.sheet}]
        if self.row is not None:
            where.append(_("row %(r)s") % {"r": self.row})
        if self.column:
            where.append(_("column %(c)s") % {"c": self.column})
        return ", ".join(where) + ": " + self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class WorkbookError(Exception):
    """The upload is not a workbook we can read at all (too big, not XLSX, damaged)."""


@dataclass
class Column:
    """One column of a sheet: its header, whether it is required, and how to read a cell."""

    name: str
    kind: str = "text"  # text | int | decimal | date | bool | choice | list
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    max_length: int = 300
    minimum: int | None = 0
    maximum: int | None = None


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    required: bool = True

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_TRUE = {"yes", "y", "true", "1", "oui", "o", "x"}
_FALSE = {"no", "n", "false", "0", "non"}


def parse_cell(col: Column, value: Any) -> Any:
    """The cell as a Python value, or ValueError with a message for people."""
    if _is_blank(value):
        if col.required:
            raise ValueError(_("a value is required"))
        return [] if col.kind == "list" else None
    if col.kind == "text":
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if len(text) > col.max_length:
            raise ValueError(_("at most %(n)s characters") % {"n": col.max_length})
        return text
    if col.kind == "int":
        if isinstance(value, bool):
            raise ValueError(_("expected a whole number"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if not isinstance(value, int):
            raise ValueError(_("expected a whole number, got %(v)r") % {"v": value})
        if col.minimum is not None and value < col.minimum:
            raise ValueError(_("must be at least %(n)s") % {"n": col.minimum})
        if col.maximum is not None and value > col.maximum:
            raise ValueError(_("must be at most %(n)s") % {"n": col.maximum})
        return value
    if col.kind == "decimal":
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("expected a number, got %(v)r") % {"v": value}) from None
        if number < 0 or not number.is_finite():
            raise ValueError(_("expected a positive number"))
        return number
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(_("expected a date as YYYY-MM-DD, got %(v)r") % {"v": value}) from None
    if col.kind == "bool":
        text = str(value).strip().casefold()
        if isinstance(value, bool):
            return value
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("expected yes or no, got %(v)r") % {"v": value})
    if col.kind == "choice":
        text = str(value).strip().upper()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if text not in col.choices:
            raise ValueError(
                _("%(v)r is not one of %(choices)s")
                % {"v": value, "choices": ", ".join(col.choices)}
            )
        return text
    if col.kind == "list":
        items = [p.strip() for p in str(value).replace(",", ";").split(";") if p.strip()]
        if col.choices:
            bad = [i for i in items if i.upper() not in col.choices]
            if bad:
                raise ValueError(
                    _("%(v)s not one of %(choices)s")
                    % {"v": ", ".join(bad), "choices": ", ".join(col.choices)}
                )
            items = [i.upper() for i in items]
        return items
    raise AssertionError(col.kind)


def open_workbook(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise WorkbookError(
            _("The file is %(size)s bytes; the limit is %(max)s.")
            % {"size": len(data), "max": MAX_BYTES}
        )
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError(_("This is not an XLSX workbook (Excel 2007 or later, .xlsx)."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise WorkbookError(
            _("The workbook cannot be read: %(err)s") % {"err": type(exc).__name__}
        ) from exc


def read_sheet(workbook: Any, spec: Sheet, errors: list[RowError]) -> list[ParsedRow]:
    """Rows of one sheet as typed values; every problem appended to ``errors``."""
    if spec.name not in workbook.sheetnames:
        if spec.required:
            errors.append(
                RowError(spec.name, None, None, _("the sheet is missing (use the template)"))
            )
        return []
    rows: Iterator[tuple[Any, ...]] = workbook[spec.name].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        errors.append(RowError(spec.name, 1, None, _("the header row is missing")))
        return []
    before = len(errors)
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    known = {c.name for c in spec.columns}
    for c in spec.columns:
        if c.required and c.name not in names:
            errors.append(RowError(spec.name, 1, c.name, _("required column is missing")))
    for i, n in enumerate(names):
        if n and n not in known:
            errors.append(
                RowError(spec.name, 1, n, _("unknown column (column %(i)s)") % {"i": i + 1})
            )
        elif n and names.index(n) != i:
            errors.append(RowError(spec.name, 1, n, _("column appears twice")))
    if len(errors) > before:
        return []
    parsed: list[ParsedRow] = []
    for number, raw in enumerate(rows, start=2):
        if raw is None or all(_is_blank(v) for v in raw):
            continue
        if len(parsed) >= MAX_ROWS:
            errors.append(
                RowError(spec.name, number, None, _("more than %(n)s rows") % {"n": MAX_ROWS})
            )
            break
        row = ParsedRow(number)
        for col in spec.columns:
            value = (
                raw[names.index(col.name)]
                if col.name in names and names.index(col.name) < len(raw)
                else None
            )
            try:
                row.values[col.name] = parse_cell(col, value)
            except ValueError as exc:
                errors.append(RowError(spec.name, number, col.name, str(exc)))
                row.values[col.name] = [] if col.kind == "list" else None
        parsed.append(row)
    return parsed


HEADER_FILL = PatternFill("solid", fgColor="12324F")
REQUIRED_FILL = PatternFill("solid", fgColor="0B5CAD")


def write_sheet(
    wb: Workbook, spec: Sheet, rows: list[list[Any]] | None = None, *, validations: bool = True
) -> None:
    ws = wb.create_sheet(spec.name)
    ws.append([c.name for c in spec.columns])
    for i, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = max(12, len(col.name) + 2)
        formula = '"' + ",".join(col.choices) + '"'
        if validations and col.kind in ("choice", "bool") and len(formula) < 250:
            if col.kind == "bool":
                formula = '"yes,no"'
            dv = DataValidation(type="list", formula1=formula, allow_blank=not col.required)
            dv.add(f"{cell.column_letter}2:{cell.column_letter}2000")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    for row in rows or []:
        ws.append(row)
        # Text typed by people is never a formula in our exports (spreadsheet formula injection).
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def write_readme(wb: Workbook, title: str, sheets: list[Sheet], notes: list[str]) -> None:
    ws = wb.create_sheet("README", 0)
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    for note in notes:
        ws.append([note])
    ws.append([])
    ws.append([_("sheet"), _("column"), _("required"), _("type"), _("allowed values / help")])
    for spec in sheets:
        for col in spec.columns:
            allowed = ", ".join(col.choices) if col.choices else col.help
            ws.append([spec.name, col.name, _("yes") if col.required else "", col.kind, allowed])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["E"].width = 100


def workbook_bytes(build: Callable[[Workbook], None]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
