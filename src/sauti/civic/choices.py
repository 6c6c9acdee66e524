"""Taxonomies of civic work (domain.md §7.11–7.14, §10) and the state machines of §4.7, §4.9, §4.10.

Every status field has one ALLOWED_TRANSITIONS table here; services refuse anything else with
``TransitionError`` so pages and the API can say clearly why nothing changed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionError(ValueError):
    """A state change that the workflow does not allow (shown as a message / HTTP 409)."""


def check_transition(table: dict[str, set[str]], current: str, target: str, what: str) -> None:
    if target not in table.get(current, set()):
        raise TransitionError(
            _("%(what)s cannot go from %(current)s to %(target)s.")
            % {"what": what, "current": current, "target": target}
        )


class Sex(models.TextChoices):
    F = "F", _("Female")
    M = "M", _("Male")
    UNKNOWN = "UNKNOWN", _("Unknown / not disclosed")


class AgeBand(models.TextChoices):
    """Six bands of domain.md §10 so children, youth 18–29 (UNSCR 2250) and older persons derive."""

    A0_4 = "0_4", "0–4"
    A5_11 = "5_11", "5–11"
    A12_17 = "12_17", "12–17"
    A18_29 = "18_29", "18–29"
    A30_59 = "30_59", "30–59"
    A60_PLUS = "60_PLUS", "60+"
    UNKNOWN = "UNKNOWN", _("Unknown")


YOUTH_BANDS = {AgeBand.A18_29.value}


def age_band_for(age: int) -> str:
    for limit, band in ((4, "0_4"), (11, "5_11"), (17, "12_17"), (29, "18_29"), (59, "30_59")):
        if age <= limit:
            return band
    return "60_PLUS"


class Disability(models.TextChoices):
    YES = "YES", _("With disability")
    NO = "NO", _("Without disability")
    UNKNOWN = "UNKNOWN", _("Not asked / unknown")


class WGAnswer(models.TextChoices):
    """Washington Group Short Set answer; a lot / cannot do at all count as disability (WG cut-off)."""

    NO_DIFFICULTY = "NO_DIFFICULTY", _("No difficulty")
    SOME = "SOME", _("Some difficulty")
    A_LOT = "A_LOT", _("A lot of difficulty")
    CANNOT = "CANNOT", _("Cannot do at all")


WG_DOMAINS = ["seeing", "hearing", "walking", "cognition", "selfcare", "communication"]


class ParticipantRole(models.TextChoices):
    CHIEF = "CHIEF", _("Chief / traditional leader")
    WOMEN_LEADER = "WOMEN_LEADER", _("Women leader")
    YOUTH = "YOUTH", _("Youth leader")
    RELIGIOUS = "RELIGIOUS", _("Religious leader")
    CSO = "CSO", _("Civil society")
    AUTHORITY = "AUTHORITY", _("Local authority")
    SECURITY_FORCES = "SECURITY_FORCES", _("Security forces")
    EX_COMBATANT = "EX_COMBATANT", _("Ex-combatant")
    IDP = "IDP", _("Internally displaced person")
    HOST = "HOST", _("Host community")
    OTHER = "OTHER", _("Other")


class OrgKind(models.TextChoices):
    ASSOCIATION = "ASSOCIATION", _("Association")
    NGO_NATIONAL = "NGO_NATIONAL", _("National NGO")
    NGO_INTERNATIONAL = "NGO_INTERNATIONAL", _("International NGO")
    COMMUNITY_BASED_ORG = "COMMUNITY_BASED_ORG", _("Community-based organisation")
    WOMEN_ASSOCIATION = "WOMEN_ASSOCIATION", _("Women's association")
    YOUTH_ASSOCIATION = "YOUTH_ASSOCIATION", _("Youth association")
    RELIGIOUS_ORG = "RELIGIOUS_ORG", _("Religious organisation")
    TRADITIONAL_AUTHORITY_BODY = "TRADITIONAL_AUTHORITY_BODY", _("Traditional authority body")
    MEDIA_COMMUNITY_RADIO = "MEDIA_COMMUNITY_RADIO", _("Community radio / media")
    TRADE_UNION = "TRADE_UNION", _("Trade union")
    PROFESSIONAL_ASSOCIATION = "PROFESSIONAL_ASSOCIATION", _("Professional association")
    COOPERATIVE = "COOPERATIVE", _("Cooperative")
    VICTIMS_ASSOCIATION = "VICTIMS_ASSOCIATION", _("Victims' association")
    DISABILITY_ORG = "DISABILITY_ORG", _("Organisation of persons with disabilities")
    PEACE_COMMITTEE = "PEACE_COMMITTEE", _("Peace committee")
    NETWORK_PLATFORM = "NETWORK_PLATFORM", _("Network / platform")


class IatiOrgType(models.TextChoices):
    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local government")
    OTHER_PUBLIC = "15", _("Other public sector")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    PARTNER_COUNTRY_NGO = "24", _("Partner-country-based NGO")
    PPP = "30", _("Public-private partnership")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE = "70", _("Private sector")
    ACADEMIC = "80", _("Academic, training and research")
    OTHER = "90", _("Other")


class Theme(models.TextChoices):
    PEACE_RECONCILIATION = "PEACE_RECONCILIATION", _("Peace and reconciliation")
    HUMAN_RIGHTS = "HUMAN_RIGHTS", _("Human rights")
    WOMEN = "WOMEN", _("Women")
    YOUTH = "YOUTH", _("Youth")
    LAND_CONFLICT = "LAND_CONFLICT", _("Land conflict")
    TRANSHUMANCE = "TRANSHUMANCE", _("Transhumance")
    MEDIA = "MEDIA", _("Media")
    GOVERNANCE = "GOVERNANCE", _("Governance")
    ELECTIONS = "ELECTIONS", _("Elections")
    DDR_REINTEGRATION = "DDR_REINTEGRATION", _("DDR and reintegration")
    PROTECTION = "PROTECTION", _("Protection")
    RELIGIOUS_DIALOGUE = "RELIGIOUS_DIALOGUE", _("Inter-religious dialogue")
    HEALTH = "HEALTH", _("Health")
    EDUCATION = "EDUCATION", _("Education")


class LegalStatus(models.TextChoices):
    REGISTERED = "REGISTERED", _("Registered")
    RECOGNISED_LOCALLY = "RECOGNISED_LOCALLY", _("Recognised locally")
    INFORMAL = "INFORMAL", _("Informal")


class OrgStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    DORMANT = "DORMANT", _("Dormant")
    DISSOLVED = "DISSOLVED", _("Dissolved")


class Engagement(models.TextChoices):
    """How far the mission's engagement with the organisation has gone (§4.7)."""

    IDENTIFIED = "IDENTIFIED", _("Identified")
    PROFILED = "PROFILED", _("Profiled")
    ASSESSED = "ASSESSED", _("Assessed")
    ENGAGED = "ENGAGED", _("Engaged")
    PARTNER = "PARTNER", _("Partner")
    INACTIVE = "INACTIVE", _("Inactive")


