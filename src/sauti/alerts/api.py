"""Alert endpoints of the HTTP API: submit (idempotent), list and show with parsed fields.

``POST /alerts`` goes through the same raw-first intake as the SMS gateways: the request is stored
sealed on the area's API channel under the caller's ``Idempotency-Key`` before anything is parsed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from sauti.accounts import access
from sauti.alerts import selectors
from sauti.alerts.models import COUNT_KEYS, PARSED_FIELDS, Alert, Confidence, Priority
from sauti.alerts.workflow import AlertState, TransitionError, alert_transition, allowed_targets
from sauti.places.models import AdminUnit

router = Router(tags=["alerts"])
MAX_TEXT = 4000


class ErrorOut(Schema):
    detail: str


class PlaceOut(Schema):
    text: str
    pcode: str | None = None
    name: str | None = None
    candidates: list[dict[str, Any]] = []


class CountsOut(Schema):
    killed: int | None = None
    injured: int | None = None
    abducted: int | None = None
    displaced: int | None = None


class AlertOut(Schema):
    id: int
    reference: str
    state: str
    threat_type: str
    summary: str
    place: PlaceOut
    occurred_at: datetime | None
    occurred_precision: str
    actors: list[str]
    counts: CountsOut
    confidence: dict[str, float] = Field(
        description="0..1 per parsed field; 1.0 when a person set it"
    )
    locked_fields: list[str]
    language: str
    reporter: str | None = Field(
        None, description="The reporter's pseudonym (never a name or number)"
    )
    admin_pcode: str
    received_at: datetime
    flags: list[str]
    priority: str = Field("", description="P1–P4 once triaged (domain.md §7.6)")
    verification_status: str = "UNVERIFIED"
    due_at: datetime | None = Field(None, description="The next deadline (SLA), if any")
    due_step: str = ""

    @staticmethod
    def resolve_place(obj: Alert) -> dict[str, Any]:
        resolved = obj.admin_unit if obj.place_candidates else None
        return {
            "text": obj.place_text,
            "pcode": resolved.pcode if resolved else None,
            "name": resolved.name if resolved else None,
            "candidates": obj.place_candidates or [],
        }

    @staticmethod
    def resolve_counts(obj: Alert) -> dict[str, int | None]:
        return {k: (obj.counts or {}).get(k) for k in COUNT_KEYS}

    @staticmethod
    def resolve_confidence(obj: Alert) -> dict[str, float]:
        return {k: float((obj.confidence or {}).get(k, 0.0)) for k in PARSED_FIELDS}

    @staticmethod
    def resolve_reporter(obj: Alert) -> str | None:
        return obj.reporter.pseudonym if obj.reporter_id and obj.reporter else None

    @staticmethod
    def resolve_admin_pcode(obj: Alert) -> str:
        return obj.admin_unit.pcode


class TransitionOut(Schema):
    from_state: str = Field(..., alias="from", description="'' for the first step (∅ → RECEIVED)")
    to: str
    by: str | None = Field(None, description="Username, or null for the system")
    at: datetime
    reason: str


class AlertDetailOut(AlertOut):
    timeline: list[TransitionOut]
    allowed: list[str] = Field(
        [], description="States the caller may move this alert to now (role and guard aside)"
    )


class TransitionIn(Schema):
    to: str = Field(..., description="Target state (domain.md §4.1)")
    reason: str = Field("", max_length=500)
    response_option: str | None = Field(
        None, description="With RESPONSE_DECIDED: the option chosen (§7.8), e.g. NO_ACTION"
    )
    priority: str | None = Field(None, description="With TRIAGED: P1, P2, P3 or P4 (§7.6)")
    verification_needed: bool | None = Field(None, description="With TRIAGED")
    source_reliability: int | None = Field(None, description="With TRIAGED: 1 to 5 (§7.7)")
    attribution_confidence: str | None = Field(
        None, description="With TRIAGED: HIGH, MEDIUM or LOW"
    )


def _detail(alert: Alert, user: Any) -> Alert:
    """The alert with its timeline and the caller's allowed next states attached for the schema."""
    alert.timeline = [  # type: ignore[attr-defined]
        {
            "from": t.from_state,
            "to": t.to_state,
            "by": t.by.username if t.by else None,
            "at": t.at,
            "reason": t.reason,
        }
        for t in alert.transitions.select_related("by").order_by("at", "id")
    ]
    alert.allowed = allowed_targets(alert, user)  # type: ignore[attr-defined]
    return alert


class AlertIn(Schema):
    text: str = Field(..., description="The message as received (French, English, local languages)")
    country: str = Field(..., description="ISO 3166-1 alpha-2 code of the country, e.g. CF")
    area: str | None = Field(
        None, description="P-code of the area the alert comes from (default: the country)"
    )
    sender: str | None = Field(None, description="Reporter's phone number, if any (sealed at once)")
    received_at: datetime | None = None


