"""Background jobs of intake: thin, load by id and call a service."""

from __future__ import annotations

from typing import Any

from sauti.channels import intake, outbound, services
from sauti.core.jobs import job, job_pump


@job("channels.process_inbound")
def process_inbound(inbound_id: int) -> dict[str, Any]:
    """Jobs queued per message by earlier versions; intake now drains the raw table itself."""
    message = services.inbound_process(inbound_id)
    return {"state": message.processing_state, "alert": message.alert_id}


@job_pump("channels.intake")
def drain_intake(limit: int) -> int:
    """Stored raw messages become alerts, a batch at a time (``channels.intake``)."""
    return intake.intake_drain(min(limit, intake.BATCH))


@job("channels.send_outbound")
def send_outbound(outbound_id: int) -> dict[str, Any]:
    return {"status": outbound.outbound_send(outbound_id)}
