"""Articles and reuse for ``bench/corpus_million.py``: original articles rendered from the text
model, and copies of them (verbatim, shortened, spun, composite, partial pickups, rewrites)
whose copied passages are recorded with their character spans on both sides.

Pure: every function takes the model and a ``random.Random`` (or a key for one) and returns
values.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from million_text import TextModel, Writer, reword, sentences

MEDIAN_CHARS = 2850  # the last paragraph overshoots the target: a median near 3,000
LENGTH_SIGMA = 0.55
MIN_CHARS, MAX_CHARS = 400, 20000
SPIN_RATE = 0.3  # share of content words a spinner swaps
PICKUP_RATE = 1 / 3  # share of words changed in a partial pickup or a rewrite
PARAGRAPH_SENTENCES = (1, 1, 2, 2, 2, 3, 3, 4)


@dataclass(frozen=True, slots=True)
class Article:
    """An article as paragraphs of sentences; its text joins them with blank lines and
    spaces."""

    title: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)

    def sentence_spans(self) -> list[list[tuple[int, int]]]:
        """The ``(start, end)`` of each sentence in ``text``, by paragraph."""
        spans: list[list[tuple[int, int]]] = []
        pos = 0
        for p in self.paragraphs:
            row = []
            for s in p:
                row.append((pos, pos + len(s)))
                pos += len(s) + 1
            spans.append(row)
            pos += 1  # "\n\n" after a paragraph is one more than the " " counted above
        return spans


@dataclass(frozen=True, slots=True)
class Piece:
    """A sentence of a new article, and where it came from when it is copied."""

    text: str
    source: str | None = None
    span: tuple[int, int] = (0, 0)
    op: str = ""


@dataclass(frozen=True, slots=True)
class Passage:
    """A copied passage: the source id, how it was copied, and its spans in both texts."""

    source: str
    op: str
    source_span: tuple[int, int]
    copy_span: tuple[int, int]

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "op": self.op,
            "source_span": list(self.source_span),
            "copy_span": list(self.copy_span),
        }


@dataclass(frozen=True, slots=True)
class Source:
    """A corpus article that another one copies."""

    id: str
    article: Article


# -- originals -----------------------------------------------------------------------------


def original(model: TextModel, key: str) -> Article:
    """A new article, a pure function of ``key``: headline and paragraphs of sentences
    rendered from real skeletons, to a log-normal length with a median of 3,000 characters."""
    rng = random.Random(key)
    writer = Writer(model, rng)
    target = rng.lognormvariate(math.log(MEDIAN_CHARS), LENGTH_SIGMA)
    target = min(MAX_CHARS, max(MIN_CHARS, target))
    paragraphs: list[tuple[str, ...]] = []
    size = 0
    stream = sentences(model, rng)
    while size < target:
        want = rng.choice(PARAGRAPH_SENTENCES)
        paragraph = tuple(writer.render(next(stream)) for _ in range(want))
        paragraphs.append(paragraph)
        size += sum(len(s) + 1 for s in paragraph) + 1
    title = writer.render(model.titles[rng.randrange(len(model.titles))])
    return Article(title, tuple(paragraphs))


# -- assembling a copy ---------------------------------------------------------------------


def assemble(paragraphs: list[list[Piece]]) -> tuple[str, list[Passage]]:
    """The text of paragraphs of pieces, and its copied passages: consecutive pieces of one
    source, copied the same way from consecutive sentences, make one passage."""
    text_parts: list[str] = []
    passages: list[Passage] = []
    pos = 0
    for n, paragraph in enumerate(row for row in paragraphs if row):
        if n:
            text_parts.append("\n\n")
            pos += 2
        for k, piece in enumerate(paragraph):
            if k:
                text_parts.append(" ")
                pos += 1
            text_parts.append(piece.text)
            if piece.source is not None:
                _add(passages, piece, (pos, pos + len(piece.text)))
            pos += len(piece.text)
    return "".join(text_parts), passages


def _add(passages: list[Passage], piece: Piece, span: tuple[int, int]) -> None:
    assert piece.source is not None
    last = passages[-1] if passages else None
    if (
        last is not None
        and last.source == piece.source
        and last.op == piece.op
        and last.copy_span[1] + 1 == span[0]
        and last.source_span[1] + 1 == piece.span[0]
    ):
        passages[-1] = Passage(
            last.source,
            last.op,
            (last.source_span[0], piece.span[1]),
            (last.copy_span[0], span[1]),
        )
        return
    passages.append(Passage(piece.source, piece.op, piece.span, span))


def copied(
    model: TextModel,
    source: Source,
    paragraphs: range,
    op: str,
    rng: random.Random,
    keep: float = 1.0,
) -> list[list[Piece]]:
    """Paragraphs of ``source`` as pieces: ``verbatim``, ``spun`` (a spinner's synonyms) or
    ``partial`` (a third of the words changed); ``keep`` is the chance that a sentence after
    the first is kept (``shortened``)."""
    spans = source.article.sentence_spans()
    out: list[list[Piece]] = []
    for p in paragraphs:
        row = []
        for k, sentence in enumerate(source.article.paragraphs[p]):
            if (p, k) != (paragraphs.start, 0) and rng.random() >= keep:
                continue
            row.append(Piece(changed(model, sentence, op, rng), source.id, spans[p][k], op))
        out.append(row)
    return out


def changed(model: TextModel, sentence: str, op: str, rng: random.Random) -> str:
    if op == "spun":
        return reword(model, sentence, SPIN_RATE, rng, stops=False)
    if op == "partial":
        return reword(model, sentence, PICKUP_RATE, rng, stops=True)
    return sentence


def fresh(article: Article, paragraphs: range | None = None) -> list[list[Piece]]:
    """Paragraphs of an article of one's own, as pieces with no source."""
    chosen = range(len(article.paragraphs)) if paragraphs is None else paragraphs
    return [[Piece(s) for s in article.paragraphs[p]] for p in chosen]


def run_of(article: Article, rng: random.Random, low: float, high: float) -> range:
    """A run of consecutive paragraphs, ``low`` to ``high`` of the article."""
    n = len(article.paragraphs)
    size = max(1, min(n, round(n * rng.uniform(low, high))))
    start = rng.randrange(n - size + 1)
    return range(start, start + size)


def lead(article: Article, rng: random.Random, low: float, high: float) -> range:
    n = len(article.paragraphs)
    return range(max(1, min(n, round(n * rng.uniform(low, high)))))


# -- the kinds of reuse ----------------------------------------------------------------------


def make_copy(
    model: TextModel, kind: str, sources: list[Source], own: Article, rng: random.Random
) -> tuple[str, str, list[Passage]]:
    """Title, text and copied passages of a reuse article of ``kind``; ``own`` is the copier's
    own article, which gives its fresh paragraphs and headline where it needs them."""
    if kind == "no_source":
        text, passages = assemble(fresh(own))
        return own.title, text, passages
    main = sources[0]
    if kind == "verbatim":
        body = copied(model, main, lead(main.article, rng, 0.6, 1.0), "verbatim", rng)
        if rng.random() < 0.3:
            body += fresh(own, range(1))
        title = main.article.title if rng.random() < 0.5 else _spun_title(model, main, rng)
    elif kind == "shortened":
        body = copied(model, main, lead(main.article, rng, 0.3, 0.7), "verbatim", rng, 0.7)
        title = main.article.title
    elif kind == "spun":
        body = copied(model, main, lead(main.article, rng, 0.7, 1.0), "spun", rng)
        title = _spun_title(model, main, rng)
    elif kind in ("composite", "spun_composite"):
        body = []
        for source in sources:
            op = "spun" if kind == "spun_composite" or rng.random() < 0.4 else "verbatim"
            body += copied(model, source, run_of(source.article, rng, 0.2, 0.5), op, rng)
        body += fresh(own, run_of(own, rng, 0.1, 0.3))
        rng.shuffle(body)
        title = _spun_title(model, main, rng)
    elif kind == "partial":
        body = _pickup(model, main, own, rng)
        title = own.title
    elif kind in ("wire_copy", "rewrite"):
        op = "verbatim" if kind == "wire_copy" else "partial"
        body = copied(model, main, run_of(main.article, rng, 0.5, 1.0), op, rng)
        if rng.random() < 0.5:
            body.insert(0, fresh(own, range(1))[0])
        title = main.article.title if kind == "wire_copy" else _spun_title(model, main, rng)
    else:
        raise ValueError(f"unknown reuse kind {kind!r}")
    text, passages = assemble(body)
    return title, text, passages


def _spun_title(model: TextModel, source: Source, rng: random.Random) -> str:
    return reword(model, source.article.title, SPIN_RATE, rng, stops=False)


def _pickup(
    model: TextModel, source: Source, own: Article, rng: random.Random
) -> list[list[Piece]]:
    """A partial pickup: the copier's own article with 2-6 of the source's sentences, each with
    about a third of its words changed, put in among its own paragraphs."""
    spans = source.article.sentence_spans()
    where = [(p, k) for p, row in enumerate(spans) for k in range(len(row))]
    picked = sorted(rng.sample(where, min(len(where), rng.randint(2, 6))))
    body = fresh(own)
    for p, k in picked:
        sentence = source.article.paragraphs[p][k]
        piece = Piece(changed(model, sentence, "partial", rng), source.id, spans[p][k], "partial")
        row = body[rng.randrange(len(body))]
        row.insert(rng.randint(0, len(row)), piece)
    return body
