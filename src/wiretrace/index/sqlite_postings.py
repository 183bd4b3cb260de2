"""The SQLite index's postings at any size: a small table that takes the writes, and sealed runs.

One B-tree keyed by hash takes every new posting at a random place. While the tree fits in
SQLite's page cache that is cheap; once it outgrows the cache, every batch dirties pages all
over it, and the cost of adding a document grows with the index (1,533 documents a second at
10,000 documents, 977 at 100,000; BENCHMARKS.md "Growth curve"). So the postings are a small
log-structured merge tree of SQLite tables, all in the one file:

- ``postings(hash, doc)`` takes every insert. It stays small: once it holds
  :data:`LEVEL0_POSTINGS` postings it is *sealed*, renamed to ``postings_<run>`` (instant, no
  row is copied) and replaced by an empty table.
- ``postings_runs(run, level, postings)`` lists the tables: run 0 is ``postings`` itself, and
  its ``postings`` column counts what it holds; a sealed run starts at level 1. Runs are never
  inserted into again; a document whose text is replaced or removed has its postings deleted
  from every table.
- When :data:`FANOUT` runs share a level, they are merged into one run of the next level and
  dropped. SQLite reads the sorted tables side by side (a ``UNION ALL`` in key order needs no
  sort), and the new table is written in key order, so its pages are full.

Each posting is copied once per level it climbs, and a lookup reads at most ``FANOUT - 1`` runs
a level: at a million documents (about 120 million postings in runs of 2^18, 2^21, 2^24) that
is three copies and at most 22 tables. Neither depends on what the index held before a batch,
so adding documents costs about the same at any size (one more level, one more copy, each time
the index grows eightfold).

A reader looks a hash up in every table inside one read transaction, so a writer sealing or
merging meanwhile cannot drop a table under it.

Since index format 6 a posting's key is the hash's top 48 bits (:func:`posting_key`, the file's
``meta.hash_bits``): SQLite stores such an integer in 6 bytes instead of 8, which is 2 bytes of
the 17 a posting costs (246 bytes a news article). A lookup still answers with the full hashes
it was asked for. Two hashes share a key by chance about once in 2^48: with 120 million
postings, a lookup meets a stray document once in two million hashes, and a candidate needs
many shared hashes to count. Files made before format 6 keep 64-bit keys.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

__all__ = [
    "FANOUT",
    "KEY_SHIFT",
    "LEVEL0_POSTINGS",
    "RUNS_SCHEMA",
    "PostingTables",
    "add_runs_table",
    "posting_key",
]

# Postings the write table holds before it is sealed: about one batch of 2,000 news articles
# (BATCH_SIZE in wiretrace.index.sqlite). A batch's random inserts dirty every page of the
# write table, and those pages are written twice (to the log, then to the file): with a table
# of 4 million postings that was 80 KB a document, and indexing ran at 650 documents a second.
LEVEL0_POSTINGS = 1 << 18
# Runs of one level merged into one of the next.
FANOUT = 8

_TABLE = "CREATE TABLE {name} (hash INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (hash, doc)) WITHOUT ROWID"  # noqa: E501

RUNS_SCHEMA = """
CREATE TABLE IF NOT EXISTS postings_runs (
    run INTEGER PRIMARY KEY,
    level INTEGER NOT NULL,
    postings INTEGER NOT NULL
);
"""


def add_runs_table(db: sqlite3.Connection) -> None:
    """Create ``postings_runs`` with run 0, the write table, counting what it holds (a
    format 3 file's postings are all in it)."""
    db.execute(RUNS_SCHEMA.strip().rstrip(";"))  # not executescript: it would commit
    db.execute(
        "INSERT OR IGNORE INTO postings_runs(run, level, postings)"
        " VALUES (0, 0, (SELECT COUNT(*) FROM postings))"
    )


# What a format 6 file keeps of a 64-bit hash: its top 48 bits.
KEY_SHIFT = 16


def posting_key(h: int, shift: int) -> int:
    """The stored key of hash ``h`` in a file whose keys drop ``shift`` low bits (0 or
    :data:`KEY_SHIFT`)."""
    return h >> shift


def _name(run: int) -> str:
    return "postings" if run == 0 else f"postings_{run}"


class PostingTables:
    """Reads and writes the postings of one connection. ``has_runs`` is false for a format 2
    or 3 file open read-only: all its postings are in ``postings``."""

    def __init__(self, db: sqlite3.Connection, *, has_runs: bool, key_shift: int = 0) -> None:
        self._db = db
        self._has_runs = has_runs
        self._shift = key_shift
        self._lookup_sql: dict[tuple[int, ...], str] = {}

    def runs(self) -> tuple[int, ...]:
        """The tables' run numbers, the write table (0) first."""
        if not self._has_runs:
            return (0,)
        rows = self._db.execute("SELECT run FROM postings_runs ORDER BY run").fetchall()
        return tuple(int(r[0]) for r in rows) or (0,)

    # -- reading ---------------------------------------------------------------------------

    def lookup(self, hashes: Iterable[int], max_df: int) -> list[tuple[int, list[int]]]:
        """Each hash's documents (row ids) when it is in at most ``max_df`` of them."""
        opened = not self._db.in_transaction
        if opened:
            self._db.execute("BEGIN")
        try:
            sql = self._sql(self.runs())
            cur = self._db.cursor()
            found: list[tuple[int, list[int]]] = []
            for h in set(hashes):
                docs = [r[0] for r in cur.execute(sql, (h >> self._shift, max_df + 1))]
                if docs and len(docs) <= max_df:
                    found.append((h, docs))
            return found
        finally:
            if opened:
                self._db.execute("COMMIT")

    def _sql(self, runs: tuple[int, ...]) -> str:
        sql = self._lookup_sql.get(runs)
        if sql is None:
            parts = [f"SELECT doc FROM {_name(r)} WHERE hash = ?1" for r in runs]
            sql = " UNION ALL ".join(parts) + " LIMIT ?2"
            self._lookup_sql = {runs: sql}  # one run list at a time: it changes rarely
        return sql

    # -- writing (inside the caller's transaction) -----------------------------------------

    def insert(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Add ``(hash, doc)`` postings to the write table."""
        if not pairs:
            return
        if self._shift:
            pairs = [(h >> self._shift, doc) for h, doc in pairs]
        cur = self._db.executemany("INSERT OR IGNORE INTO postings(hash, doc) VALUES (?, ?)", pairs)
        if self._has_runs and cur.rowcount > 0:
            self._db.execute(
                "UPDATE postings_runs SET postings = postings + ? WHERE run = 0", (cur.rowcount,)
            )

    def delete(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Remove ``(hash, doc)`` postings from every table."""
        pairs = [(h >> self._shift, doc) for h, doc in pairs]
        if not pairs:
            return
        for run in self.runs():
            self._db.executemany(f"DELETE FROM {_name(run)} WHERE hash = ? AND doc = ?", pairs)

    def settle(self) -> None:
        """Seal the write table when it is full, then merge every level holding
        :data:`FANOUT` runs. Call it inside the transaction that wrote the postings."""
        if not self._has_runs:
            return
        held = self._db.execute("SELECT postings FROM postings_runs WHERE run = 0").fetchone()
        if held is None or int(held[0]) < LEVEL0_POSTINGS:
            return
        run = self._next_run()
        self._db.execute(f"ALTER TABLE postings RENAME TO {_name(run)}")
        self._db.execute(_TABLE.format(name="postings"))
        self._db.execute(
            "INSERT INTO postings_runs(run, level, postings) VALUES (?, 1, ?)", (run, held[0])
        )
        self._db.execute("UPDATE postings_runs SET postings = 0 WHERE run = 0")
        while self._merge_one_level():
            pass

    def merge_all(self) -> int:
        """Merge the write table and every sealed run into one run; return how many tables
        there were. After a bulk load a lookup then seeks one table instead of up to
        ``(FANOUT - 1)`` a level (13 at a million documents). The run goes one level above the
        highest, so the next merges leave it alone until ``FANOUT`` runs that big exist.
        Call it inside a transaction."""
        if not self._has_runs:
            return 1
        rows = self._db.execute("SELECT run, level FROM postings_runs ORDER BY run").fetchall()
        runs = [int(r) for r, _ in rows]
        held = int(self._db.execute("SELECT EXISTS (SELECT 1 FROM postings)").fetchone()[0])
        sealed = [r for r in runs if r > 0]
        if len(sealed) + held <= 1:
            return len(sealed) + held
        top = max(int(level) for _, level in rows)
        merged = self._next_run()
        self._db.execute(_TABLE.format(name=_name(merged)))
        sources = " UNION ALL ".join(f"SELECT hash, doc FROM {_name(r)}" for r in runs)
        cur = self._db.execute(
            f"INSERT OR IGNORE INTO {_name(merged)}(hash, doc)"
            f" SELECT hash, doc FROM ({sources}) ORDER BY hash, doc"
        )
        for r in sealed:
            self._db.execute(f"DROP TABLE {_name(r)}")
        self._db.execute("DELETE FROM postings")
        self._db.executemany("DELETE FROM postings_runs WHERE run = ?", [(r,) for r in sealed])
        self._db.execute("UPDATE postings_runs SET postings = 0 WHERE run = 0")
        self._db.execute(
            "INSERT INTO postings_runs(run, level, postings) VALUES (?, ?, ?)",
            (merged, top + 1, cur.rowcount),
        )
        return len(sealed) + held

    def _next_run(self) -> int:
        return int(self._db.execute("SELECT MAX(run) FROM postings_runs").fetchone()[0]) + 1

    def _merge_one_level(self) -> bool:
        """Merge the oldest :data:`FANOUT` runs of the lowest level that has that many;
        return whether there was one."""
        row = self._db.execute(
            "SELECT level FROM postings_runs WHERE run > 0 GROUP BY level"
            " HAVING COUNT(*) >= ? ORDER BY level LIMIT 1",
            (FANOUT,),
        ).fetchone()
        if row is None:
            return False
        level = int(row[0])
        runs = [
            (int(r), int(n))
            for r, n in self._db.execute(
                "SELECT run, postings FROM postings_runs WHERE level = ? ORDER BY run LIMIT ?",
                (level, FANOUT),
            )
        ]
        merged = self._next_run()
        self._db.execute(_TABLE.format(name=_name(merged)))
        sources = " UNION ALL ".join(f"SELECT hash, doc FROM {_name(r)}" for r, _ in runs)
        cur = self._db.execute(
            f"INSERT OR IGNORE INTO {_name(merged)}(hash, doc)"
            f" SELECT hash, doc FROM ({sources}) ORDER BY hash, doc"
        )
        for r, _ in runs:
            self._db.execute(f"DROP TABLE {_name(r)}")
        self._db.executemany("DELETE FROM postings_runs WHERE run = ?", [(r,) for r, _ in runs])
        self._db.execute(
            "INSERT INTO postings_runs(run, level, postings) VALUES (?, ?, ?)",
            (merged, level + 1, cur.rowcount),
        )
        return True
