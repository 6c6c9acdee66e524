"""Background jobs of intake: thin, load by id and call a service."""

from __future__ import annotations

from typing import Any

from sauti.channels import outbound, services
from sauti.core.jobs import job


@job("channels.process_inbound")
def process_inbound(inbound_id: int) -> dict[str, Any]:
    message = services.inbound_process(inbound_id)
    return {"state": message.processing_state, "alert": message.alert_id}


@job("channels.send_outbound")
def send_outbound(outbound_id: int) -> dict[str, Any]:
    return {"status": outbound.outbound_send(outbound_id)}