ENGAGEMENT_TRANSITIONS: dict[str, set[str]] = {
    "IDENTIFIED": {"PROFILED", "INACTIVE"},
    "PROFILED": {"ASSESSED", "ENGAGED", "INACTIVE"},
    "ASSESSED": {"ENGAGED", "PARTNER", "INACTIVE"},
    "ENGAGED": {"PARTNER", "INACTIVE"},
    "PARTNER": {"ENGAGED", "INACTIVE"},
    "INACTIVE": {"ENGAGED", "PROFILED"},
}


class SupportKind(models.TextChoices):
    FUNDING = "FUNDING", _("Funding")
    QIP = "QIP", _("Quick-impact project")
    TRAINING = "TRAINING", _("Training")
    EQUIPMENT = "EQUIPMENT", _("Equipment")
    TECHNICAL = "TECHNICAL", _("Technical advice")
    LOGISTICS = "LOGISTICS", _("Logistics")


class NetworkKind(models.TextChoices):
    CSO_NETWORK = "CSO_NETWORK", _("CSO network")
    OBSERVATORY = "OBSERVATORY", _("Observatory")
    PEACE_COMMITTEE = "PEACE_COMMITTEE", _("Peace committee")
    WOMEN_PLATFORM = "WOMEN_PLATFORM", _("Women's platform")
    YOUTH_COUNCIL = "YOUTH_COUNCIL", _("Youth council")
    RELIGIOUS_PLATFORM = "RELIGIOUS_PLATFORM", _("Religious platform")


