"""Trace one article to its sources: candidates, alignment, attribution, signals.

:func:`trace` is the one function every interface calls. It is pure apart from reading the
index it is given.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace

from wiretrace.align.pair import AlignView, PairOptions, align_pair, align_view
from wiretrace.align.sentences import canonical_tokens
from wiretrace.confidence import with_confidence
from wiretrace.dates import Moment, certainly_before, parse_moment
from wiretrace.drift.signal import fact_drift_signals
from wiretrace.evidence import examine, idf_of, span_terms
from wiretrace.headline import headline_alignment
from wiretrace.index.base import DEFAULT_MAX_DF, Candidate, Index
from wiretrace.model import (
    Alignment,
    Document,
    Edit,
    EditType,
    Passage,
    PassageKind,
    Signal,
    SourceSummary,
    Span,
    Trace,
)
from wiretrace.rank import (
    RankOptions,
    Retrieval,
    find_headlines,
    lexical_search,
    rank_sources,
    retrieve,
)
from wiretrace.signals import boilerplate_spans, source_free_signals
from wiretrace.text.aliases import alias_mentions, load_aliases
from wiretrace.text.normalise import normalise
from wiretrace.text.tokens import Tokens, tokenize

log = logging.getLogger(__name__)

NEAR_VERBATIM_SIMILARITY = 0.8
# Candidates found by words are ordered by sentence support over the first 20 of the fused
# list: on Wikinews recall@5 0.785 against 0.792 over 50, at two fifths of the cost
# (BENCHMARKS.md, issue 11).
SUPPORT_DEPTH = 20
# Passages below this confidence are left out of a trace (and counted): on the fit half of
# eval news, the lowest threshold whose character precision reaches 0.975 (0.97 and a margin);
# 0.979 there, 0.979 on the held-out half, keeping 99% of the rightly attributed characters
# (BENCHMARKS.md, issue 11).
DEFAULT_MIN_CONFIDENCE = 0.6
# A headline whose span a source's passages cover this much is attributed already.
HEADLINE_HELD = 0.8
# A sentence no passage explains is looked up alone when it has at least this many words.
ORPHAN_MIN_WORDS = 12
# Long articles are traced in windows of about this many characters (:func:`windows`).
WINDOW_CHARS = 20_000
REWRITTEN_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class TraceOptions:
    """How candidates are chosen and aligned.

    - ``max_candidates``: how many of the best-sharing documents are aligned;
    - ``min_shared``: fingerprints a document must share with the query to be a candidate;
    - ``max_df``: fingerprints held by more documents than this are ignored (boilerplate);
    - ``lexical_candidates``: how many documents found by words (BM25 on the query's most
      telling words) are aligned too, besides those found by fingerprints: rewrites that keep
      no five-word sequence of their source are found this way. They are looked for only when
      more than ``lexical_when_uncovered`` of the query is left unattributed by the
      fingerprint candidates;
    - ``align``: parameters of the word and sentence aligners;
    - ``orphan_searches``: when at most ``orphans_when_uncovered`` of the query is left
      unexplained after the steps above, how many of the longest query sentences that no
      passage explains (of at least ``ORPHAN_MIN_WORDS`` words, outside page chrome) are then
      looked up alone by their words, aligning the ``orphan_candidates`` best documents of
      each: a sentence lifted by itself, with a fact changed in it, shares too few
      fingerprints to bring its source, and ranks it low among the whole text's word
      candidates;
    - ``semantic``: use the ``[semantic]`` extra (:mod:`wiretrace.semantic`): query sentences
      that no lexical passage covers are matched by sentence embeddings against the best
      ``semantic_candidates`` candidates (cosine at least ``semantic_threshold``, fitted on
      MRPC train), giving ``paraphrase`` passages. It raises
      :class:`~wiretrace.errors.MissingExtraError` when the extra is not installed;
    - ``exclude``: ids of documents that are never candidates (a reader who has judged a
      source and wants the rest of the article traced without it); the next candidates take
      their places.
    """

    max_candidates: int = 20
    lexical_candidates: int = 5
    lexical_when_uncovered: float = 0.2
    min_shared: int = 2
    max_df: int = DEFAULT_MAX_DF
    align: PairOptions = field(default_factory=PairOptions)
    semantic: bool = False
    semantic_candidates: int = 5
    semantic_threshold: float = 0.686
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    orphan_searches: int = 3
    orphan_candidates: int = 3
    orphans_when_uncovered: float = 0.5
    exclude: tuple[str, ...] = ()

    def rank_options(self) -> RankOptions:
        """The options of the source ranking this trace uses (:mod:`wiretrace.rank`): sentence
        support over the top ``SUPPORT_DEPTH`` only, since a trace takes the first few."""
        return RankOptions(
            min_shared=self.min_shared, max_df=self.max_df, support_depth=SUPPORT_DEPTH
        )


_NOT_RENAMES = frozenset(
    {
        EditType.NUMBER,
        EditType.DATE,
        EditType.ENTITY,
        EditType.QUOTE,
        EditType.ATTRIBUTION,
        EditType.NEGATION,
    }
)


def is_rename(edit: Edit) -> bool:
    """Whether an edit swaps one name of an entity for another (Russia -> Russian Federation).

    The typing (:mod:`wiretrace.drift`) gives a number, date, name, quotation, speaker or
    negation only to an edit whose two wordings are not one alias's names, so those are not
    read again."""
    if edit.type in _NOT_RENAMES:
        return False
    a = canonical_tokens(edit.source, tokenize(edit.source)).words
    b = canonical_tokens(edit.query, tokenize(edit.query)).words
    return bool(a) and a == b and normalise(edit.source).text != normalise(edit.query).text


def classify(alignment: Alignment) -> PassageKind:
    """The kind of an aligned passage, by these rules, in order:

    1. ``verbatim``: the normalised words of both sides are identical (case, quotes, dashes,
       hyphenation and white space are ignored);
    2. ``rewritten``: some edit renames an entity (``Russia`` -> ``Russian Federation``);
    3. ``near_verbatim``: found by the word n-gram aligner with a word similarity of at least
       0.8 (a few words changed, OCR-like damage);
    4. ``rewritten``: word similarity of at least 0.5: the same words, swapped for synonyms or
       reordered inside sentences;
    5. ``paraphrase``: anything else the sentence aligner found: the same content, mostly in
       other words.

    Word similarity is the normalised Indel similarity of the two word sequences, with entity
    aliases canonicalised for sentence-level passages.
    """
    if alignment.identical:
        return PassageKind.VERBATIM
    if any(is_rename(e) for e in alignment.edits):
        return PassageKind.REWRITTEN
    if not alignment.sentence_level and alignment.score >= NEAR_VERBATIM_SIMILARITY:
        return PassageKind.NEAR_VERBATIM
    if alignment.score >= REWRITTEN_SIMILARITY:
        return PassageKind.REWRITTEN
    return PassageKind.PARAPHRASE


def windows(text: str, size: int = WINDOW_CHARS) -> list[Span]:
    """``text`` cut into consecutive windows of at most about ``size`` characters, each ending
    at a paragraph break, else a line break, else a sentence end, else a space, in its last
    half: long articles are traced window by window, so a trace's work grows linearly with
    the article's length. A text of at most ``size`` characters is one window."""
    out: list[Span] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        middle = start + size // 2
        cut = -1
        for mark in ("\n\n", "\n", ". ", " "):
            found = text.rfind(mark, middle, end)
            if found >= 0:
                cut = found + len(mark)
                break
        cut = cut if cut > start else end
        out.append(Span(start, cut))
        start = cut
    out.append(Span(start, len(text)))
    return out


