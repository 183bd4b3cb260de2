"""Text helpers of the Wikinews composite generator (:mod:`research.composites.wikinews`).

The rename table, the synonym swaps, the sentence splitter and the sentence filter this
generator uses. They differ from the BBC spinner's (:mod:`research.composites.spinner`) and from
:func:`wiretrace.text.sentences.split_sentences` on purpose: the demo composites committed in
``data/demo/composites`` are made with these, and ``tests/test_wikinews_convert.py`` checks
that a fresh generation gives the same bytes (the library splitter splits 7 of the 97 articles
differently, which changes the composites).
"""

from __future__ import annotations

import random
import re

__all__ = [
    "RENAMES",
    "SYNONYMS",
    "find_mentions",
    "find_synonyms",
    "is_good_sentence",
    "split_sentences",
    "topic_words",
    "truncation_point",
]

# Short name -> formal name. Only entities that occur in the chosen pieces are used.
RENAMES: dict[str, str] = {
    "Russia": "Russian Federation",
    "China": "People's Republic of China",
    "United States": "United States of America",
    "UK": "United Kingdom",
    "Britain": "United Kingdom",
    "Brazil": "Federative Republic of Brazil",
    "Iraq": "Republic of Iraq",
    "Israel": "State of Israel",
    "Japan": "State of Japan",
    "Australia": "Commonwealth of Australia",
    "India": "Republic of India",
    "Chile": "Republic of Chile",
    "Sudan": "Republic of the Sudan",
    "Kenya": "Republic of Kenya",
    "Spain": "Kingdom of Spain",
    "Netherlands": "Kingdom of the Netherlands",
    "Cuba": "Republic of Cuba",
    "Vietnam": "Socialist Republic of Vietnam",
    "South Korea": "Republic of Korea",
    "Thailand": "Kingdom of Thailand",
    "Portugal": "Portuguese Republic",
    "Sweden": "Kingdom of Sweden",
    "Indonesia": "Republic of Indonesia",
    "Sri Lanka": "Democratic Socialist Republic of Sri Lanka",
    "Ukraine": "Republic of Ukraine",
    "Peru": "Republic of Peru",
    "Zambia": "Republic of Zambia",
    "Mozambique": "Republic of Mozambique",
    "U.S.": "United States",
    "U.K.": "United Kingdom",
    "UN": "United Nations",
    "U.N.": "United Nations",
    "NASA": "National Aeronautics and Space Administration",
    "FBI": "Federal Bureau of Investigation",
    "BBC": "British Broadcasting Corporation",
}

# A small, varied list of swaps a cheap article spinner makes. Lower case; a capitalised
# occurrence gets a capitalised replacement.
SYNONYMS: dict[str, str] = {
    "said": "stated",
    "says": "states",
    "announced": "declared",
    "however": "nevertheless",
    "people": "individuals",
    "officials": "authorities",
    "expected": "anticipated",
    "began": "commenced",
    "important": "significant",
    "large": "sizeable",
    "biggest": "largest",
    "agreement": "accord",
    "attacks": "assaults",
    "meeting": "gathering",
    "buy": "purchase",
    "currently": "presently",
    "recently": "lately",
    "quickly": "rapidly",
    "warned": "cautioned",
    "criticized": "censured",
    "claimed": "asserted",
    "soon": "shortly",
    "rejected": "dismissed",
    "nearly": "almost",
    "residents": "inhabitants",
    "proposed": "suggested",
    "difficult": "tough",
    "decided": "determined",
}

_PRONOUN_START = re.compile(
    r"(?:He|She|It|They|This|These|That|Those|His|Her|Their|Its|But|And|Also|However|"
    r"Meanwhile|Other|Another|Both|The latter|The former|Here)\b"
)
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "prof",
        "no",
        "vs",
        "v",
        "co",
        "corp",
        "inc",
        "ltd",
        "dec",
        "jan",
        "feb",
        "aug",
        "sept",
        "oct",
        "nov",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    }
)
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "at",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "after",
        "before",
        "over",
        "under",
        "into",
        "about",
        "new",
        "says",
        "said",
        "will",
        "may",
        "can",
        "not",
        "no",
        "its",
        "their",
        "his",
        "her",
        "us",
        "than",
        "more",
        "most",
    }
)


