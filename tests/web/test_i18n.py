"""French and English from day one: complete French catalogues, compiled, and used by the pages."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.test import Client

SRC = Path(__file__).parents[2] / "src" / "sauti"
CATALOGUES = sorted(SRC.glob("**/locale/fr/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_there_are_catalogues() -> None:
    assert len(CATALOGUES) >= 3


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_catalogue_complete_and_compiled(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(entry.msgid)) == set(PLACEHOLDER.findall(text)), (
                entry.msgid
            )
        if not entry.msgid_plural and not entry.msgctxt:
            assert compiled.gettext(entry.msgid) == entry.msgstr, (
                f".mo is stale for {entry.msgid!r} in {po_path}"
            )


@pytest.mark.django_db
def test_pages_follow_the_language() -> None:
    french = Client(headers={"Accept-Language": "fr"}).get("/accounts/login/").content.decode()
    english = Client(headers={"Accept-Language": "en"}).get("/accounts/login/").content.decode()
    assert "Se connecter" in french and 'lang="fr"' in french
    assert "Sign in" in english and 'lang="en"' in english


@pytest.mark.django_db
def test_mission_time_zone_and_french_dates(analyst) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from sauti.alerts.services import alert_create
    from sauti.places.models import AdminUnit
    from tests.conftest import client_for

    # 23:30 UTC on 31 December is 00:30 on 1 January in Bangui (UTC+1): stored UTC, shown local.
    alert = alert_create(
        "Test",
        AdminUnit.objects.get(pcode="CF521"),
        received_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
    )
    client = client_for(analyst)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/alerts/{alert.id}/").content.decode()
    assert "1 janvier 2026" in html and "00:30" in html
