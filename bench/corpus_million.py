"""A deterministic news-like corpus of up to a million articles and more (issue 16), with the
truth of its reuse and a query set, built from the shared news data.

How a corpus of N articles is made
----------------------------------
1. **A text model is learnt from the 5,646 real articles** of ``../shared/data`` (BBC News,
   ECB+, the English Wikinews sources and the PAN 2013 documents, read by ``bench/corpus.py``):
   every sentence and headline becomes a *skeleton* (function words and punctuation kept,
   content words and numbers taken out and replaced by slots that name the word's kind, common
   word or name, and its frequency band), and the content words with their counts become one
   shared vocabulary. Words seen once are replaced by an unbounded power-law tail of real rare
   words then made-up, pronounceable forms and names, so the vocabulary grows with N the way
   Heaps' law says. ``bench/million_text.py`` has the details.
2. **Article i is a pure function of (seed, i)**, so a corpus of N is the first N articles of
   one endless sequence (the 10k corpus is a prefix of the 1M one) and any process can build
   any article. Its *plan* (a seeded ``random.Random`` of its own) gives its kind, its outlet
   and its date:

   - 97.5% are **originals**: skeletons taken in reading order from a random real article,
     slots filled from the vocabulary (words already used in the article come back, as names
     do), paragraphs of 1-4 sentences, to a log-normal length with a median of 3,000
     characters, and a headline rendered from a real headline's skeleton. Texts are unique:
     no two articles share a run of 8 words outside recorded reuse (the tests check a sample);
   - 2.5% **carry passages of others** (the rates are in ``REUSE_RATES``): ``verbatim`` wire
     pickups (the lead 60-100% of a source), ``shortened`` ones (the lead 30-70%, with 30% of
     the sentences cut), ``spun`` ones (30% of the content words swapped for fixed stand-in
     synonyms), ``composite`` ones (runs of 2-4 sources, some spun, shuffled among paragraphs
     of their own) and ``partial`` pickups (2-6 sentences of a source with a third of their
     words changed, among paragraphs of their own). Sources are originals among the 20,000
     articles before the copy; 75% of picks go to wire agency stories (3% of the originals),
     most of them to the popular 15% of those, so a wire story can have many pickups. A copy
     is dated 10 minutes to a few days after its latest source.

   There are 4,000 made-up outlets (``.example`` domains, sizes skewed so a few are large) and
   8 wire agencies; dates run over 2016-2023: 25% are a date only, 5% a local time, 70% a time
   with a zone.
3. **The truth** of every reuse article: its kind, its sources, and each copied passage with
   its operation (``verbatim``, ``spun``, ``partial``) and its character spans in the source
   and in the copy.
4. **Queries** (none of them in the corpus), a quarter of each kind: ``wire_copy`` (a run of
   half or more of a source's paragraphs, verbatim; half of them open with a paragraph of
   their own, and so do half the rewrites), ``spun_composite`` (runs of 2-4 sources,
   all spun, with paragraphs of its own), ``rewrite`` (a run of a source with a third of its
   words changed) and ``no_source`` (a new original). 70% of the sources are corpus stories
   that already have copies in the corpus, so the true source has to beat its weaker copies;
   ``corpus_copies`` lists those.

Build, files and cost
---------------------
Articles are made in shards of 1,000 by ``--workers`` processes (the output does not depend on
their number) and streamed to ``bench/.cache/``: ``million-<N>-s<seed>-v<version>.jsonl`` (the
``wiretrace index`` fields: ``id``, ``title``, ``text``, ``source``, ``url``,
``published_at``), ``...-truth.jsonl``, ``...-queries-q<Q>.jsonl`` and ``...-manifest.json``
(written last; with it the files are complete). The manifest holds the document-frequency curve
(lower-cased ``wiretrace.text.words.WORD`` tokens of title and text) at 1k, 10k, 100k and 1M
articles and of the real data. Bump ``VERSION`` whenever the construction changes.

Run ``python bench/corpus_million.py --docs 1000000`` to build (or find) the files;
``--plot docs/df-curve.png`` draws the curves of the manifests found.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CACHE_DIR, DATA_DIR, DEFAULT_SEED, RealDoc, load_real, split_sentences
from million_reuse import Source, make_copy, original
from million_text import NAME, SYLLABLES, TextModel, clean_sentence, learn, made_up_word

from wiretrace.text.words import WORD

VERSION = "2"  # 2: rewordings keep names
DEFAULT_DOCS = 1_000_000
DEFAULT_QUERIES = 400
SHARD_DOCS = 1000
REUSE_RATES = {
    "verbatim": 0.005,
    "shortened": 0.004,
    "spun": 0.004,
    "composite": 0.004,
    "partial": 0.008,
}
QUERY_KINDS = ("wire_copy", "spun_composite", "rewrite", "no_source")
WIRE_SHARE, POPULAR_SHARE, WIRE_PICK = 0.03, 0.15, 0.75
SOURCE_WINDOW = 20_000
OUTLETS = 4000
WIRE_AGENCIES = (
    "Meridian Press Agency",
    "Continental Newswire",
    "Atlas Wire Service",
    "Harbour News Agency",
    "Northstar Press",
    "Pacifica Newswire",
    "United Dispatch",
    "Keystone Wire",
)
_PAPER_WORDS = (
    "Herald Gazette Courier Times Post Chronicle Daily News Observer Tribune Journal Express "
    "Record Telegraph Mirror Star Sentinel Bulletin Online Today Report Review Dispatch "
    "Examiner Standard Leader Advertiser Independent Press Voice Monitor Register Ledger"
)
_PAPERS = _PAPER_WORDS.split()
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_DAYS = 8 * 365 + 2
ZONES = (0, 0, 60, 120, -300, -240, 330, 480, 540, 600, -180, 180)  # minutes east of UTC
CHECKPOINTS = (1000, 10_000, 100_000, 1_000_000)
CURVE_RANKS = (1, 10, 100, 1000, 10_000, 100_000, 1_000_000)


@dataclass(frozen=True, slots=True)
class Plan:
    """What article ``index`` is: its kind, whether a wire agency wrote it, its outlet, when
    (days after ``START``) and how precisely its date is given (0 date, 1 local, 2 zoned)."""

    index: int
    kind: str
    wire: bool
    popular: bool
    outlet: int
    day: float
    precision: int


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    domain: str
    zone: int


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a worker needs to make any article."""

    model: TextModel
    seed: int
    outlets: tuple[Outlet, ...]


