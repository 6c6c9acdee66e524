"""Shared by the bulletin tests: a burst of alerts in Ndélé, and a PDF turned into PNG pages
(poppler's pdftoppm) whose pixels show the shaded map and the bar charts."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from sauti.alerts.services import alert_create
from sauti.places.models import AdminUnit
from sauti.warning.services import detect_run, risk_update

BAR_BLUE = (31, 78, 121)  # alerts bars (#1f4e79)
BAR_RED = (176, 58, 46)  # events bars (#b03a2e)


def burst_in_ndele(n: int = 12) -> None:
    ndele = AdminUnit.objects.get(pcode="CF511")
    now = timezone.now()
    monday = now - timedelta(days=timezone.localdate().weekday())
    for weeks_ago in (3, 9):
        alert_create("calm", ndele, threat_type="INTERCOMMUNAL_TENSION",
                     received_at=now - timedelta(weeks=weeks_ago))  # fmt: skip
    for i in range(n):
        alert_create("tension", ndele, threat_type="INTERCOMMUNAL_TENSION",
                     received_at=min(now, monday + timedelta(minutes=20 * (i + 1))))  # fmt: skip
    detect_run()
    risk_update()


def pdf_pages_png(pdf: bytes, out_dir: Path, stem: str) -> list[Path]:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / f"{stem}.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(out_dir / stem)], check=True)
    return sorted(out_dir.glob(f"{stem}*.png"))


def colour_pixels(pages: list[Path], rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    """How many pixels of the pages are within ``tolerance`` of ``rgb``."""
    from PIL import Image

    total = 0
    for page in pages:
        with Image.open(page) as image:
            for count, pixel in image.convert("RGB").getcolors(maxcolors=1 << 20) or []:
                if all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True)):
                    total += count
    return total


def blend(rgb: tuple[int, int, int], opacity: float) -> tuple[int, int, int]:
    """A colour painted at ``opacity`` over white."""
    r, g, b = (round(opacity * c + (1 - opacity) * 255) for c in rgb)
    return (r, g, b)
