"""A slow SMS gateway never holds up intake: `sauti worker` sends on a thread of its own.

A real worker process, a real (slow) gateway on a local port, the test database: while the worker
waits for the gateway to accept one acknowledgement, the next SMS still becomes an alert."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sauti.channels.models import InboundMessage, OutboundMessage
from sauti.channels.services import channel_create

from .conftest import SECRET, post_generic

pytestmark = pytest.mark.django_db(transaction=True)

GATEWAY_SECONDS = 4.0


class _SlowGateway(http.server.BaseHTTPRequestHandler):
    started = threading.Event()
    answered = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).started.set()
        time.sleep(GATEWAY_SECONDS)
        body = json.dumps({"id": "slow-1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).answered.set()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_gateway() -> Iterator[str]:
    _SlowGateway.started.clear()
    _SlowGateway.answered.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowGateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/send"
    server.shutdown()


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_intake_goes_on_while_the_gateway_takes_its_time(network, slow_gateway):
    channel = channel_create(
        "GENERIC",
        "Android Bria",
        "CF52",
        network=network,
        credentials={"secret": SECRET, "send_url": slow_gateway},
    )
    env = {**os.environ, "DATABASE_URL": _database_url(), "SAUTI_INTAKE_INLINE": "false"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "sauti", "worker", "--poll", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client = Client()
        first = {"from": "+23675000101", "text": "Hommes armés à Ndah", "id": "slow-a"}
        post_generic(client, channel, first, process=False)
        assert _SlowGateway.started.wait(30), "the worker never sent the acknowledgement"
        began = time.monotonic()
        second = {"from": "+23675000102", "text": "Maison brûlée à Bria", "id": "slow-b"}
        post_generic(client, channel, second, process=False)

        def linked() -> bool:
            return InboundMessage.objects.filter(
                external_id="slow-b", processing_state="LINKED"
            ).exists()

        assert _wait(linked, GATEWAY_SECONDS - 1.0), "intake waited for the gateway"
        took = time.monotonic() - began
        assert not _SlowGateway.answered.is_set()  # the first send was still under way
        assert took < GATEWAY_SECONDS - 1.0
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    # Stopping waited for the send under way and recorded it.
    first_alert = InboundMessage.objects.get(external_id="slow-a").alert_id
    first_ack = OutboundMessage.objects.get(related_alert_id=first_alert)
    assert (first_ack.status, first_ack.gateway_id) == ("SENT", "slow-1")
