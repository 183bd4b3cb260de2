"""A deterministic benchmark corpus and query set built from the shared news data.

How the corpus of N documents is made
-------------------------------------
1. **Real documents** come from ``../shared/data`` (resolved from the repository root):

   - BBC News (``bbc-news/bbc_news.jsonl.gz``), 2,225 articles. Id ``bbc/<category>/<NNN>``,
     outlet "BBC News", no date (the set has none).
   - ECB+ (``ecbplus-news-events/ecbplus_docs.jsonl.gz``), 982 articles; the text stays
     tokenised. Id ``ecbplus/<doc_id>``. For ``ecbplus`` documents, sentence 0 (the tokenised
     URL) becomes ``url``, the outlet is the URL's domain, the next line is the title and the
     date is read from the URL or the first lines when it is there. ``ecb`` documents have no
     outlet and no date.
   - Wikinews source articles (``wikinewssum/wikinews_with_sources.jsonl``), English
     ``maintext`` only, about 215. Id ``wikinews/<record>/<k>``, outlet the URL's domain, date
     the date of the citing Wikinews article (the source is from that day or a little
     earlier). These texts belong to their publishers: the corpus is a local cache for
     evaluation and must not be redistributed.
   - PAN 2013 text-alignment documents (``pan-train/corpus/src`` and ``susp``), 1,402 + 822,
     which already hold reuse of the source documents by the suspicious ones. Id
     ``pan/src/<name>`` or ``pan/susp/<name>``, no outlet, no date.

   At least 40% of the corpus is synthetic: below 9,410 documents a seeded sample of 60% of
   N real documents is used; from 9,410 documents up every real document (5,646) is in, and
   the query set is then the same for every N.

2. **Synthetic "content-farm" documents** fill the rest. Each is a composite: pick a primary
   real document, add 0-3 more sources (70% from the same group: BBC category, ECB+ topic,
   Wikinews record; otherwise any document), then draw 3-8 passages from those sources (every
   source gives at least one). A passage is a run of consecutive paragraphs or sentence groups
   of 200-600 characters. The passages are shuffled, about a third of them are lightly spun
   (common words swapped for synonyms), and some documents get web boilerplate lines. The
   outlet is one of a few made-up farm names (URLs under ``.example``), and the date is 1-30
   days after the latest dated source (or in 2006, after all the BBC and Wikinews material,
   when no source is dated). The true sources of every farm document are written to the
   manifest.

Query set
---------
``n_queries`` queries (default 200), none of them in the corpus:

- half are synthetic composites, built exactly like farm documents with another seed;
- a quarter (at most the number available, about 85) are real rewrites: Wikinews articles
  (wikitext markup stripped) whose English sources are in the corpus;
- the rest are excerpts of real corpus documents (40-70% of their paragraphs, contiguous,
  lightly spun).

Every query records its ``kind`` and its ``true_sources`` (corpus ids).

Files
-----
Written once to ``bench/.cache/`` and reused: ``corpus-<N>-s<seed>-v<version>.jsonl`` (one
document a line with the ``wiretrace index`` fields), ``queries-...jsonl`` and
``manifest-...json``. Everything is seeded: the same N, seed and version give byte-identical
files. Bump ``VERSION`` whenever the construction changes.

Run ``python bench/corpus.py --docs 10000`` to build (or find) the files and print their paths.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

VERSION = "1"
DEFAULT_DOCS = 10_000
DEFAULT_QUERIES = 200
DEFAULT_SEED = 20240613

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT.parent / "shared" / "data"
CACHE_DIR = REPO_ROOT / "bench" / ".cache"

MIN_SYNTHETIC_SHARE = 0.4
FARM_OUTLETS = (
    "Daily Newswire Digest",
    "TrendingNow 24",
    "The Global Herald Online",
    "WorldBuzz Report",
    "Headline Hub",
    "InfoStream Daily",
)
BOILERPLATE = (
    "Other reports by {byline}",
    "Discuss This Article",
    "Share this article on social media",
    "Read more: top stories of the day",
    "Click here to subscribe to our newsletter",
)
BYLINES = ("Saul Bowman", "Erin Castell", "Mark Devlin", "Nadia Frost", "Tom Hale")
# Light spinning: common words swapped the way article spinners do.
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "big": "large",
    "people": "individuals",
    "help": "assist",
    "buy": "purchase",
    "start": "begin",
    "started": "began",
    "show": "demonstrate",
    "also": "additionally",
    "but": "however",
    "about": "approximately",
    "many": "numerous",
    "government": "administration",
    "company": "firm",
    "announced": "revealed",
    "important": "significant",
    "week": "seven days",
    "new": "fresh",
}
_SYNONYM_RE = re.compile(r"\b(" + "|".join(SYNONYMS) + r")\b", re.IGNORECASE)
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019]))\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = (
    re.compile(_MONTH + r" (\d{1,2})(?:st|nd|rd|th)? ,? (\d{4})", re.IGNORECASE),  # May 03 , 2013
    re.compile(r"(\d{1,2}) " + _MONTH + r" (\d{4})", re.IGNORECASE),  # 14 June 2013
    re.compile(r"\b(\d{1,2}) / (\d{1,2}) / (\d{4})\b"),  # 05 / 02 / 2013 (US order)
)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d?|[a-z]{3})[a-z]*/(\d\d?)/", re.IGNORECASE)
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu"}


@dataclass(frozen=True, slots=True)
class RealDoc:
    """A real document, its group (for related sources) and its passage units."""

    record: dict[str, Any]
    group: str
    units: tuple[str, ...]

    @property
    def id(self) -> str:
        return str(self.record["id"])


@dataclass(frozen=True, slots=True)
class CorpusFiles:
    """Paths of a built corpus."""

    corpus: Path
    queries: Path
    manifest: Path


# -- reading the shared data ---------------------------------------------------------------


def _doc(
    doc_id: str,
    text: str,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    published_at: str | None = None,
) -> dict[str, Any]:
    return {
        "id": doc_id,
        "text": text,
        "title": title,
        "url": url,
        "source": source,
        "published_at": published_at,
    }


def outlet_of(url: str | None) -> str | None:
    """The registrable domain of a URL (``www.guardian.co.uk`` -> ``guardian.co.uk``)."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2:
        return host or None
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(token: str) -> int | None:
    return int(token) if token.isdigit() else _MONTHS.get(token[:3].lower())