@dataclass(frozen=True, slots=True)
class MillionFiles:
    corpus: Path
    truth: Path
    queries: Path
    manifest: Path


@dataclass(frozen=True, slots=True)
class Shard:
    """One shard's output: JSONL text of articles and truth, and what the manifest counts."""

    documents: str
    truth: str
    df: Counter[str]
    lengths: array[int]
    kinds: Counter[str]
    stats: Counter[str]


# -- the text model --------------------------------------------------------------------------


def real_sentences(doc: RealDoc) -> list[str]:
    """A real article's sentences, cleaned (PAN lines are hard-wrapped: joined first)."""
    text = doc.record["text"]
    blocks = [" ".join(text.split())] if doc.group.startswith("pan:") else text.split("\n")
    return [clean_sentence(s) for b in blocks for s in split_sentences(b)]


def load_model(seed: int, real: list[RealDoc]) -> TextModel:
    documents = [
        (clean_sentence(d.record["title"]) if d.record["title"] else None, real_sentences(d))
        for d in real
    ]
    return learn(documents, seed)


# -- plans, outlets, dates -------------------------------------------------------------------


def doc_id(index: int) -> str:
    return f"m/{index:07d}"


def plan(seed: int, index: int) -> Plan:
    rng = random.Random(f"{seed}/plan/{index}")
    u = rng.random()
    kind = "original"
    for name, rate in REUSE_RATES.items():
        if u < rate:
            kind = name
            break
        u -= rate
    if index < 50:
        kind = "original"
    wire = kind == "original" and rng.random() < WIRE_SHARE
    popular = rng.random() < POPULAR_SHARE
    outlet = int(OUTLETS * rng.random() ** 2.2)
    day = rng.random() * SPAN_DAYS
    v = rng.random()
    precision = 0 if v < 0.25 else 1 if v < 0.30 else 2
    return Plan(index, kind, wire, popular, outlet, day, precision)