def trace(index: Index, doc: Document, options: TraceOptions | None = None) -> Trace:
    """Find the sources of ``doc`` in ``index``, align every passage, and add signals.

    Passages that lie mostly inside boilerplate lines ("Share this article") are dropped:
    pages of one site share their chrome, and it says nothing about where the story came from.
    A long article is traced window by window (:func:`windows`), each window with its own
    candidates, at most ``max_candidates`` + ``lexical_candidates`` of them and the headline's:
    so the work of a trace is bounded by its length, whatever the text.
    """
    opts = options or TraceOptions()
    query_time = parse_moment(doc.published_at)
    sources: dict[str, Document] = {}
    passages: list[Passage] = []
    candidates = 0
    cuts = windows(doc.text)
    tokens: Tokens | None = None
    for number, window in enumerate(cuts):
        part = _Window(index, doc, window, opts, query_time, headline=number == 0)
        part.run()
        if len(cuts) == 1:
            tokens = part.query.words.tokens  # the text's own tokens, made once
        candidates += len(part.aligned)
        sources.update(part.sources)
        for p in part.found:
            shifted = Span(p.query.start + window.start, p.query.end + window.start)
            edits = tuple(e.moved(window.start) for e in p.edits)
            passages.append(replace(p, query=shifted, edits=edits))
    passages = with_confidence(passages, len(doc.text))
    shown = [p for p in passages if p.confidence >= opts.min_confidence]
    hidden = len(passages) - len(shown)
    passages = shown
    passages.sort(key=lambda p: (p.query.start, -p.score, p.source_id, p.source.start))
    if tokens is None:
        tokens = tokenize(doc.text)
    later_ids = {src_id for src_id, src in sources.items() if is_later(src, query_time)}
    earlier = [p for p in passages if p.source_id not in later_ids]
    after = [p for p in passages if p.source_id in later_ids]
    summaries = summarise(earlier, sources, len(doc.text))
    first = earliest(summaries)
    coverage = Span.union_length([p.query for p in earlier]) / len(doc.text) if doc.text else 0.0
    log.debug("traced %s: %d candidates, %d passages", doc.id, candidates, len(passages))
    return Trace(
        query=doc,
        coverage=round(coverage, 4),
        passages=tuple(earlier),
        sources=tuple(summaries),
        earliest_source=first[0] if len(first) == 1 else None,
        signals=tuple(signals_of(doc.text, tokens, earlier) + fact_drift_signals(earlier, sources)),
        candidates_considered=candidates,
        options=asdict(opts),
        later=tuple(summarise(after, sources, len(doc.text))),
        later_passages=tuple(after),
        earliest_sources=first,
        direction_checked=query_time is not None,
        min_confidence=opts.min_confidence,
        hidden_passages=hidden,
    )


