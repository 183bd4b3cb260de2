"""Headlines: the most copied part of news, found and attributed on their own.

A headline is short: nine words share one or two winnowed fingerprints at most, and a copy
with one name changed ("... summit in Russia" -> "... summit in Russian Federation") shares
fewer. BM25 on the whole article ranks the page it came from among the same day's reports on
the story. So the query's headline is looked up by itself (:func:`headline_matches`): BM25 on
its words, entity aliases expanded, then each hit is checked against the stored document's
title and lead, on alias-canonical content words.

- **The query's headline** (:func:`query_headline`): its ``title`` field when it has one, else
  its first line when that line reads as a headline (3 to 30 words, not ending with a full
  stop, a line of its own), or when it is the title. Only a headline that is the first line
  has a span in the text, so only such a headline can become a passage; a title given apart
  from the text finds candidates.
- **A match** (:func:`match_headline`): the stored title holds at least
  :data:`MIN_TITLE_SIMILARITY` of the headline's canonical content words in order (Indel
  similarity), or the first :data:`LEAD_WORDS` words of the stored text contain at least
  :data:`MIN_LEAD_CONTAINMENT` of them in order. Canonical words make "Russia" and "Russian
  Federation" one word, so a renamed headline still matches.
- **A passage** (:func:`headline_alignment`): the headline against the matched window of the
  title or lead, with word edits over canonical tokens (a rename is one edit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel, Levenshtein

from wiretrace.align.pair import AlignView, align_view, span_edits, token_range
from wiretrace.align.sentences import canonical_tokens
from wiretrace.model import Alignment, Document, Span
from wiretrace.text.aliases import load_aliases
from wiretrace.text.tokens import tokenize
from wiretrace.text.words import STOPWORDS, WORD

__all__ = [
    "Headline",
    "HeadlineMatch",
    "headline_alignment",
    "headline_terms",
    "match_headline",
    "query_headline",
]

MIN_WORDS = 3
MAX_WORDS = 30
# A headline of fewer content words than this says too little to be matched on its own.
MIN_CONTENT_WORDS = 3
MIN_TITLE_SIMILARITY = 0.7
MIN_LEAD_CONTAINMENT = 0.8
LEAD_WORDS = 80
# A first line that ends like a sentence is a lead, not a headline ("?" and "!" end headlines
# too).
_SENTENCE_END = re.compile(r"[.][\"'”’)\]]*\s*$")


@dataclass(frozen=True, slots=True)
class Headline:
    """The query's headline: its text, and its span in the query text when it is the first
    line (None for a title given apart from the text)."""

    text: str
    span: Span | None


@dataclass(frozen=True, slots=True)
class HeadlineMatch:
    """A stored document whose title (``field="title"``) or lead (``field="text"``) holds the
    query's headline, with the share of the headline's content words it holds."""

    doc_id: str
    field: str
    similarity: float


def query_headline(doc: Document) -> Headline | None:
    """The headline of ``doc`` (module docstring), or None."""
    text = doc.text
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end].rstrip()
    span = Span(start, start + len(line))
    title = doc.title.strip() if doc.title else ""
    if title and WORD.findall(title) == WORD.findall(line):
        return Headline(line, span)  # the given title, as the text's first line
    words = WORD.findall(line)
    if (
        MIN_WORDS <= len(words) <= MAX_WORDS
        and not _SENTENCE_END.search(line)
        and end < len(text)  # a line of its own, with more text after it
    ):
        return Headline(line, span)
    if title:
        return Headline(title, None)
    return None


def headline_terms(headline: str) -> str:
    """The headline's words for a BM25 query, with every name of each entity it names: a page
    that wrote "Russia" is found for a headline that says "Russian Federation"."""
    table = load_aliases()
    view = align_view(headline)
    words = [w for w in view.words.tokens.words if w not in STOPWORDS]
    for key in dict.fromkeys(view.canon.words):
        for alias in table.forms(key):
            if alias.kind == "name":
                words.extend(alias.words)
    return " ".join(dict.fromkeys(words))


def _content(text: str) -> list[str]:
    """A text's alias-canonical words, stop words left out."""
    return [w for w in canonical_tokens(text, tokenize(text)).words if w not in STOPWORDS]


def headline_words(headline: str) -> list[str]:
    """The words a headline is matched on (:func:`match_headline`)."""
    return _content(headline)


def match_headline(wanted: list[str], doc: Document) -> HeadlineMatch | None:
    """Whether ``doc``'s title or lead holds the headline whose words
    (:func:`headline_words`) are ``wanted`` (module docstring)."""
    if len(wanted) < MIN_CONTENT_WORDS:
        return None
    best: HeadlineMatch | None = None
    if doc.title:
        title = _content(doc.title)
        similarity = float(Indel.normalized_similarity(wanted, title))
        if similarity >= MIN_TITLE_SIMILARITY:
            best = HeadlineMatch(doc.id, "title", round(similarity, 4))
    lead = _content(_lead(doc.text))
    common = (len(wanted) + len(lead) - Indel.distance(wanted, lead)) / 2
    containment = common / len(wanted)
    if containment >= MIN_LEAD_CONTAINMENT and (best is None or containment > best.similarity):
        best = HeadlineMatch(doc.id, "text", round(containment, 4))
    return best


def _lead(text: str) -> str:
    """The first :data:`LEAD_WORDS` words of a text."""
    ends = [m.end() for m in WORD.finditer(text[: 16 * LEAD_WORDS])][:LEAD_WORDS]
    return text[: ends[-1]] if ends else ""


def headline_alignment(
    query: AlignView, headline: Span, source_text: str, max_edits: int
) -> Alignment | None:
    """The headline span of ``query`` aligned with the window of ``source_text`` (a title, or
    a text whose lead holds the headline) that holds its words, with word edits; None when
    fewer than half of the headline's words are found."""
    source = align_view(_lead(source_text))
    qt, st = query.canon, source.canon
    first, last = token_range(qt, headline)
    q_words = qt.words[first:last]
    if not q_words or not st.words:
        return None
    matched = [op for op in Levenshtein.opcodes(q_words, st.words) if op.tag == "equal"]
    if not matched:
        return None
    common = sum(op.src_end - op.src_start for op in matched)
    if 2 * common < len(q_words):
        return None
    # The window: the first to the last matched source word, widened to the headline's edges
    # when the words there were changed rather than dropped.
    s0 = matched[0].dest_start - min(matched[0].src_start, matched[0].dest_start)
    s1 = matched[-1].dest_end + min(
        len(q_words) - matched[-1].src_end, len(st.words) - matched[-1].dest_end
    )
    q_span = Span(qt.starts[first], qt.ends[last - 1])
    s_span = Span(st.starts[s0], st.ends[s1 - 1])
    score = float(Indel.normalized_similarity(q_words, st.words[s0:s1]))
    edits = span_edits(query, source, q_span, s_span, max_edits)
    identical = not edits and score == 1.0
    return Alignment(q_span, s_span, round(score, 4), edits, identical, sentence_level=True)