def make_outlets(seed: int) -> tuple[Outlet, ...]:
    """``OUTLETS`` made-up outlets (a place and a paper word), then the wire agencies."""
    rng = random.Random(f"{seed}/outlets")
    names: dict[str, None] = {}
    while len(names) < OUTLETS:
        place = made_up_word(NAME, rng.randrange(len(SYLLABLES), len(SYLLABLES) ** 2))
        names.setdefault(f"{place} {rng.choice(_PAPERS)}", None)
    everything = [*names, *WIRE_AGENCIES]
    return tuple(
        Outlet(n, re.sub(r"[^a-z0-9]+", "", n.lower()) + ".example", rng.choice(ZONES))
        for n in everything
    )


def stamp(day: float, precision: int, zone: int) -> str:
    """``published_at``: a date, a local time or a zoned time, in the outlet's zone."""
    local = START + timedelta(days=day, minutes=zone)
    if precision == 0:
        return local.date().isoformat()
    if precision == 1:
        return local.strftime("%Y-%m-%dT%H:%M:%S")
    sign = "+" if zone >= 0 else "-"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(zone) // 60:02d}:{abs(zone) % 60:02d}"


def choose_sources(seed: int, index: int, count: int, rng: random.Random) -> list[int]:
    """``count`` distinct originals among the ``SOURCE_WINDOW`` articles before ``index``;
    ``WIRE_PICK`` of the picks are wire stories, most of them popular ones."""
    chosen: list[int] = []
    window = min(index, SOURCE_WINDOW)
    for _ in range(count):
        want_wire = rng.random() < WIRE_PICK
        for attempt in range(5000):
            j = index - 1 - rng.randrange(window)
            p = plan(seed, j)
            if p.kind != "original" or j in chosen:
                continue
            wire_ok = p.wire and (p.popular or rng.random() < POPULAR_SHARE)
            if not want_wire or wire_ok or attempt >= 2000:  # (then any original will do)
                chosen.append(j)
                break
    return chosen


def _is_original(seed: int, index: int) -> bool:
    return plan(seed, index).kind == "original"


def url_of(outlet: Outlet, published: str, title: str, index: int) -> str:
    slug = "-".join(WORD.findall(title.lower())[:6])
    return f"https://{outlet.domain}/{published[:10].replace('-', '/')}/{slug}-{index}"


# -- one article ------------------------------------------------------------------------------


def source_article(ctx: Context, index: int) -> Source:
    return Source(doc_id(index), original(ctx.model, f"{ctx.seed}/text/{index}"))


def source_count(kind: str, rng: random.Random) -> int:
    return rng.randint(2, 4) if kind in ("composite", "spun_composite") else 1


