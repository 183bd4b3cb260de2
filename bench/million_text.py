"""The text model of ``bench/corpus_million.py``: sentence skeletons and one Zipf-like vocabulary
learnt from the shared news data, and the rendering and rewording of generated text.

A *skeleton* is a real sentence (or headline) with its content words and numbers taken out:
the function words (``wiretrace.text.words.STOPWORDS``), contraction pieces and punctuation
stay as literal text, every other word becomes a *slot* that names its kind (a common word or a
name) and its frequency band (by the word's count rank within its kind: band 1 the 100 most
frequent, band 2 the next 200, then 400 and so on; band 0 the words seen once), and every
number becomes a number slot of the same shape. Rendering a skeleton fills each slot:

- a common word or name of the same kind and band, drawn in proportion to its count in the real
  data (a band's pool holds every real occurrence, so a uniform pick from it is a pick by
  count);
- band 0 (words seen once in the real data) draws from an unbounded *tail*: a power law over
  ranks, whose first ranks are the real words seen once and whose later ranks are made-up but
  pronounceable word forms and names (syllables chosen by the digits of the rank). The tail
  holds the Good-Turing share of the tokens (the share of real tokens that are words seen once),
  so the number of distinct words keeps growing with the corpus, as Heaps' law says it does;
- with a probability per kind, a word already used in the same document (names recur in an
  article, and so do its topic words): that keeps document frequencies of the middle ranks
  near the real ones, which independent draws would overstate.

Everything here is pure: functions take a ``random.Random`` and return text. Hashes that must be
stable across processes use ``zlib.crc32``, never ``hash()``.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from wiretrace.text.words import STOPWORDS

COMMON, NAME = 0, 1
BANDS = 16
# Chance that a content slot takes a word already used in the document, by kind.
BURST = (0.22, 0.55)
# Tail: P(rank >= r) = (1 + r / scale) ** -TAIL_EXPONENT; Heaps' exponent about 1 / (1 + 0.67).
TAIL_EXPONENT = 0.67
# ... rising from 0 to that as the document's first BURST_WARMUP words of a kind are drawn.
BURST_WARMUP = 12
# Every run of WINDOW words of a skeleton holds WINDOW_SLOTS slots or more.
WINDOW, WINDOW_SLOTS = 8, 4
# Band b >= 1 holds a kind's words of count rank BAND_BASE * (2**(b-1) - 1) up to (not
# including) BAND_BASE * (2**b - 1): a hundred words or more, so two draws rarely agree.
BAND_BASE = 100
_SPLIT = re.compile(r"([^\W\d_]+|\d+(?:[.,:]\d+)*)")
_CONTRACTED = frozenset(
    "don isn won can didn doesn wasn weren couldn wouldn shouldn aren haven hasn hadn ain".split()  # noqa: SIM905
)
_AFTER_APOSTROPHE = frozenset("s t ll re ve d m".split())  # noqa: SIM905
_ECB_SPACE = re.compile(r" ([,.;:!?%)\]'’”]|n't)")
_ECB_NUMBER = re.compile(r"(\d) ?([.,:]) (?=\d)")  # ECB+ "2 : 15", "563 , 313"
_ECB_OPEN = re.compile(r"([(\[$“]) ")
_ONSETS = "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sh sl st t th tr v w z"
_VOWELS = "a e i o u ai ea ee ie ou oa"
_CODAS = " n r l s m nd rt st ck"
SYLLABLES = tuple(
    o + v + c for o in _ONSETS.split() for v in _VOWELS.split() for c in _CODAS.split(" ")
)
_WORD_ENDINGS = ("", "", "s", "ed", "ing", "er", "ion", "ly", "al", "ment")

# A stop word swapped for another one in rewordings ("a third of the words changed").
STOP_SWAPS = {
    "the": "a",
    "a": "the",
    "an": "the",
    "of": "in",
    "in": "at",
    "at": "in",
    "on": "in",
    "to": "toward",
    "and": "as well as",
    "for": "towards",
    "with": "alongside",
    "by": "through",
    "is": "was",
    "was": "is",
    "are": "were",
    "were": "are",
    "has": "had",
    "had": "has",
    "will": "would",
    "would": "will",
    "this": "that",
    "that": "this",
    "said": "stated",
    "says": "states",
    "but": "however",
    "after": "following",
    "before": "ahead of",
    "about": "around",
    "over": "above",
    "from": "out of",
    "also": "additionally",
}

Slot = int  # (band class << 1) | capitalised
NumberShape = bytes  # digits as b"9", other characters kept; b"Y" is a year
Part = str | Slot | NumberShape
Skeleton = tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class TextModel:
    """What the generator learnt from the real data (see the module docstring)."""

    skeletons: tuple[Skeleton, ...]  # body sentences, in real reading order
    starts: tuple[int, ...]  # index of each real document's first skeleton
    titles: tuple[Skeleton, ...]
    pools: tuple[tuple[str, ...], ...]  # class (kind * BANDS + band) -> occurrences
    distinct: tuple[tuple[str, ...], ...]  # class -> distinct words, sorted
    tail_real: tuple[tuple[str, ...], ...]  # kind -> real words seen once, shuffled
    word_class: dict[str, int]  # head word (lower case) -> class (for synonyms)
    tail_share: float  # Good-Turing share of tokens that go to the tail
    tail_scale: float


# -- learning ----------------------------------------------------------------------------------


def clean_sentence(text: str) -> str:
    """One line of white space, with tokenised text (ECB+: ``word , word``) put back together."""
    text = " ".join(text.replace("``", '"').replace("''", '"').split())
    text = _ECB_NUMBER.sub(r"\1\2", text)
    return _ECB_OPEN.sub(r"\1", _ECB_SPACE.sub(r"\1", text))


def split_tokens(sentence: str) -> list[str]:
    """Separators and tokens, alternating: ``[sep, token, sep, ..., token, sep]``."""
    return _SPLIT.split(sentence)


def _is_literal(low: str, before: str, after: str) -> bool:
    if low in STOPWORDS:
        return True
    if before.endswith(("'", "’")) and low in _AFTER_APOSTROPHE:
        return True
    return after.startswith(("'", "’")) and low in _CONTRACTED


def count_words(sentences: Iterable[list[str]]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Counts of content words by their lower-case form, of their capitalised uses inside a
    sentence (not at its start), and of those capitalised forms as written."""
    lower: Counter[str] = Counter()
    capital_inside: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for parts in sentences:
        for k in range(1, len(parts), 2):
            token = parts[k]
            low = token.lower()
            if token[0].isdigit() or _is_literal(low, parts[k - 1], parts[k + 1]):
                continue
            lower[low] += 1
            if k > 1 and token[0].isupper():
                capital_inside[low] += 1
                written[token] += 1
    return lower, capital_inside, written


