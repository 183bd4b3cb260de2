"""Align one query against one source with both aligners, word n-grams first.

The word n-gram aligner (:mod:`wiretrace.align.local`) gives exact spans for copied stretches.
The sentence aligner (:mod:`wiretrace.align.sentences`) then adds the passages it missed:
rewritten, shuffled or translated sentences. A sentence-level passage is dropped when it
overlaps a firm word n-gram passage (word similarity of at least 0.8) on the query side: the
exact spans win. A loose word passage that lies inside a sentence passage is replaced by it.
A word passage that reaches only a word or two into a sentence passage (``BRIDGE_WORDS``) has
bridged into the next sentence, as the word aligner does when that sentence starts with the
same word on both sides ("He", "The"); it does not count as overlapping.

**Beside a verbatim copy.** A pair whose word passages include a *verbatim copy*, at least
``VERBATIM_MIN_WORDS`` (40) words at a word similarity of at least ``VERBATIM_SIMILARITY``
(0.95), was copied, not rewritten, and two texts that share a copied passage share its topic
too: elsewhere in them, single sentences on that topic match ("Investigates employment
complaints of discrimination based on race, gender, age, ..." against "No person shall be
discriminated against regarding employment because of age, ..."), and so do stock phrases
("Mobile homes are particularly vulnerable."). In such a pair the sentence aligner's other
passages must stand on evidence of their own:

- a sentence-level passage needs at least two matched sentence pairs (seeds) and a cosine of at
  least ``strong_cosine``, the level of a strong seed; a passage of a single sentence pair needs
  a cosine of at least ``NEAR_COPY_COSINE`` (0.8), a near copy of its sentence;
- a fragment (a short whole sentence found inside a source sentence) is kept only when its
  sentence starts mid-clause, with a lower-case word or a hyphen glued to a word: the tail of a
  sentence cut when it was selected and pasted. A short sentence that reads whole, shared by
  two texts on one topic, is as often a stock phrase as a copy, and the word aligner, which
  has already taken the pair's copied text, found it too short to trust.

On PAN pan-train, random obfuscation (``03``) never leaves a near-identical run of more than
18 words and summaries (``05``) none of more than 39, while every pair of the verbatim
category ``02`` but three holds one of 50 words or more, and 5 of the 379 translation pairs
(``04``) one of 45 or more. In ``02`` the sentence aligner added 7 passages, none of them held
by the truth: 3 single sentences on the topic (cosine 0.63-0.66), one run of 4 seeds on it
(cosine 0.53: a tattoo-gallery blurb against another), and 3 whole short sentences
("You may be able to.", a site's search prompt). The rule drops all 7 and nothing else in the
corpus, lifting ``02`` plagdet from 0.9060 to 0.9131 (precision 0.8887 to 0.9025), the word
aligner's own figure; it cannot cost a detected pair anywhere, since every pair it touches
holds a verbatim word passage. The two ``04`` pairs with a verbatim run and sentence passages
keep them (three seeds at cosine 0.69; one sentence at 0.84). The outcome is the same for
any ``VERBATIM_MIN_WORDS`` from 20 to 50, ``NEAR_COPY_COSINE`` from 0.70 to 0.84 and a
many-seed threshold from 0.55 to 0.68, so the values above sit inside plateaus, not on an
edge. The spun-composite gate (sentence recall 0.972, character precision 0.998, rename
recall 0.913) and the Clough short answers (every answer's measures) are the same with or
without the rule.

Edits of every passage are computed here, over alias-canonical tokens, so that a renamed entity
("Russia" -> "Russian Federation") is one edit and not an insertion of "Federation".
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Indel, Levenshtein

from wiretrace.align.local import AlignOptions, TextView, align, text_view
from wiretrace.align.sentences import (
    SentenceOptions,
    SentencePassage,
    SentenceView,
    align_sentences,
    canonical_tokens,
    sentence_view,
)
from wiretrace.model import Alignment, Edit, Span
from wiretrace.text.normalise import normalise
from wiretrace.text.tokens import Tokens

# A sentence-level passage whose words overlap little and whose query side is much longer than
# its source side is two texts on one topic, not a rewrite: rewrites keep the length of their
# source and summaries shrink it. (On PAN pan-train this drops 4 of 9 extra detections in the
# verbatim category and no detection of a rewritten pair.)
LOOSE_OVERLAP = 0.3
MAX_LENGTH_RATIO = 1.5
# Word passages at least this similar are firm: no sentence passage may overlap them by
# BRIDGE_WORDS words or more (fewer: the word passage bridged into the next sentence).
FIRM_SIMILARITY = 0.8
BRIDGE_WORDS = 3
# A word passage this similar and this long is a verbatim copy: beside it, the sentence
# aligner's passages need evidence of their own (module docstring, "Beside a verbatim copy").
VERBATIM_SIMILARITY = 0.95
VERBATIM_MIN_WORDS = 40
# Beside a verbatim copy, a sentence-level passage of one sentence pair needs this cosine.
NEAR_COPY_COSINE = 0.8
# A word passage this few words short of its sentence's edge on both sides runs on to it
# (:func:`_extend_canonical`); so does one at most EDGE_RUN words short of it, when the words
# left on the two sides differ by at most EDGE_EDITS word edits.
EDGE_WORDS = 4
# ... when the two sides leave about as many: a word or two changed in place, not a sentence
# that begins (ends) otherwise.
EDGE_SKEW = 1
EDGE_RUN = 12
EDGE_EDITS = 2
# ... or when they end in this many equal words at the sentence's edge.
EDGE_ANCHOR = 3
# Hyphens and dashes: a sentence that starts with one glued to a word was cut before it.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


@dataclass(frozen=True, slots=True)
class PairOptions:
    """Options of both aligners; ``sentences=None`` turns the sentence aligner off."""

    words: AlignOptions = field(default_factory=AlignOptions)
    sentences: SentenceOptions | None = field(default_factory=SentenceOptions)


# Fragments are looked up by their first words: a query sentence is compared with a source
# only when the source holds its first ``OPENING_WORDS`` words in a row.
OPENING_WORDS = 3
# Past this many characters scanned (query sentences x source characters), fragments are
# looked up by their first words only.
FRAGMENT_SCAN_CHARS = 4_000_000


@dataclass(frozen=True, slots=True)
class AlignView:
    """A text prepared for both aligners, with its alias-canonical tokens for edits.

    ``openings`` maps the first ``OPENING_WORDS`` canonical words of each sentence (of at
    least that many words) to the sentences' positions in ``sentences.sentences``. ``memo``
    holds what later steps read from the text once and reuse while the view lives (the values
    the edit typing reads, :class:`wiretrace.drift.edits.ValueReader`).
    """

    words: TextView
    canon: Tokens
    sentences: SentenceView
    openings: dict[tuple[str, ...], list[int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)


def align_view(text: str, options: PairOptions | None = None) -> AlignView:
    """Tokenise, hash and split a text once, to align it against many others."""
    opts = options or PairOptions()
    words = text_view(text)
    canon = canonical_tokens(text, words.tokens)
    min_terms = opts.sentences.min_terms if opts.sentences else SentenceOptions().min_terms
    sentences = sentence_view(text, canon, min_terms)
    openings: dict[tuple[str, ...], list[int]] = {}
    for i, span in enumerate(sentences.sentences):
        first, end = token_range(canon, span)
        if end - first >= OPENING_WORDS:
            openings.setdefault(tuple(canon.words[first : first + OPENING_WORDS]), []).append(i)
    return AlignView(words, canon, sentences, openings)


def token_range(tokens: Tokens, span: Span) -> tuple[int, int]:
    """Half-open range of the tokens that lie inside a character span."""
    first = bisect.bisect_left(tokens.starts, span.start)
    last = bisect.bisect_right(tokens.ends, span.end)
    return first, max(first, last)


def _surface(tokens: Tokens, text: str, first: int, end: int) -> str:
    return text[tokens.starts[first] : tokens.ends[end - 1]] if first < end else ""


def _edit_span(tokens: Tokens, first: int, end: int, lo: int) -> Span:
    """The character span of tokens ``first`` to ``end`` (exclusive); for no tokens, the empty
    span just after token ``first - 1`` (at ``lo``, the side's start, when there is none)."""
    if first < end:
        return Span(tokens.starts[first], tokens.ends[end - 1])
    at = tokens.ends[first - 1] if first > 0 else lo
    return Span(max(at, lo), max(at, lo))


def span_edits(
    query: AlignView, source: AlignView, q: Span, s: Span, limit: int
) -> tuple[Edit, ...]:
    """Word-level edits from the source span to the query span, in original surface forms.

    Words are compared with entity aliases canonicalised, so "Russia" and "Russian Federation"
    are the same word; a pair of equal canonical words written differently is reported as an
    edit too (a rename). Adjacent changed words form one edit. Each edit carries the character
    spans of its two wordings (an inserted or deleted wording: an empty span where it would
    stand, just after the word before it). Edits are untyped here (:mod:`wiretrace.drift`
    types them).
    """
    qt, st = query.canon, source.canon
    q0, q1 = token_range(qt, q)
    s0, s1 = token_range(st, s)
    q_text, s_text = query.words.original, source.words.original
    runs: list[list[int]] = []
    renames: set[int] = set()  # indices of runs that are renames, kept apart from neighbours
    for op in Levenshtein.opcodes(st.words[s0:s1], qt.words[q0:q1]):
        if op.tag == "equal":
            for k in range(op.src_end - op.src_start):
                si, qi = op.src_start + k, op.dest_start + k
                a = _surface(st, s_text, s0 + si, s0 + si + 1)
                b = _surface(qt, q_text, q0 + qi, q0 + qi + 1)
                if a != b and normalise(a).text != normalise(b).text:
                    renames.add(len(runs))
                    runs.append([si, si + 1, qi, qi + 1])
        elif (
            runs
            and len(runs) - 1 not in renames
            and runs[-1][1] == op.src_start
            and runs[-1][3] == op.dest_start
        ):
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return tuple(
        Edit(
            _surface(st, s_text, s0 + a, s0 + b),
            _surface(qt, q_text, q0 + c, q0 + d),
            source_span=_edit_span(st, s0 + a, s0 + b, s.start),
            query_span=_edit_span(qt, q0 + c, q0 + d, q.start),
        )
        for a, b, c, d in runs[:limit]
    )


def _end(span: Span) -> int:
    return span.end


def _to_sentence_start(tokens: Tokens, sentences: Sequence[Span], first: int) -> int:
    """How many words before token ``first`` its sentence starts, when that is 1 to
    :data:`EDGE_RUN` (else 0)."""
    if first >= len(tokens.words):
        return 0
    k = bisect.bisect_right(sentences, tokens.starts[first], key=_end)
    if k >= len(sentences) or sentences[k].start > tokens.starts[first]:
        return 0
    before = first - bisect.bisect_left(tokens.starts, sentences[k].start)
    return before if 0 < before <= EDGE_RUN else 0


def _to_sentence_end(tokens: Tokens, sentences: Sequence[Span], end: int) -> int:
    """How many words from token ``end`` on the sentence of token ``end - 1`` ends, when that
    is 1 to :data:`EDGE_RUN` (else 0)."""
    if end <= 0:
        return 0
    k = bisect.bisect_left(sentences, tokens.ends[end - 1], key=_end)
    if k >= len(sentences) or sentences[k].start >= tokens.ends[end - 1]:
        return 0
    after = bisect.bisect_right(tokens.ends, sentences[k].end) - end
    return after if 0 < after <= EDGE_RUN else 0


def _edge_taken(query: Sequence[str], source: Sequence[str]) -> bool:
    """Whether the words left between a passage and its sentence's edge, on each side (read
    from the passage out), are taken in: some on both sides, and at most :data:`EDGE_WORDS` a
    side, or at most :data:`EDGE_EDITS` word edits apart, or ending in the same
    :data:`EDGE_ANCHOR` words at the sentence's edge (the sentence is copied to its edge, with
    changes between: "to thirty-six per cent from 32%, the government believes.")."""
    if not query or not source:
        return False
    if (
        len(query) <= EDGE_WORDS
        and len(source) <= EDGE_WORDS
        and abs(len(query) - len(source)) <= EDGE_SKEW
    ):
        return True
    if len(query) > EDGE_ANCHOR and list(query[-EDGE_ANCHOR:]) == list(source[-EDGE_ANCHOR:]):
        return True
    return bool(Levenshtein.distance(query, source, score_cutoff=EDGE_EDITS) <= EDGE_EDITS)


def _extend_canonical(query: AlignView, source: AlignView, a: Alignment) -> Alignment:
    """Grow a word passage over words that are equal once aliases are canonicalised.

    The word aligner stops at a renamed entity ("US" -> "United States of America"); in
    canonical tokens both names are one equal word, so the passage can go on to the words
    beyond. One other word may be taken in when the canonical word beyond it is equal again.

    Then a passage that stops at most :data:`EDGE_WORDS` words short of its sentence's start
    (end) on both sides runs on to it, and so does one at most :data:`EDGE_RUN` words short of
    it when the words left differ by at most :data:`EDGE_EDITS` word edits. The words left
    there hold a changed name, number or negation at the head or tail of a copied sentence
    ("Mr Kerry | allegedly approached ..." copied from "Mr Johnson | allegedly approached
    ..."; "IBM stated it had not | taken the step" from "IBM said it had | taken the step"):
    the word aligner needs two equal words beyond a change to take it in, and without this
    rule the passage would stop short of it and hide the change.
    """
    qt, st = query.canon, source.canon
    q0, q1 = token_range(qt, a.query)
    s0, s1 = token_range(st, a.source)
    if q0 >= q1 or s0 >= s1:
        return a
    qw, sw = qt.words, st.words

    q_sents, s_sents = query.sentences.sentences, source.sentences.sentences

    def same(i: int, j: int) -> bool:
        return 0 <= i < len(qw) and 0 <= j < len(sw) and qw[i] == sw[j]

    def sentence(spans: tuple[Span, ...], end: int) -> int:
        return bisect.bisect_left(spans, end, key=_end)

    def joined(i: int, j: int) -> bool:
        """Whether words ``i`` and ``i + 1`` of the query (``j``, ``j + 1`` of the source) are
        in one sentence: the growth never crosses a sentence end."""
        return sentence(q_sents, qt.ends[i]) == sentence(q_sents, qt.ends[i + 1]) and sentence(
            s_sents, st.ends[j]
        ) == sentence(s_sents, st.ends[j + 1])

    start = (q0, s0)
    while q0 > 0 and s0 > 0 and joined(q0 - 1, s0 - 1):
        if same(q0 - 1, s0 - 1):
            q0, s0 = q0 - 1, s0 - 1
        elif (
            same(q0 - 2, s0 - 2)
            and same(q0 - 3, s0 - 3)
            and joined(q0 - 2, s0 - 2)
            and joined(q0 - 3, s0 - 3)
        ):
            q0, s0 = q0 - 3, s0 - 3
        else:
            break
    end = (q1, s1)
    while q1 < len(qw) and s1 < len(sw) and joined(q1 - 1, s1 - 1):
        if same(q1, s1):
            q1, s1 = q1 + 1, s1 + 1
        elif (
            same(q1 + 1, s1 + 1)
            and same(q1 + 2, s1 + 2)
            and joined(q1, s1)
            and joined(q1 + 1, s1 + 1)
        ):
            q1, s1 = q1 + 3, s1 + 3
        else:
            break
    # A few words short of the sentence's edge on both sides: on to the edge.
    head_q, head_s = _to_sentence_start(qt, q_sents, q0), _to_sentence_start(st, s_sents, s0)
    if _edge_taken(qw[q0 - head_q : q0][::-1], sw[s0 - head_s : s0][::-1]):
        q0, s0 = q0 - head_q, s0 - head_s
    tail_q, tail_s = _to_sentence_end(qt, q_sents, q1), _to_sentence_end(st, s_sents, s1)
    if _edge_taken(qw[q1 : q1 + tail_q], sw[s1 : s1 + tail_s]):
        q1, s1 = q1 + tail_q, s1 + tail_s
    if (q0, s0) == start and (q1, s1) == end:
        return a
    q_span = Span(min(a.query.start, qt.starts[q0]), max(a.query.end, qt.ends[q1 - 1]))
    s_span = Span(min(a.source.start, st.starts[s0]), max(a.source.end, st.ends[s1 - 1]))
    score = round(canonical_similarity(query, source, q_span, s_span), 4)
    return replace(a, query=q_span, source=s_span, score=score, identical=False)


def canonical_similarity(query: AlignView, source: AlignView, q: Span, s: Span) -> float:
    """Similarity of the two sides' canonical word sequences (normalised Indel, 0..1)."""
    q0, q1 = token_range(query.canon, q)
    s0, s1 = token_range(source.canon, s)
    return float(Indel.normalized_similarity(source.canon.words[s0:s1], query.canon.words[q0:q1]))


def align_pair(
    query: AlignView, source: AlignView, options: PairOptions | None = None
) -> list[Alignment]:
    """Passages shared by ``query`` and ``source``, in query order.

    ``score`` is the similarity of the two sides' word sequences (canonical words for
    sentence-level passages, which also carry their term ``cosine``). Edits come from
    :func:`span_edits`.
    """
    opts = options or PairOptions()
    limit = opts.words.max_edits
    found: list[Alignment] = []
    for a in align(query.words, source.words, opts.words):
        a = _extend_canonical(query, source, a)
        edits = () if a.identical else span_edits(query, source, a.query, a.source, limit)
        found.append(replace(a, edits=edits))
    if opts.sentences is not None:
        verbatim = any(_is_verbatim(query, a) for a in found)
        # Whole sentences found inside source sentences come first: their spans are exact.
        found.extend(
            _fragments(
                query,
                source,
                [a.query for a in found],
                opts.sentences.min_fragment_words,
                cut_only=verbatim,
            )
        )
        firm = [a.query for a in found if a.score >= FIRM_SIMILARITY]
        for p in align_sentences(query.sentences, source.sentences, opts.sentences):
            if _overlaps_words(query, p.query, firm):
                continue
            if verbatim and not _stands_beside_copy(p, opts.sentences):
                continue
            overlap = canonical_similarity(query, source, p.query, p.source)
            if overlap < LOOSE_OVERLAP and len(p.query) > MAX_LENGTH_RATIO * len(p.source):
                continue
            # A loose word passage inside a sentence passage is a partial view of the same
            # rewrite: the sentence passage replaces it. Any other overlap keeps the words.
            loose = [a for a in found if not a.sentence_level and a.score < FIRM_SIMILARITY]
            inside = [a for a in loose if 2 * a.query.overlap([p.query]) >= len(a.query)]
            others = [a.query for a in found if a not in inside]
            if _overlaps_words(query, p.query, others):
                continue
            found = [a for a in found if a not in inside]
            edits = span_edits(query, source, p.query, p.source, limit)
            found.append(
                Alignment(
                    p.query,
                    p.source,
                    round(overlap, 4),
                    edits,
                    overlap == 1.0,
                    sentence_level=True,
                    cosine=p.cosine,
                )
            )
    found.sort(key=lambda a: (a.query.start, a.source.start))
    return found


def _overlaps_words(query: AlignView, span: Span, others: Sequence[Span]) -> bool:
    """Whether any of ``others`` takes in :data:`BRIDGE_WORDS` or more words of ``span``: a
    word passage that runs a word or two into the next sentence ("... with them. He") bridges
    it, and does not hold it (:func:`wiretrace.evidence.split_unsupported` cuts such a tail)."""
    tokens = query.words.tokens
    for other in others:
        start, stop = max(span.start, other.start), min(span.end, other.end)
        if start < stop:
            first, end = token_range(tokens, Span(start, stop))
            if end - first >= BRIDGE_WORDS or stop - start == len(span):
                return True
    return False


def _is_verbatim(query: AlignView, a: Alignment) -> bool:
    """Whether a word passage is a verbatim copy (module docstring, "Beside a verbatim copy")."""
    if a.sentence_level or a.score < VERBATIM_SIMILARITY:
        return False
    first, end = token_range(query.words.tokens, a.query)
    return end - first >= VERBATIM_MIN_WORDS


def _stands_beside_copy(p: SentencePassage, opts: SentenceOptions) -> bool:
    """Whether a sentence-level passage has evidence enough to be kept in a pair that holds a
    verbatim copy: two seeds and a strong cosine, or one seed and a near copy's cosine."""
    if p.seeds >= 2:
        return p.cosine >= opts.strong_cosine
    return p.cosine >= NEAR_COPY_COSINE


def _starts_mid_clause(text: str, sentence: Span) -> bool:
    """Whether a sentence starts as the tail of a cut one: with a lower-case letter, or with a
    hyphen or dash glued to a word ("-North Korea summit ...")."""
    head = text[sentence.start : sentence.end].lstrip()[:2]
    if not head:
        return False
    return head[0].islower() or (head[0] in _DASHES and head[1:2].isalpha())


def _fragments(
    query: AlignView,
    source: AlignView,
    covered: list[Span],
    min_words: int,
    *,
    cut_only: bool = False,
) -> list[Alignment]:
    """Query sentences copied whole from inside a source sentence, such as a sentence whose
    head was cut off ("-North Korea summit in Vietnam in February meant ...").

    With ``cut_only``, only sentences that start mid-clause (:func:`_starts_mid_clause`) are
    looked up: the rule for a pair that holds a verbatim copy.
    """
    qt, st = query.canon, source.canon
    src_ranges = [token_range(st, span) for span in source.sentences.spans]
    src_strings = [" " + " ".join(st.words[a:b]) + " " for a, b in src_ranges]
    # The source's sentences in one string: a needle of whole words bounded by spaces cannot
    # run across the NUL between two of them, so its first match is in the first source
    # sentence that holds it. Each look-up is a linear scan in C; when the query has so many
    # sentences that the scans would add up past FRAGMENT_SCAN_CHARS, only the sentences
    # whose first words the source holds in a row are looked up (one pass over the source).
    hay = "\0".join(src_strings)
    offsets = list(itertools.accumulate((len(h) + 1 for h in src_strings), initial=0))
    todo: Sequence[int] = range(len(query.sentences.sentences))
    if min_words >= OPENING_WORDS and len(todo) * len(hay) > FRAGMENT_SCAN_CHARS:
        wanted = query.openings
        held = {
            key
            for a, b in src_ranges
            for i in range(a, b - OPENING_WORDS + 1)
            if (key := tuple(st.words[i : i + OPENING_WORDS])) in wanted
        }
        todo = sorted(i for key in held for i in wanted[key])
    out: list[Alignment] = []
    for i in todo:
        span = query.sentences.sentences[i]
        if span.overlap(covered):
            continue
        if cut_only and not _starts_mid_clause(query.words.original, span):
            continue
        q0, q1 = token_range(qt, span)
        if q1 - q0 < min_words:
            continue
        at = hay.find(" " + " ".join(qt.words[q0:q1]) + " ")
        if at < 0:
            continue
        k = bisect.bisect_right(offsets, at) - 1
        first = src_ranges[k][0] + src_strings[k].count(" ", 0, at - offsets[k])
        q_span = Span(qt.starts[q0], qt.ends[q1 - 1])
        s_span = Span(st.starts[first], st.ends[first + q1 - q0 - 1])
        edits = span_edits(query, source, q_span, s_span, 50)
        out.append(Alignment(q_span, s_span, 1.0, edits, not edits, sentence_level=True))
    return out
