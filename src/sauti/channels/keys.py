"""Key rotation for every sealed column (fields named ``*_sealed``, in any app)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.channels.models import InboundMessage, ReporterPhone
from sauti.channels.services import phone_hash
from sauti.core.crypto import reseal, unseal


def sealed_fields() -> list[tuple[Any, str]]:
    """Every (model, field name) holding sealed data: by convention, fields named ``*_sealed``."""
    return [
        (m, f.name)
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if f.name.endswith("_sealed")
    ]


def keys_rotate(
    *, rehash: bool = False, batch: int = 500, actor: User | None = None
) -> dict[str, int]:
    """Re-encrypt every sealed value under the first key of SAUTI_SEAL_KEYS; with ``rehash``, also
    recompute phone lookup hashes under the current SAUTI_LOOKUP_HASH_KEY."""
    counts: dict[str, int] = {}
    for model, name in sealed_fields():
        label = f"{model._meta.label_lower}.{name}"
        done = 0
        ids = list(model.objects.exclude(**{name: ""}).values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                for pk, token in model.objects.filter(
                    pk__in=ids[start : start + batch]
                ).values_list("pk", name):
                    model.objects.filter(pk=pk).update(**{name: reseal(token)})
                    done += 1
        counts[label] = done
    if rehash:
        with transaction.atomic():
            for phone in ReporterPhone.objects.all():
                ReporterPhone.objects.filter(pk=phone.pk).update(
                    phone_hash=phone_hash(unseal(phone.phone_sealed))
                )
            for pk, token in InboundMessage.objects.exclude(sender_sealed="").values_list(
                "pk", "sender_sealed"
            ):
                InboundMessage.objects.filter(pk=pk).update(sender_hash=phone_hash(unseal(token)))
        counts["rehashed"] = ReporterPhone.objects.count()
    audit.record(
        "keys.rotate",
        actor=actor,
        summary="sealed values re-encrypted under the first key",
        details={"fields": counts},
    )
    return counts