def word_kind(low: str, lower: Counter[str], capital_inside: Counter[str]) -> int:
    return NAME if capital_inside[low] * 2 > lower[low] else COMMON


def band_of(rank: int) -> int:
    """The band of a word seen twice or more, from its count rank within its kind."""
    return min(BANDS - 1, 1 + int(math.log2(rank / BAND_BASE + 1)))


def word_classes(lower: Counter[str], capital_inside: Counter[str]) -> dict[str, int]:
    """Each content word's class: kind * BANDS + band (band 0: seen once)."""
    classes: dict[str, int] = {}
    ranks = [0, 0]
    for low, count in sorted(lower.items(), key=lambda x: (-x[1], x[0])):
        kind = word_kind(low, lower, capital_inside)
        band = 0 if count == 1 else band_of(ranks[kind])
        ranks[kind] += 1
        classes[low] = kind * BANDS + band
    return classes


def skeleton_of(parts: list[str], classes: dict[str, int]) -> Skeleton | None:
    """The skeleton of a sentence split by ``split_tokens``, or None when it is too short or
    too long, or when some ``WINDOW`` consecutive words hold fewer than ``WINDOW_SLOTS`` slots
    (documents that drew the same skeleton would share that run). ``classes`` gives each
    content word's class (kind * BANDS + band)."""
    out: list[Part] = []
    literal = parts[0]
    is_slot: list[bool] = []
    for k in range(1, len(parts), 2):
        token, after = parts[k], parts[k + 1]
        low = token.lower()
        if token[0].isdigit():
            out.extend((literal, _number_shape(token)))
            literal = after
        elif _is_literal(low, parts[k - 1], after):
            literal += token + after
            is_slot.append(False)
            continue
        else:
            cls = classes[low]
            capital = int(cls < BANDS and token[0].isupper())
            out.extend((literal, (cls << 1) | capital))
            literal = after
        is_slot.append(True)
    out.append(literal)
    if not 3 <= sum(is_slot) <= 60 or not _slots_everywhere(is_slot):
        return None
    return tuple(p for p in out if p != "")


