"""Rule-based sentence splitting with exact character spans into the original text.

The splitter works in two passes, both linear in the length of the text:

1. **Blocks.** The text is cut into blocks at hard line boundaries. A paragraph break (a line
   break, optional blanks, another line break) is always a hard boundary. A single line break
   is hard too (headlines, bylines, datelines and one-sentence-a-line files), unless it looks
   like a soft wrap:

   - the line does not end in sentence punctuation and the next line starts with a lower-case
     letter, or ends in ``,``, ``;`` or ``(``; or
   - the document is hard-wrapped at a fixed width (most inner lines are long and do not end
     in sentence punctuation, as in the PAN corpus) and this line is close to that width.

2. **Sentences.** Inside a block, a sentence ends at ``.``, ``!``, ``?``, ``…`` (or a run of
   them), plus any closing quotes and brackets, followed by white space; and at the CJK stops
   ``。！？``, where no white space is needed. A ``.`` does not end a sentence:

   - after a title that precedes a name (``Dr.``, ``Mr.``, ``Gen.``, ``Sen.`` ...);
   - after an initial or an initialism (``V. Putin``, ``U.S. officials``), a month
     (``Jan. 5``), or another listed abbreviation (``Inc.``, ``etc.``, ``a.m.``), unless the next
     word is one that usually starts a sentence (``the U.S. The ...`` is split);
   - after ``No.``, ``Vol.``, ``Fig.`` and the like when a number follows (``No. 10``);
   - when the next character is another stop (a spaced ellipsis, ``. . .``).

   Decimals (``3.5``) and dotted names (``bbc.co.uk``) have no white space after the dot, so
   they are never candidates. After ``!``, ``?``, an ellipsis, or a stop before closing
   quotes, a lower-case next word means the sentence goes on (``"Why?" he asked``,
   ``"We won." said Smith``). After a plain ``.``, a lower-case next word
   *does* start a new sentence: that is where cut-and-paste text starts mid-clause, and the
   truncation signal needs to see it.

Every returned span is trimmed of white space, the spans are in order and do not overlap, and
together they cover every non-white-space character of the text. White space is what
``str.isspace`` says it is.

Written by hand because the well-kept splitters (NLTK Punkt, spaCy, pySBD) are heavy
dependencies for this one job, need trained models or data files, or do not return exact
offsets into the original text.
"""

from __future__ import annotations

import itertools
import re

from wiretrace.model import Span

__all__ = ["block_sentences", "split_blocks", "split_sentences"]

# Characters that end a sentence when followed by white space, and the CJK stops that end one
# on their own.
_LATIN_STOPS = ".!?\u2026\u203c\u2047\u2048\u2049"
_CJK_STOPS = "\u3002\uff01\uff1f\uff61\ufe12"
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}\u300d\u300f\uff09\u3011"

# The look-ahead lets the regex engine skip to the next stop character with a quick scan
# instead of trying both branches at every position (three times faster on news).
_BOUNDARY = re.compile(
    rf"(?=[{re.escape(_LATIN_STOPS + _CJK_STOPS)}])"
    rf"(?:(?P<stop>[{re.escape(_LATIN_STOPS)}]+)(?P<close>[{re.escape(_CLOSERS)}]*)(?P<ws>\s+)"
    rf"|(?P<cjk>[{re.escape(_CJK_STOPS)}]+)(?P<cjkclose>[{re.escape(_CLOSERS)}]*)(?P<cjkws>\s*))"
)

# Line breaks as ``str.splitlines`` sees them; "\r\n" counts as one.
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAKS = str.maketrans(dict.fromkeys(_OTHER_BREAKS, "\n"))
_OTHER_BREAK = re.compile(f"[{_OTHER_BREAKS}]")

