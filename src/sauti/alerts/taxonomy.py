"""Sauti threat types (domain.md §7.1) with their labels and default priority."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

THREAT_LABELS = {
    "ARMED_ATTACK_IMMINENT": _("Imminent armed attack"),
    "ARMED_ATTACK_ONGOING": _("Attack under way"),
    "ARMED_CLASH": _("Clash between armed actors"),
    "KILLING": _("Killing of civilians"),
    "ABDUCTION": _("Abduction, kidnapping"),
    "SEXUAL_VIOLENCE": _("Sexual violence"),
    "ARMED_MOVEMENT": _("Movement or presence of armed men"),
    "THREAT_INTIMIDATION": _("Threats, ultimatum, extortion"),
    "LOOTING_DESTRUCTION": _("Looting, arson"),
    "EXPLOSIVE_DEVICE": _("Explosive device"),
    "SHELLING_AIR": _("Shelling, air or drone strike"),
    "INTERCOMMUNAL_TENSION": _("Rising inter-community tension"),
    "LAND_DISPUTE": _("Land or boundary dispute"),
    "TRANSHUMANCE_TENSION": _("Herder–farmer tension"),
    "CATTLE_RAID": _("Cattle raiding"),
    "ROADBLOCK_EXTORTION": _("Illegal checkpoint"),
    "RECRUITMENT": _("Recruitment"),
    "HATE_SPEECH_INCITEMENT": _("Hate speech, incitement"),
    "RUMOUR_DISINFO": _("Rumour, disinformation"),
    "PROTEST_RIOT": _("Protest, riot"),
    "ARREST_DETENTION": _("Arbitrary arrest"),
    "DISPLACEMENT": _("Population fleeing"),
    "ATTACK_ON_MISSION": _("Attack on the mission"),
    "CRIME_OTHER": _("Crime"),
    "OTHER": _("Other"),
}
THREAT_TYPES = tuple(THREAT_LABELS)
THREAT_CHOICES = [(code, label) for code, label in THREAT_LABELS.items()]

# Default priority per threat type (§7.1); the CLA's triage may change it.
DEFAULT_PRIORITY = {
    "ARMED_ATTACK_IMMINENT": "P1",
    "ARMED_ATTACK_ONGOING": "P1",
    "ARMED_CLASH": "P1",
    "KILLING": "P1",
    "ABDUCTION": "P1",
    "SEXUAL_VIOLENCE": "P1",
    "ARMED_MOVEMENT": "P2",
    "THREAT_INTIMIDATION": "P2",
    "LOOTING_DESTRUCTION": "P2",
    "EXPLOSIVE_DEVICE": "P1",
    "SHELLING_AIR": "P1",
    "INTERCOMMUNAL_TENSION": "P3",
    "LAND_DISPUTE": "P3",
    "TRANSHUMANCE_TENSION": "P3",
    "CATTLE_RAID": "P2",
    "ROADBLOCK_EXTORTION": "P3",
    "RECRUITMENT": "P2",
    "HATE_SPEECH_INCITEMENT": "P3",
    "RUMOUR_DISINFO": "P3",
    "PROTEST_RIOT": "P2",
    "ARREST_DETENTION": "P3",
    "DISPLACEMENT": "P2",
    "ATTACK_ON_MISSION": "P1",
    "CRIME_OTHER": "P4",
    "OTHER": "P4",
}