class NetworkStatus(models.TextChoices):
    FORMING = "FORMING", _("Forming")
    ACTIVE = "ACTIVE", _("Active")
    REPORTING = "REPORTING", _("Reporting")
    INACTIVE = "INACTIVE", _("Inactive")


NETWORK_TRANSITIONS: dict[str, set[str]] = {
    "FORMING": {"ACTIVE", "INACTIVE"},
    "ACTIVE": {"REPORTING", "INACTIVE"},
    "REPORTING": {"ACTIVE", "INACTIVE"},
    "INACTIVE": {"FORMING", "ACTIVE"},
}


class AuthorityTitle(models.TextChoices):
    CHEF_DE_VILLAGE = "CHEF_DE_VILLAGE", _("Village chief")
    CHEF_DE_GROUPE = "CHEF_DE_GROUPE", _("Group chief")
    CHEF_DE_QUARTIER = "CHEF_DE_QUARTIER", _("Neighbourhood chief")
    SULTAN = "SULTAN", _("Sultan")
    MWAMI = "MWAMI", _("Mwami")
    CHEF_DE_GROUPEMENT = "CHEF_DE_GROUPEMENT", _("Groupement chief")
    CHEF_DE_CHEFFERIE = "CHEF_DE_CHEFFERIE", _("Chefferie chief")
    CHEF_DE_FRACTION = "CHEF_DE_FRACTION", _("Fraction chief")
    PARAMOUNT_CHIEF = "PARAMOUNT_CHIEF", _("Paramount chief")
    BOMA_CHIEF = "BOMA_CHIEF", _("Boma chief")
    PREFECT = "PREFECT", _("Prefect / governor")
    SUB_PREFECT = "SUB_PREFECT", _("Sub-prefect")
    MAYOR = "MAYOR", _("Mayor")
    OTHER_OFFICIAL = "OTHER_OFFICIAL", _("Other official")


TRADITIONAL_TITLES = {t.value for t in AuthorityTitle} - {
    "PREFECT",
    "SUB_PREFECT",
    "MAYOR",
    "OTHER_OFFICIAL",
}


class ActivityKind(models.TextChoices):
    WORKSHOP = "WORKSHOP", _("Workshop")
    TRAINING = "TRAINING", _("Training")
    TRAINING_OF_TRAINERS = "TRAINING_OF_TRAINERS", _("Training of trainers")
    DIALOGUE_INTERCOMMUNITY = "DIALOGUE_INTERCOMMUNITY", _("Inter-community dialogue")
    DIALOGUE_STATE_COMMUNITY = "DIALOGUE_STATE_COMMUNITY", _("State–community dialogue")
    SENSITISATION = "SENSITISATION", _("Sensitisation")
    COMMUNITY_MEETING = "COMMUNITY_MEETING", _("Community meeting")
    CONSULTATION = "CONSULTATION", _("Consultation")
    RADIO_PROGRAMME = "RADIO_PROGRAMME", _("Radio programme")
    OPEN_DAY = "OPEN_DAY", _("Open day")
    SPORTS_CULTURAL_EVENT = "SPORTS_CULTURAL_EVENT", _("Sports / cultural event")
    FORUM = "FORUM", _("Forum / accountability forum")
    VALIDATION_WORKSHOP = "VALIDATION_WORKSHOP", _("Validation workshop")
    MONITORING_VISIT = "MONITORING_VISIT", _("Monitoring visit")
    PEACE_CARAVAN = "PEACE_CARAVAN", _("Peace caravan")
    MEDIATION_SESSION = "MEDIATION_SESSION", _("Mediation session")
    CVR_PROJECT = "CVR_PROJECT", _("Violence-reduction project activity")


