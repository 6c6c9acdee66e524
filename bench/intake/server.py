"""The bench server: Sauti's WSGI application under waitress exactly as `sauti serve` runs it,
with one extra URL, ``/bench/baseline``, that only inserts the raw body into the same database.
The baseline lives here, never in production URLs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench_urls"

from waitress import serve  # noqa: E402

from sauti.wsgi import application  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    serve(
        application,
        host="127.0.0.1",
        port=args.port,
        threads=args.threads,
        ident="sauti",
        max_request_body_size=64 * 1024 * 1024,
        _quiet=True,
    )
