"""Evidence, not stock phrases: the checks every aligned passage passes before it is reported.

On a news day, the reports of one story share their stock phrases ("North Korean leader Kim
Jong Un", "the first meeting between the leaders"). A sentence aligner finds them in every
report, and a passage resting on them says nothing about where the text came from. Each
passage the aligners return goes through :func:`judge`:

0. **Only what the source holds** (:func:`split_unsupported`). A word passage may run on over a
   query sentence its source does not hold (the aligner bridges small gaps, and the first
   word of the next sentence is often "The" on both sides). The passage is cut at query
   sentences whose content words its source side mostly lacks, and a part of fewer than three
   words at an edge is dropped.
1. **Whole names at the edges** (:func:`snap_to_names`). A span edge never cuts inside a name:
   an edge inside an alias (the query's "People's Republic of China" where the source says
   "China") moves out to the whole alias, so the rename becomes an edit; an edge between two
   capitalised words joined by a space or hyphen ("Kim Jong | Un") moves out to the end of the
   name, on each side by its own text. Edits and the word similarity are computed again.
2. **Same frame, other figures** (:func:`other_figures`). A passage that changes at least
   :data:`TEMPLATE_MIN_FIGURES` figures, one in every :data:`TEMPLATE_WORDS_PER_FIGURE` of its
   query words or more often, is another report written from one template (census pages,
   results, weather, markets): it shares the frame, not the facts, and is dropped. A copy
   whose facts drifted changes a figure or two in a passage; an updated wire story that
   changes six across a long article is kept. This is read from the edits' digits, before
   the typing, which reads every figure's value and would spend most of a trace on such pages.
3. **Typed edits** (:func:`typed`, by :mod:`wiretrace.drift`, which reads each edit in its
   two texts): ``rename``, ``synonym``, ``number``, ``date``, ``entity``, ``quote``,
   ``attribution``, ``negation`` or ``other``; in a title-case headline, where every word is
   capitalised, a capitalised swap is ``other``, not a name. Number, date, entity and
   attribution edits are *conflicts*: the two sides name different people, places, speakers,
   numbers or dates in one slot.
4. **The rule for conflicts.** A passage copied nearly word for word (``verbatim`` or
   ``near_verbatim``) keeps its conflicts as edits: that is a fact changed in a copy, which a
   fact-checker wants to see. So does a *spun copy* (:func:`spun_copy`): a passage whose words
   are the same on both sides but for renames and synonym swaps, and for changes that make at
   most :data:`SPUN_COPY_CHANGED` of the two sides' words; it is ``rewritten`` only because
   of its renames ("US" -> "United States of America"), and a changed name in it is a copy's
   changed fact like any other. Any other ``rewritten`` or ``paraphrase`` passage with an
   ``entity`` or ``attribution`` conflict is dropped: two sentences that share their frame
   and differ in who they are about are two reports on one topic, not a rewrite ("Putin,
   right, smiles as he hugs ... Kim Jong Il" in a 2002 caption against "Putin and ... Kim
   Jong Un" in 2019, where a third of the words differ). A number or date conflict in a
   rewrite is kept and listed.
5. **Telling evidence** (:func:`evidence`). For ``rewritten`` and ``paraphrase`` passages, the
   shared content terms are weighed by their inverse document frequency in the index, ``ln((N
   + 1) / (df + 1))``: the evidence of a query sentence is the weighted share of its terms that
   the source side holds, and a passage's evidence is that of its best sentence (a word
   passage may run over several sentences, and one well-founded sentence carries it). A
   passage below :data:`MIN_EVIDENCE` rests on words that are common in the index, and is
   dropped.
6. **Readable edits.** A passage whose edits replace more than :data:`MAX_REPLACED` of its query
   words is not a copy with changes: it is reported as ``paraphrase``, keeping only its typed
   edits (renames, conflicts and negations), not its word edits (synonyms, quotes, others).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Indel, Levenshtein

from wiretrace.align.pair import AlignView, span_edits, token_range
from wiretrace.drift import edit_type_alone, typed_edits
from wiretrace.drift.edits import ValueReader
from wiretrace.index.lexical import stems
from wiretrace.model import Alignment, Edit, EditType, PassageKind, Span
from wiretrace.text.normalise import normalise
from wiretrace.text.tokens import Tokens, tokenize
from wiretrace.text.words import STOPWORDS

__all__ = [
    "CONFLICTS",
    "MAX_REPLACED",
    "MIN_EVIDENCE",
    "Judgement",
    "edit_type",
    "evidence",
    "examine",
    "judge",
    "snap_to_names",
    "span_terms",
    "split_unsupported",
    "spun_copy",
]

MIN_EVIDENCE = 0.45
# A part of a word passage in one query sentence is supported when it matches the source
# words it is paired with at this similarity; a part of a sentence passage, when the source
# side holds this share of its content words.
MIN_SUPPORT = 0.5
MIN_SENTENCE_SUPPORT = 0.3
MIN_EDGE_WORDS = 3
# A text whose content words are capitalised at least this often is in title case.
TITLE_CASE_SHARE = 0.8
MAX_REPLACED = 0.5
# A spun copy (step 4): renames and synonym swaps aside, its edits change at most this share of
# the words of its two sides (one minus the near-verbatim word similarity).
SPUN_COPY_CHANGED = 0.2
# Step 2: a passage that changes this many figures or more, one in every this many of its
# query words or more often, is another report from one template.
TEMPLATE_MIN_FIGURES = 6
TEMPLATE_WORDS_PER_FIGURE = 20
# Spin: edits that keep the meaning.
_SPIN = frozenset({EditType.RENAME, EditType.SYNONYM})
CONFLICTS = frozenset({EditType.NUMBER, EditType.DATE, EditType.ENTITY, EditType.ATTRIBUTION})
# Edits that name another person, place or organisation (a speaker is one).
_NAMED = frozenset({EditType.ENTITY, EditType.ATTRIBUTION})
# A paraphrase keeps its renames and its changed facts, not its word swaps (step 6).
_KEPT_IN_PARAPHRASE = CONFLICTS | {EditType.RENAME, EditType.NEGATION}
_JOINER = re.compile(r"^[ \t\-\u2010\u2011]?$")


def _capitalised(text: str, start: int) -> bool:
    return text[start : start + 1].isupper()


def _words(text: str) -> list[str]:
    return tokenize(text).words


def edit_type(edit: Edit) -> EditType:
    """The type of one edit known only by its two wordings (module docstring, step 2)."""
    return _edit_type(edit.source, edit.query)


@lru_cache(maxsize=4096)
def _edit_type(source: str, query: str) -> EditType:
    """:func:`edit_type` of the edit ``source -> query`` (the same edits recur: renames)."""
    return edit_type_alone(source, query)


def _title_case(view: AlignView, span: Span) -> bool:
    """Whether a span of a text capitalises most of its words, stop words aside (a headline
    style)."""
    tokens = view.words.tokens
    first, end = token_range(tokens, span)
    words = tokens.words
    content = [i for i in range(first, end) if words[i] not in STOPWORDS and words[i].isalpha()]
    if len(content) < 3:
        return False
    text = view.words.original
    capital = sum(_capitalised(text, tokens.starts[i]) for i in content)
    return capital >= TITLE_CASE_SHARE * len(content)


def _in_headline(view: AlignView, span: Span) -> bool:
    """Whether ``span`` lies in a sentence written in title case that does not end in a stop
    (a headline); the whole span is judged when no sentence holds it."""
    text = view.words.original
    for sentence in view.sentences.sentences:
        if sentence.start <= span.start and span.end <= sentence.end:
            ending = text[sentence.start : sentence.end].rstrip(_CLOSING)[-1:]
            return ending not in _STOPS and _title_case(view, sentence)
    return _title_case(view, span)


_CLOSING = "\"'\u201d\u2019)] "
_STOPS = ".!?\u2026"


def _names(text: str) -> bool:
    """Whether a text is made of capitalised words (a name), stop words aside."""
    tokens = tokenize(text)
    content = [i for i, w in enumerate(tokens.words) if w not in STOPWORDS]
    return bool(content) and all(_capitalised(text, tokens.starts[i]) for i in content)


def _edge_out(tokens: Tokens, text: str, span: Span) -> Span:
    """``span`` widened so that neither edge cuts inside a name (module docstring, step 1)."""
    start, end = span.start, span.end
    n = len(tokens.words)
    first = bisect.bisect_right(tokens.ends, start)  # first token ending after start
    if first < n and tokens.starts[first] < start:
        start = tokens.starts[first]
    while (
        0 < first < n
        and tokens.starts[first] == start
        and _capitalised(text, start)
        and _capitalised(text, tokens.starts[first - 1])
        and _JOINER.match(text[tokens.ends[first - 1] : start])
    ):
        first -= 1
        start = tokens.starts[first]
    last = bisect.bisect_left(tokens.starts, end) - 1  # last token starting before end
    if 0 <= last < n and tokens.ends[last] > end:
        end = tokens.ends[last]
    while (
        0 <= last < n - 1
        and tokens.ends[last] == end
        and _capitalised(text, tokens.starts[last])
        and _capitalised(text, tokens.starts[last + 1])
        and _JOINER.match(text[end : tokens.starts[last + 1]])
    ):
        last += 1
        end = tokens.ends[last]
    return Span(start, end)


def snap_to_names(query: AlignView, source: AlignView, a: Alignment, max_edits: int) -> Alignment:
    """``a`` with both sides widened to whole names (aliases, then capitalised runs), and its
    edits and similarity computed again when a side moved."""
    q_text, s_text = query.words.original, source.words.original
    q = _edge_out(query.words.tokens, q_text, _edge_out(query.canon, q_text, a.query))
    s = _edge_out(source.words.tokens, s_text, _edge_out(source.canon, s_text, a.source))
    if q == a.query and s == a.source:
        return a
    qc, sc = _canon_range(query, q), _canon_range(source, s)
    score = float(Indel.normalized_similarity(sc, qc))
    edits = span_edits(query, source, q, s, max_edits)
    identical = (
        a.identical
        and not edits
        and normalise(q_text[q.start : q.end]).text == (normalise(s_text[s.start : s.end]).text)
    )
    return replace(a, query=q, source=s, score=round(score, 4), edits=edits, identical=identical)


def _canon_range(view: AlignView, span: Span) -> list[str]:
    first, end = token_range(view.canon, span)
    return view.canon.words[first:end]


def span_terms(view: AlignView, span: Span) -> set[str]:
    """The content terms of a span: alias keys for entities, Porter stems for other words
    (the index's own terms), stop words left out."""
    canon = _canon_range(view, span)
    words = [w.removesuffix("_adj") for w in canon if w not in STOPWORDS and len(w) > 1]
    return set(stems(words))


def _sentences_in(view: AlignView, span: Span) -> list[Span]:
    """The parts of ``span`` in each of the view's sentences (the whole span when it lies in
    one, or the view has no sentences there)."""
    parts = [
        Span(max(s.start, span.start), min(s.end, span.end))
        for s in view.sentences.sentences
        if s.start < span.end and s.end > span.start
    ]
    return parts or [span]


def evidence(query: set[str], source: set[str], idf: Callable[[str], float]) -> float:
    """The idf-weighted share of the query side's terms that the source side holds (0..1)."""
    total = sum(idf(t) for t in query)
    if total <= 0:
        return 0.0
    return sum(idf(t) for t in query & source) / total


def idf_of(counts: dict[str, int], documents: int) -> Callable[[str], float]:
    """``ln((N + 1) / (df + 1))`` over the given document counts (a term not counted is rare)."""

    def weight(term: str) -> float:
        return math.log((documents + 1) / (counts.get(term, 0) + 1))

    return weight


@dataclass(frozen=True, slots=True)
class Judgement:
    """What :func:`judge` made of one alignment: the passage to report (None: dropped), its
    kind, typed edits and evidence, and why it was dropped."""

    alignment: Alignment | None
    kind: PassageKind
    evidence: float
    reason: str = ""


def other_figures(query: AlignView, a: Alignment) -> bool:
    """Whether ``a`` changes so many figures that it is another report from one template
    (module docstring, step 2): edits whose two sides both hold digits, of other values."""
    changed = 0
    for e in a.edits:
        s, q = _DIGITS.findall(e.source), _DIGITS.findall(e.query)
        if s and q and [int(x) for x in s] != [int(x) for x in q]:
            changed += 1
    if changed < TEMPLATE_MIN_FIGURES:
        return False
    return changed * TEMPLATE_WORDS_PER_FIGURE >= len(_canon_range(query, a.query))


_DIGITS = re.compile(r"\d+")


def typed(query: AlignView, source: AlignView, edits: Iterable[Edit]) -> tuple[Edit, ...]:
    """The edits with their types set, each read in its two texts
    (:func:`wiretrace.drift.type_edit`); the values of each text are read once while its view
    lives (the query's view serves every source of a trace)."""
    readers = (_reader(source), _reader(query))
    return typed_edits(source.words.original, query.words.original, edits, readers=readers)


def _reader(view: AlignView) -> ValueReader:
    reader = view.memo.get("values")
    if not isinstance(reader, ValueReader):
        reader = ValueReader(view.words.original)
        view.memo["values"] = reader
    return reader


def spun_copy(query: AlignView, source: AlignView, a: Alignment) -> bool:
    """Whether a passage with typed edits is a copy with spin (module docstring, step 4): its
    edits other than renames and synonym swaps change at most :data:`SPUN_COPY_CHANGED` of
    the words of its two sides."""
    words = len(_canon_range(query, a.query)) + len(_canon_range(source, a.source))
    changed = sum(
        len(_words(e.query)) + len(_words(e.source)) for e in a.edits if e.type not in _SPIN
    )
    return words > 0 and changed <= SPUN_COPY_CHANGED * words


def split_unsupported(
    query: AlignView, source: AlignView, a: Alignment, max_edits: int
) -> list[Alignment]:
    """``a`` cut where its query side runs over text its source does not hold (module
    docstring, step 0). The parts of the query span in each query sentence are kept when, for
    a word passage, their words match the source words the edit script pairs them with at a
    similarity of at least :data:`MIN_SUPPORT`, or, for a sentence passage, the source side
    holds :data:`MIN_SENTENCE_SUPPORT` of their content words; an edge part of fewer than
    :data:`MIN_EDGE_WORDS` words is dropped. Each run of kept parts becomes an alignment, its
    source side the words the two sides' canonical words pair it with."""
    parts = _sentences_in(query, a.query)
    if len(parts) < 2:
        return [a]
    qt, st = query.canon, source.canon
    q0, q1 = token_range(qt, a.query)
    s0, s1 = token_range(st, a.source)
    # Query word -> source word, over the pairs the edit script keeps in place.
    pairs: dict[int, int] = {}
    for op in Levenshtein.opcodes(qt.words[q0:q1], st.words[s0:s1]):
        if op.tag in ("equal", "replace"):
            for k in range(min(op.src_end - op.src_start, op.dest_end - op.dest_start)):
                pairs[q0 + op.src_start + k] = s0 + op.dest_start + k
    held = {w for w in st.words[s0:s1] if w not in STOPWORDS}
    keep: list[bool] = []
    for i, part in enumerate(parts):
        first, end = token_range(qt, part)
        words = qt.words[first:end]
        content = [w for w in words if w not in STOPWORDS]
        edge = i in (0, len(parts) - 1)
        if edge and len(words) < MIN_EDGE_WORDS:
            keep.append(False)
        elif not content:
            keep.append(not edge)
        elif a.sentence_level:
            # A rewrite moves words about: the part's words must be on the source side.
            keep.append(sum(w in held for w in content) >= MIN_SENTENCE_SUPPORT * len(content))
        else:
            # A copy keeps its order: the part must match the source words it pairs with.
            mapped = [pairs[j] for j in range(first, end) if j in pairs]
            there = st.words[min(mapped) : max(mapped) + 1] if mapped else []
            keep.append(Indel.normalized_similarity(words, there) >= MIN_SUPPORT)
    if all(keep):
        return [a]
    out: list[Alignment] = []
    run: list[Span] = []
    for part, kept in [*zip(parts, keep, strict=True), (Span(0, 0), False)]:
        if kept:
            run.append(part)
            continue
        if run:
            first, _ = token_range(qt, run[0])
            _, end = token_range(qt, run[-1])
            mapped = [pairs[i] for i in range(first, end) if i in pairs]
            if mapped and end > first:
                q_span = Span(qt.starts[first], qt.ends[end - 1])
                s_span = Span(st.starts[min(mapped)], st.ends[max(mapped)])
                score = float(
                    Indel.normalized_similarity(
                        st.words[min(mapped) : max(mapped) + 1], qt.words[first:end]
                    )
                )
                edits = span_edits(query, source, q_span, s_span, max_edits)
                identical = not edits and score == 1.0
                out.append(
                    replace(
                        a,
                        query=q_span,
                        source=s_span,
                        score=round(score, 4),
                        edits=edits,
                        identical=identical,
                    )
                )
            run = []
    return out


def judge(
    query: AlignView,
    source: AlignView,
    a: Alignment,
    classify: Callable[[Alignment], PassageKind],
    idf: Callable[[str], float],
    max_edits: int,
    *,
    check_evidence: bool = True,
) -> Judgement:
    """Apply steps 2 to 6 of the module docstring to one alignment whose edges are already
    whole names (:func:`examine` runs every step). ``check_evidence=False`` skips steps 2
    and 5, for passages found by other evidence (a headline match, sentence embeddings)."""
    if check_evidence and other_figures(query, a):
        return Judgement(None, classify(a), 0.0, "same frame, other figures")
    a = replace(a, edits=typed(query, source, a.edits))
    if _title_case(query, a.query):
        # In a headline written in title case every word is capitalised: a capitalised swap
        # ("Large Riot" -> "Sizeable Riot") is no sign of another name. A sentence that ends
        # in a stop is no headline, however many names it lists.
        a = replace(
            a,
            edits=tuple(
                replace(e, type=EditType.OTHER)
                if e.type in _NAMED and _in_headline(query, e.query_span or a.query)
                else e
                for e in a.edits
            ),
        )
    kind = classify(a)
    if kind in (PassageKind.VERBATIM, PassageKind.NEAR_VERBATIM):
        return Judgement(a, kind, 1.0)  # a copy is its own evidence
    held = span_terms(source, a.source)
    weight = max(
        (evidence(span_terms(query, part), held, idf) for part in _sentences_in(query, a.query)),
        default=0.0,
    )
    if any(e.type in _NAMED for e in a.edits) and not spun_copy(query, source, a):
        return Judgement(None, kind, weight, "names a different entity")
    if check_evidence and weight < MIN_EVIDENCE:
        return Judgement(None, kind, weight, "rests on words common in the index")
    q_words = len(_canon_range(query, a.query))
    replaced = sum(len(_words(e.query)) for e in a.edits if e.type is not EditType.RENAME)
    if q_words and replaced > MAX_REPLACED * q_words:
        named = tuple(e for e in a.edits if e.type in _KEPT_IN_PARAPHRASE)
        return Judgement(replace(a, edits=named), PassageKind.PARAPHRASE, weight)
    return Judgement(a, kind, weight)


def examine(
    query: AlignView,
    source: AlignView,
    a: Alignment,
    classify: Callable[[Alignment], PassageKind],
    idf: Callable[[str], float],
    max_edits: int,
    *,
    check_evidence: bool = True,
) -> list[Judgement]:
    """Every step of the module docstring: whole names at the edges, the passage cut where
    its source lacks the text (only with ``check_evidence``), and :func:`judge` on each part."""
    whole = snap_to_names(query, source, a, max_edits)
    parts = split_unsupported(query, source, whole, max_edits) if check_evidence else [whole]
    return [
        judge(query, source, part, classify, idf, max_edits, check_evidence=check_evidence)
        for part in parts
    ]