TRAINING_KINDS = {"TRAINING", "TRAINING_OF_TRAINERS", "WORKSHOP"}
DIALOGUE_KINDS = {
    "DIALOGUE_INTERCOMMUNITY",
    "DIALOGUE_STATE_COMMUNITY",
    "MEDIATION_SESSION",
    "FORUM",
}


class InterventionRange(models.TextChoices):
    """The three ranges of interventions of the DPO paper (mission.md)."""

    RANGE_A = "RANGE_A", _("(a) community mechanisms against threats")
    RANGE_B = "RANGE_B", _("(b) inclusive processes on root grievances")
    RANGE_C = "RANGE_C", _("(c) dialogue between state and population")


class Funding(models.TextChoices):
    BUDGET = "BUDGET", _("Mission budget")
    QIP = "QIP", _("Quick-impact project")
    PBF = "PBF", _("Peacebuilding Fund")
    CVR = "CVR", _("Community violence reduction")
    TRUST_FUND = "TRUST_FUND", _("Trust fund")
    NONE = "NONE", _("No funding")


class ActivityStatus(models.TextChoices):
    PLANNED = "PLANNED", _("Planned")
    HELD = "HELD", _("Held")
    REPORTED = "REPORTED", _("Reported")
    VERIFIED = "VERIFIED", _("Verified")
    CANCELLED = "CANCELLED", _("Cancelled")


ACTIVITY_TRANSITIONS: dict[str, set[str]] = {
    "PLANNED": {"HELD", "CANCELLED"},
    "HELD": {"REPORTED"},
    "REPORTED": {"VERIFIED", "HELD"},
    "VERIFIED": set(),
    "CANCELLED": {"PLANNED"},
}


class DialogueStage(models.TextChoices):
    SCOPING = "SCOPING", _("Scoping")
    CONSULTATIONS = "CONSULTATIONS", _("Consultations")
    DIALOGUE = "DIALOGUE", _("Dialogue")
    AGREEMENT = "AGREEMENT", _("Agreement")
    FOLLOW_UP = "FOLLOW_UP", _("Follow-up")
    CONSOLIDATED = "CONSOLIDATED", _("Consolidated")
    STALLED = "STALLED", _("Stalled")
    BROKEN = "BROKEN", _("Broken")


_ENDINGS = {"CONSOLIDATED", "STALLED", "BROKEN"}
DIALOGUE_TRANSITIONS: dict[str, set[str]] = {
    "SCOPING": {"CONSULTATIONS", "STALLED"},
    "CONSULTATIONS": {"DIALOGUE", "STALLED"},
    "DIALOGUE": {"AGREEMENT", "STALLED", "BROKEN"},
    "AGREEMENT": {"FOLLOW_UP", "STALLED", "BROKEN"},
    "FOLLOW_UP": _ENDINGS,
    "CONSOLIDATED": {"FOLLOW_UP"},
    "STALLED": {"CONSULTATIONS", "DIALOGUE", "FOLLOW_UP"},
    "BROKEN": {"CONSULTATIONS", "DIALOGUE"},
}


class CommitmentStatus(models.TextChoices):
    """§7.14; OVERDUE is never stored, it is computed from the due date."""

    NOT_STARTED = "NOT_STARTED", _("Not started")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    DONE = "DONE", _("Fulfilled")
    PARTIALLY_DONE = "PARTIALLY_DONE", _("Partially fulfilled")
    OVERDUE = "OVERDUE", _("Overdue")
    BROKEN = "BROKEN", _("Broken (violated)")
    DROPPED = "DROPPED", _("Dropped")
    UNKNOWN = "UNKNOWN", _("Unknown")