# Titles that stand before a name: a "." after them never ends a sentence.
_TITLES_LIST = """
    adm brig capt cmdr col cpl det dr fr gen gov hon insp lt maj messrs mlle mme mr mrs ms msgr
    mx pres prof pvt rep rev sen sgt supt
"""
_TITLES = frozenset(_TITLES_LIST.split())

# Abbreviations that may also end a sentence: a "." after them ends one only when the next
# word usually starts a sentence. Includes months and the AP abbreviations of US states, but
# not abbreviations that are also common words ("Ill.", "Mass.", "Wash.", "Sun.").
_ABBREVIATIONS_LIST = """
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues thu thur thurs fri inc ltd co
    corp bros plc llc jr sr st mt ft ave blvd rd hwy etc vs v approx est cf al ca p ed eds dept
    univ assn govt phd asst assoc esq atty lb lbs oz yd yds ala ariz ark calif colo conn fla ga
    kan kans ky la md mich minn mo mont neb nev okla pa tenn tex va vt wis wyo
"""
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_LIST.split())

# Abbreviations before a number: "No. 10", "Vol. 3", "Fig. 2"; elsewhere the word ends a
# sentence like any other ("He said no. Apple ...").
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "vols", "fig", "figs", "pp", "para", "art"})

# Words that often start a sentence; after an abbreviation, one of them means the "." also
# ended the sentence.
_STARTERS_LIST = """
    a after all also although an and another as at because before both but by despite during
    each earlier even every for from he her here his however i if in instead it its last later
    many meanwhile most mr mrs ms my no nor not now on one only or other our she since so some
    still such that the their then there these they this those though to under we what when
    where which while who why with yet you your
"""
_STARTERS = frozenset(_STARTERS_LIST.split())

