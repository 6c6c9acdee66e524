"""Sign-in (password, then TOTP where enrolled), two-factor enrolment, sign-out, audit log."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sauti.accounts import access, audit, services
from sauti.accounts.forms import CodeForm, LoginForm
from sauti.accounts.models import AuditEvent, User

PENDING_KEY = "sauti_pending_2fa_user"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _finish_login(request: HttpRequest, user: User, method: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.cycle_key()
    if user.preferred_language:
        request.session["_language"] = user.preferred_language
    audit.record(
        "auth.login", actor=user, obj=user, summary=f"signed in ({method})", request=request
    )
    response = redirect(_next_url(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = audit.client_ip(request)
        if services.login_blocked(username, ip):
            audit.record(
                "auth.login_blocked",
                actor_username=username[:150],
                summary="sign-in refused: throttled",
                request=request,
            )
            form.add_error(None, _("Too many failed sign-ins. Wait 15 minutes and try again."))
            return render(request, "accounts/login.html", {"form": form}, status=429)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None or not isinstance(user, User):
            audit.record(
                "auth.login_failed",
                actor_username=username[:150],
                summary="wrong username or password",
                request=request,
            )
            form.add_error(None, _("Wrong username or password."))
            return render(request, "accounts/login.html", {"form": form}, status=401)
        if user.totp_enabled:
            request.session[PENDING_KEY] = user.pk
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('accounts:login_verify')}?{query}")
        return _finish_login(request, user, "password")
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = audit.client_ip(request)
        if services.login_blocked(user.username, ip):
            form.add_error(None, _("Too many failed sign-ins. Wait 15 minutes and try again."))
            return render(request, "accounts/verify.html", {"form": form}, status=429)
        if services.totp_verify(user, form.cleaned_data["code"]):
            del request.session[PENDING_KEY]
            return _finish_login(request, user, "password+totp")
        audit.record(
            "auth.login_failed",
            actor_username=user.username,
            summary="wrong two-factor code",
            request=request,
        )
        form.add_error("code", _("That code is not valid. Check your phone's clock and try again."))
        return render(request, "accounts/verify.html", {"form": form}, status=401)
    return render(request, "accounts/verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.totp_enabled:
        # Never re-enrol from a session alone: that would let whoever holds the session swap in
        # their own device. A lost phone is reset by an administrator.
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("web:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.totp_secret_sealed:
        if services.totp_confirm(user, form.cleaned_data["code"], request=request):
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("web:home")
        form.add_error(
            "code", _("That code is not valid. Scan the code again and enter the current code.")
        )
        secret = services.unseal_totp(user)
    else:
        secret = services.totp_begin(user)
    uri = services.totp_uri(user, secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": qr_svg,
            "required": services.requires_two_factor(user),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("auth.logout", actor=request.user, summary="signed out", request=request)
    logout(request)
    return redirect("accounts:login")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "audit.view")
    events = AuditEvent.objects.all()
    action = request.GET.get("action", "").strip()[:50]
    actor = request.GET.get("actor", "").strip()[:150]
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_username=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record(
        "audit.view",
        actor=request.user,
        summary="audit log viewed",
        request=request,
        details={"action": action, "actor": actor},
    )
    return render(
        request, "accounts/audit_log.html", {"page": page, "action": action, "actor": actor}
    )
