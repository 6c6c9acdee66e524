"""`.env.example` documents every environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
READ = re.compile(
    r'(?:env\.(?:string|boolean|integer|string_list|raw)|_secret)\(\s*"([A-Z][A-Z0-9_]+)"'
)


def test_every_variable_is_documented() -> None:
    used = {
        m
        for path in (ROOT / "src").rglob("*.py")
        for m in READ.findall(path.read_text(encoding="utf-8"))
    }
    documented = set(
        re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    assert used, "the pattern found no variables: update this test"
    assert not used - documented, f"undocumented in .env.example: {sorted(used - documented)}"