def summarise(
    passages: list[Passage], documents: dict[str, Document], length: int
) -> list[SourceSummary]:
    """One summary per document the passages cite, by share of the query, largest first."""
    spans: dict[str, list[Span]] = {}
    for p in passages:
        spans.setdefault(p.source_id, []).append(p.query)
    out = [
        SourceSummary(
            documents[d], round(Span.union_length(s) / length, 4) if length else 0.0, len(s)
        )
        for d, s in spans.items()
    ]
    out.sort(key=lambda s: (-s.coverage, s.document.id))
    return out


class _Window:
    """The attribution of one window of a query: candidates, alignment and the evidence
    checks (:mod:`wiretrace.evidence`). Passages are in the window's own offsets."""

    def __init__(
        self,
        index: Index,
        doc: Document,
        window: Span,
        opts: TraceOptions,
        query_time: Moment | None,
        *,
        headline: bool,
    ) -> None:
        text = doc.text[window.start : window.end]
        self.index = index
        self.opts = opts
        self.query_time = query_time
        self.doc = doc if window == Span(0, len(doc.text)) else replace(doc, text=text)
        if not headline:
            self.doc = replace(self.doc, title=None)
        self.query = align_view(text, opts.align)
        self.chrome = boilerplate_spans(text)
        self.max_edits = opts.align.words.max_edits
        self.ranking = opts.rank_options()
        self.found: list[Passage] = []
        self.sources: dict[str, Document] = {}
        self.views: list[tuple[Document, AlignView]] = []
        self.aligned: set[str] = set()
        self.excluded = frozenset(opts.exclude)
        self._weights: list[Callable[[str], float]] = []

    def idf(self, term: str) -> float:
        """Document frequencies are read once, on the first passage that needs them."""
        if not self._weights:
            terms = span_terms(self.query, Span(0, len(self.doc.text)))
            self._weights.append(idf_of(*self.index.term_document_counts(terms)))
        return self._weights[0](term)

    def keep(
        self,
        a: Alignment,
        src: Document,
        view: AlignView,
        *,
        field: str = "text",
        floor: bool = True,
    ) -> None:
        if 2 * a.query.overlap(self.chrome) >= len(a.query):
            return  # page chrome shared by pages of one site is not a source
        verdicts = examine(
            self.query, view, a, classify, self.idf, self.max_edits, check_evidence=floor
        )
        for verdict in verdicts:
            if verdict.alignment is None:
                log.debug("dropped a passage of %s: %s", src.id, verdict.reason)
                continue
            b = verdict.alignment
            score = max(b.score, b.cosine or 0.0)
            kind = verdict.kind
            self.found.append(Passage(b.query, src.id, b.source, score, kind, b.edits, 0.0, field))
            self.sources[src.id] = src

    def allowed(self, ids: Iterable[str]) -> list[str]:
        """``ids`` without the excluded documents, in order (before any cut to a number of
        candidates, so that the next ones take their places)."""
        return [d for d in ids if d not in self.excluded]

    def align_all(self, ids: Iterable[str]) -> None:
        for doc_id in ids:
            if doc_id in self.aligned or doc_id in self.excluded:
                continue
            self.aligned.add(doc_id)
            src = self.index.get(doc_id)
            if src is None:  # removed between the two reads
                continue
            view = align_view(src.text, self.opts.align)
            self.views.append((src, view))
            for a in align_pair(self.query, view, self.opts.align):
                self.keep(a, src, view)

    def uncovered(self) -> float:
        if not self.doc.text:
            return 0.0
        own = [
            p.query for p in self.found if not is_later(self.sources[p.source_id], self.query_time)
        ]
        return 1 - Span.union_length(own) / len(self.doc.text)

    def run(self) -> None:
        opts, doc, ranking = self.opts, self.doc, self.ranking
        found = retrieve(self.index, doc, ranking, headlines=False)
        # Copied stretches first: documents sharing fingerprints. Then those that hold the
        # headline: always for a headline in the text (the most copied part of news, and too
        # short for fingerprints), and for a title given apart only while the text is still
        # unexplained (it can only bring candidates).
        self.align_all(self.allowed(c.doc_id for c in found.copies)[: opts.max_candidates])
        headline = found.headline
        words: list[Candidate] | None = None
        if headline is not None and headline.span is not None:
            found = find_headlines(self.index, doc, found, ranking)
            self.align_all(m.doc_id for m in found.headlines)
            self.attribute_headline(found)
        elif headline is not None and self.uncovered() > opts.lexical_when_uncovered:
            # A title given apart can only bring candidates. When the rewrite step below will
            # search the title and text by their words anyway, the title is matched against
            # the top of that search, which ranks pages with the same title first, instead
            # of a search of its own.
            hits = None
            if opts.lexical_candidates > 0:
                words = lexical_search(self.index, doc, ranking)
                hits = words[: ranking.headline_depth]
            found = find_headlines(self.index, doc, found, ranking, hits=hits)
            self.align_all(m.doc_id for m in found.headlines)
        if opts.lexical_candidates > 0 and self.uncovered() > opts.lexical_when_uncovered:
            # Rewrites are found by words, in the order source ranking gives (wiretrace.rank);
            # they are looked for only while a good part of the text is still unexplained,
            # since each costs an alignment.
            ranked = rank_sources(self.index, doc, ranking, retrieval=found, lexical=words)
            extra = [d for d in self.allowed(r.doc_id for r in ranked) if d not in self.aligned]
            self.align_all(extra[: opts.lexical_candidates])
        if opts.orphan_searches > 0 and self.uncovered() <= opts.orphans_when_uncovered:
            # A text mostly explained: what is left are single sentences, looked up alone. (A
            # text mostly unexplained is a rewrite, searched by its words just above.)
            self.align_orphans()
        if opts.semantic and self.views:
            # Imported here: the [semantic] extra is optional, and loading it costs seconds.
            from wiretrace.semantic import load_encoder, semantic_attributions

            by_id = {src.id: (src, view) for src, view in self.views}
            semantic = semantic_attributions(
                self.query,
                [(src.id, view) for src, view in self.views[: opts.semantic_candidates]],
                load_encoder(),
                [p.query for p in self.found],
                opts.semantic_threshold,
                max_edits=self.max_edits,
            )
            for src_id, a in semantic:
                self.keep(a, *by_id[src_id], floor=False)

    def align_orphans(self) -> None:
        """Look up the longest sentences no passage explains, one by one (``orphan_searches``
        in :class:`TraceOptions`): at most that many word searches, each bringing at most
        ``orphan_candidates`` documents to align."""
        held = [p.query for p in self.found]
        text = self.doc.text
        orphans = [
            span
            for span in self.query.sentences.sentences
            if not span.overlap(held)
            and 2 * span.overlap(self.chrome) < len(span)
            and len(text[span.start : span.end].split()) >= ORPHAN_MIN_WORDS
        ]
        orphans.sort(key=lambda span: (-len(span), span.start))
        for span in orphans[: self.opts.orphan_searches]:
            limit = self.opts.orphan_candidates
            hits = self.index.lexical_candidates(
                text[span.start : span.end], limit=limit + len(self.excluded), exclude=self.doc.id
            )
            self.align_all(self.allowed(c.doc_id for c in hits)[:limit])

    def attribute_headline(self, found: Retrieval) -> None:
        """A passage for the query's headline from each document whose title or lead holds
        it, when alignment gave none: a headline is too short for the aligners' seeds once a
        name in it is changed, and a page's title is often not in its text."""
        assert found.headline is not None and found.headline.span is not None
        span = found.headline.span
        for match in found.headlines:
            if match.doc_id in self.excluded:
                continue
            held = [
                p for p in self.found if p.source_id == match.doc_id and p.query.overlap([span])
            ]
            if Span.union_length([p.query for p in held]) >= HEADLINE_HELD * len(span):
                continue
            # Parts of the headline aligned on their own give way to the whole headline.
            inside = [p for p in held if p.query.start >= span.start and p.query.end <= span.end]
            self.found = [p for p in self.found if p not in inside]
            src = self.index.get(match.doc_id)
            if src is None:
                continue
            text = src.title if match.field == "title" and src.title else src.text
            a = headline_alignment(self.query, span, text, self.max_edits)
            if a is not None:
                self.keep(a, src, align_view(text), field=match.field, floor=False)


