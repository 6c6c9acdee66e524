"""Alerts created before the state machine get their first transition (∅ → RECEIVED, and the
step to their current state when it is not RECEIVED) so that every timeline starts somewhere.
The second step is marked as recorded by this migration: its real time is unknown."""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    AlertTransition = apps.get_model("alerts", "AlertTransition")
    pending = Alert.objects.filter(transitions__isnull=True).values_list(
        "id", "state", "received_at"
    )
    rows = []
    for alert_id, state, received_at in pending.iterator(chunk_size=BATCH):
        rows.append(
            AlertTransition(alert_id=alert_id, from_state="", to_state="RECEIVED", at=received_at)
        )
        if state and state != "RECEIVED":
            rows.append(
                AlertTransition(
                    alert_id=alert_id,
                    from_state="RECEIVED",
                    to_state=state,
                    at=received_at,
                    reason="state before the workflow existed (migration)",
                )
            )
        if len(rows) >= BATCH:
            AlertTransition.objects.bulk_create(rows)
            rows = []
    if rows:
        AlertTransition.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0006_incidents")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