OPEN_COMMITMENT = {"NOT_STARTED", "IN_PROGRESS", "PARTIALLY_DONE", "UNKNOWN"}
COMMITMENT_TRANSITIONS: dict[str, set[str]] = {
    "NOT_STARTED": {"IN_PROGRESS", "DONE", "PARTIALLY_DONE", "BROKEN", "DROPPED", "UNKNOWN"},
    "IN_PROGRESS": {"DONE", "PARTIALLY_DONE", "BROKEN", "DROPPED", "UNKNOWN"},
    "PARTIALLY_DONE": {"IN_PROGRESS", "DONE", "BROKEN", "DROPPED", "UNKNOWN"},
    "UNKNOWN": {"NOT_STARTED", "IN_PROGRESS", "DONE", "PARTIALLY_DONE", "BROKEN", "DROPPED"},
    "DONE": {"BROKEN"},
    "BROKEN": {"IN_PROGRESS"},
    "DROPPED": set(),
}


class CVRStatus(models.TextChoices):
    IDENTIFIED = "IDENTIFIED", _("Identified")
    APPROVED = "APPROVED", _("Approved")
    BENEFICIARY_SELECTION = "BENEFICIARY_SELECTION", _("Beneficiary selection")
    TRAINING = "TRAINING", _("Training")
    INSERTION = "INSERTION", _("Insertion")
    FOLLOW_UP = "FOLLOW_UP", _("Follow-up")
    CLOSED = "CLOSED", _("Closed")


_CVR_ORDER = [s.value for s in CVRStatus]
CVR_TRANSITIONS: dict[str, set[str]] = {
    s: ({_CVR_ORDER[i + 1]} if i + 1 < len(_CVR_ORDER) else set()) for i, s in enumerate(_CVR_ORDER)
}


class CVRCategory(models.TextChoices):
    EX_COMBATANT_DDR_ELIGIBLE = "EX_COMBATANT_DDR_ELIGIBLE", _("Ex-combatant (DDR eligible)")
    EX_COMBATANT_NOT_DDR_ELIGIBLE = (
        "EX_COMBATANT_NOT_DDR_ELIGIBLE",
        _("Ex-combatant (not DDR eligible)"),
    )
    YOUTH_AT_RISK = "YOUTH_AT_RISK", _("Youth at risk")
    WOMAN_VULNERABLE = "WOMAN_VULNERABLE", _("Vulnerable woman")
    COMMUNITY_MEMBER = "COMMUNITY_MEMBER", _("Community member")
    DEMOBILISED = "DEMOBILISED", _("Demobilised")
    ASSOCIATED_WITH_SELF_DEFENCE_GROUP = (
        "ASSOCIATED_WITH_SELF_DEFENCE_GROUP",
        _("Associated with self-defence group"),
    )


class CVRLine(models.TextChoices):
    VOCATIONAL_TRAINING = "VOCATIONAL_TRAINING", _("Vocational training")
    INCOME_GENERATING = "INCOME_GENERATING", _("Income-generating activities")
    CASH_FOR_WORK = "CASH_FOR_WORK", _("Cash for work / HIMO")
    CIVIC_EDUCATION = "CIVIC_EDUCATION", _("Civic education")
    SENSITISATION = "SENSITISATION", _("Sensitisation")
    WEAPONS_COLLECTION = "WEAPONS_COLLECTION", _("Weapons collection")
    INFRASTRUCTURE = "INFRASTRUCTURE", _("Infrastructure")
    SPORTS_CULTURE = "SPORTS_CULTURE", _("Sports and culture")


class WeaponType(models.TextChoices):
    RIFLE = "RIFLE", _("Assault rifle")
    HUNTING_RIFLE = "HUNTING_RIFLE", _("Hunting / artisanal rifle")
    PISTOL = "PISTOL", _("Pistol")
    GRENADE = "GRENADE", _("Grenade")
    MACHETE = "MACHETE", _("Bladed weapon")
    OTHER = "OTHER", _("Other")
