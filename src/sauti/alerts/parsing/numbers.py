"""Number words in French, English, Sango and Swahili → integers (small numbers only)."""

from __future__ import annotations

NUMBER_WORDS: dict[str, int] = {
    # French
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "cent": 100,
    "cents": 100,
    "mille": 1000,
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "centaine": 100,
    "centaines": 100,
    # English
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "hundreds": 100,
    "thousand": 1000,
    "dozen": 12,
    "a dozen": 12,
    # Sango (desmotsetdeslangues.eklablog.com/sango-a113850386), written without tones
    "oko": 1,
    "use": 2,
    "ota": 3,
    "osio": 4,
    "oku": 5,
    "omene": 6,
    # Swahili (en.wiktionary.org/wiki/moja … /wiki/kumi)
    "moja": 1,
    "mbili": 2,
    "tatu": 3,
    "nne": 4,
    "tano": 5,
    "sita": 6,
    "saba": 7,
    "nane": 8,
    "tisa": 9,
    "kumi": 10,
}
_COMPOSABLE_TENS = {
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}


def word_to_int(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    for tens, value in _COMPOSABLE_TENS.items():  # vingtdeux, twenty-two (normalised to two tokens)
        if token.startswith(tens) and token[len(tens) :] in NUMBER_WORDS:
            return value + NUMBER_WORDS[token[len(tens) :]]
    return None
