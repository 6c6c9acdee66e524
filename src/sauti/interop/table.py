"""A table to export: named columns with HXL hashtags, and rows of plain values (streamed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """``trusted``: values Sauti itself produces (codes, references, dates, P-codes), never text
    typed by people, so writers skip the formula-injection guard on them (speed on large exports).
    ``numeric`` columns are never guarded either."""

    name: str
    hxl: str
    numeric: bool = False
    trusted: bool = False


@dataclass
class Table:
    """``rows`` may be a generator: writers consume it once, so 500,000 rows never sit in memory."""

    title: str
    columns: list[Column]
    rows: Iterable[list[Any]]
    notes: list[str] = field(default_factory=list)
    classification: str = "INTERNAL"
    watermark: str = ""
    pcode_column: str = "adm_pcode"

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def tags(self) -> list[str]:
        return [c.hxl for c in self.columns]

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(self.rows)


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text typed by people never becomes a spreadsheet formula (CSV/formula injection): a leading
    = + - @ gets an apostrophe, as OWASP advises. Numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value
