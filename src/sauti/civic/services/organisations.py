"""Writes of organisations, their contacts and support, networks, memberships and authorities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import User
from sauti.civic import choices as c
from sauti.civic.models import (
    ContactPerson,
    Membership,
    Network,
    Organisation,
    Support,
    TraditionalAuthority,
)
from sauti.civic.models.organisations import join_codes
from sauti.civic.services.common import CivicError, person_hash
from sauti.core.crypto import lookup_hash, seal, unseal
from sauti.places.models import AdminUnit


def _check_choice(value: str, choices: type, what: str) -> None:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise CivicError(_("%(value)r is not a valid %(what)s.") % {"value": value, "what": what})


@transaction.atomic
def organisation_create(
    *,
    ref: str,
    name: str,
    kind: str,
    admin_unit: AdminUnit,
    actor: User | None = None,
    areas: list[AdminUnit] | None = None,
    themes: list[str] | None = None,
    **fields: Any,
) -> Organisation:
    if not name.strip():
        raise CivicError(_("An organisation needs a name."))
    _check_choice(kind, c.OrgKind, _("organisation kind"))
    for theme in themes or []:
        _check_choice(theme, c.Theme, _("theme"))
    if Organisation.objects.filter(ref=ref).exists():
        raise CivicError(_("An organisation with reference %(ref)s already exists.") % {"ref": ref})
    org = Organisation.objects.create(
        ref=ref,
        name=name.strip(),
        kind=kind,
        admin_unit=admin_unit,
        themes=join_codes(themes or []),
        created_by=actor,
        **fields,
    )
    if areas:
        org.areas.set(areas)
    audit.record("object.create", actor=actor, obj=org, summary=f"organisation {org.ref} created")
    return org


def organisation_set_engagement(
    org: Organisation, target: str, *, actor: User | None = None
) -> Organisation:
    c.check_transition(c.ENGAGEMENT_TRANSITIONS, org.engagement, target, _("Engagement"))
    previous, org.engagement = org.engagement, target
    org.save(update_fields=["engagement"])
    audit.record(
        "state.change",
        actor=actor,
        obj=org,
        summary=f"organisation {org.ref} {previous} -> {target}",
    )
    return org


@transaction.atomic
def contact_add(
    org: Organisation,
    *,
    name: str,
    phone: str = "",
    position: str = "",
    sex: str = "UNKNOWN",
    consent: bool = False,
    actor: User | None = None,
) -> ContactPerson:
    """Add a contact person; name and phone are sealed at once and never written in clear."""
    if not name.strip():
        raise CivicError(_("A contact person needs a name."))
    _check_choice(sex, c.Sex, _("sex"))
    phone = phone.strip().replace(" ", "")
    contact = ContactPerson.objects.create(
        organisation=org,
        name_sealed=seal(name.strip()),
        phone_sealed=seal(phone) if phone else "",
        phone_hash=lookup_hash(phone) if phone else "",
        position=position,
        sex=sex,
        consent=consent,
    )
    audit.record(
        "object.create",
        actor=actor,
        obj=contact,
        summary=f"contact added to organisation {org.ref}",
    )
    return contact


def contact_reveal(contact: ContactPerson, *, actor: User, request: Any = None) -> dict[str, str]:
    """Open a contact's sealed fields for a user holding identity.view; every reveal is audited."""
    access.require(actor, "identity.view")
    audit.record(
        "identity.reveal",
        actor=actor,
        obj=contact,
        request=request,
        summary=f"contact of organisation {contact.organisation.ref} revealed",
        details={"fields": ["name", "phone"]},
    )
    return {
        "name": unseal(contact.name_sealed),
        "phone": unseal(contact.phone_sealed) if contact.phone_sealed else "",
    }


def support_record(
    org: Organisation,
    *,
    kind: str,
    given_on: dt.date,
    amount: Decimal | None = None,
    currency: str = "USD",
    description: str = "",
    actor: User | None = None,
) -> Support:
    _check_choice(kind, c.SupportKind, _("kind of support"))
    support = Support.objects.create(
        organisation=org,
        kind=kind,
        given_on=given_on,
        amount=amount,
        currency=currency,
        description=description,
    )
    audit.record(
        "object.create", actor=actor, obj=support, summary=f"support {kind} recorded for {org.ref}"
    )
    return support


@transaction.atomic
def network_create(
    *,
    ref: str,
    name: str,
    kind: str,
    admin_unit: AdminUnit,
    actor: User | None = None,
    **fields: Any,
) -> Network:
    _check_choice(kind, c.NetworkKind, _("network kind"))
    if Network.objects.filter(ref=ref).exists():
        raise CivicError(_("A network with reference %(ref)s already exists.") % {"ref": ref})
    for share in ("min_women_share", "min_youth_share"):
        if not 0 <= int(fields.get(share, 0) or 0) <= 100:
            raise CivicError(_("A share is a percentage between 0 and 100."))
    network = Network.objects.create(ref=ref, name=name, kind=kind, admin_unit=admin_unit, **fields)
    audit.record(
        "object.create", actor=actor, obj=network, summary=f"network {network.ref} created"
    )
    return network


def membership_add(
    network: Network, org: Organisation, *, joined_on: dt.date, actor: User | None = None
) -> Membership:
    if network.memberships.filter(organisation=org, left_on__isnull=True).exists():
        raise CivicError(
            _("%(org)s is already a member of %(net)s.") % {"org": org, "net": network}
        )
    membership = Membership.objects.create(network=network, organisation=org, joined_on=joined_on)
    audit.record(
        "object.create", actor=actor, obj=membership, summary=f"{org.ref} joined {network.ref}"
    )
    return membership


