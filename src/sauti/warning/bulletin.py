"""The weekly bulletin as a PDF (WeasyPrint): risk map, charts of the last twelve weeks, flags
and areas at risk, in English or French, limited to the reader's areas. Charts and the map are
SVG drawn here, so the PDF needs no network and no browser."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sauti.accounts import access
from sauti.alerts.taxonomy import THREAT_LABELS
from sauti.warning import selectors, services
from sauti.warning.maps import map_features, svg_bars, svg_map
from sauti.warning.models import PeriodKind, RiskLevel, SignalCount, SourceKind
from sauti.warning.signals import week_start

WEEKS = 12


class BulletinError(RuntimeError):
    """The bulletin cannot be produced here (e.g. WeasyPrint is missing)."""


def weekly_totals(user: Any, last_week: date) -> dict[str, list[float]]:
    """Alerts, events and deaths per week over the user's level-1 areas (levels are not summed
    together, so nothing is counted twice)."""
    first = last_week - timedelta(weeks=WEEKS - 1)
    qs = access.visible(user, "warning.view", SignalCount.objects.all(), "admin_unit").filter(
        period=PeriodKind.WEEK,
        admin_unit__level=1,
        period_start__gte=first,
        period_start__lte=last_week,
    )
    totals = {"alerts": [0.0] * WEEKS, "events": [0.0] * WEEKS, "deaths": [0.0] * WEEKS}
    for start, kind, n, deaths in (
        qs.values("period_start", "source_kind")
        .annotate(n=Sum("count"), deaths=Sum("fatalities"))
        .values_list("period_start", "source_kind", "n", "deaths")
    ):
        i = (start - first).days // 7
        totals["alerts" if kind == SourceKind.ALERTS else "events"][i] += n or 0
        totals["deaths"][i] += deaths or 0
    return totals


def bulletin_html(user: Any, week: date | None = None, language: str = "en") -> str:
    week = week_start(week or timezone.localdate())
    with translation.override(language):
        flags = [
            {
                "area": f.admin_unit.name,
                "threat": THREAT_LABELS.get(f.threat_type, f.threat_type),
                "text": services.flag_explain(f, f.admin_unit.name),
            }
            for f in selectors.flags_visible_to(user).filter(week_start=week)[:40]
        ]
        risks = [r for r in selectors.risks_visible_to(user) if r.level != RiskLevel.LOW]
        totals = weekly_totals(user, week)
        labels = [(week - timedelta(weeks=WEEKS - 1 - i)).strftime("%d/%m") for i in range(WEEKS)]
        counts_chart = svg_bars(
            labels,
            [
                (_("Alerts"), "#1f4e79", totals["alerts"]),
                (_("Events"), "#b03a2e", totals["events"]),
            ],
        )
        deaths_chart = svg_bars(labels, [(_("Deaths per week"), "#555555", totals["deaths"])])
        return render_to_string(
            "warning/bulletin.html",
            {
                "week": week,
                "flags": flags,
                "risks": risks,
                "map_svg": svg_map(map_features(user)),
                "counts_chart": counts_chart,
                "deaths_chart": deaths_chart,
                "mission": settings.SAUTI_MISSION_NAME,
                "generated": timezone.localtime(),
                "language": language,
            },
        )


def bulletin_pdf(user: Any, week: date | None = None, language: str = "en") -> bytes:
    access.require(user, "warning.view")
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango system library is missing
        raise BulletinError(_("the PDF bulletin needs WeasyPrint, which is not installed")) from exc
    pdf: bytes = HTML(string=bulletin_html(user, week, language)).write_pdf()
    return pdf