# --------------------------------------------------------------------------------------------
# Text helpers (pure)
# --------------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``; never across a line break.

    A sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes) followed by space and an
    upper-case letter, digit or opening quote, unless the word is an abbreviation
    (:data:`_ABBREVIATIONS`) or a single capital initial (``Viktor F. Yanukovych``).
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end_match in re.finditer(r"[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])", line.group()):
            end = line.start() + end_match.end()
            word = re.search(r"([\w.]+?)\.*$", text[start : line.start() + end_match.start()])
            token = word.group(1).lower() if word else ""
            if end_match.group()[0] == "." and (
                token in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1) if word else "")
            ):
                continue
            spans.append((start, end))
            rest = text[end : line.end()]
            start = end + len(rest) - len(rest.lstrip())
        if start < line.end():
            spans.append((start, line.end()))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def is_good_sentence(sentence: str) -> bool:
    """Sentences that read well out of context."""
    if not 50 <= len(sentence) <= 320 or "\n" in sentence:
        return False
    if not (sentence[0].isupper() or sentence[0] == '"') or _PRONOUN_START.match(sentence):
        return False
    if sentence.count('"') % 2 or sentence.count("(") != sentence.count(")"):
        return False
    return sentence.rstrip("\"'”’)")[-1:] in (".", "!", "?")


def find_mentions(text: str, entity: str) -> list[tuple[int, int]]:
    """Mentions of ``entity`` that a renaming rule would rewrite.

    Skips mentions inside a longer proper name: followed by a capitalised word (``United
    States Congress``), preceded by a capitalised word that does not start the sentence
    (``South China``), or after ``<Capitalised> of`` (``Republic of China``).
    """
    formal = RENAMES[entity]
    out: list[tuple[int, int]] = []
    for match in re.finditer(rf"(?<![\w.-]){re.escape(entity)}(?![\w-])", text):
        start, end = match.span()
        after = text[end:]
        before = text[:start]
        if re.match(r"\s+[A-Z]", after) or after.startswith(formal[len(entity) :]):
            continue
        if entity.endswith(".") and not after.strip():
            continue  # "U.S." ending a sentence: its period is also the full stop
        if re.search(r"\b[A-Z][\w'’.-]*\s+of\s+(?:the\s+)?$", before):
            continue
        previous = re.search(r"(\S+)\s+$", before)
        if previous and previous.group(1)[:1].isupper():
            sentence_start = re.search(r"(?:^|[.!?][\"'”’)]*\s+)(\S+)\s+$", before)
            if not sentence_start or sentence_start.group(1) != previous.group(1):
                continue
        out.append((start, end))
    return out


def find_synonyms(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` for every word of ``text`` in :data:`SYNONYMS`.

    A capitalised word is swapped only where it starts a sentence, so that names stay whole
    (``People's Republic`` is not a synonym target).
    """
    out: list[tuple[int, int, str]] = []
    for match in re.finditer(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])", text):
        word = match.group()
        replacement = SYNONYMS.get(word.lower())
        if replacement is None or (word != word.lower() and word != word.capitalize()):
            continue
        if word[0].isupper():
            if not re.search(r"(?:^|[.!?][\"'”’)]*\s+)[\"“]?$", text[: match.start()]):
                continue
            replacement = replacement[0].upper() + replacement[1:]
        out.append((match.start(), match.end(), replacement))
    return out


def truncation_point(sentence: str, rng: random.Random) -> int | None:
    """Where to cut the head of ``sentence``: 25-55% in, at a word start or a hyphen."""
    low, high = int(len(sentence) * 0.25), int(len(sentence) * 0.55)
    hyphens = [
        m.start()
        for m in re.finditer(r"(?<=\w)-(?=[A-Za-z])", sentence)
        if low <= m.start() <= high
    ]
    if hyphens:
        return rng.choice(hyphens)
    starts = [
        m.start() for m in re.finditer(r"(?<=\s)[A-Za-z]", sentence) if low <= m.start() <= high
    ]
    return rng.choice(starts) if starts else None


def topic_words(title: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w'-]+", title)}
    return {w for w in words if len(w) >= 4 and w not in _STOPWORDS}
