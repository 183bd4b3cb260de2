"""Index format 3 before/after (issue 16): ``wiretrace index`` on the million corpus's first N
documents, bytes a document by table (``dbstat``), and the cost of ``get()`` (3,000 random
ids, warm, three passes). Run once with each tree on PYTHONPATH:

    PYTHONPATH=<tree>/src:<tree> python bench/bench_stored_text.py <tree> 10000 out.json
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(sys.argv[1])
sys.path.insert(0, str(ROOT / "bench"))

from bench_core import cli_index, index_size  # noqa: E402

import wiretrace  # noqa: E402


def main() -> None:
    n, out = int(sys.argv[2]), Path(sys.argv[3])
    corpus = Path(__file__).resolve().parent / ".cache" / f"million-{n}-s20240613-v1.jsonl"
    db = out.with_suffix(".db")
    for part in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        part.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        index = cli_index(corpus, db, Path(workdir))
    size = index_size(db, corpus)
    docs = index["documents"]
    with wiretrace.open_index(db, create=False, readonly=True) as idx:
        ids = list(idx.ids())
        random.Random(1).shuffle(ids)
        ids = ids[:3000]
        for doc_id in ids:
            idx.get(doc_id)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(3):
            for doc_id in ids:
                idx.get(doc_id)
        get_us = (time.perf_counter() - start) / (3 * len(ids)) * 1e6
        get_cpu_us = (time.process_time() - cpu) / (3 * len(ids)) * 1e6
    result = {
        "index": index,
        "bytes_per_doc": size["bytes_per_doc"],
        "tables": {k: round(v / docs, 1) for k, v in sorted(size["table_bytes"].items())},
        "get_us": round(get_us, 1),
        "get_cpu_us": round(get_cpu_us, 1),
    }
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