def _slots_everywhere(is_slot: list[bool]) -> bool:
    """Whether every window of ``WINDOW`` words (or the whole, when shorter) holds enough
    slots; the ends count as slots, since the words next to a sentence are drawn too."""
    padded = [True, *is_slot, True]
    if len(padded) <= WINDOW:
        return True
    have = sum(padded[:WINDOW])
    for k in range(WINDOW, len(padded)):
        if have < WINDOW_SLOTS:
            return False
        have += padded[k] - padded[k - WINDOW]
    return have >= WINDOW_SLOTS


def _number_shape(token: str) -> NumberShape:
    if len(token) == 4 and token[:2] in ("19", "20"):
        return b"Y"
    return re.sub(r"\d", "9", token).encode()


def learn(documents: list[tuple[str | None, list[str]]], seed: int) -> TextModel:
    """The text model from real ``(title, sentences)`` documents."""
    bodies = [[split_tokens(s) for s in sentences] for _, sentences in documents]
    titles = [split_tokens(t) for t, _ in documents if t]
    lower, capital_inside, written = count_words([*(s for b in bodies for s in b), *titles])
    classes = word_classes(lower, capital_inside)
    skeletons: list[Skeleton] = []
    starts: list[int] = []
    for body in bodies:
        first = len(skeletons)
        skeletons.extend(s for x in body if (s := skeleton_of(x, classes)))
        if len(skeletons) > first:
            starts.append(first)
    title_skeletons = [s for t in titles if (s := skeleton_of(t, classes))]
    return TextModel(
        tuple(skeletons),
        tuple(starts),
        tuple(title_skeletons),
        *_vocabulary(lower, classes, written, random.Random(f"{seed}:vocabulary")),
    )


def _vocabulary(
    lower: Counter[str], classes: dict[str, int], written: Counter[str], rng: random.Random
) -> tuple[
    tuple[tuple[str, ...], ...],
    tuple[tuple[str, ...], ...],
    tuple[tuple[str, ...], ...],
    dict[str, int],
    float,
    float,
]:
    pools: list[list[str]] = [[] for _ in range(2 * BANDS)]
    tail_real: list[list[str]] = [[], []]
    word_class: dict[str, int] = {}
    name_form = {w.lower(): w for w, _ in sorted(written.items(), key=lambda x: (x[1], x[0]))}
    for low, count in sorted(lower.items()):
        cls = classes[low]
        kind = NAME if cls >= BANDS else COMMON
        form = name_form.get(low, low.capitalize()) if kind == NAME else low
        if count == 1:
            tail_real[kind].append(form)
            continue
        pools[cls].extend([form] * count)
        word_class[low] = cls
    for forms in tail_real:
        rng.shuffle(forms)
    total = sum(lower.values())
    seen_once = sum(len(t) for t in tail_real)
    distinct = tuple(tuple(sorted(set(p))) for p in pools)
    # Scale: the real words seen once fill the first ranks, about one draw each at real size.
    return (
        tuple(tuple(p) for p in pools),
        distinct,
        tuple(tuple(t) for t in tail_real),
        word_class,
        seen_once / total,
        float(max(1, seen_once)),
    )


# -- rendering ---------------------------------------------------------------------------------


def made_up_word(kind: int, rank: int) -> str:
    """A pronounceable word form (or name) for a tail rank past the real words seen once."""
    n = len(SYLLABLES)
    syllables = [SYLLABLES[rank % n]]
    rank //= n
    while rank or len(syllables) < 2:
        syllables.append(SYLLABLES[rank % n])
        rank //= n
    word = "".join(syllables)
    if kind == NAME:
        return word.capitalize()
    return word + _WORD_ENDINGS[zlib.crc32(word.encode()) % len(_WORD_ENDINGS)]


def tail_word(model: TextModel, kind: int, rng: random.Random) -> str:
    u = 1.0 - rng.random()  # in (0, 1]
    rank = int(model.tail_scale * (u ** (-1.0 / TAIL_EXPONENT) - 1.0))
    real = model.tail_real[kind]
    if rank < len(real):
        return real[rank]
    return made_up_word(kind, rank - len(real) + len(SYLLABLES))


