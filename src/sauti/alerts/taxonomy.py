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
