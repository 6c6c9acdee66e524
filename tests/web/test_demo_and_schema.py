"""The demo command really serves: sign-in page, API schema, and the printed sign-ins work.

This starts `sauti demo` as a separate process on a free port, exactly as the README's command
does (minus the virtual-environment bootstrap), and talks to it over HTTP.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from sauti.demo.credentials import DEMO_PASSWORD


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_openapi_schema_committed_and_current() -> None:
    call_command(
        "openapi", "--check", "--out", str(Path(__file__).parents[2] / "docs" / "openapi.json")
    )


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data_dir = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"SAUTI_ENV": "demo", "PYTHONUNBUFFERED": "1"})
    cmd = [sys.executable, "-m", "sauti", "demo", "--port", str(port), "--data-dir", str(data_dir)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            if "Press Ctrl+C to stop" in line:
                started.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 180
    while not started.wait(timeout=0.5) and proc.poll() is None and time.monotonic() < deadline:
        pass
    if not started.is_set() or proc.poll() is not None:
        proc.send_signal(signal.SIGINT)
        time.sleep(2)
        proc.kill()
        pytest.fail("demo did not start:\n" + "".join(output))
    yield base, "".join(output), data_dir
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_demo_serves_sign_in_schema_and_printed_sign_ins_work(demo_server) -> None:  # type: ignore[no-untyped-def]
    base, output, _ = demo_server
    assert DEMO_PASSWORD in output and "analyst" in output
    with urllib.request.urlopen(f"{base}/accounts/login/") as response:
        assert response.status == 200 and "csrfmiddlewaretoken" in response.read().decode()
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as response:
        assert json.loads(response.read())["info"]["title"] == "Sauti API"
    # Sign in as the printed analyst, as a browser would (cookie + CSRF token).
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "analyst", "password": DEMO_PASSWORD}
    )
    home = opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/", data=body.encode(), headers={"Referer": base}
        )
    )
    html = home.read().decode()
    assert home.url == f"{base}/" and 'data-count="alerts_total"' in html
    total = int(
        re.search(r'data-count="alerts_total">([\d\s,.\u202f\xa0]+)<', html)
        .group(1)
        .strip()
        .replace(",", "")
        .replace("\u202f", "")
        .replace("\xa0", "")
        .replace(" ", "")
    )  # type: ignore[union-attr]
    assert total > 0


def test_demo_is_idempotent(demo_server) -> None:  # type: ignore[no-untyped-def]
    _, _, data_dir = demo_server
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"SAUTI_ENV": "demo", "SAUTI_DATA_DIR": str(data_dir)})
    first = subprocess.run(
        [sys.executable, "-m", "sauti", "demo_load"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    second = subprocess.run(
        [sys.executable, "-m", "sauti", "demo_load"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert first.stdout == second.stdout and "alerts" in first.stdout