def find_date(url: str | None, lines: list[str]) -> str | None:
    """A publication date read from a URL path or the first lines of an ECB+ document."""
    if url and (m := _URL_DATE.search(url)):
        month = _month(m.group(2))
        if month and (found := _safe_date(int(m.group(1)), month, int(m.group(3)))):
            return found
    head = " ".join(lines[:4])
    for i, pattern in enumerate(_DATE_PATTERNS):
        m = pattern.search(head)
        if not m:
            continue
        if i == 0:
            month, day, year = _month(m.group(1)), int(m.group(2)), int(m.group(3))
        elif i == 1:
            day, month, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
        else:
            month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month and (found := _safe_date(year, month, day)):
            return found
    return None


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def make_units(blocks: list[str], max_len: int = 600, group_len: int = 200) -> tuple[str, ...]:
    """Passage units: blocks (paragraphs, lines), with long blocks cut into sentence groups of
    at least ``group_len`` characters."""
    units: list[str] = []
    for block in blocks:
        block = block.strip()
        if not block:
            continue
        if len(block) <= max_len:
            units.append(block)
            continue
        group: list[str] = []
        size = 0
        for sentence in split_sentences(block):
            group.append(sentence)
            size += len(sentence) + 1
            if size >= group_len:
                units.append(" ".join(group))
                group, size = [], 0
        if group:
            units.append(" ".join(group))
    return tuple(units)


def read_bbc(data: Path) -> Iterator[RealDoc]:
    with gzip.open(data / "bbc-news" / "bbc_news.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rec = _doc(
                f"bbc/{r['id']}", r["text"].strip(), r.get("title"), None, "BBC News", r.get("date")
            )
            yield RealDoc(rec, f"bbc:{r['category']}", make_units(rec["text"].split("\n\n")))


