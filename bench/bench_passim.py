"""passim side by side with wiretrace's corpus mode (issue 17).

One run, on one corpus of ``bench/corpus_big.py`` (10k or 100k documents):

1. converts the corpus to passim's input (JSON lines with ``id``, ``series``, ``date`` and
   ``text``; ``series`` is the outlet, ``date`` the publication time; see ``to_passim_record``);
2. runs passim 2 (``seriatim``, its own PySpark job, ``spark-submit --master local[2]``) with
   ``--pairwise`` so it writes one JSON record per aligned passage pair (``align.json``);
3. runs ``wiretrace corpus reuse FILE --engine local --workers 2`` on the same corpus;
4. measures both the same way (``bench_corpus.run_measured``): wall time, CPU time of the
   process tree, peak summed PSS of the tree;
5. compares the document pairs: how many of passim's pairs we find and how many of ours passim
   finds, and writes 20 differences (10 each way, seeded) with both documents' ids, outlets
   and the first 300 characters of the matched passage on each side, for reading by hand.

Settings (passim option -> what it maps to in wiretrace's ``CorpusOptions``):

- ``-n 25`` (n-grams of 25 letters and digits starting at a word start, passim's default) ~
  our word 5-gram fingerprints (``n=5``; about 25 letters and digits in news English);
- ``--maxDF 100`` = our ``max_df=100`` (an n-gram in more documents gives no candidate pair);
- ``--min-match 5`` (n-grams a pair must share, passim's default): passim counts every
  word-start n-gram, we count winnowed ones (window 8, about one in 4.5 positions), so our
  ``min_shared=2`` asks for about as long a shared stretch (9 to 10 words);
- ``--min-align 50`` (characters, passim's default) ~ our aligner's ``min_words=10``;
- all pairs of documents are compared (passim's default filter ``uid < uid2``): our engine does
  not skip pairs from the same outlet, so passim's series filter is not used. ``series`` is
  still given (the outlet) so passim's output carries it.

passim's clustering step needs the GraphFrames JVM package, which ``bin/seriatim`` fetches with
``spark-submit --packages`` from the Spark Packages repository; that repository is not
reachable from this machine, so the run stops after the pairwise output (``--docwise`` makes
seriatim return before clustering). Our figures include our families (clustering) stage.

passim's default mode gives each passage of a document one most likely source, so two copies
of one original are not a passim pair; the comparison counts how many of our pairs passim links
through a third document instead (``through_common_source``).

passim is not installed by this project (its documented install is pip from its source
repository, dasmiq/passim, not from a package index; the PyPI name ``passim`` is another
project).
Give ``--passim-script`` (its ``seriatim.py``) and ``--passim-venv`` (a virtual environment
with PySpark 3.5, ``intervaltree`` and ``graphframes``), or set ``WIRETRACE_PASSIM_SCRIPT``
and ``WIRETRACE_PASSIM_VENV``; the defaults are ``bench/.cache/passim-src/passim/seriatim.py``
and ``bench/.cache/passim-venv``.

Usage::

    python bench/bench_passim.py --docs 10000
    python bench/bench_passim.py --docs 100000 --skip-passim   # ours only
    python bench/bench_passim.py --docs 10000 --compare-only   # redo the comparison only

Results go to ``bench/results/passim-<N>.json`` and ``bench/results/passim-<N>.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus import machine, run_cli, run_header, run_measured
from corpus import REPO_ROOT
from corpus_big import ensure_big_corpus

RESULTS = REPO_ROOT / "bench" / "results"
WORK = REPO_ROOT / "bench" / ".cache" / "passim-runs"
DEFAULT_SCRIPT = os.environ.get(
    "WIRETRACE_PASSIM_SCRIPT",
    str(REPO_ROOT / "bench" / ".cache" / "passim-src" / "passim" / "seriatim.py"),
)
DEFAULT_VENV = os.environ.get(
    "WIRETRACE_PASSIM_VENV", str(REPO_ROOT / "bench" / ".cache" / "passim-venv")
)
UNKNOWN_SERIES = "(unknown)"
# passim's options, chosen to match ours (see the module docstring).
PASSIM_OPTIONS = ("-n", "25", "--maxDF", "100", "--min-match", "5", "--min-align", "50")
SAMPLE_EACH_WAY = 10
SAMPLE_SEED = 17
EXCERPT_CHARS = 300

Pair = tuple[str, str]


class PassimFormatError(ValueError):
    """A record of passim's output lacks a field the comparison needs."""