class Writer:
    """Renders skeletons for one document: it remembers the words the document has used."""

    __slots__ = ("model", "recent", "rng")

    def __init__(self, model: TextModel, rng: random.Random) -> None:
        self.model = model
        self.rng = rng
        self.recent: tuple[list[str], list[str]] = ([], [])

    def word(self, slot: Slot) -> str:
        cls = slot >> 1
        kind = NAME if cls >= BANDS else COMMON
        used = self.recent[kind]
        rng = self.rng
        if used and rng.random() < BURST[kind] * min(1.0, len(used) / BURST_WARMUP):
            word = used[int(rng.random() * len(used))]
        else:
            pool = self.model.pools[cls]
            word = pool[int(rng.random() * len(pool))] if pool else ""
            if not word:
                word = tail_word(self.model, kind, rng)
            used.append(word)
        return word[:1].upper() + word[1:] if slot & 1 else word

    def number(self, shape: NumberShape) -> str:
        rng = self.rng
        if shape == b"Y":
            return str(rng.randint(1990, 2024))
        digits = shape.count(b"9")
        value = str(rng.randrange(10 ** (digits - 1), 10**digits))
        it = iter(value)
        return "".join(next(it) if c == 57 else chr(c) for c in shape)

    def render(self, skeleton: Skeleton) -> str:
        out: list[str] = []
        for part in skeleton:
            if part.__class__ is str:
                out.append(part)
            elif part.__class__ is int:
                out.append(self.word(part))
            else:
                out.append(self.number(part))  # type: ignore[arg-type]
        return "".join(out)


def sentences(model: TextModel, rng: random.Random) -> Iterator[Skeleton]:
    """Skeletons in real reading order from a random real document on, then another."""
    while True:
        k = rng.randrange(len(model.starts))
        start = model.starts[k]
        end = model.starts[k + 1] if k + 1 < len(model.starts) else len(model.skeletons)
        yield from model.skeletons[start + rng.randrange(max(1, (end - start) // 2)) : end]


# -- rewording ---------------------------------------------------------------------------------


def synonym(model: TextModel, word: str) -> str:
    """A fixed stand-in for a word (an article spinner's synonym): another word of the same kind
    and frequency band, or another made-up word for a word of the tail."""
    low = word.lower()
    key = zlib.crc32(low.encode())
    cls = model.word_class.get(low, -1)
    if cls >= 0:
        options = model.distinct[cls]
        new = options[key % len(options)]
        if new.lower() == low:
            new = options[(key + 1) % len(options)]
    else:
        new = made_up_word(COMMON, key + len(SYLLABLES))
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


def reword(model: TextModel, text: str, rate: float, rng: random.Random, stops: bool) -> str:
    """``text`` with ``rate`` of its content words (rounded, at random places) swapped for
    synonyms; when ``stops``, ``rate`` of its swappable stop words too (``STOP_SWAPS``).
    Names stay: a capitalised word that does not open a sentence is never swapped, since a
    pickup or a spinner keeps the people and places it reports on (a rewrite that names
    others is another report)."""
    found = [
        m
        for m in _LETTERS.finditer(text)
        if _swappable(m.group(0).lower(), stops) and not _is_name(text, m.start())
    ]
    if not found:
        return text
    chosen = sorted(rng.sample(range(len(found)), round(rate * len(found))))
    out: list[str] = []
    pos = 0
    for k in chosen:
        m = found[k]
        out.extend((text[pos : m.start()], _swap(model, m.group(0))))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _is_name(text: str, start: int) -> bool:
    """Whether the word at ``start`` is capitalised without opening a sentence."""
    if not text[start].isupper():
        return False
    before = text[:start].rstrip(" \t\n\"'\u201c\u2018(")
    return bool(before) and before[-1] not in ".!?:"


def _swappable(low: str, stops: bool) -> bool:
    return low not in STOPWORDS or (stops and low in STOP_SWAPS)


def _swap(model: TextModel, word: str) -> str:
    new = STOP_SWAPS.get(word.lower())
    if new is None:
        return synonym(model, word)
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


_LETTERS = re.compile(r"(?<!['’])[^\W\d_]+")
