#!/usr/bin/env python3
"""The two commands of the README, and the checks CI runs. Needs only Python 3.11.

    python3 dev.py demo [--port N] [--data-dir D]   run the demo mission at http://127.0.0.1:8000
    python3 dev.py test [PYTEST ARGS]               run the whole test suite
    python3 dev.py check                            lint, format, types, migrations, OpenAPI drift

On first run it creates a virtual environment in .venv and installs Sauti with the pinned
versions of requirements/constraints.txt; later runs reinstall only when those files change.
Set DATABASE_URL=postgres://… to run the tests on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SAUTI_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"


def _run(cmd: list[str], **kwargs: object) -> int:
    return subprocess.run(cmd, cwd=ROOT, check=False, **kwargs).returncode  # type: ignore[call-overload]


def ensure_env(extras: str) -> None:
    """Create .venv and install Sauti (+ extras) if anything it depends on changed."""
    if not PY.exists():
        print(f"creating virtual environment in {VENV} …", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
        except (OSError, subprocess.CalledProcessError) as exc:
            sys.exit(
                f"could not create {VENV} ({exc}). On Debian or Ubuntu the venv module is a "
                "separate package: sudo apt install python3-venv"
            )
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes())
    digest.update(extras.encode())
    stamp = VENV / f".sauti-installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print("installing Sauti and its dependencies (first run or changed requirements) …", flush=True)
    target = f".[{extras}]" if extras else "."
    code = _run(
        [
            str(PY),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-c",
            str(CONSTRAINTS),
            "-e",
            target,
        ]
    )
    if code != 0:
        sys.exit("installation failed (see the pip output above)")
    stamp.write_text(digest.hexdigest())


def cmd_demo(args: list[str]) -> int:
    ensure_env("")
    env = dict(os.environ)
    env.setdefault("SAUTI_ENV", "demo")
    return _run([str(BIN / "sauti"), "demo", *args], env=env)


def cmd_test(args: list[str]) -> int:
    ensure_env("test")
    env = dict(os.environ)
    env["SAUTI_ENV"] = "test"
    env.setdefault("SAUTI_DATA_DIR", str(ROOT / ".sauti-test"))
    return _run([str(PY), "-m", "pytest", *args], env=env)


def cmd_check(args: list[str]) -> int:
    ensure_env("test")
    env = dict(os.environ)
    env["SAUTI_ENV"] = "test"
    env.setdefault("SAUTI_DATA_DIR", str(ROOT / ".sauti-test"))
    steps = [
        [str(BIN / "ruff"), "check", "src", "tests", "bench", "dev.py"],
        [str(BIN / "ruff"), "format", "--check", "src", "tests", "bench", "dev.py"],
        [str(BIN / "mypy"), "src"],
        [str(BIN / "lint-imports")],
        [str(BIN / "sauti"), "makemigrations", "--check", "--dry-run"],
        [str(BIN / "sauti"), "openapi", "--check"],
    ]
    failed = []
    for step in steps:
        print(
            "$",
            " ".join(Path(step[0]).name if i == 0 else s for i, s in enumerate(step)),
            flush=True,
        )
        if _run(step, env=env) != 0:
            failed.append(Path(step[0]).name + " " + step[1])
    if failed:
        print("FAILED:", ", ".join(failed))
        return 1
    print("all checks passed")
    return 0


COMMANDS = {"demo": cmd_demo, "test": cmd_test, "check": cmd_check}


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must explain itself on old Pythons
        print(f"Sauti needs Python 3.11 or newer; this is {sys.version.split()[0]}")
        return 2
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