@dataclass(frozen=True, slots=True)
class Passage:
    """One aligned passage of a document pair: character spans on the pair's two sides.

    ``a`` is the document whose id sorts first. ``length`` is the matched length on the
    longer side (for passim, its ``matches`` count of aligned equal characters when given).
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    length: int
    kind: str = ""


def pair_key(x: str, y: str) -> Pair:
    """A document pair as an ordered tuple, the smaller id first."""
    if x == y:
        raise ValueError(f"a pair needs two different documents, got {x!r} twice")
    return (x, y) if x < y else (y, x)


def to_passim_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """One corpus record as a line of passim's input.

    passim reads JSON lines with ``id`` and ``text`` required; ``series`` groups documents (of
    one outlet), and other fields (here ``date``, ``title``) are passed through to its output.
    A record without an outlet gets the series ``(unknown)``, as our engine names it.
    """
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError(f"record without a string id: {dict(record)!r:.200}")
    if not isinstance(text, str):
        raise ValueError(f"record {doc_id!r} has no text")
    out: dict[str, Any] = {
        "id": doc_id,
        "series": record.get("source") or UNKNOWN_SERIES,
        "text": text,
    }
    if record.get("published_at"):
        out["date"] = record["published_at"]
    if record.get("title"):
        out["title"] = record["title"]
    return out


def write_passim_input(corpus: Path, out: Path) -> int:
    """Convert a corpus JSONL file to passim's input file; return the number of records."""
    count = 0
    with corpus.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line_no, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                rec = to_passim_record(json.loads(line))
            except (json.JSONDecodeError, ValueError) as exc:
                raise SystemExit(f"{corpus}:{line_no}: {exc}") from exc
            dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
            count += 1
    return count


