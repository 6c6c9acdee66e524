"""Callback pages: the list of calls the CLA on duty must return, and one task's page where each
attempt's outcome is recorded. Thin: ``channels.callbacks`` decides, the access module scopes.

Reading follows ``alerts.view`` in area scope (a CA officer supervising the line sees the queue);
recording is for the roles that call back (``callbacks.may_act``). Phone numbers never appear
here: the reporter's page opens them through the audited reveal.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.alerts.taxonomy import THREAT_CHOICES
from sauti.alerts.workflow import AlertState, TransitionError
from sauti.channels import callbacks, conf
from sauti.channels.models import CallbackTask


class CallbackForm(forms.Form):
    """What happened when the CLA called back; threat type and place only count when reached."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=[(o.value, o.label) for o in callbacks.OUTCOMES],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=callbacks.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Kept in the audit log for the next person who calls: no names or phone numbers."
        ),
    )
    threat_type = forms.ChoiceField(
        label=gettext_lazy("Threat type, if reached"),
        required=False,
        choices=[("", "—"), *THREAT_CHOICES],
    )
    place = forms.CharField(label=gettext_lazy("Place, if reached"), required=False, max_length=200)


@login_required
def callback_list(request: HttpRequest) -> HttpResponse:
    """Open callbacks in the user's areas, most overdue first."""
    access.require(request.user, "alerts.view")
    page = Paginator(callbacks.callbacks_open(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "channels/callback_list.html",
        {
            "page": page,
            "now": timezone.now(),
            "can_act": callbacks.may_act(request.user),
            "can_view_reporters": access.has_perm(request.user, "reporters.view"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def callback_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """One task: its facts, the attempts so far, and the form to record the next one."""
    task = callbacks.callback_get(request.user, task_id)
    can_act = callbacks.may_act(request.user)
    form = CallbackForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        if not can_act:
            raise access.AccessDenied(_("your role does not call reporters back"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = callbacks.callback_record(
                    task.pk,
                    cast(User, request.user),  # login_required: never anonymous here
                    data["outcome"],
                    data["note"],
                    fields={"threat_type": data["threat_type"], "place": data["place"]},
                    request=request,
                )
            except (callbacks.CallbackClosed, TransitionError) as exc:
                status, error = 409, str(exc)
            except callbacks.CallbackError as exc:
                status, error = 400, str(exc)
            else:
                messages.success(request, _done_message(result))
                if result.alert_state == AlertState.RECORDED and result.closed:
                    # Reached: the next step is triage, on the alert's page.
                    return redirect("response:detail", alert_id=result.task.alert_id)
                return redirect("channels:callback_list")
            task = callbacks.callback_get(request.user, task_id)  # as it is now
        else:
            status = 400
    return render(
        request,
        "channels/callback_detail.html",
        _context(request, task, form, error, can_act),
        status=status,
    )


def _context(
    request: HttpRequest, task: CallbackTask, form: CallbackForm, error: str, can_act: bool
) -> dict[str, Any]:
    return {
        "task": task,
        "form": form,
        "error": error,
        "can_act": can_act and task.outcome == CallbackTask.Outcome.PENDING,
        "can_view_reporters": access.has_perm(request.user, "reporters.view"),
        "attempts": [
            {
                "at": event.at,
                "by": event.actor_username,
                "outcome": _outcome_label(event.details.get("outcome", "")),
                "note": event.details.get("note", ""),
            }
            for event in callbacks.callback_attempts(task)
        ],
        "max_attempts": conf.CALLBACK_MAX_ATTEMPTS,
        "now": timezone.now(),
    }


def _outcome_label(code: str) -> str:
    try:
        return str(CallbackTask.Outcome(code).label)
    except ValueError:
        return code


def _done_message(result: callbacks.AttemptResult) -> str:
    task = result.task
    reference = task.alert.reference
    if not result.closed:
        return _("Attempt %(n)s of %(max)s recorded. Call again in %(minutes)s minutes.") % {
            "n": task.attempts,
            "max": conf.CALLBACK_MAX_ATTEMPTS,
            "minutes": conf.CALLBACK_RETRY_MINUTES,
        }
    if result.alert_state == AlertState.RECORDED and task.outcome == CallbackTask.Outcome.REACHED:
        return _("Reporter reached: alert %(ref)s is recorded. Triage it next.") % {
            "ref": reference
        }
    if result.alert_state == AlertState.UNREACHABLE:
        return _("Callback closed: alert %(ref)s is marked unreachable.") % {"ref": reference}
    return _("Callback closed.")