def read_ecbplus(data: Path) -> Iterator[RealDoc]:
    path = data / "ecbplus-news-events" / "ecbplus_docs.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            lines = [x for x in r["text"].split("\n") if x.strip()]
            url = title = None
            if r.get("url_sentence0") and lines:
                url = r["url_sentence0"].replace(" ", "")
                lines = lines[1:]
                title = lines[0] if lines else None
            text = "\n".join(lines)
            rec = _doc(
                f"ecbplus/{r['doc_id']}", text, title, url, outlet_of(url), find_date(url, lines)
            )
            yield RealDoc(rec, f"ecb:{r['topic']}", make_units(_sentence_groups(lines)))


def _sentence_groups(lines: list[str], size: int = 200) -> list[str]:
    """Consecutive one-sentence lines grouped to about ``size`` characters."""
    out: list[str] = []
    group: list[str] = []
    for line in lines:
        group.append(line)
        if sum(len(x) for x in group) >= size:
            out.append("\n".join(group))
            group = []
    if group:
        out.append("\n".join(group))
    return out


_WIKI_DATE = re.compile(r"\{\{date\|([^}]*)\}\}")


def wikinews_date(record: dict[str, Any]) -> str | None:
    m = _WIKI_DATE.search(" ".join(record["text"]))
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1).strip(), "%B %d, %Y").date().isoformat()
    except ValueError:
        return None


def strip_wikitext(text: str) -> str:
    """Plain text of Wikinews wikitext: links and ``{{w|...}}`` keep their label, other
    templates and quote markup go."""
    text = re.sub(r"\{\{w\|[^{}|]*\|([^{}]*)\}\}", r"\1", text)
    text = re.sub(r"\{\{w\|([^{}|]*)\}\}", r"\1", text)
    text = re.sub(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]", r"\1", text)
    text = re.sub(r"\[https?://\S+ ([^\]]*)\]", r"\1", text)
    prev = None
    while prev != text:
        prev, text = text, re.sub(r"\{\{[^{}]*\}\}", "", text)
    text = re.sub(r"\{+[^{}]*\}+", "", text)
    text = html.unescape(text.replace("'''", "").replace("''", ""))
    return re.sub(r"[ \t]+", " ", text).strip()


def read_wikinews(data: Path) -> tuple[list[RealDoc], list[dict[str, Any]]]:
    """Wikinews English source articles, and the Wikinews records (for rewrite queries)."""
    path = data / "wikinewssum" / "wikinews_with_sources.jsonl"
    docs: list[RealDoc] = []
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            when = wikinews_date(r)
            source_ids = []
            for k, s in enumerate(r["sources"]):
                text = (s.get("maintext") or "").strip()
                if s.get("language") != "en" or len(text) < 50:
                    continue
                rec = _doc(
                    f"wikinews/{i:03d}/{k}",
                    text,
                    s.get("title"),
                    s.get("url"),
                    outlet_of(s.get("url")),
                    when,
                )
                docs.append(RealDoc(rec, f"wikinews:{i}", make_units(text.split("\n"))))
                source_ids.append(rec["id"])
            paragraphs = [strip_wikitext(p) for p in r["text"]]
            body = "\n\n".join(p for p in paragraphs if len(p) > 1)
            records.append(
                {
                    "index": i,
                    "title": r["title"],
                    "text": body,
                    "published_at": when,
                    "sources": source_ids,
                }
            )
    return docs, records


