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


@job_pump("channels.outbound")
def drain_outbound(limit: int) -> int:
    """Queued SMS (acknowledgements, feedback, broadcasts) are sent, a batch at a time."""
    return outbound.outbound_drain(min(limit, outbound.BATCH))


@job("channels.send_outbound")
def send_outbound(outbound_id: int) -> dict[str, Any]:
    """Jobs queued per message by earlier versions; the pump above now sends from the table."""
    return {"status": outbound.outbound_send(outbound_id)}
