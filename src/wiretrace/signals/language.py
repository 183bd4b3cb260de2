"""Language: text that is not English, or not in the Latin script.

Matching (stop words, aliases, sentence rules) is tuned for English, so a report on other text
should say so. Two cheap checks, no model:

1. **Script.** Every letter is assigned the script its Unicode name starts with (``LATIN``,
   ``CYRILLIC``, ``CJK``, ``ARABIC`` ...; ASCII letters take a fast path). When fewer than half
   of the letters are Latin, the signal names the main script: "mostly Cyrillic script (97% of
   letters); matching is tuned for English".
2. **English stop words.** Latin-script text of at least :data:`MIN_WORDS` words in which
   fewer than :data:`MIN_STOPWORD_SHARE` of the words are common English function words is
   "probably not English prose". In the BBC news set the share is 42% at the median and never
   below 18%; in the Portuguese, German, Dutch, French and Swedish sources of the Wikinews set
   it is at most 14%. Tables and listings in English (cricket scorecards, file lists) fall
   below the bar too, and are not prose that matching is tuned for either.

Texts with fewer than :data:`MIN_LETTERS` letters get no signal. Any string, including lone
surrogates and unassigned code points, is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from wiretrace.model import Signal

__all__ = ["MIN_LETTERS", "MIN_STOPWORD_SHARE", "MIN_WORDS", "language_signals", "script_shares"]

MIN_LETTERS = 4
MIN_WORDS = 30
MIN_STOPWORD_SHARE = 0.15

_ENGLISH_LIST = """
    a about after all also an and any are as at be because been before but by can could did do
    does for from had has have he her him his how i if in into is it its just more most my no
    not now of on one only or other our out over said says she so some than that the their them
    then there these they this those to up us was we were what when where which while who will
    with would you your
"""
_ENGLISH = frozenset(_ENGLISH_LIST.split())

# Display names of scripts whose Unicode name word differs from the usual name.
_SCRIPT_NAMES = {
    "CJK": "Han (Chinese)",
    "HANGUL": "Hangul (Korean)",
    "HIRAGANA": "Japanese kana",
    "KATAKANA": "Japanese kana",
    "KATAKANA-HIRAGANA": "Japanese kana",
}
# Unicode name prefixes that describe form, not script ("FULLWIDTH LATIN CAPITAL LETTER A").
_SKIP_WORDS = frozenset({"FULLWIDTH", "HALFWIDTH", "MATHEMATICAL", "MODIFIER", "SMALL", "CAPITAL"})
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def language_signals(text: str) -> list[Signal]:
    """At most one ``language`` signal for the whole text (its span is None)."""
    shares = script_shares(text)
    letters = sum(shares.values())
    if letters < MIN_LETTERS:
        return []
    latin = shares.get("LATIN", 0)
    if latin * 2 < letters:
        named: Counter[str] = Counter()
        for script, count in shares.items():
            named[_SCRIPT_NAMES.get(script, script.capitalize())] += count
        name, top = named.most_common(1)[0]
        pct = round(100 * top / letters)
        return [
            Signal(
                "language",
                f"mostly {name} script ({pct}% of letters); matching is tuned for English",
            )
        ]
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) >= MIN_WORDS:
        share = sum(1 for w in words if w in _ENGLISH) / len(words)
        if share < MIN_STOPWORD_SHARE:
            return [
                Signal(
                    "language",
                    f"probably not English prose: only {round(100 * share)}% of words are common"
                    " English words; matching is tuned for English",
                )
            ]
    return []


def script_shares(text: str) -> Counter[str]:
    """How many letters of ``text`` belong to each script (Unicode name word, e.g. LATIN)."""
    counts: Counter[str] = Counter()
    ascii_letters = 0
    for ch in text:
        if ch.isascii():
            if ch.isalpha():
                ascii_letters += 1
        elif ch.isalpha():
            counts[_script(ch)] += 1
    if ascii_letters:
        counts["LATIN"] += ascii_letters
    return counts


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    words = unicodedata.name(ch, "").split()
    if "LATIN" in words:
        return "LATIN"
    for word in words:
        if word not in _SKIP_WORDS:
            return word
    return "OTHER"