def read_pan(data: Path) -> Iterator[RealDoc]:
    root = data / "pan-train" / "corpus"
    for folder in ("src", "susp"):
        for path in sorted((root / folder).glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace").strip()
            rec = _doc(f"pan/{folder}/{path.stem}", text)
            # Lines are hard-wrapped, so passages are sentence groups of the joined text.
            yield RealDoc(rec, f"pan:{folder}", make_units([" ".join(text.split())]))


def load_real(data: Path = DATA_DIR) -> tuple[list[RealDoc], list[dict[str, Any]]]:
    """Every real document (in a fixed order) and the Wikinews records."""
    if not data.is_dir():
        raise SystemExit(f"error: shared data folder {data} not found")
    wiki_docs, records = read_wikinews(data)
    docs = [*read_bbc(data), *read_ecbplus(data), *wiki_docs, *read_pan(data)]
    docs = [d for d in docs if d.units]
    return docs, records


# -- composites ------------------------------------------------------------------------------


def spin(text: str, rng: random.Random, rate: float = 0.5) -> str:
    """Swap some common words for synonyms, keeping an initial capital."""

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        if rng.random() >= rate:
            return word
        new = SYNONYMS[word.lower()]
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return _SYNONYM_RE.sub(swap, text)


def draw_passage(doc: RealDoc, rng: random.Random, used: set[int]) -> tuple[int, str] | None:
    """A run of consecutive units of ``doc`` of 200-600 characters, avoiding used units."""
    free = [i for i in range(len(doc.units)) if i not in used]
    if not free:
        return None
    start = rng.choice(free)
    target = rng.randint(200, 600)
    parts: list[str] = []
    size = 0
    i = start
    while i < len(doc.units) and i not in used and size < target and len(parts) < 4:
        parts.append(doc.units[i])
        size += len(doc.units[i])
        used.add(i)
        i += 1
    return start, "\n".join(parts)


def parse_day(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def later_date(sources: list[RealDoc], rng: random.Random) -> str:
    """A date 1-30 days after the latest dated source, or in 2006 when none is dated."""
    dated = [d for s in sources if (d := parse_day(s.record["published_at"])) is not None]
    if dated:
        when = max(dated) + timedelta(days=rng.randint(1, 30))
    else:
        when = datetime(2006, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 364))
    when = when.replace(hour=rng.randint(0, 23), minute=rng.randint(0, 59), second=0)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def composite(
    doc_id: str,
    real: list[RealDoc],
    by_group: dict[str, list[int]],
    rng: random.Random,
) -> tuple[dict[str, Any], list[str]]:
    """A content-farm composite of passages from a few real documents, and its true sources."""
    primary = real[rng.randrange(len(real))]
    chosen = [primary]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        group = by_group[primary.group]
        pick = real[rng.choice(group)] if rng.random() < 0.7 else real[rng.randrange(len(real))]
        if all(pick.id != c.id for c in chosen):
            chosen.append(pick)
    n_passages = max(rng.randint(3, 8), len(chosen))
    used: dict[str, set[int]] = defaultdict(set)
    passages: list[tuple[str, str]] = []
    order = chosen + [rng.choice(chosen) for _ in range(n_passages - len(chosen))]
    for src in order:
        got = draw_passage(src, rng, used[src.id])
        if got is not None:
            passages.append((src.id, got[1]))
    rng.shuffle(passages)
    paragraphs = [spin(text, rng) if rng.random() < 0.35 else text for _, text in passages]
    if rng.random() < 0.3:
        line = rng.choice(BOILERPLATE).format(byline=rng.choice(BYLINES))
        paragraphs.append(line)
    outlet = rng.choice(FARM_OUTLETS)
    slug = re.sub(r"[^a-z0-9]+", "", outlet.lower())
    title = primary.record["title"] or primary.units[0][:80]
    true_sources = sorted({src_id for src_id, _ in passages})
    sources = [c for c in chosen if c.id in true_sources]
    rec = _doc(
        doc_id,
        "\n\n".join(paragraphs),
        spin(title, rng),
        f"https://{slug}.example/{doc_id}",
        outlet,
        later_date(sources, rng),
    )
    return rec, true_sources


def _groups(real: list[RealDoc]) -> dict[str, list[int]]:
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(real):
        by_group[d.group].append(i)
    return by_group


# -- corpus and queries ----------------------------------------------------------------------


def real_count(n_docs: int, available: int) -> int:
    """How many real documents a corpus of ``n_docs`` holds (at least 40% are synthetic)."""
    return min(available, n_docs - int(n_docs * MIN_SYNTHETIC_SHARE))


def build_corpus(
    n_docs: int, seed: int, real: list[RealDoc]
) -> tuple[list[dict[str, Any]], list[RealDoc], dict[str, list[str]]]:
    """Corpus records, the real documents in it, and the true sources of each farm document."""
    rng = random.Random(f"{seed}:corpus")
    n_real = real_count(n_docs, len(real))
    if n_real < len(real):
        picked = sorted(rng.sample(range(len(real)), n_real))
        in_corpus = [real[i] for i in picked]
    else:
        in_corpus = list(real)
    records = [d.record for d in in_corpus]
    by_group = _groups(in_corpus)
    farm_sources: dict[str, list[str]] = {}
    for i in range(n_docs - len(records)):
        rec, sources = composite(f"farm/{i:06d}", in_corpus, by_group, rng)
        records.append(rec)
        farm_sources[rec["id"]] = sources
    return records, in_corpus, farm_sources


def build_queries(
    n_queries: int, seed: int, in_corpus: list[RealDoc], wiki_records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Queries (not in the corpus) with their kind and their true sources in the corpus."""
    rng = random.Random(f"{seed}:queries")
    ids = {d.id for d in in_corpus}
    by_group = _groups(in_corpus)
    n_synth = n_queries // 2
    queries: list[dict[str, Any]] = []
    for i in range(n_synth):
        rec, sources = composite(f"q/synthetic/{i:04d}", in_corpus, by_group, rng)
        queries.append({**rec, "kind": "synthetic", "true_sources": sources})
    usable = [
        r for r in wiki_records if len(r["text"]) >= 200 and any(s in ids for s in r["sources"])
    ]
    rng.shuffle(usable)
    for r in usable[: (n_queries - n_synth) // 2]:
        queries.append(
            {
                **_doc(
                    f"q/wikinews/{r['index']:03d}",
                    r["text"],
                    r["title"],
                    None,
                    "Wikinews",
                    r["published_at"],
                ),
                "kind": "wikinews_rewrite",
                "true_sources": sorted(s for s in r["sources"] if s in ids),
            }
        )
    long_docs = [d for d in in_corpus if len(d.units) >= 4]
    for i in range(n_queries - len(queries)):
        src = long_docs[rng.randrange(len(long_docs))]
        size = max(2, round(len(src.units) * rng.uniform(0.4, 0.7)))
        start = rng.randrange(len(src.units) - size + 1)
        text = "\n\n".join(spin(u, rng) for u in src.units[start : start + size])
        queries.append(
            {
                **_doc(
                    f"q/excerpt/{i:04d}",
                    text,
                    src.record["title"],
                    None,
                    rng.choice(FARM_OUTLETS),
                    later_date([src], rng),
                ),
                "kind": "excerpt",
                "true_sources": [src.id],
            }
        )
    return queries


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


def corpus_files(n_docs: int, n_queries: int, seed: int, cache: Path = CACHE_DIR) -> CorpusFiles:
    stem = f"{n_docs}-s{seed}-v{VERSION}"
    return CorpusFiles(
        cache / f"corpus-{stem}.jsonl",
        cache / f"queries-{stem}-q{n_queries}.jsonl",
        cache / f"manifest-{stem}-q{n_queries}.json",
    )


def ensure_corpus(
    n_docs: int = DEFAULT_DOCS,
    n_queries: int = DEFAULT_QUERIES,
    seed: int = DEFAULT_SEED,
    *,
    data: Path = DATA_DIR,
    cache: Path = CACHE_DIR,
) -> CorpusFiles:
    """Build the corpus, queries and manifest files unless they are already cached."""
    files = corpus_files(n_docs, n_queries, seed, cache)
    if files.corpus.exists() and files.queries.exists() and files.manifest.exists():
        return files
    cache.mkdir(parents=True, exist_ok=True)
    real, wiki_records = load_real(data)
    records, in_corpus, farm_sources = build_corpus(n_docs, seed, real)
    queries = build_queries(n_queries, seed, in_corpus, wiki_records)
    _write_jsonl(files.corpus, records)
    _write_jsonl(files.queries, queries)
    manifest = {
        "version": VERSION,
        "seed": seed,
        "documents": len(records),
        "real_available": len(real),
        "origins": dict(Counter(r["id"].split("/")[0] for r in records)),
        "text_chars": sum(len(r["text"]) for r in records),
        "queries": dict(Counter(q["kind"] for q in queries)),
        "farm_sources": farm_sources,
    }
    tmp = files.manifest.with_name(files.manifest.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    tmp.replace(files.manifest)
    return files


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS, help="corpus size")
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES, help="query count")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    files = ensure_corpus(args.docs, args.queries, args.seed)
    manifest = json.loads(files.manifest.read_text(encoding="utf-8"))
    print(f"corpus   {files.corpus}\nqueries  {files.queries}\nmanifest {files.manifest}")
    print(f"origins  {manifest['origins']}\nqueries  {manifest['queries']}")


if __name__ == "__main__":
    main()
