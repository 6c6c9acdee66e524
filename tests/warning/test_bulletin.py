"""The weekly bulletin PDF, in English and French: turned into PNG pages, it shows the map shaded
by level and the bar charts; the text is in the asked language."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import client_for, make_user
from tests.warning.helpers import (
    BAR_BLUE,
    blend,
    burst_in_ndele,
    colour_pixels,
    pdf_pages_png,
)

pytest.importorskip("weasyprint")


@pytest.mark.parametrize(("language", "heading"), [("en", "Risk map"), ("fr", "Carte des risques")])
def test_bulletin_pdf_has_map_and_charts(
    car_admin: None, tmp_path: Path, language: str, heading: str
) -> None:
    burst_in_ndele()
    user = make_user("joc.e", "JOC_OFFICER", ["CF"])
    response = client_for(user).get(f"/warning/bulletin.pdf?lang={language}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages_png(pdf, tmp_path, f"bulletin-{language}")
    assert pages
    # map: low-risk prefectures shaded green, the flagged one in another level's colour
    assert colour_pixels(pages, blend((46, 139, 87), 0.75)) > 2000
    medium_or_more = sum(
        colour_pixels(pages, blend(c, 0.75))
        for c in ((242, 196, 109), (230, 126, 34), (176, 58, 46))
    )
    assert medium_or_more > 50
    assert colour_pixels(pages, BAR_BLUE, 4) > 20  # the alerts bars of the chart
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / f"bulletin-{language}.pdf"), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        assert heading in text and "Ndélé" in text


def test_bulletin_refuses_bad_parameters(car_admin: None) -> None:
    user = make_user("joc.e", "JOC_OFFICER", ["CF"])
    assert client_for(user).get("/warning/bulletin.pdf?lang=de").status_code == 400
    assert client_for(user).get("/warning/bulletin.pdf?week=soon").status_code == 400
    outsider = make_user("cso", "PARTNER_CSO", ["CF"])
    assert client_for(outsider).get("/warning/bulletin.pdf").status_code == 403