def membership_end(
    membership: Membership, *, left_on: dt.date, actor: User | None = None
) -> Membership:
    if membership.left_on is not None:
        raise CivicError(_("This membership has already ended."))
    if left_on < membership.joined_on:
        raise CivicError(_("An organisation cannot leave before it joined."))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    audit.record(
        "object.change",
        actor=actor,
        obj=membership,
        summary=f"{membership.organisation.ref} left {membership.network.ref}",
    )
    return membership


@dataclass
class Composition:
    """Who is in a network on a date, against its rules (minimum members, women's and youth shares)."""

    members: int
    womens: int
    youths: int
    min_members: int
    min_women_share: int
    min_youth_share: int
    problems: list[str] = field(default_factory=list)

    @property
    def women_share(self) -> float:
        return round(100 * self.womens / self.members, 1) if self.members else 0.0

    @property
    def youth_share(self) -> float:
        return round(100 * self.youths / self.members, 1) if self.members else 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def network_composition(network: Network, on: dt.date | None = None) -> Composition:
    """Composition check of §3.6: e.g. an observatory needs at least 21 member organisations."""
    on = on or timezone.localdate()
    members = [
        m.organisation
        for m in network.memberships.select_related("organisation").filter(joined_on__lte=on)
        if m.left_on is None or m.left_on > on
    ]
    comp = Composition(
        members=len(members),
        womens=sum(1 for o in members if o.is_womens),
        youths=sum(1 for o in members if o.is_youths),
        min_members=network.min_members,
        min_women_share=network.min_women_share,
        min_youth_share=network.min_youth_share,
    )
    if comp.members < network.min_members:
        comp.problems.append(
            _("%(n)s members, at least %(min)s needed.")
            % {"n": comp.members, "min": network.min_members}
        )
    if network.min_women_share and comp.women_share < network.min_women_share:
        comp.problems.append(
            _("%(s)s%% women's organisations, at least %(min)s%% needed.")
            % {"s": comp.women_share, "min": network.min_women_share}
        )
    if network.min_youth_share and comp.youth_share < network.min_youth_share:
        comp.problems.append(
            _("%(s)s%% youth organisations, at least %(min)s%% needed.")
            % {"s": comp.youth_share, "min": network.min_youth_share}
        )
    return comp


def network_set_status(network: Network, target: str, *, actor: User | None = None) -> Network:
    c.check_transition(c.NETWORK_TRANSITIONS, network.status, target, _("Network"))
    if target == c.NetworkStatus.ACTIVE and network.status == c.NetworkStatus.FORMING:
        comp = network_composition(network)
        if not comp.ok:
            raise c.TransitionError(" ".join(comp.problems))
    previous, network.status = network.status, target
    network.save(update_fields=["status"])
    audit.record(
        "state.change",
        actor=actor,
        obj=network,
        summary=f"network {network.ref} {previous} -> {target}",
    )
    return network


def authority_upsert(
    *,
    name: str,
    title: str,
    sex: str,
    admin_unit: AdminUnit,
    recognised_by_state: bool = False,
    actor: User | None = None,
) -> TraditionalAuthority:
    """The chief or official with this name in this area, created if new (matched by keyed hash)."""
    _check_choice(title, c.AuthorityTitle, _("title"))
    _check_choice(sex, c.Sex, _("sex"))
    key = person_hash(name)
    authority = TraditionalAuthority.objects.filter(person_hash=key, admin_unit=admin_unit).first()
    if authority is None:
        authority = TraditionalAuthority.objects.create(
            name_sealed=seal(name.strip()),
            person_hash=key,
            title=title,
            sex=sex,
            admin_unit=admin_unit,
            recognised_by_state=recognised_by_state,
        )
        audit.record(
            "object.create", actor=actor, obj=authority, summary=f"authority {title} recorded"
        )
    return authority


def authorities_upsert_many(
    people: list[dict[str, Any]], *, admin_unit: AdminUnit, actor: User | None = None
) -> list[TraditionalAuthority]:
    """``authority_upsert`` for a whole list in a few queries (imports of long training lists);
    each person: name, title, sex, recognised_by_state. One audit event for all new records."""
    keys = [person_hash(p["name"]) for p in people]
    for p in people:
        _check_choice(p["title"], c.AuthorityTitle, _("title"))
        _check_choice(p["sex"], c.Sex, _("sex"))
    found = {
        a.person_hash: a
        for a in TraditionalAuthority.objects.filter(person_hash__in=keys, admin_unit=admin_unit)
    }
    new: dict[str, TraditionalAuthority] = {}
    for key, p in zip(keys, people, strict=True):
        if key not in found and key not in new:
            new[key] = TraditionalAuthority(
                name_sealed=seal(p["name"].strip()),
                person_hash=key,
                title=p["title"],
                sex=p["sex"],
                admin_unit=admin_unit,
                recognised_by_state=bool(p.get("recognised_by_state")),
            )
    if new:
        TraditionalAuthority.objects.bulk_create(new.values())
        found.update(
            {
                a.person_hash: a
                for a in TraditionalAuthority.objects.filter(
                    person_hash__in=list(new), admin_unit=admin_unit
                )
            }
        )
        audit.record(
            "object.create",
            actor=actor,
            object_type="civic.traditionalauthority",
            summary=f"{len(new)} authorities recorded in {admin_unit.pcode}",
            details={"count": len(new)},
        )
    return [found[k] for k in keys]