@router.get("", response=list[AlertOut], summary="Alerts the caller may see")
@paginate(LimitOffsetPagination)
def list_alerts(request: HttpRequest) -> QuerySet[Alert]:
    access.require(request.auth, "alerts.view")  # type: ignore[attr-defined]
    return selectors.alerts_visible_to(request.auth)  # type: ignore[attr-defined]


@router.get(
    "/{alert_id}",
    response={200: AlertDetailOut, 404: ErrorOut},
    by_alias=True,
    summary="One alert, with its state and timeline of transitions",
)
def get_alert(request: HttpRequest, alert_id: int) -> Alert:
    alert = selectors.alert_get(request.auth, alert_id)  # type: ignore[attr-defined]
    return _detail(alert, request.auth)  # type: ignore[attr-defined]


@router.post(
    "/{alert_id}/transition",
    response={200: AlertDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    by_alias=True,
    summary="Move an alert to another state (409 with the reason when the workflow forbids it)",
)
def transition_alert(request: HttpRequest, alert_id: int, payload: TransitionIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "alerts.transition")
    alert = selectors.alert_get(user, alert_id)
    fields: dict[str, Any] = {}
    if payload.response_option is not None:
        if payload.to != AlertState.RESPONSE_DECIDED:
            return Status(400, {"detail": "response_option goes only with RESPONSE_DECIDED"})
        option = payload.response_option.strip().upper()
        if not option or len(option) > 30 or not option.replace("_", "").isalpha():
            return Status(400, {"detail": "response_option must be a code such as PATROL_DAY"})
        fields["response_option"] = option
    triage = {
        "priority": payload.priority,
        "verification_needed": payload.verification_needed,
        "source_reliability": payload.source_reliability,
        "attribution_confidence": payload.attribution_confidence,
    }
    given: dict[str, Any] = {k: v for k, v in triage.items() if v is not None}
    if given and payload.to != AlertState.TRIAGED:
        return Status(400, {"detail": "priority and triage fields go only with TRIAGED"})
    if "priority" in given and given["priority"] not in Priority.values:
        return Status(400, {"detail": "priority must be one of P1, P2, P3, P4"})
    reliability = payload.source_reliability
    if reliability is not None and not 1 <= reliability <= 5:
        return Status(400, {"detail": "source_reliability must be between 1 and 5"})
    if "attribution_confidence" in given and given["attribution_confidence"] not in (
        Confidence.values
    ):
        return Status(400, {"detail": "attribution_confidence must be HIGH, MEDIUM or LOW"})
    fields.update(given)
    try:
        alert = alert_transition(alert, payload.to, user, payload.reason, fields=fields)
    except TransitionError as exc:
        return Status(409, {"detail": str(exc)})
    return _detail(selectors.alert_get(user, alert_id), user)


@router.post(
    "",
    response={200: AlertOut, 201: AlertOut, 202: ErrorOut, 400: ErrorOut, 403: ErrorOut},
    summary="Submit an alert (raw-first; send an Idempotency-Key header to make retries safe)",
)
def create_alert(request: HttpRequest, payload: AlertIn) -> Any:
    # Imported here: channels feeds alerts, so alerts' modules must not need channels to load.
    from sauti.channels.gateways import InboundValue, kept_headers
    from sauti.channels.services import channel_for, inbound_process_safely, inbound_store

    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "alerts.create")
    text = payload.text.strip()
    if not text:
        return Status(400, {"detail": "text is empty"})
    if len(text) > MAX_TEXT:
        return Status(400, {"detail": f"text is longer than {MAX_TEXT} characters"})
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 150 or (key and not key.isprintable()):
        return Status(400, {"detail": "Idempotency-Key must be at most 150 printable characters"})
    country = payload.country.strip().upper()
    unit = AdminUnit.objects.filter(pcode=(payload.area or country).strip().upper()).first()
    if unit is None or unit.country_iso2 != country:
        return Status(
            400,
            {"detail": "unknown country or area (give an ISO2 country and a P-code inside it)"},
        )
    channel = channel_for("API", unit)
    external = f"user{user.pk}:{key}" if key else f"user{user.pk}:auto:{uuid.uuid4()}"
    value = InboundValue(
        external_id=external,
        sender=payload.sender or "",
        text=text,
        kind="API",
        received_at=payload.received_at,
    )
    raw = {
        "body": request.body.decode("utf-8", errors="replace"),
        "headers": kept_headers(request),
        "path": request.path,
    }
    stored = inbound_store(channel, value, raw=raw, claim=True)
    message = stored.message
    if stored.created:
        message = inbound_process_safely(message.pk) or message
    if not message.alert_id:
        return Status(202, {"detail": f"stored as message {message.pk}; processing is queued"})
    alert = Alert.objects.select_related("admin_unit", "reporter").get(pk=message.alert_id)
    return Status(201 if stored.created else 200, alert)
