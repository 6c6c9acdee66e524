"""Break-glass identity reveal (DP-6, docs/intake.md "Break-glass reveal"): a JOC officer asks with
a reason, the data-protection focal point approves or refuses, the requester alone opens the
identity for 24 hours, the reporter's CLA is named in the audit log, and every step is audited
without the name or number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sauti.accounts.models import AuditEvent, User
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_create
from sauti.channels import break_glass
from sauti.channels.models import Network, Reporter, RevealGrant
from sauti.channels.services import reporter_enrol
from sauti.places.models import AdminUnit
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

NAME = "Synthétique Sentinelle"
PHONE = "+23675000091"
DIGITS = "75000091"
S = RevealGrant.Status


@pytest.fixture
def focal(network: Network) -> Reporter:
    return reporter_enrol(name=NAME, phones=[PHONE], network=network, languages=["fr"])


@pytest.fixture
def alert(focal: Reporter, units: dict[str, AdminUnit]) -> Alert:
    """An alert from the focal point, in Bria: what a JOC officer sees of the reporter."""
    made = alert_create("Hommes armés vers Ndah", units["CF521"])
    Alert.objects.filter(pk=made.pk).update(reporter=focal)
    made.refresh_from_db()
    return made


@pytest.fixture
def requester(units: dict[str, AdminUnit]) -> User:
    return make_user("joc.duty", "JOC_OFFICER", ["CF"], two_factor=True)


def browse(user: User, language: str = "en") -> Client:
    """A signed-in client reading the pages in ``language`` (the mission default is French)."""
    signed_in = client_for(user)
    signed_in.cookies["django_language"] = language
    return signed_in


def request_url(reporter: Reporter) -> str:
    return f"/channels/reporters/{reporter.pk}/break-glass/"


def grant_url(grant: RevealGrant) -> str:
    return f"/channels/reveal-requests/{grant.pk}/"


def decide_url(grant: RevealGrant) -> str:
    return f"/channels/reveal-requests/{grant.pk}/decide/"


def ask(user: User, reporter: Reporter, reason: str = "tasking a patrol to the source") -> object:
    return browse(user).post(request_url(reporter), {"reason": reason})


def audit_text() -> str:
    """Every audit row as text: what must never hold the name or the number."""
    return " ".join(
        f"{e.action} {e.summary} {e.details} {e.object_id}" for e in AuditEvent.objects.all()
    )


def actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="identity.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_request_approve_reveal_audited_with_grant(alert, focal, requester, dpo, cla_bria):
    joc = browse(requester)
    page = joc.get(request_url(focal))
    assert page.status_code == 200 and focal.pseudonym in page.content.decode()
    assert NAME not in page.content.decode()

    asked = ask(requester, focal)
    grant = RevealGrant.objects.get()
    assert asked.status_code == 302 and asked["Location"] == grant_url(grant)
    assert (grant.status, grant.requested_by, grant.expires_at) == (S.REQUESTED, requester, None)
    pending = joc.get(grant_url(grant)).content.decode()
    assert "Awaiting the data protection focal point" in pending and 'id="reveal"' not in pending
    assert joc.post(grant_url(grant)).status_code == 409  # not approved yet

    # The DPO's queue lists it, with the approve and refuse buttons.
    office = browse(dpo)
    queue = office.get("/channels/reveal-requests/").content.decode()
    assert f'data-pending="{grant.pk}"' in queue and "tasking a patrol" in queue
    decided = office.post(decide_url(grant), {"decision": "approve", "note": "one call only"})
    assert decided.status_code == 302
    grant.refresh_from_db()
    assert grant.status == S.APPROVED and grant.decided_by == dpo
    assert grant.expires_at == grant.decided_at + timedelta(hours=24)
    assert (
        f'data-pending="{grant.pk}"'
        not in office.get("/channels/reveal-requests/").content.decode()
    )

    # The requester opens the identity, once per click, each click audited with the grant id.
    ready = joc.get(grant_url(grant)).content.decode()
    assert 'id="reveal"' in ready and NAME not in ready
    shown = joc.post(grant_url(grant))
    body = shown.content.decode()
    assert shown.status_code == 200 and NAME in body and PHONE in body
    assert "no-store" in shown["Cache-Control"]
    assert NAME not in joc.get(grant_url(grant)).content.decode()  # not kept on the page
    joc.post(grant_url(grant))
    reveals = AuditEvent.objects.filter(action="identity.reveal").order_by("id")
    # Audited as the direct reveal is (same action, same service), with the grant.
    assert [e.details for e in reveals] == [
        {
            "reason": f"break-glass grant #{grant.pk}: tasking a patrol to the source",
            "grant": grant.pk,
        }
    ] * 2
    assert all(e.actor == requester and e.object_id == str(focal.pk) for e in reveals)
    grant.refresh_from_db()
    assert grant.reveal_count == 2 and grant.last_revealed_at is not None

    assert actions() == [
        "identity.break_glass_request",
        "identity.break_glass_notice",
        "identity.break_glass_approve",
        "identity.break_glass_notice",
        "identity.reveal",
        "identity.reveal",
    ]
    text = audit_text()
    assert NAME not in text and DIGITS not in text and "Sentinelle" not in text


def test_reporters_cla_is_notified_and_sees_the_grant(
    alert, focal, requester, dpo, cla_bria, cla_ndele
):
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    notice = AuditEvent.objects.get(action="identity.break_glass_notice")
    assert notice.details == {"grant": grant.pk, "step": "request", "notified": ["cla.bria"]}
    # On the reporter's page (the CLA line) and on the requests page of the CLA's areas.
    cla = browse(cla_bria)
    reporter_page = cla.get(f"/channels/reporters/{focal.pk}/").content.decode()
    assert 'id="break-glass-grants"' in reporter_page and "joc.duty" in reporter_page
    assert f'data-grant="{grant.pk}"' in cla.get("/channels/reveal-requests/").content.decode()
    assert cla.get(grant_url(grant)).status_code == 200
    assert cla.post(grant_url(grant)).status_code == 403  # reading is not using
    other = browse(cla_ndele)
    assert (
        f'data-grant="{grant.pk}"' not in other.get("/channels/reveal-requests/").content.decode()
    )
    assert other.get(grant_url(grant)).status_code == 404


def test_ca_officer_is_told_when_no_cla_covers_the_area(units, requester):
    ouaka = Reporter.objects.create(pseudonym="PUB-CF43-TEST1", area=units["CF431"])
    ca = make_user("ca.bambari", "CA_OFFICER", ["CF43"])
    made = alert_create("Tension au marché", units["CF431"])
    Alert.objects.filter(pk=made.pk).update(reporter=ouaka)
    grant = break_glass.reveal_request(requester, ouaka.pk, "urgent follow-up")
    notice = AuditEvent.objects.get(action="identity.break_glass_notice")
    assert notice.details["notified"] == [ca.username] and notice.object_id == str(grant.pk)


def test_dpo_refuses(alert, focal, requester, dpo):
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    response = browse(dpo).post(decide_url(grant), {"decision": "refuse", "note": "not needed"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.expires_at, grant.decision_note) == (S.REFUSED, None, "not needed")
    refused = browse(requester).post(grant_url(grant))
    assert refused.status_code == 409 and NAME not in refused.content.decode()
    assert "identity.break_glass_refuse" in actions() and "identity.reveal" not in actions()
    # A refusal notifies nobody: the identity stays closed.
    assert AuditEvent.objects.filter(action="identity.break_glass_notice").count() == 1


def test_requester_cannot_approve_own_request(alert, focal, requester):
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    assert browse(requester).post(decide_url(grant), {"decision": "approve"}).status_code == 403
    # Even after becoming the data-protection focal point.
    requester.role = "DPO_FOCAL"
    requester.save(update_fields=["role"])
    assert browse(requester).post(decide_url(grant), {"decision": "approve"}).status_code == 403
    with pytest.raises(break_glass.access.AccessDenied):
        break_glass.reveal_decide(requester, grant.pk, True)
    grant.refresh_from_db()
    assert grant.status == S.REQUESTED and grant.decided_by is None
    assert "identity.break_glass_approve" not in actions()


@pytest.mark.parametrize("persona", ["cla_bria", "analyst", "admin_user", "joc"])
def test_only_the_dpo_decides(alert, focal, requester, persona, request):
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    user = request.getfixturevalue(persona)
    before = AuditEvent.objects.count()
    response = browse(user).post(decide_url(grant), {"decision": "approve"})
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.status == S.REQUESTED and AuditEvent.objects.count() == before


def test_dpo_outside_the_reporters_area_gets_404(alert, focal, requester, units):
    dpo_ouaka = make_user("dpo.ouaka", "DPO_FOCAL", ["CF43"])
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    office = browse(dpo_ouaka)
    assert office.post(decide_url(grant), {"decision": "approve"}).status_code == 404
    assert (
        f'data-pending="{grant.pk}"'
        not in office.get("/channels/reveal-requests/").content.decode()
    )
    grant.refresh_from_db()
    assert grant.status == S.REQUESTED


def test_deciding_twice_is_a_clear_409(alert, focal, requester, dpo, units):
    other_dpo = make_user("dpo.two", "DPO_FOCAL", ["CF"])
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    assert browse(dpo).post(decide_url(grant), {"decision": "approve"}).status_code == 302
    grant.refresh_from_db()
    first = (grant.status, grant.decided_by_id, grant.decided_at, grant.expires_at)
    events = AuditEvent.objects.count()
    for user, decision in ((dpo, "approve"), (other_dpo, "refuse")):
        again = browse(user).post(decide_url(grant), {"decision": decision})
        assert again.status_code == 409 and "already decided" in again.content.decode()
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by_id, grant.decided_at, grant.expires_at) == first
    assert AuditEvent.objects.count() == events


def test_expiry_after_24_hours(alert, focal, requester, dpo):
    t0 = timezone.now()
    grant = break_glass.reveal_request(requester, focal.pk, "night patrol", now=t0)
    break_glass.reveal_decide(dpo, grant.pk, True, now=t0 + timedelta(minutes=5))
    late = t0 + timedelta(minutes=5, hours=23, seconds=59)
    assert break_glass.reveal_with_grant(requester, grant.pk, now=late)["name"] == NAME
    over = t0 + timedelta(minutes=5, hours=24)
    with pytest.raises(break_glass.GrantExpired):
        break_glass.reveal_with_grant(requester, grant.pk, now=over)
    grant.refresh_from_db()
    assert grant.status == S.EXPIRED and grant.reveal_count == 1
    with pytest.raises(break_glass.GrantExpired):
        break_glass.reveal_with_grant(requester, grant.pk, now=over + timedelta(hours=1))
    expired = AuditEvent.objects.get(action="identity.break_glass_expire")  # once
    assert expired.details["grant"] == grant.pk and expired.details["reveals"] == 1
    assert AuditEvent.objects.filter(action="identity.reveal").count() == 1
    # A new request is possible once the old one is over.
    assert break_glass.reveal_request(requester, focal.pk, "again", now=over).status == S.REQUESTED


def test_expired_grant_refused_on_the_page(alert, focal, requester, dpo):
    grant = break_glass.reveal_request(requester, focal.pk, "night patrol")
    break_glass.reveal_decide(dpo, grant.pk, True)
    RevealGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    joc = browse(requester)
    page = joc.get(grant_url(grant)).content.decode()  # the page sweeps expired grants
    assert 'data-status="EXPIRED"' in page and 'id="reveal"' not in page
    refused = joc.post(grant_url(grant))
    assert refused.status_code == 410 and "expired" in refused.content.decode()
    assert NAME not in refused.content.decode()
    assert AuditEvent.objects.filter(action="identity.break_glass_expire").count() == 1
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()


def test_sweep_expires_due_grants_only(alert, focal, requester, dpo, units):
    t0 = timezone.now()
    hr = make_user("hr.bria", "HR_OFFICER", ["CF52"], two_factor=True)
    old = break_glass.reveal_request(requester, focal.pk, "first", now=t0)
    break_glass.reveal_decide(dpo, old.pk, True, now=t0)
    fresh = break_glass.reveal_request(hr, focal.pk, "second", now=t0)
    break_glass.reveal_decide(dpo, fresh.pk, True, now=t0 + timedelta(hours=12))
    assert break_glass.reveal_expire_due(now=t0 + timedelta(hours=25)) == 1
    assert break_glass.reveal_expire_due(now=t0 + timedelta(hours=25)) == 0
    statuses = dict(RevealGrant.objects.values_list("pk", "status"))
    assert statuses == {old.pk: S.EXPIRED, fresh.pk: S.APPROVED}


def test_another_user_cannot_use_the_grant(alert, focal, requester, dpo, units):
    other = make_user("joc.other", "JOC_OFFICER", ["CF"], two_factor=True)
    grant = break_glass.reveal_request(requester, focal.pk, "patrol")
    break_glass.reveal_decide(dpo, grant.pk, True)
    assert browse(other).get(grant_url(grant)).status_code == 404
    assert browse(other).post(grant_url(grant)).status_code == 404
    # The DPO reads the grant but it is not theirs to use.
    used = browse(dpo).post(grant_url(grant))
    assert used.status_code == 403 and NAME not in used.content.decode()
    with pytest.raises(break_glass.access.AccessDenied):
        break_glass.reveal_with_grant(dpo, grant.pk)
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()


def test_reveal_needs_two_factor(alert, focal, dpo, joc):
    grant = break_glass.reveal_request(joc, focal.pk, "patrol")
    break_glass.reveal_decide(dpo, grant.pk, True)
    page = browse(joc).get(grant_url(grant)).content.decode()
    assert "/accounts/two-factor/" in page and 'id="reveal"' not in page
    refused = browse(joc).post(grant_url(grant))
    assert refused.status_code == 403 and NAME not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()


@pytest.mark.parametrize(
    "reason", ["", "   ", "x" * 1001, "abc\x00def", "line\x1bescape"], ids=repr
)
def test_bad_reasons_are_400_and_create_nothing(alert, focal, requester, reason):
    response = ask(requester, focal, reason)
    assert response.status_code == 400 and '<p class="error"' in response.content.decode()
    assert not RevealGrant.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="identity.").exists()


def test_html_in_a_reason_is_shown_as_text(alert, focal, requester, dpo):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert ask(requester, focal, hostile).status_code == 302
    queue = browse(dpo).get("/channels/reveal-requests/").content.decode()
    assert "<script>alert" not in queue and "<img src=x" not in queue
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in queue
    grant = RevealGrant.objects.get()
    assert "<script>alert" not in browse(requester).get(grant_url(grant)).content.decode()


def test_bad_decisions_are_400_and_change_nothing(alert, focal, requester, dpo):
    ask(requester, focal)
    grant = RevealGrant.objects.get()
    office = browse(dpo)
    assert office.post(decide_url(grant), {"decision": "maybe"}).status_code == 400
    assert (
        office.post(decide_url(grant), {"decision": "approve", "note": "n" * 501}).status_code
        == 400
    )
    assert office.get(decide_url(grant)).status_code == 405
    grant.refresh_from_db()
    assert grant.status == S.REQUESTED
    assert "identity.break_glass_approve" not in actions()


def test_a_second_open_request_is_409(alert, focal, requester):
    ask(requester, focal)
    again = ask(requester, focal, "once more")
    assert again.status_code == 409 and RevealGrant.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "area"),
    [("POC_OFFICER", "CF43"), ("HR_OFFICER", "CF51"), ("JOC_OFFICER", "CF43"), ("CLA", "CF51")],
)
def test_users_out_of_the_reporters_area_get_404(alert, focal, units, role, area):
    user = make_user(f"{role.lower()}.away", role, [area], two_factor=True)
    client = browse(user)
    assert client.get(request_url(focal)).status_code == 404
    assert client.post(request_url(focal), {"reason": "curious"}).status_code == 404
    find = client.get("/channels/reveal-requests/", {"find": focal.pseudonym})
    assert find.status_code == 404
    assert client.get("/channels/reveal-requests/", {"find": alert.reference}).status_code == 404
    assert not RevealGrant.objects.exists()


@pytest.mark.parametrize("persona", ["analyst", "admin_user"])
def test_roles_that_may_not_ask_get_403(alert, focal, persona, request):
    client = browse(request.getfixturevalue(persona))
    assert client.post(request_url(focal), {"reason": "curious"}).status_code == 403
    assert client.get("/channels/reveal-requests/").status_code == 403
    assert not RevealGrant.objects.exists()


def test_joc_finds_the_reporter_by_alert_reference_or_pseudonym(alert, focal, requester):
    joc = browse(requester)
    for text in (alert.reference, focal.pseudonym.lower()):
        found = joc.get("/channels/reveal-requests/", {"find": text})
        assert found.status_code == 302 and found["Location"] == request_url(focal)
    assert joc.get("/channels/reveal-requests/", {"find": "MINUSCA-XX"}).status_code == 404


def test_poc_in_scope_asks_from_the_reporter_page(focal, units):
    poc = make_user("poc.bria", "POC_OFFICER", ["CF52"])
    client = browse(poc)
    page = client.get(f"/channels/reporters/{focal.pk}/").content.decode()
    assert f'action="{request_url(focal)}"' in page and "Reveal identity" not in page
    assert client.post(request_url(focal), {"reason": "threat assessment"}).status_code == 302
    assert RevealGrant.objects.get().requested_by == poc


def test_the_cla_line_keeps_the_direct_reveal(alert, focal, cla_bria, dpo):
    cla = browse(cla_bria)
    shown = cla.post(f"/channels/reporters/{focal.pk}/", {"reason": "callback"})
    assert shown.status_code == 200 and NAME in shown.content.decode()
    assert AuditEvent.objects.get(action="identity.reveal").details == {"reason": "callback"}
    # A break-glass request would only add a needless approval.
    refused = cla.post(request_url(focal), {"reason": "callback"})
    assert refused.status_code == 400 and "no approval is needed" in refused.content.decode()
    assert (
        NAME
        in browse(dpo)
        .post(f"/channels/reporters/{focal.pk}/", {"reason": "DP review"})
        .content.decode()
    )
    assert not RevealGrant.objects.exists()


def test_cla_outside_their_area_may_ask(focal, units, dpo):
    """A CLA of Ouaka sees an alert placed in Ouaka from a Bria reporter: outside their line."""
    cla_ouaka = make_user("cla.bambari", "CLA", ["CF43"])
    made = alert_create("Mouvement vers Bambari", units["CF431"])
    Alert.objects.filter(pk=made.pk).update(reporter=focal)
    assert ask(cla_ouaka, focal).status_code == 302
    grant = RevealGrant.objects.get()
    break_glass.reveal_decide(dpo, grant.pk, True)
    assert break_glass.reveal_with_grant(cla_ouaka, grant.pk)["phones"] == [PHONE]


def test_navigation_entry(requester, dpo, analyst, admin_user):
    for user in (requester, dpo):
        assert 'href="/channels/reveal-requests/"' in browse(user).get("/").content.decode()
    for user in (analyst, admin_user):
        assert 'href="/channels/reveal-requests/"' not in browse(user).get("/").content.decode()


def test_queue_query_count_does_not_grow(alert, focal, dpo, units, django_assert_max_num_queries):
    for n in range(6):
        user = make_user(f"joc.{n}", "JOC_OFFICER", ["CF"])
        break_glass.reveal_request(user, focal.pk, f"reason {n}")
    client = browse(dpo)
    client.get("/channels/reveal-requests/")
    with django_assert_max_num_queries(8):
        assert client.get("/channels/reveal-requests/").status_code == 200


def test_pages_in_french(alert, focal, requester, dpo):
    grant = break_glass.reveal_request(requester, focal.pk, "patrouille")
    queue = browse(dpo, "fr").get("/channels/reveal-requests/").content.decode()
    assert "En attente de votre décision" in queue and "Approuver pour 24 heures" in queue
    break_glass.reveal_decide(dpo, grant.pk, True)
    page = browse(requester, "fr").get(grant_url(grant)).content.decode()
    assert "Approuvée" in page and "Révéler" in page and "Demandes d&#x27;identité" in page


def test_the_expiry_is_recorded_on_time_by_the_worker(alert, focal, requester, dpo):
    """Nobody opens a page or tries a reveal: the job queued with the approval records the
    expiry, and its audit event, once, at the grant's time."""
    from unittest import mock

    from sauti.core.jobs import run_pending
    from sauti.core.models import Job

    grant = break_glass.reveal_request(requester, focal.pk, "night patrol")
    grant = break_glass.reveal_decide(dpo, grant.pk, True)
    job = Job.objects.get(name=break_glass.EXPIRE_JOB)
    assert job.run_after == grant.expires_at and job.payload == {"grant": grant.pk}
    with mock.patch(
        "django.utils.timezone.now", return_value=grant.expires_at - timedelta(minutes=1)
    ):
        run_pending()
    assert RevealGrant.objects.get(pk=grant.pk).status == S.APPROVED
    with mock.patch(
        "django.utils.timezone.now", return_value=grant.expires_at + timedelta(seconds=1)
    ):
        run_pending()
        run_pending()
    assert RevealGrant.objects.get(pk=grant.pk).status == S.EXPIRED
    assert AuditEvent.objects.filter(action="identity.break_glass_expire").count() == 1


