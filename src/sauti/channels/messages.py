"""Outbound message templates per language. Neutral wording (DP-7): never echo the alert's content,
no mission branding; only a short reference so the reporter can cite it on a callback.

The Sango, Lingala and Swahili texts are short and must be reviewed by a native speaker at the
mission before use (see docs/intake.md).
"""

from __future__ import annotations

ACK = {
    "fr": "Message reçu, merci. Réf {ref}.",
    "en": "Message received, thank you. Ref {ref}.",
    "sw": "Ujumbe umepokelewa, asante. Kumb. {ref}.",
    "ln": "Nsango ekómí, matɔ́ndɔ. {ref}.",
    "sg": "Tënë asï, singîla. {ref}.",
}
CALLBACK_NOTICE = {
    "fr": "Appel reçu. Nous vous rappelons bientôt. Réf {ref}.",
    "en": "Call received. We will call you back soon. Ref {ref}.",
    "sw": "Simu imepokelewa. Tutakupigia hivi karibuni. Kumb. {ref}.",
    "ln": "Tozwí appel na yo. {ref}.",
    "sg": "Appel asï. {ref}.",
}


def render(templates: dict[str, str], language: str, **values: str) -> tuple[str, str]:
    """(language used, text): the reporter's language if a template exists, else French."""
    lang = language if language in templates else "fr"
    return lang, templates[lang].format(**values)