def parse_passim_pairs(lines: Iterable[str]) -> dict[Pair, list[Passage]]:
    """passim's pairwise output (``align.json`` records) as passages per document pair.

    Each record is one aligned passage from document ``id`` (offsets ``begin``/``end``) to
    document ``id2`` (``begin2``/``end2``); ``matches`` counts the equal aligned characters.
    Spans are put on the pair's sides in id order.
    """
    pairs: dict[Pair, list[Passage]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        try:
            x, y = rec["id"], rec["id2"]
            span_x, span_y = (rec["begin"], rec["end"]), (rec["begin2"], rec["end2"])
        except KeyError as exc:
            raise PassimFormatError(f"passim record {n} has no field {exc}") from exc
        key = pair_key(x, y)
        (a0, a1), (b0, b1) = (span_x, span_y) if key[0] == x else (span_y, span_x)
        length = rec.get("matches") or max(a1 - a0, b1 - b0)
        pairs.setdefault(key, []).append(Passage(a0, a1, b0, b1, int(length)))
    return pairs


def read_passim_output(folder: Path) -> dict[Pair, list[Passage]]:
    """The pairs of a passim ``align.json`` folder (Spark's ``part-*`` files)."""
    parts = sorted(folder.glob("part-*"))
    if not parts:
        raise SystemExit(f"{folder}: no part-* files (did passim finish?)")

    def lines() -> Iterator[str]:
        for part in parts:
            with part.open(encoding="utf-8") as fh:
                yield from fh

    return parse_passim_pairs(lines())


def read_our_pairs(out: Path) -> dict[Pair, list[Passage]]:
    """The pairs of a ``wiretrace corpus reuse`` output folder, with their passages."""
    import pyarrow.parquet as pq

    cols = ["a_document_id", "b_document_id", "passages"]
    pairs: dict[Pair, list[Passage]] = {}
    for row in pq.read_table(out / "pairs.parquet", columns=cols).to_pylist():
        x, y = row["a_document_id"], row["b_document_id"]
        key = pair_key(x, y)
        psgs = []
        for p in row["passages"]:
            a, b = (p["a_start"], p["a_end"]), (p["b_start"], p["b_end"])
            (a0, a1), (b0, b1) = (a, b) if key[0] == x else (b, a)
            psgs.append(Passage(a0, a1, b0, b1, max(a1 - a0, b1 - b0), p["kind"]))
        pairs[key] = psgs
    return pairs


def overlap(peer: Iterable[Pair], ours: Iterable[Pair]) -> dict[str, Any]:
    """How the two sets of document pairs overlap.

    ``recall_of_ours_against_passim`` = |passim ∩ ours| / |passim| (the share of passim's pairs
    we find); ``share_of_ours_found_by_passim`` = |passim ∩ ours| / |ours|. ``None`` when the
    set it divides by is empty.
    """
    p, o = set(peer), set(ours)
    both = len(p & o)
    return {
        "passim_pairs": len(p),
        "our_pairs": len(o),
        "both": both,
        "passim_only": len(p - o),
        "ours_only": len(o - p),
        "recall_of_ours_against_passim": round(both / len(p), 4) if p else None,
        "share_of_ours_found_by_passim": round(both / len(o), 4) if o else None,
    }


def _meets(x0: int, x1: int, y0: int, y1: int) -> bool:
    return x0 < y1 and y0 < x1


def through_common_source(
    peer: Mapping[Pair, list[Passage]], ours: Mapping[Pair, list[Passage]]
) -> dict[Pair, str]:
    """Our pairs that are not passim pairs but that passim links through a third document.

    passim's default mode gives each passage of a document one most likely source, so two
    copies of one original are not a passim pair; its clustering step (not run here) joins
    them through the original. An our-only pair (a, b) counts as linked through ``c`` when one
    of our passages has its span on a overlapping a passim passage c–a, its span on b
    overlapping a passim passage c–b, and those two passages overlap on c. Returns each such
    pair with the first such ``c`` (in id order).
    """
    # For each document: (other document, span on this one, span on the other).
    by_doc: dict[str, list[tuple[str, int, int, int, int]]] = {}
    for (x, y), passages in peer.items():
        for q in passages:
            by_doc.setdefault(x, []).append((y, q.a_start, q.a_end, q.b_start, q.b_end))
            by_doc.setdefault(y, []).append((x, q.b_start, q.b_end, q.a_start, q.a_end))
    found: dict[Pair, str] = {}
    for (a, b), passages in sorted(ours.items()):
        if (a, b) in peer:
            continue
        links: list[str] = []
        for q in passages:
            for c, a0, a1, ca0, ca1 in by_doc.get(a, ()):
                if not _meets(q.a_start, q.a_end, a0, a1):
                    continue
                for c2, b0, b1, cb0, cb1 in by_doc.get(b, ()):
                    if (
                        c2 == c
                        and _meets(q.b_start, q.b_end, b0, b1)
                        and _meets(ca0, ca1, cb0, cb1)
                    ):
                        links.append(c)
        if links:
            found[(a, b)] = min(links)
    return found


def sample_pairs(pairs: Iterable[Pair], k: int, seed: int) -> list[Pair]:
    """``k`` pairs drawn at random (seeded, independent of the input order), or all if fewer."""
    ordered = sorted(set(pairs))
    return sorted(random.Random(seed).sample(ordered, min(k, len(ordered))))


def excerpt(text: str, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text[start:end]``, on one line."""
    return " ".join(text[start:end][:limit].split())


def describe_difference(
    pair: Pair,
    found_by: str,
    passages: list[Passage],
    docs: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """One pair found by one side only: ids, outlets, dates, lengths and its longest passage."""
    a, b = (docs[pair[0]], docs[pair[1]])
    longest = max(passages, key=lambda p: p.length)
    return {
        "found_by": found_by,
        "a_id": pair[0],
        "b_id": pair[1],
        "a_outlet": a.get("source") or UNKNOWN_SERIES,
        "b_outlet": b.get("source") or UNKNOWN_SERIES,
        "a_published_at": a.get("published_at"),
        "b_published_at": b.get("published_at"),
        "a_length": len(a["text"]),
        "b_length": len(b["text"]),
        "passages": len(passages),
        "matched_chars": sum(p.length for p in passages),
        "longest": {
            "a": [longest.a_start, longest.a_end],
            "b": [longest.b_start, longest.b_end],
            "length": longest.length,
            "kind": longest.kind or None,
        },
        "a_excerpt": excerpt(a["text"], longest.a_start, longest.a_end),
        "b_excerpt": excerpt(b["text"], longest.b_start, longest.b_end),
    }


def passim_cmd(
    script: Path, venv: Path, corpus: Path, out: Path, driver_memory: str, all_pairs: bool = False
) -> list[str]:
    return [
        str(venv / "bin" / "spark-submit"),
        "--master",
        "local[2]",
        "--driver-memory",
        driver_memory,
        str(script),
        "--pairwise",
        "--docwise",
        *PASSIM_OPTIONS,
        *(["--all-pairs"] if all_pairs else []),
        str(corpus),
        str(out),
    ]


def run_passim(
    script: Path, venv: Path, corpus: Path, out: Path, driver_memory: str, all_pairs: bool = False
) -> dict[str, Any]:
    """Run passim on a passim-format corpus into a fresh folder; measure it."""
    if out.exists():
        shutil.rmtree(out)
    cmd = passim_cmd(script, venv, corpus, out, driver_memory, all_pairs)
    env = {
        **os.environ,
        "PYSPARK_PYTHON": str(venv / "bin" / "python"),
        "PYSPARK_DRIVER_PYTHON": str(venv / "bin" / "python"),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("SPARK_HOME", None)  # the venv's own PySpark, not ours
    measured = run_measured(
        cmd, out.with_name(out.name + ".out"), out.with_name(out.name + ".err"), env
    )
    shown = ["spark-submit", *cmd[1:5], "seriatim.py", *cmd[6:]]
    return {"command": " ".join(shown), **measured}


def load_docs(corpus: Path) -> dict[str, dict[str, Any]]:
    with corpus.open(encoding="utf-8") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


def results_name(n: int, all_pairs: bool) -> str:
    """``passim-<N>``, or ``passim-<N>-all-pairs`` for passim's ``--all-pairs`` mode."""
    return f"passim-{n}" + ("-all-pairs" if all_pairs else "")


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.docs
    name = results_name(n, args.all_pairs)
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = ensure_big_corpus(n)
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "command": "python bench/bench_passim.py " + " ".join(sys.argv[1:]),
        "documents": n,
        "corpus": str(corpus.relative_to(REPO_ROOT)),
        "passim_options": " ".join([*PASSIM_OPTIONS, *(["--all-pairs"] if args.all_pairs else [])]),
    }
    passim_out = WORK / name
    if not args.skip_passim:
        script, venv = Path(args.passim_script), Path(args.passim_venv)
        for need in (script, venv / "bin" / "spark-submit"):
            if not need.exists():
                raise SystemExit(f"{need} not found: passim is not installed (see --help)")
        passim_in = WORK / f"passim-input-{n}.jsonl"
        write_passim_input(corpus, passim_in)
        print(f"[{n}] passim ...", flush=True)
        result["passim"] = run_passim(
            script, venv, passim_in, passim_out, args.driver_memory, args.all_pairs
        )
        print(f"[{n}] passim: {result['passim']['seconds']} s", flush=True)
        save(result, name)  # a long run: keep what is measured if the rest fails
    print(f"[{n}] wiretrace local ...", flush=True)
    ours_out = WORK / f"local-{n}"
    result["ours"] = run_cli([str(corpus), "--engine", "local", "--workers", "2"], ours_out)
    print(f"[{n}] wiretrace: {result['ours']['seconds']} s", flush=True)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    if args.skip_passim:
        return result
    return compare(result, passim_out, ours_out, corpus)


def compare(
    result: dict[str, Any], passim_out: Path, ours_out: Path, corpus: Path
) -> dict[str, Any]:
    """Add the ratios, the pair overlap and the sampled differences to a run's result."""
    p = result["passim"]
    result["ratio_passim_over_ours"] = {
        "wall": round(p["seconds"] / result["ours"]["seconds"], 2),
        "cpu": round(p["cpu_seconds"] / result["ours"]["cpu_seconds"], 2),
        "peak_pss": round(p["peak_pss_total_mb"] / result["ours"]["peak_pss_total_mb"], 2),
    }
    peer = read_passim_output(passim_out / "align.json")
    ours = read_our_pairs(ours_out)
    result["passim"]["pairs"] = len(peer)
    result["passim"]["passages"] = sum(len(v) for v in peer.values())
    result["overlap"] = overlap(peer, ours)
    linked = through_common_source(peer, ours)
    result["overlap"]["ours_only_linked_through_a_common_source"] = len(linked)
    docs = load_docs(corpus)
    result["differences"] = [
        describe_difference(pair, "passim", peer[pair], docs)
        for pair in sample_pairs(set(peer) - set(ours), SAMPLE_EACH_WAY, SAMPLE_SEED)
    ] + [
        {
            **describe_difference(pair, "wiretrace", ours[pair], docs),
            "passim_links_through": linked.get(pair),
        }
        for pair in sample_pairs(set(ours) - set(peer), SAMPLE_EACH_WAY, SAMPLE_SEED)
    ]
    return result


def markdown(r: dict[str, Any]) -> str:
    lines = [
        f"## passim 2 and wiretrace corpus mode, {r['documents']:,} documents (issue 17)",
        "",
        *run_header(r),
        f"- **Corpus:** `{r['corpus']}`.",
        f"- **passim options:** `{r['passim_options']}` (see `bench/bench_passim.py` for the "
        "mapping to ours); passim stops after its pairwise output (`--pairwise --docwise`), as "
        "its clustering needs the GraphFrames JVM package, which cannot be fetched here.",
        "",
        "| tool | command | wall (s) | CPU, all processes (s) | peak PSS, all processes "
        "(MiB) | largest process RSS (MiB) | pairs |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("passim", "ours"):
        if name not in r:
            continue
        e = r[name]
        label = "passim 2 (Spark local[2])" if name == "passim" else "wiretrace local, 2 workers"
        pairs = f"{e['pairs']:,}" if "pairs" in e else "–"
        lines.append(
            f"| {label} | `{e['command']}` | {e['seconds']:,} | {e['cpu_seconds']:,} | "
            f"{e['peak_pss_total_mb']:,} | {e['peak_rss_largest_process_mb']:,} | {pairs} |"
        )
    if "ratio_passim_over_ours" in r:
        q = r["ratio_passim_over_ours"]
        lines += [
            "",
            f"passim / wiretrace, same run: wall time {q['wall']}×, CPU time {q['cpu']}×, "
            f"peak PSS {q['peak_pss']}×.",
        ]
    if "overlap" in r:
        o = r["overlap"]
        lines += [
            "",
            "| passim pairs | our pairs | both | passim only | ours only | "
            "recall of ours against passim | share of ours passim finds |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {o['passim_pairs']:,} | {o['our_pairs']:,} | {o['both']:,} | "
            f"{o['passim_only']:,} | {o['ours_only']:,} | "
            f"{o['recall_of_ours_against_passim']} | {o['share_of_ours_found_by_passim']} |",
            "",
            "passim's default mode gives each passage of a document one most likely source, so "
            "two copies of one original are not a passim pair (its clustering, not run here, "
            "joins them through the original). Of our pairs that passim lacks, "
            f"{o.get('ours_only_linked_through_a_common_source', 0):,} have a passage that "
            "passim aligns, on both sides, with overlapping text of one third document.",
            "",
            f"### {len(r['differences'])} sampled differences (seed {SAMPLE_SEED})",
            "",
        ]
        for i, d in enumerate(r["differences"], 1):
            kind = f", {d['longest']['kind']}" if d["longest"]["kind"] else ""
            lines += [
                f"{i}. **found by {d['found_by']} only:** `{d['a_id']}` ({d['a_outlet']}, "
                f"{d['a_published_at']}, {d['a_length']:,} chars) – `{d['b_id']}` "
                f"({d['b_outlet']}, {d['b_published_at']}, {d['b_length']:,} chars); "
                f"{d['passages']} passage(s), {d['matched_chars']:,} matched chars, longest "
                f"{d['longest']['length']:,}{kind}"
                + (
                    f"; passim links both to `{d['passim_links_through']}`"
                    if d.get("passim_links_through")
                    else ""
                ),
                f"   - a {d['longest']['a']}: {json.dumps(d['a_excerpt'], ensure_ascii=False)}",
                f"   - b {d['longest']['b']}: {json.dumps(d['b_excerpt'], ensure_ascii=False)}",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--passim-script", default=str(DEFAULT_SCRIPT))
    parser.add_argument("--passim-venv", default=str(DEFAULT_VENV))
    parser.add_argument("--driver-memory", default="6g", help="passim's Spark driver memory")
    parser.add_argument("--skip-passim", action="store_true", help="run ours only")
    parser.add_argument(
        "--all-pairs",
        action="store_true",
        help="run passim with --all-pairs (an alignment for every candidate pair, as ours); "
        "results go to passim-<N>-all-pairs.json and .md",
    )
    parser.add_argument(
        "--compare-only",
        action="store_true",
        help="redo only the comparison of a finished run (its outputs in bench/.cache)",
    )
    args = parser.parse_args(argv)
    name = results_name(args.docs, args.all_pairs)
    if args.compare_only:
        done = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
        ours = WORK / f"local-{args.docs}"
        result = compare(done, WORK / name, ours, REPO_ROOT / done["corpus"])
    else:
        result = run(args)
    save(result, name)
    print(markdown(result))


def save(result: dict[str, Any], name: str) -> None:
    """Write ``bench/results/<name>.json`` and ``.md``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(markdown(result), encoding="utf-8")


if __name__ == "__main__":
    main()
