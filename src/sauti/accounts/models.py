"""Users, their role and area scopes, API tokens and the append-only audit log."""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.accounts.roles import Role


class User(AbstractUser):
    """A person who signs in to Sauti, with one role and the admin units they may see."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    areas = models.ManyToManyField(
        "places.AdminUnit", through="AreaScope", related_name="scoped_users", blank=True
    )
    preferred_language = models.CharField(
        max_length=5, choices=[("en", "English"), ("fr", "Français")], default="fr"
    )
    # TOTP secret, sealed like other personal secrets; last_totp_step blocks reuse of a code.
    totp_secret_sealed = models.TextField(blank=True)
    totp_enabled = models.BooleanField(default=False)
    last_totp_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.username


class AreaScope(models.Model):
    """A user may see records placed inside this admin unit (at any level below it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes")
    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "admin_unit"], name="areascope_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.admin_unit_id}"


class ApiToken(models.Model):
    """A machine credential for the API; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AppendOnlyError(Exception):
    """Raised when anything tries to change or delete an audit event."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")


class AuditEvent(models.Model):
    """Who did what, to which record, when and from where. Never changed, never deleted.

    Beyond the application refusing changes, database triggers (see the migration) reject UPDATE
    on both databases and DELETE on PostgreSQL.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No foreign key constraint and the username copied: the record must survive the user.
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )  # audit_actor: the system's own events (intake, jobs) have no actor
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=50)  # audit_action_at, audit_action_prefix
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    # Names of fields changed or read, with old and new values only for non-sensitive fields.
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Every index is written once per event, and intake records one per alert: no index
        # another one covers, none over the system's own (actor-less) events.
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            # The audit page's "action starts with" filter (PostgreSQL; ignored by SQLite).
            models.Index(
                fields=["action"], name="audit_action_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["actor"], name="audit_actor", condition=Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")
