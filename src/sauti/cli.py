"""The `sauti` command: thin over Django's management commands, plus `sauti demo`.

`sauti migrate`, `sauti shell`, `sauti users add …`, `sauti worker` … are management commands.
`sauti demo` is handled here because it must set the data folder before Django reads settings,
and it supervises two processes (web server and worker).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEMO_USERS_NOTE = """
Demo sign-ins (password for all: {password})
  analyst         Analyst, whole country
  joc.bangui      JOC duty officer, whole country
  poc.bambari     POC officer, Ouaka
  responder.bria  Responder, Bria sub-prefecture
  cla.bria        CLA, Haute-Kotto              (*)
  cla.ndele       CLA, Bamingui-Bangoran        (*)
  dpo             Data protection focal point   (*)
  admin           Administrator                 (*)
(*) these roles can see sealed personal data: at first sign-in they set up two-factor
    sign-in with an authenticator app (FreeOTP, Aegis, Google Authenticator...).
"""


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sauti", *argv])
    return 0


def _wait_healthy(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sauti demo", description="Run a demo mission on SQLite.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data-dir", default=os.environ.get("SAUTI_DATA_DIR", ".sauti"))
    parser.add_argument("--no-serve", action="store_true", help="Prepare the database and exit.")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not a valid port")
    data_dir = Path(args.data_dir).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("SAUTI_ENV", "demo")
    env["SAUTI_DATA_DIR"] = str(data_dir)
    env.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")
    me = [sys.executable, "-m", "sauti"]
    for step in (["migrate", "--noinput", "-v", "0"], ["demo_load"]):
        result = subprocess.run([*me, *step], env=env, check=False)
        if result.returncode != 0:
            print(f"sauti demo: step {' '.join(step)} failed", file=sys.stderr)
            return result.returncode
    if args.no_serve:
        return 0
    from sauti.demo.credentials import DEMO_PASSWORD

    server = subprocess.Popen(
        [*me, "serve", "--host", args.host, "--port", str(args.port)], env=env
    )
    worker = subprocess.Popen([*me, "worker"], env=env)
    url = f"http://{args.host}:{args.port}"
    try:
        if not _wait_healthy(f"{url}/health"):
            print("sauti demo: the web server did not start", file=sys.stderr)
            return 1
        print(f"\nSauti demo mission running at {url}/  (data in {data_dir})")
        print(DEMO_USERS_NOTE.format(password=DEMO_PASSWORD))
        print("Press Ctrl+C to stop.", flush=True)
        while server.poll() is None and worker.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (server, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (server, worker):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "demo":
        return demo(args[1:])
    return _django(args)