_QUOTES = frozenset("\"'\u201d\u2019\u00bb\u203a")
# How far back the word before a stop is looked for at first.
_WORD_WINDOW = 40
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_SENTENCE_PUNCT = frozenset(_LATIN_STOPS + _CJK_STOPS + ":")


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans (see the module docstring for the rules)."""
    out: list[Span] = []
    for block in split_blocks(text):
        out.extend(block_sentences(text, block))
    return out


def split_blocks(text: str) -> list[Span]:
    """Split ``text`` at hard line boundaries into trimmed, non-empty block spans."""
    canon = text.replace("\r\n", " \n")
    if _OTHER_BREAK.search(canon):  # translate() works a character at a time: only if needed
        canon = canon.translate(_LINE_BREAKS)
    lines = _lines(canon)
    if not lines:
        return []
    width = _wrap_width(canon, lines)
    blocks: list[Span] = []
    start, end = lines[0]
    for (a_start, a_end), (b_start, b_end) in itertools.pairwise(lines):
        between = canon[a_end:b_start]
        if between.count("\n") == 1 and _soft_break(canon, a_start, a_end, b_start, width):
            end = b_end
            continue
        blocks.append(Span(start, end))
        start, end = b_start, b_end
    blocks.append(Span(start, end))
    return blocks


def block_sentences(text: str, block: Span) -> list[Span]:
    """Sentence spans inside one block (as returned by :func:`split_blocks`)."""
    out: list[Span] = []
    start, stop = block.start, block.end
    # Groups by number (see _BOUNDARY): 3 is "ws", 4 "cjk" (-1 when it did not take part).
    for m in _BOUNDARY.finditer(text, start, stop):
        nxt = m.end()
        if m.start(4) >= 0:
            end = m.start(6)
        else:
            end = m.start(3)
            if nxt >= stop or not _ends_sentence(text, m, nxt):
                continue
        if nxt >= stop:
            break
        out.append(Span(start, end))
        start = nxt
    out.append(Span(start, stop))
    return out


def _ends_sentence(text: str, m: re.Match[str], nxt: int) -> bool:
    """Whether the stop matched by ``m`` ends a sentence; ``nxt`` starts the next one."""
    following = text[nxt]
    if following in _LATIN_STOPS:
        return False  # a spaced ellipsis goes on: "a strange match . . . momentum swings"
    stop = m.group(1)
    if following.islower() and (stop != "." or _QUOTES.intersection(m.group(2))):
        # After "!", "?", an ellipsis, or a quotation closed by a stop, a lower-case word
        # continues the sentence: '"Why?" he asked', '"We won." said Smith'.
        return False
    if stop != ".":
        return True
    word = _word_before(text, m.start(1))
    plain = word.isalpha()  # the common case, decided without the slower checks below
    if not plain and not any(c.isalnum() for c in word):
        # A spaced ellipsis (". . .") or a stop standing alone (" ." in tokenised text).
        return not following.islower()
    key = word.lower().replace(".", "")
    if key in _TITLES:
        return False
    if key in _NUMBER_ABBREVIATIONS:
        return not following.isdigit()
    if key in _ABBREVIATIONS or (not (plain and len(word) > 1) and _INITIALISM.fullmatch(word)):
        following_word = _next_word(text, nxt)
        return following_word[:1].isupper() and following_word.lower() in _STARTERS
    return True


def _word_before(text: str, stop: int) -> str:
    """The run of non-space characters ending at ``stop``, without leading opening marks."""
    low = max(0, stop - _WORD_WINDOW)
    chunk = text[low:stop]
    if not chunk or chunk[-1].isspace():
        return ""
    parts = chunk.rsplit(None, 1)  # splits at str.isspace() white space
    if len(parts) == 2 or low == 0 or chunk[0].isspace():
        return parts[-1].lstrip("\"'(\u201c\u2018[{\u00ab")
    i = stop  # a word longer than the window
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i:stop].lstrip("\"'(\u201c\u2018[{\u00ab")


def _next_word(text: str, pos: int) -> str:
    """The word (letters only) starting at ``pos``, after any opening quotes or brackets."""
    n = len(text)
    while pos < n and text[pos] in "\"'(\u201c\u2018[{\u00ab":
        pos += 1
    end = pos
    while end < n and text[end].isalpha():
        end += 1
    return text[pos:end]


def _lines(canon: str) -> list[tuple[int, int]]:
    """Trimmed ``(start, end)`` of every line of ``canon`` that is not blank."""
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(canon)
    while pos < n:
        nl = canon.find("\n", pos)
        if nl < 0:
            nl = n
        start, end = pos, nl
        while start < end and canon[start].isspace():
            start += 1
        while end > start and canon[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end))
        pos = nl + 1
    return out


def _wrap_width(canon: str, lines: list[tuple[int, int]]) -> int:
    """The wrap width if the document looks hard-wrapped at a fixed width, else 0."""
    inner = [(a, b) for (a, b), (c, _) in itertools.pairwise(lines) if canon.count("\n", b, c) == 1]
    if len(inner) < 3:
        return 0
    lengths = sorted(b - a for a, b in inner)
    width = lengths[(len(lengths) * 9) // 10]
    median = lengths[len(lengths) // 2]
    open_ended = sum(1 for a, b in inner if not _ends_in_punct(canon, a, b))
    if median >= 0.75 * width and open_ended >= 0.6 * len(inner):
        return width
    return 0


def _soft_break(canon: str, a_start: int, a_end: int, b_start: int, width: int) -> bool:
    """Whether the single line break after line ``a`` is a soft wrap inside a sentence."""
    if canon[a_end - 1] in ",;(":
        return True
    if canon[b_start].islower() and not _ends_in_punct(canon, a_start, a_end):
        return True
    return width > 0 and (a_end - a_start) >= 0.75 * width


def _ends_in_punct(canon: str, start: int, end: int) -> bool:
    """Whether ``canon[start:end]`` ends in sentence punctuation, maybe before closing marks."""
    while end > start and canon[end - 1] in _CLOSERS:
        end -= 1
    return end > start and canon[end - 1] in _SENTENCE_PUNCT