def test_a_refusal_schedules_nothing(alert, focal, requester, dpo):
    from sauti.core.models import Job

    grant = break_glass.reveal_request(requester, focal.pk, "night patrol")
    break_glass.reveal_decide(dpo, grant.pk, False)
    assert not Job.objects.filter(name=break_glass.EXPIRE_JOB).exists()


def test_the_cla_line_is_emailed_at_the_request_and_the_approval(
    alert, focal, requester, dpo, cla_bria, cla_ndele
):
    from django.core import mail

    from sauti.core.jobs import run_pending
    from sauti.core.models import Job

    for user, address in ((cla_bria, "cla.bria@mission.example"), (cla_ndele, "n@x.example")):
        user.email = address
        user.save(update_fields=["email"])
    ask(requester, focal, "tasking a patrol to the source")
    grant = RevealGrant.objects.get()
    break_glass.reveal_decide(dpo, grant.pk, True)
    run_pending()
    assert [m.to for m in mail.outbox] == [["cla.bria@mission.example"]] * 2  # not Ndélé's CLA
    request_mail, approval_mail = mail.outbox
    assert "requested" in request_mail.subject and "approved" in approval_mail.subject
    for message in mail.outbox:
        text = message.subject + message.body
        assert focal.pseudonym in text and requester.username in text
        assert NAME not in text and DIGITS not in text and "patrol" not in text  # no reason
    assert Job.objects.filter(name=break_glass.NOTICE_JOB).count() == 2
    run_pending()
    assert len(mail.outbox) == 2  # sent once


def test_no_email_without_an_address_or_for_a_cla_gone_since(alert, focal, requester, cla_bria):
    from django.core import mail

    from sauti.core.jobs import run_pending
    from sauti.core.models import Job

    ask(requester, focal)
    assert not Job.objects.filter(name=break_glass.NOTICE_JOB).exists()  # no address
    grant = RevealGrant.objects.get()
    cla_bria.email = "cla.bria@mission.example"
    cla_bria.save(update_fields=["email"])
    assert break_glass.break_glass_email(grant.pk, cla_bria.pk, "request") is True
    cla_bria.is_active = False
    cla_bria.save(update_fields=["is_active"])
    assert break_glass.break_glass_email(grant.pk, cla_bria.pk, "request") is False
    run_pending()
    assert len(mail.outbox) == 1
