"""Does compressing stored text pay? Bytes a document and CPU per document for zstandard at a
level, with and without a dictionary trained on a sample of the same corpus (issue 16).

    python bench/bench_zstd.py bench/.cache/million-100000-s20240613-v1.jsonl --limit 20000
    python bench/bench_zstd.py ../shared/data/bbc-news/bbc_news.jsonl.gz

Texts are encoded as UTF-8; the dictionary is trained on the first ``--train`` texts (as an
index does, from its first 2,000) and every setting is measured on the texts after them, which
the dictionary has not seen (on all of them when there are no more).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from itertools import islice
from pathlib import Path

import zstandard


def texts_of(path: Path, limit: int) -> list[bytes]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["text"].encode("utf-8") for line in islice(fh, limit)]


def measure(
    name: str, texts: list[bytes], cctx: zstandard.ZstdCompressor, dctx: zstandard.ZstdDecompressor
) -> None:
    t0 = time.process_time()
    blobs = [cctx.compress(t) for t in texts]
    t1 = time.process_time()
    for _ in range(3):
        for b in blobs:
            dctx.decompress(b)
    t2 = time.process_time()
    n = len(texts)
    raw = sum(map(len, texts)) / n
    packed = sum(map(len, blobs)) / n
    print(
        f"| {name} | {raw:,.0f} | {packed:,.0f} | {raw / packed:.2f} | "
        f"{(t1 - t0) / n * 1e6:.0f} | {(t2 - t1) / n / 3 * 1e6:.1f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", type=Path)
    ap.add_argument("--limit", type=int, default=20_000)
    ap.add_argument("--train", type=int, default=2_000)
    args = ap.parse_args()
    texts = texts_of(args.path, args.limit)
    unseen = texts[args.train :] or texts
    print(f"{len(texts):,} texts from {args.path.name}, measured on {len(unseen):,}")
    print("| setting | raw bytes | stored bytes | ratio | compress µs/doc | decompress µs/doc |")
    print("|---|---|---|---|---|---|")
    for level in (1, 3, 9):
        measure(
            f"level {level}, no dictionary",
            unseen,
            zstandard.ZstdCompressor(level=level),
            zstandard.ZstdDecompressor(),
        )
    for size in (16_384, 65_536, 131_072):
        t0 = time.process_time()
        d = zstandard.train_dictionary(size, texts[: args.train], level=3)
        spent = time.process_time() - t0
        d.precompute_compress(level=3)
        measure(
            f"level 3, {size // 1024} KiB dictionary (trained in {spent:.1f} s)",
            unseen,
            zstandard.ZstdCompressor(level=3, dict_data=d),
            zstandard.ZstdDecompressor(dict_data=d),
        )


if __name__ == "__main__":
    main()
