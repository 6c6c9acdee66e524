"""The streaming XLSX writer: read back by openpyxl, text never a formula, odd values handled."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from sauti.interop.xlsx_stream import write_workbook


def test_values_round_trip_and_text_is_never_a_formula() -> None:
    buf = io.BytesIO()
    rows = [
        ["name", "n"],
        ['=HYPERLINK("http://x","click")', 3],
        ["<b> & \"q\" 'a'", 2.5],
        ["bell\x07 and  spaces ", True],
        [None, float("nan")],
        ["Ndélé — ß", -7],
    ]
    write_workbook(buf, [("data", iter(rows)), ("a" * 40, iter([["x"]]))], title="T & T")
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["data"]
    got = [[c.value for c in r] for r in ws.iter_rows()]
    assert got[1] == ['=HYPERLINK("http://x","click")', 3]
    assert ws["A2"].data_type == "s"  # text, not a formula
    assert got[2] == ["<b> & \"q\" 'a'", 2.5]
    assert got[3] == ["bell and  spaces ", True]  # control character dropped, spaces kept
    assert got[4] == [None, "nan"]
    assert got[5] == ["Ndélé — ß", -7]
    assert wb.sheetnames[1] == "a" * 31  # Excel's limit on sheet names
    assert wb.properties.title == "T & T"
    names = zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()
    assert "[Content_Types].xml" in names and "xl/worksheets/sheet2.xml" in names
