"""Organisations, their sealed contact persons and support, networks and memberships, authorities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.civic import choices as c


def split_codes(value: str) -> list[str]:
    return [v for v in value.strip(",").split(",") if v]


def join_codes(values: list[str] | tuple[str, ...] | set[str]) -> str:
    """Codes stored as ",A,B," so that one portable ``contains`` filter finds a code on any database."""
    return "," + ",".join(sorted(set(values))) + "," if values else ""


class Organisation(models.Model):
    """A civil-society organisation (or other body) the mission knows, supports or works with."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=c.OrgKind.choices)
    iati_org_type = models.CharField(
        _("IATI type"), max_length=2, choices=c.IatiOrgType.choices, default="22"
    )
    legal_status = models.CharField(
        _("legal status"),
        max_length=30,
        choices=c.LegalStatus.choices,
        default=c.LegalStatus.INFORMAL,
    )
    registration_number = models.CharField(_("registration number"), max_length=80, blank=True)
    registering_body = models.CharField(_("registering body"), max_length=120, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    # Head-office area: the scope of the record. Areas of operation are informative.
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="civic_organisations",
        verbose_name=_("area"),
    )
    areas = models.ManyToManyField(
        "places.AdminUnit", blank=True, related_name="civic_organisations_operating"
    )
    themes = models.CharField(_("themes"), max_length=400, blank=True)
    membership_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    women_share = models.PositiveSmallIntegerField(_("women members (%)"), null=True, blank=True)
    youth_share = models.PositiveSmallIntegerField(_("youth members (%)"), null=True, blank=True)
    led_by_women = models.BooleanField(_("women-led"), default=False)
    led_by_youth = models.BooleanField(_("youth-led"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=c.OrgStatus.choices, default=c.OrgStatus.ACTIVE
    )
    engagement = models.CharField(
        _("engagement"),
        max_length=20,
        choices=c.Engagement.choices,
        default=c.Engagement.IDENTIFIED,
    )
    risk_notes = models.TextField(_("risk notes (confidential)"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def theme_list(self) -> list[str]:
        return split_codes(self.themes)

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(c.Theme.choices)
        return [str(labels.get(t, t)) for t in self.theme_list]

    @property
    def is_womens(self) -> bool:
        return self.led_by_women or self.kind == c.OrgKind.WOMEN_ASSOCIATION

    @property
    def is_youths(self) -> bool:
        return self.led_by_youth or self.kind == c.OrgKind.YOUTH_ASSOCIATION


class ContactPerson(models.Model):
    """A contact person of an organisation; name and phone sealed like a reporter's (DP-2)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name_sealed = models.TextField()
    phone_sealed = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=c.Sex.choices, default=c.Sex.UNKNOWN)
    consent = models.BooleanField(_("consent recorded"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"contact #{self.pk}"


class Support(models.Model):
    """Support the mission gave an organisation: money, training, equipment, advice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(_("kind"), max_length=20, choices=c.SupportKind.choices)
    given_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.given_on}"


class Network(models.Model):
    """A platform, network or observatory grouping organisations, with composition rules."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=c.NetworkKind.choices)
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="civic_networks",
        verbose_name=_("region"),
    )
    min_members = models.PositiveSmallIntegerField(_("minimum members"), default=0)
    min_women_share = models.PositiveSmallIntegerField(
        _("minimum share of women's organisations (%)"), default=0
    )
    min_youth_share = models.PositiveSmallIntegerField(
        _("minimum share of youth organisations (%)"), default=0
    )
    status = models.CharField(
        _("status"), max_length=20, choices=c.NetworkStatus.choices, default=c.NetworkStatus.FORMING
    )
    created_on = models.DateField(_("created on"), null=True, blank=True)
    members = models.ManyToManyField(Organisation, through="Membership", related_name="networks")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An organisation's membership of a network over a period (left_on empty = still a member)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation", "joined_on"], name="civic_membership_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.network_id}"


class TraditionalAuthority(models.Model):
    """A chief or local official the mission trains or works with; the name is sealed."""

    name_sealed = models.TextField()
    # Keyed hash of the normalised name (+ area): links the same chief across training lists.
    person_hash = models.CharField(max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=30, choices=c.AuthorityTitle.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=c.Sex.choices, default=c.Sex.UNKNOWN)
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="civic_authorities",
        verbose_name=_("area"),
    )
    recognised_by_state = models.BooleanField(_("recognised by the State"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["admin_unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_hash", "admin_unit"], name="civic_authority_once_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} #{self.pk}"

    @property
    def is_traditional(self) -> bool:
        return self.title in c.TRADITIONAL_TITLES
