"""How many documents hold a term, read from FTS5 with a bounded amount of work.

FTS5 keeps no document count per term. Its ``fts5vocab`` table counts a term by reading the
term's whole list of positions, so counting the words of one trace took 3.5 s on a warm
million-document index and 18 s on a cold one: the work grew with the corpus, one common word
at a time.

Here every term costs at most a fixed number of rows, whatever the corpus:

1. **A probe.** ``MATCH`` the term and read at most :data:`PROBE` row ids. A term held by
   fewer documents is counted exactly, and most of a text's words are like that.
2. **Strata, for a common term.** Cut the row ids into :data:`STRATA` equal ranges and read
   at most :data:`PER_STRATUM` row ids of each; a range that fills up is extrapolated from how
   far into it those rows reach. Row ids follow the order of indexing, and news comes in
   bursts: a word of one year's story is dense in a few ranges and absent from the rest. A
   probe from the start alone would extrapolate its first few hundred hits over the whole
   file, and could be off a hundredfold; strata follow the burst. On the 1M benchmark index
   the estimates are within a few percent of the true counts (see BENCHMARKS.md).

``MATCH`` passes its string through the table's tokenizer, so a term is matched as itself only
when stemming it again leaves it unchanged (about 96% of stems); for most others a word that
stems to it is found by adding a common ending (:func:`matchable`), and a caller with the
surface word (a query's own words) gives that. A stem with none of these (about 1 in 1,000:
"s" of "it's") is counted from the first :data:`PROBE` entries of ``fts5vocab``'s
``instance`` table, extrapolated by row id (the burst caveat above applies to these few).

The number of documents comes from FTS5's averages record, which it updates on every write,
rather than from ``count(*)``, which reads a row per document.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from wiretrace.text.stemming import porter_stems

# Row ids read by a term's first probe: a term held by fewer documents is counted exactly.
PROBE = 256
# Equal row-id ranges, and row ids read in each, for a term the probe found more often.
STRATA = 8
PER_STRATUM = 32
# Terms per statement (SQLite's default bound on variables is 32,766; stay well under).
_CHUNK = 400

# One statement probes a chunk of terms: (stem, MATCH string) rows, each with its count.
_PROBES_SQL = (
    "WITH asked(term, q) AS (VALUES {rows}) SELECT term, (SELECT count(*) FROM"
    " (SELECT 1 FROM lexical WHERE lexical MATCH asked.q LIMIT {limit})) FROM asked"
)
_STRATUM_SQL = (
    "SELECT count(*), max(r) FROM (SELECT rowid AS r FROM lexical WHERE lexical MATCH ?"
    " AND rowid > ? AND rowid <= ? LIMIT ?)"
)
_INSTANCES_SQL = (
    "SELECT count(*), count(DISTINCT doc), max(doc) FROM"
    " (SELECT doc FROM temp.lexical_instances WHERE term = ? LIMIT ?)"
)


def quoted(term: str) -> str:
    """An FTS5 string holding ``term`` (one phrase; quotes doubled)."""
    return '"' + term.replace('"', '""') + '"'


# Endings tried to find a word that stems to a stem MATCH cannot name as itself ("eclips",
# the stem of "eclipse", stems again to "eclip"): on a 20,000-article index they found one for
# 528 of the 540 such stems held by over 20 documents.
ENDINGS = ("e", "s", "es", "ed", "ing", "y", "ness", "al", "ation", "er", "ly", "ment", "ize")


def matchable(stems: Iterable[str]) -> dict[str, str]:
    """A string to ``MATCH`` each stem by, where one is found: the stem itself when stemming
    it again leaves it unchanged, else the stem with one of :data:`ENDINGS` that stems to it."""
    stems = [s for s in stems if s.isalnum()]
    found = {s: s for s, t in zip(stems, porter_stems(stems), strict=True) if s == t}
    rest = [s for s in stems if s not in found]
    words = [s + end for s in rest for end in ENDINGS]
    for word, stem in zip(words, porter_stems(words), strict=True):
        found.setdefault(stem, word)
    return {s: found[s] for s in stems if s in found}


def fts_documents(db: sqlite3.Connection) -> int:
    """The documents in the ``lexical`` table: the first varint of FTS5's averages record
    (row 1 of ``lexical_data``), read in constant time. ``count(*)`` when there is none."""
    row = db.execute("SELECT block FROM lexical_data WHERE id = 1").fetchone()
    if row is None or not row[0]:
        return int(db.execute("SELECT count(*) FROM lexical").fetchone()[0])
    value = 0
    for i, byte in enumerate(bytes(row[0])[:9]):
        if i == 8:  # SQLite's ninth varint byte carries 8 bits
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return value


def bounded_counts(
    db: sqlite3.Connection, terms: Iterable[str], probes: Mapping[str, str] | None = None
) -> dict[str, int]:
    """The documents holding each of ``terms`` (Porter stems), exact up to :data:`PROBE`,
    estimated beyond it, reading at most ``PROBE + STRATA * PER_STRATUM`` row ids a term.

    ``probes`` maps a stem to the text to ``MATCH`` it by (a word that stems to it); other
    stems are matched as themselves where that finds them (:func:`matchable`).
    """
    terms = sorted(set(terms))
    by = matchable(terms)
    if probes:
        by.update((t, probes[t]) for t in terms if t in probes)
    counts: dict[str, int] = {}
    common: list[str] = []
    last_row = -1
    probed = [t for t in terms if t in by]
    for start in range(0, len(probed), _CHUNK):
        chunk = probed[start : start + _CHUNK]
        rows = ",".join("(?, ?)" for _ in chunk)
        args = [x for t in chunk for x in (t, quoted(by[t]))]
        for term, n in db.execute(_PROBES_SQL.format(rows=rows, limit=PROBE), args):
            if n < PROBE:
                counts[term] = int(n)
            else:
                common.append(term)
    if common:
        last_row = _last_row(db)
        for term in common:
            counts[term] = _stratified(db, quoted(by[term]), last_row)
    rest = [t for t in terms if t not in by]
    if rest:
        if last_row < 0:
            last_row = _last_row(db)
        _instance_table(db)
        for term in rest:
            counts[term] = _from_instances(db, term, last_row)
    return counts


def _last_row(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT max(rowid) FROM documents").fetchone()
    return int(row[0] or 0)


def _stratified(db: sqlite3.Connection, match: str, last_row: int) -> int:
    total = 0.0
    for i in range(STRATA):
        lo, hi = last_row * i // STRATA, last_row * (i + 1) // STRATA
        if hi <= lo:
            continue
        n, reached = db.execute(_STRATUM_SQL, (match, lo, hi, PER_STRATUM)).fetchone()
        total += n if n < PER_STRATUM else n * (hi - lo) / max(1, reached - lo)
    return max(PROBE, round(total))


def _instance_table(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_instances"
        " USING fts5vocab(main, 'lexical', 'instance')"
    )


def _from_instances(db: sqlite3.Connection, term: str, last_row: int) -> int:
    n, docs, reached = db.execute(_INSTANCES_SQL, (term, PROBE)).fetchone()
    if n < PROBE:
        return int(docs)
    return max(int(docs), round(int(docs) * last_row / max(1, int(reached))))
