"""Writes of agreements, provisions and implementation reports (PAM/Barometer coding, §4.8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.agreements.models import (
    REPORT_TRANSITIONS,
    SUBSTANTIVE_TAGS,
    Agreement,
    ImplementationReport,
    Provision,
    ProvisionTheme,
    SourceKind,
)
from sauti.places.models import AdminUnit


class AgreementError(ValueError):
    """Bad input for an agreement write; nothing changed."""


class TransitionError(AgreementError):
    """A report status change the workflow does not allow (HTTP 409)."""


def agreement_create(
    *,
    name: str,
    short_name: str,
    admin_unit: AdminUnit,
    tags: dict[str, Any] | None = None,
    actor: User | None = None,
    **fields: Any,
) -> Agreement:
    if Agreement.objects.filter(short_name=short_name).exists():
        raise AgreementError(_("An agreement called %(s)s already exists.") % {"s": short_name})
    known = {k for k, _label in SUBSTANTIVE_TAGS}
    unknown = set(tags or {}) - known
    if unknown:
        raise AgreementError(_("Unknown descriptor(s): %(t)s") % {"t": ", ".join(sorted(unknown))})
    agreement = Agreement.objects.create(
        name=name, short_name=short_name, admin_unit=admin_unit, tags=tags or {}, **fields
    )
    audit.record(
        "object.create", actor=actor, obj=agreement, summary=f"agreement {short_name} created"
    )
    return agreement


def provision_add(
    agreement: Agreement,
    *,
    article_ref: str,
    text_excerpt: str,
    theme: str,
    actor: User | None = None,
    **fields: Any,
) -> Provision:
    if theme not in ProvisionTheme.values:
        raise AgreementError(_("%(t)r is not a provision theme.") % {"t": theme})
    if agreement.provisions.filter(article_ref=article_ref).exists():
        raise AgreementError(_("Article %(a)s is already recorded.") % {"a": article_ref})
    provision = Provision.objects.create(
        agreement=agreement,
        article_ref=article_ref,
        text_excerpt=text_excerpt,
        theme=theme,
        **fields,
    )
    audit.record(
        "object.create", actor=actor, obj=provision, summary=f"provision {provision} added"
    )
    return provision


@transaction.atomic
def report_code(
    provision: Provision,
    *,
    admin_unit: AdminUnit,
    period: dt.date,
    source_kind: str,
    score: int | None = None,
    unverifiable: bool = False,
    evidence: str = "",
    observatory: Any = None,
    actor: User | None = None,
) -> ImplementationReport:
    """Code the implementation of a provision in a region for a period (replacing an unpublished code)."""
    if score is None and not unverifiable:
        raise AgreementError(_("Give a score from 0 to 3, or mark the report unverifiable."))
    if score is not None and score not in (0, 1, 2, 3):
        raise AgreementError(
            _("The score is 0 (not initiated), 1 (minimal), 2 (intermediate) or 3 (complete).")
        )
    if source_kind not in SourceKind.values:
        raise AgreementError(_("%(s)r is not a source kind.") % {"s": source_kind})
    if score is not None and not evidence.strip():
        raise AgreementError(_("A score needs its evidence."))
    period = period.replace(day=1)
    existing = ImplementationReport.objects.filter(
        provision=provision, admin_unit=admin_unit, period=period
    ).first()
    if existing and existing.status == "PUBLISHED":
        raise TransitionError(_("This period is published; it cannot be recoded."))
    report, _created = ImplementationReport.objects.update_or_create(
        provision=provision,
        admin_unit=admin_unit,
        period=period,
        defaults={
            "score": None if unverifiable else score,
            "unverifiable": unverifiable,
            "evidence": evidence.strip(),
            "source_kind": source_kind,
            "observatory": observatory,
            "status": "CODED",
            "coder": actor,
            "reviewer": None,
        },
    )
    audit.record(
        "object.change",
        actor=actor,
        obj=report,
        summary=f"{provision} coded {report.score} for {admin_unit.pcode} {period:%Y-%m}",
    )
    return report


def report_set_status(
    report: ImplementationReport, target: str, *, actor: User | None = None
) -> ImplementationReport:
    if target not in REPORT_TRANSITIONS.get(report.status, set()):
        raise TransitionError(
            _("A report cannot go from %(a)s to %(b)s.") % {"a": report.status, "b": target}
        )
    if target == "REVIEWED" and actor is not None and report.coder_id == actor.pk:
        raise TransitionError(_("The review must be done by a second coder."))
    previous, report.status = report.status, target
    if target == "REVIEWED":
        report.reviewer = actor
    report.save(update_fields=["status", "reviewer"])
    audit.record(
        "state.change",
        actor=actor,
        obj=report,
        summary=f"report #{report.pk} {previous} -> {target}",
    )
    return report