def signals_of(text: str, tokens: Tokens, passages: list[Passage]) -> list[Signal]:
    """Source-free signals of the text, then spin signals from the passages' edits."""
    mentions = alias_mentions(tokens, load_aliases(), text=text)
    names = [(m.canonical, Span(m.start, m.end)) for m in mentions if m.kind == "name"]
    return source_free_signals(text, names) + spin_signals(text, tokens, passages)


def spin_signals(text: str, tokens: Tokens, passages: list[Passage]) -> list[Signal]:
    """Consistent substitutions across passages, gathered into ``spin`` signals.

    - A renamed entity gives "Russia -> Russian Federation, 4 of 5 mentions": how many of the
      entity's mentions in the whole query use the new name.
    - A one-word substitution made at least twice gives "said -> stated, 3 times".
    """
    renames: Counter[tuple[str, str]] = Counter()
    swaps: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], tuple[str, str]] = {}
    for p in passages:
        for e in p.edits:
            key = (normalise(e.source).text, normalise(e.query).text)
            shown.setdefault(key, (e.source, e.query))
            if is_rename(e):
                renames[key] += 1
            elif len(key[0].split()) == 1 and len(key[1].split()) == 1:
                swaps[key] += 1
    out: list[Signal] = []
    if renames:
        mentions = alias_mentions(tokens, load_aliases(), text=text)
        by_key: dict[str, Counter[str]] = {}
        for m in mentions:
            surface = normalise(text[m.start : m.end]).text
            by_key.setdefault(m.canonical, Counter())[surface] += 1
        for key, _ in renames.most_common():
            forms = next((c for c in by_key.values() if key[1] in c), Counter({key[1]: 1}))
            old, new = shown[key]
            detail = f"{old} -> {new}, {forms[key[1]]} of {sum(forms.values())} mentions"
            out.append(Signal("spin", detail))
    for key, count in swaps.most_common():
        if count >= 2:
            old, new = shown[key]
            out.append(Signal("spin", f"{old} -> {new}, {count} times"))
    return out


def earliest(sources: list[SourceSummary]) -> tuple[str, ...]:
    """The ids of the sources that no other source certainly precedes, in id order.

    Dates keep their precision (:func:`wiretrace.dates.certainly_before`): a page dated
    "2019-04-23" and one dated "2019-04-23T16:43Z" are a tie, and both are named. Undated
    sources are never earliest.
    """
    dated: list[tuple[Moment, str]] = []
    for s in sources:
        when = parse_moment(s.document.published_at)
        if when is not None:
            dated.append((when, s.document.id))
    first = [(m, d) for m, d in dated if not any(certainly_before(other, m) for other, _ in dated)]
    return tuple(sorted(d for _, d in first))


def is_later(doc: Document, query: Moment | None) -> bool:
    """Whether ``doc`` is certainly dated after the query; never for an undated side."""
    if query is None:
        return False
    when = parse_moment(doc.published_at)
    return when is not None and certainly_before(query, when)
