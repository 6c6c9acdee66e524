"""What the accounts app does: users, scopes, tokens, two-factor, sign-in throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import pyotp
from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sauti.accounts import audit
from sauti.accounts.models import ApiToken, AreaScope, AuditEvent, User
from sauti.accounts.roles import Role
from sauti.core.crypto import seal, unseal


def admin_units_by_pcodes(pcodes: list[str]) -> tuple[list[Any], list[str]]:
    """Admin units for P-codes, and the P-codes not found.

    Looked up through the app registry: the gazetteer app depends on accounts (for access and
    audit), so accounts must not import it."""
    admin_unit = apps.get_model("places", "AdminUnit")
    found = {u.pcode: u for u in admin_unit.objects.filter(pcode__in=pcodes)}
    return [found[p] for p in pcodes if p in found], [p for p in pcodes if p not in found]


TOKEN_PREFIX = "sauti_"  # noqa: S105 - a prefix, not a secret


class AccountError(ValueError):
    """A clear, user-facing reason why an account operation was refused."""


@transaction.atomic
def user_create(
    username: str,
    role: str,
    *,
    areas: list[str] | None = None,
    password: str | None = None,
    email: str = "",
    actor: User | None = None,
    check_password: bool = True,
) -> User:
    """Create a user with a role and area scopes (P-codes). Refuses unknown roles and P-codes."""
    username = username.strip()
    if not username or len(username) > 150:
        raise AccountError("username must be 1 to 150 characters")
    if role not in Role.values:
        raise AccountError(f"unknown role {role!r}; choose one of: {', '.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"user {username!r} already exists")
    units, missing = admin_units_by_pcodes(areas or [])
    if missing:
        raise AccountError(f"unknown P-code(s): {', '.join(missing)}")
    user = User(username=username, role=role, email=email)
    if password is not None:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise AccountError("; ".join(exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    for unit in units:
        AreaScope.objects.create(user=user, admin_unit=unit)
    audit.record(
        "user.create",
        actor=actor,
        obj=user,
        summary=f"user {username} created with role {role}",
        details={"role": role, "areas": [u.pcode for u in units]},
    )
    return user


@transaction.atomic
def user_set_areas(user: User, pcodes: list[str], *, actor: User | None = None) -> None:
    units, missing = admin_units_by_pcodes(pcodes)
    if missing:
        raise AccountError(f"unknown P-code(s): {', '.join(missing)}")
    before = sorted(user.scopes.values_list("admin_unit__pcode", flat=True))
    AreaScope.objects.filter(user=user).delete()
    for unit in units:
        AreaScope.objects.create(user=user, admin_unit=unit)
    audit.record(
        "user.change",
        actor=actor,
        obj=user,
        summary=f"areas of {user.username} changed",
        details={"field": "areas", "old": before, "new": sorted(u.pcode for u in units)},
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(user: User, *, name: str = "", actor: User | None = None) -> str:
    """Create an API token and return it; only its hash is kept, so it cannot be shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:12], key_hash=_token_hash(token))
    audit.record(
        "token.create", actor=actor, obj=user, summary=f"API token created for {user.username}"
    )
    return token


def token_authenticate(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


# Two-factor sign-in (TOTP, RFC 6238) ------------------------------------------------------------


def requires_two_factor(user: User) -> bool:
    return user.role in settings.SAUTI_2FA_REQUIRED_ROLES


def totp_begin(user: User) -> str:
    """Generate a new secret for enrolment (not active until confirmed); returns the secret."""
    secret = pyotp.random_base32()
    user.totp_secret_sealed = seal(secret)
    user.totp_enabled = False
    user.save(update_fields=["totp_secret_sealed", "totp_enabled"])
    return secret


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=f"Sauti {settings.SAUTI_MISSION_NAME}"
    )


def totp_verify(user: User, code: str) -> bool:
    """Check a 6-digit code (one step of clock drift allowed) and refuse a code already used."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6 or not user.totp_secret_sealed:
        return False
    totp = pyotp.TOTP(unseal(user.totp_secret_sealed))
    now = timezone.now().timestamp()
    for drift in (0, -1, 1):
        step = int(now // 30) + drift
        if step <= user.last_totp_step:
            continue
        if secrets.compare_digest(totp.at(step * 30), code):
            User.objects.filter(pk=user.pk).update(last_totp_step=step)
            user.last_totp_step = step
            return True
    return False


def totp_confirm(user: User, code: str, *, request: HttpRequest | None = None) -> bool:
    if not totp_verify(user, code):
        return False
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit.record(
        "auth.2fa_enabled",
        actor=user,
        obj=user,
        summary="two-factor sign-in enabled",
        request=request,
    )
    return True


# Sign-in throttling ---------------------------------------------------------------------------


def login_blocked(username: str, ip: str | None) -> bool:
    """Too many failed sign-ins for this username or from this address within the window?"""
    since = timezone.now() - timedelta(seconds=settings.SAUTI_LOGIN_WINDOW_SECONDS)
    failures = AuditEvent.objects.filter(action="auth.login_failed", at__gte=since)
    limit = settings.SAUTI_LOGIN_MAX_FAILURES
    if username and failures.filter(actor_username=username[:150]).count() >= limit:
        return True
    return bool(ip) and failures.filter(ip=ip).count() >= limit * 4


def unseal_totp(user: User) -> str:
    """The pending enrolment secret, to show it again after a mistyped confirmation code."""
    return unseal(user.totp_secret_sealed)
