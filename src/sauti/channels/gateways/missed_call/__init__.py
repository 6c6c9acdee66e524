"""Missed-call ("beep") notifications: a gateway or an Android app on the hotline phone reports
each call that rang and was not answered; Sauti creates a callback task for the CLA on duty.

Same wire format and authentication as the generic gateway: ``from`` (caller), ``id``/``call_id``
and optionally ``time``. Outbound goes through the generic gateway's ``send_url`` if configured.
"""

from __future__ import annotations

from sauti.channels.gateways.generic import GenericGateway


class MissedCallGateway(GenericGateway):
    kind = "MISSED_CALL"
