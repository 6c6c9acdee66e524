"""Short free texts people type into forms and commands (reasons, notes): one check for all.

A reason goes to the audit log and to a database column: it must be given when required, fit its
column, and hold no control characters (NUL breaks PostgreSQL text columns; escape sequences
would reach terminals reading the log). Tab and line breaks are allowed.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(
    text: str, limit: int, *, error: type[Exception], too_long: str, required: str = ""
) -> str:
    """``text`` stripped, or ``error`` raised with a message a person can act on: missing (when
    ``required`` says why it is needed), over ``limit`` characters (``too_long`` may name the
    limit as ``%(n)s``), or holding control characters."""
    text = (text or "").strip()
    if required and not text:
        raise error(required)
    if len(text) > limit:
        raise error(too_long % {"n": limit})
    if _CONTROL.search(text):
        raise error(_("The text contains characters that cannot be stored."))
    return text