def make_document(ctx: Context, index: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Article ``index``: its JSONL record, and its truth when it carries passages of others."""
    p = plan(ctx.seed, index)
    own = original(ctx.model, f"{ctx.seed}/text/{index}")
    outlet = ctx.outlets[p.outlet if not p.wire else OUTLETS + p.index % len(WIRE_AGENCIES)]
    truth = None
    if p.kind == "original":
        title, text, day = own.title, own.text, p.day
    else:
        rng = random.Random(f"{ctx.seed}/reuse/{index}")
        picks = choose_sources(ctx.seed, index, source_count(p.kind, rng), rng)
        sources = [source_article(ctx, j) for j in picks]
        title, text, passages = make_copy(ctx.model, p.kind, sources, own, rng)
        day = max(plan(ctx.seed, j).day for j in picks) + delay(rng)
        truth = {
            "id": doc_id(index),
            "kind": p.kind,
            "sources": sorted({x.source for x in passages}),
            "passages": [x.as_json() for x in passages],
        }
    published = stamp(day, p.precision, outlet.zone)
    record = {
        "id": doc_id(index),
        "title": title,
        "text": text,
        "source": outlet.name,
        "url": url_of(outlet, published, title, index),
        "published_at": published,
    }
    return record, truth


def delay(rng: random.Random) -> float:
    """Days from the latest source to its copy: 10 minutes and more, most within a day."""
    return 10 / 1440 + rng.expovariate(1 / 0.7)


# -- shards and the build ---------------------------------------------------------------------

_CONTEXT: list[Context] = []  # set once in each worker process


def _init_worker(ctx: Context) -> None:
    _CONTEXT[:] = [ctx]


def make_shard(ctx: Context, start: int, stop: int) -> Shard:
    docs: list[str] = []
    truths: list[str] = []
    df: Counter[str] = Counter()
    lengths = array("I")
    kinds: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    for index in range(start, stop):
        record, truth = make_document(ctx, index)
        docs.append(json.dumps(record, ensure_ascii=False))
        if truth is not None:
            truths.append(json.dumps(truth, ensure_ascii=False))
        kinds[truth["kind"] if truth else "original"] += 1
        df.update(set(WORD.findall(f"{record['title']}\n{record['text']}".lower())))
        lengths.append(len(record["text"]))
        stats["date_only"] += len(record["published_at"]) == 10
        stats[f"year:{record['published_at'][:4]}"] += 1
        stats[f"outlet:{record['source']}"] += 1
    return Shard(
        "\n".join(docs) + "\n", "".join(t + "\n" for t in truths), df, lengths, kinds, stats
    )


def _shard_worker(bounds: tuple[int, int]) -> Shard:
    return make_shard(_CONTEXT[0], *bounds)


def shards(ctx: Context, n_docs: int, workers: int) -> Iterator[Shard]:
    """The shards of the first ``n_docs`` articles, in order, made by ``workers`` processes."""
    bounds = [(s, min(n_docs, s + SHARD_DOCS)) for s in range(0, n_docs, SHARD_DOCS)]
    if workers <= 1:
        yield from (make_shard(ctx, *b) for b in bounds)
        return
    pool_context = multiprocessing.get_context("fork")  # the model is shared, not pickled
    with pool_context.Pool(workers, initializer=_init_worker, initargs=(ctx,)) as pool:
        yield from pool.imap(_shard_worker, bounds)


def files_for(n_docs: int, n_queries: int, seed: int, cache: Path = CACHE_DIR) -> MillionFiles:
    stem = cache / f"million-{n_docs}-s{seed}-v{VERSION}"
    return MillionFiles(
        Path(f"{stem}.jsonl"),
        Path(f"{stem}-truth.jsonl"),
        Path(f"{stem}-queries-q{n_queries}.jsonl"),
        Path(f"{stem}-manifest-q{n_queries}.json"),
    )


def ensure_million(
    n_docs: int = DEFAULT_DOCS,
    n_queries: int = DEFAULT_QUERIES,
    seed: int = DEFAULT_SEED,
    *,
    workers: int = 2,
    data: Path = DATA_DIR,
    cache: Path = CACHE_DIR,
) -> MillionFiles:
    """Build the corpus, truth, queries and manifest unless the manifest is already there."""
    files = files_for(n_docs, n_queries, seed, cache)
    if files.manifest.exists():
        return files
    cache.mkdir(parents=True, exist_ok=True)
    wall, cpu = time.perf_counter(), _cpu_seconds()
    real, _ = load_real(data)
    ctx = Context(load_model(seed, real), seed, make_outlets(seed))
    summary = _write_corpus(ctx, n_docs, workers, files)
    queries = make_queries(ctx, n_docs, n_queries, _read_truth(files.truth))
    _write_lines(files.queries, (json.dumps(q, ensure_ascii=False) for q in queries))
    summary["queries"] = dict(Counter(q["kind"] for q in queries))
    summary["real"] = real_curve(real)
    summary["build"] = {
        "wall_seconds": round(time.perf_counter() - wall, 1),
        "cpu_seconds": round(_cpu_seconds() - cpu, 1),
        "workers": workers,
    }
    _write_lines(files.manifest, [json.dumps(summary, indent=1)])
    return files


def later_articles(
    n_docs: int, count: int, seed: int = DEFAULT_SEED, *, data: Path = DATA_DIR
) -> list[dict[str, Any]]:
    """Articles ``n_docs`` to ``n_docs + count - 1`` of the sequence: the news that comes after
    a corpus of ``n_docs`` (new texts, for benchmarks that add documents to its index)."""
    real, _ = load_real(data)
    ctx = Context(load_model(seed, real), seed, make_outlets(seed))
    return [make_document(ctx, i)[0] for i in range(n_docs, n_docs + count)]


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _write_corpus(ctx: Context, n_docs: int, workers: int, files: MillionFiles) -> dict[str, Any]:
    df: Counter[str] = Counter()
    lengths = array("I")
    kinds: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    checkpoints: list[dict[str, Any]] = []
    corpus_tmp, truth_tmp = _tmp(files.corpus), _tmp(files.truth)
    with corpus_tmp.open("w", encoding="utf-8") as out, truth_tmp.open("w", encoding="utf-8") as tr:
        for shard in shards(ctx, n_docs, workers):
            out.write(shard.documents)
            tr.write(shard.truth)
            df.update(shard.df)
            lengths.extend(shard.lengths)
            kinds.update(shard.kinds)
            stats.update(shard.stats)
            if len(lengths) in CHECKPOINTS or len(lengths) == n_docs:
                checkpoints.append(df_summary(df, len(lengths)))
    corpus_tmp.replace(files.corpus)
    truth_tmp.replace(files.truth)
    return _summary(ctx, n_docs, lengths, kinds, stats, checkpoints)


def _summary(
    ctx: Context,
    n_docs: int,
    lengths: array[int],
    kinds: Counter[str],
    stats: Counter[str],
    checkpoints: list[dict[str, Any]],
) -> dict[str, Any]:
    outlets = Counter({k[7:]: v for k, v in stats.items() if k.startswith("outlet:")})
    reused = n_docs - kinds["original"]
    return {
        "version": VERSION,
        "seed": ctx.seed,
        "documents": n_docs,
        "kinds": dict(sorted(kinds.items())),
        "reuse_rate": round(reused / n_docs, 4),
        "text_chars": sum(lengths),
        "median_chars": statistics.median(lengths),
        "outlets": len(outlets),
        "largest_outlets": outlets.most_common(5),
        "date_only_share": round(stats["date_only"] / n_docs, 4),
        "years": dict(sorted((k[5:], v) for k, v in stats.items() if k.startswith("year:"))),
        "skeletons": len(ctx.model.skeletons),
        "title_skeletons": len(ctx.model.titles),
        "df": checkpoints,
    }


def df_summary(df: Counter[str], n_docs: int) -> dict[str, Any]:
    """Vocabulary size and the document frequency at fixed and log-spaced ranks."""
    values = sorted(df.values(), reverse=True)
    ranks = sorted({round(10 ** (k / 8)) for k in range(8 * 7 + 1)} | set(CURVE_RANKS))
    return {
        "documents": n_docs,
        "vocabulary": len(values),
        "at_rank": {str(r): values[r - 1] for r in CURVE_RANKS if r <= len(values)},
        "curve": [[r, values[r - 1]] for r in ranks if r <= len(values)],
    }


def real_curve(real: list[RealDoc]) -> dict[str, Any]:
    """The document-frequency summary of the real articles, tokenised the same way."""
    df: Counter[str] = Counter()
    for d in real:
        df.update(set(WORD.findall(f"{d.record['title'] or ''}\n{d.record['text']}".lower())))
    return df_summary(df, len(real))


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + f".tmp{os.getpid()}")


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    tmp = _tmp(path)
    with tmp.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    tmp.replace(path)


def _read_truth(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


# -- queries ----------------------------------------------------------------------------------


def make_queries(
    ctx: Context, n_docs: int, n_queries: int, truth: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Queries not in the corpus, a quarter of each kind, with their true sources."""
    copies: dict[str, set[str]] = {}
    for t in truth:
        for s in t["sources"]:
            copies.setdefault(s, set()).add(t["id"])
    copied = sorted(copies)
    queries = []
    for q in range(n_queries):
        kind = QUERY_KINDS[q * len(QUERY_KINDS) // max(1, n_queries)]
        rng = random.Random(f"{ctx.seed}/query/{n_docs}/{q}")
        own = original(ctx.model, f"{ctx.seed}/query-text/{n_docs}/{q}")
        picks = [] if kind == "no_source" else _query_sources(ctx, n_docs, kind, copied, rng)
        sources = [source_article(ctx, int(s[2:])) for s in picks]
        title, text, passages = make_copy(ctx.model, kind, sources, own, rng)
        day = max((plan(ctx.seed, int(s[2:])).day for s in picks), default=rng.random() * 2900)
        outlet = ctx.outlets[int(OUTLETS * rng.random() ** 2.2)]
        published = stamp(day + delay(rng), 2, outlet.zone)
        true_sources = sorted({x.source for x in passages})
        queries.append(
            {
                "id": f"q/{kind}/{q:04d}",
                "title": title,
                "text": text,
                "source": outlet.name,
                "url": url_of(outlet, published, title, n_docs + q),
                "published_at": published,
                "kind": kind,
                "true_sources": true_sources,
                "corpus_copies": sorted(set().union(*(copies.get(s, set()) for s in true_sources))),
                "passages": [x.as_json() for x in passages],
            }
        )
    return queries


def _query_sources(
    ctx: Context, n_docs: int, kind: str, copied: list[str], rng: random.Random
) -> list[str]:
    """Sources of a query: 70% corpus stories that already have copies, else any original."""
    chosen: list[str] = []
    count = source_count(kind, rng)
    while len(chosen) < count:
        if copied and rng.random() < 0.7:
            pick = copied[rng.randrange(len(copied))]
        else:
            index = rng.randrange(n_docs)
            pick = doc_id(index) if _is_original(ctx.seed, index) else ""
        if pick and pick not in chosen:
            chosen.append(pick)
    return chosen


# -- command line -------------------------------------------------------------------------------


def plot_curves(manifest: dict[str, Any], out: Path) -> None:
    """Left: the share of documents holding the word at each rank, log-log, for the real
    articles and each checkpoint. Right: vocabulary size against corpus size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    real = manifest["real"]
    for row in [*manifest["df"], real]:
        ranks, dfs = zip(*row["curve"], strict=True)
        style = "k--" if row is real else "-"
        name = "real" if row is real else "generated"
        shares = [d / row["documents"] for d in dfs]
        left.plot(ranks, shares, style, label=f"{name} {row['documents']:,}")
    left.set(xscale="log", yscale="log", xlabel="rank of the word by document frequency")
    left.set(ylabel="share of documents holding the word")
    sizes = [(row["documents"], row["vocabulary"]) for row in manifest["df"]]
    right.plot(*zip(*sizes, strict=True), "o-", label="generated")
    right.plot([real["documents"]], [real["vocabulary"]], "ks", label="real")
    right.set(xscale="log", yscale="log", xlabel="documents", ylabel="distinct words")
    for ax in (left, right):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS, help="corpus size")
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES, help="query count")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=2, help="processes (output unchanged)")
    parser.add_argument("--plot", type=Path, help="draw the df curves of the manifest here")
    args = parser.parse_args(argv)
    files = ensure_million(args.docs, args.queries, args.seed, workers=args.workers)
    manifest = json.loads(files.manifest.read_text(encoding="utf-8"))
    for name in ("corpus", "truth", "queries", "manifest"):
        path = getattr(files, name)
        print(f"{name:9}{path}  ({path.stat().st_size / 1e6:,.1f} MB)")
    shown = {k: v for k, v in manifest.items() if k not in ("df", "real", "years")}
    print(json.dumps(shown, indent=1))
    if args.plot:
        plot_curves(manifest, args.plot)
        print(f"plot     {args.plot}")


if __name__ == "__main__":
    main()
