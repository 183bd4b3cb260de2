"""Drift composites: spun composites that also change facts, with their truth.

A *drift composite* is a spun composite (:mod:`research.composites.spinning`, whose docstring
describes the sentences, the truncation, the renames and the synonym swaps) into which typed
fact changes (:mod:`research.composites.facts`) are injected beside the spin. The same seed
gives the same composites, sources and layout as ``generate`` of the spun set with that seed;
the drift steps draw on a random stream of their own, and they run on each composite's picks
after the spin:

1. **Quotes are kept whole by the spin:** renames and synonym swaps inside quotation marks are
   undone (and the rename rules' counts with them), so that a changed word inside a quote is
   always a ``quote`` change in the truth, never spin.
2. **Spin only** (:data:`SPIN_ONLY_SHARE` of the composites): no fact changes. The others get
   1-3 fact changes (:data:`FACTS_PER_COMPOSITE`). Each is drawn in two steps: the type, among
   those the composite's sentences offer, is the one injected least so far in the whole set
   (ties broken at random), which keeps the six types about equally frequent; then one of the
   options of that type, at random.
3. **Restatements** (:data:`RESTATE_SHARE` of all composites, spin-only ones included): 1-2
   numbers or dates written in other words with the same value ("80,000" -> "80 thousand",
   "24 April" -> "April 24"), recorded with ``changed=False``. A report that calls them changes
   is wrong.

Every fact edit keeps at least one untouched word between itself and any other edit (spin or
fact) of its sentence, so that each truth change stands alone in the copy. Renamed entities
are never swapped for another entity.

The truth (:class:`wiretrace.eval.spun_truth.DriftComposite`) is the spun truth plus the fact
changes, each with its type, both wordings, its span in the composite and its source document
and span. :func:`verify` checks both against the texts. Scoring is :mod:`wiretrace.eval.drift`.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from research.composites.facts import (
    FactEdit,
    NamePools,
    attribution_options,
    date_options,
    entity_options,
    harvest_names,
    negation_options,
    number_options,
    quote_options,
    quote_spans,
    restatements,
)
from research.composites.spinning import Pick, compose
from research.composites.spinning import verify as verify_spun
from wiretrace.eval.spun_truth import (
    DEFAULT_DISTRACTORS,
    DEFAULT_DRIFT_COUNT,
    DEFAULT_SEED,
    FACT_TYPES,
    Article,
    DriftComposite,
    DriftSet,
    FactType,
    RenameRule,
)
from wiretrace.model import Span
from wiretrace.text.aliases import AliasTable, load_aliases

__all__ = ["FACTS_PER_COMPOSITE", "RESTATE_SHARE", "SPIN_ONLY_SHARE", "generate", "verify"]

SPIN_ONLY_SHARE = 0.25
FACTS_PER_COMPOSITE = (1, 3)
RESTATE_SHARE = 0.5

_Options = Callable[[str, random.Random], list[FactEdit]]


def _unquote(picks: Sequence[Pick], rules: Sequence[RenameRule]) -> list[RenameRule]:
    """Undo the spin inside quotation marks; the rename rules, with their counts, that remain."""
    undone: Counter[tuple[str, str]] = Counter()
    for pick in picks:
        quotes = _quotes_in_pick(pick)
        kept = []
        for edit in pick.edits:
            start, end, new, kind = edit
            if any(q0 - 1 < end and start < q1 + 1 for q0, q1 in quotes):
                if kind == "rename":
                    undone[(pick.text[start:end], new.rstrip("."))] += 1
                continue
            kept.append(edit)
        pick.edits[:] = kept
    out: list[RenameRule] = []
    for rule in rules:
        applied = rule.applied - undone[(rule.old, rule.new.rstrip("."))]
        if applied > 0:
            out.append(RenameRule(rule.old, rule.new, applied, rule.mentions))
    return out


def _quotes_in_pick(pick: Pick) -> list[tuple[int, int]]:
    """The quotations of ``pick``'s whole sentence, in the offsets of its kept text."""
    whole = _whole_sentence(pick)
    cut = pick.start - whole.start
    text = pick.article.text[whole.start : pick.end]
    return [(max(0, a - cut), b - cut) for a, b in quote_spans(text) if b > cut]


def _whole_sentence(pick: Pick) -> Span:
    return next(
        (s for s in pick.article.sentences if s.start <= pick.start < s.end),
        Span(pick.start, pick.end),
    )


def _apart(text: str, edit: FactEdit, taken: Sequence[tuple[int, int]]) -> bool:
    """Whether at least one untouched word lies between ``edit`` and every taken span."""
    for start, end in taken:
        if edit.start < end and start < edit.end:
            return False
        gap = text[end : edit.start] if end <= edit.start else text[edit.end : start]
        if not re.search(r"\w", gap):
            return False
    return True


class _Injector:
    """The drift steps of the module docstring, one composite at a time (a seeded stream)."""

    def __init__(self, seed: int, pools: NamePools, table: AliasTable) -> None:
        self.rng = random.Random(f"drift-{seed}")
        self.pools = pools
        self.table = table
        self.tally: Counter[FactType] = Counter({t: 0 for t in FACT_TYPES})

    def options(self, kind: FactType, pick: Pick) -> list[FactEdit]:
        return _in_pick(pick, lambda sentence: self._options(kind, sentence))

    def _options(self, kind: FactType, sentence: str) -> list[FactEdit]:
        rng, pools, table = self.rng, self.pools, self.table
        if kind == "number":
            return number_options(sentence, rng)
        if kind == "date":
            return date_options(sentence, rng)
        if kind == "entity":
            return entity_options(sentence, pools, table, rng)
        if kind == "attribution":
            return attribution_options(sentence, pools, table, rng)
        if kind == "quote":
            return quote_options(sentence, rng)
        return negation_options(sentence)

    def __call__(self, number: int, picks: list[Pick], rules: list[RenameRule]) -> list[RenameRule]:
        rules = _unquote(picks, rules)
        renamed = {r.old for r in rules}
        if self.rng.random() >= SPIN_ONLY_SHARE:
            for _ in range(self.rng.randint(*FACTS_PER_COMPOSITE)):
                self._inject(picks, renamed)
        if self.rng.random() < RESTATE_SHARE:
            for _ in range(self.rng.randint(1, 2)):
                self._place(picks, lambda text: restatements(text, self.rng))
        return rules

    def _inject(self, picks: Sequence[Pick], renamed: set[str]) -> None:
        offered: dict[FactType, list[tuple[Pick, FactEdit]]] = {}
        for kind in FACT_TYPES:
            found = [
                (pick, edit)
                for pick in picks
                for edit in self.options(kind, pick)
                if _apart(pick.text, edit, _taken(pick))
                and pick.text[edit.start : edit.end] not in renamed
            ]
            if found:
                offered[kind] = found
        if not offered:
            return
        least = min(self.tally[k] for k in offered)
        kind = self.rng.choice([k for k in offered if self.tally[k] == least])
        pick, edit = self.rng.choice(offered[kind])
        pick.facts.append(edit)
        self.tally[kind] += 1

    def _place(self, picks: Sequence[Pick], make: Callable[[str], list[FactEdit]]) -> None:
        found = [
            (pick, edit)
            for pick in picks
            for edit in _in_pick(pick, make)
            if _apart(pick.text, edit, _taken(pick))
        ]
        if found:
            pick, edit = self.rng.choice(found)
            pick.facts.append(edit)


def _in_pick(pick: Pick, make: Callable[[str], list[FactEdit]]) -> list[FactEdit]:
    """``make`` run on the whole sentence of ``pick``, so that quotation marks cut off by the
    truncation still count; the edits that fall in the kept text, in its offsets."""
    whole = _whole_sentence(pick)
    cut = pick.start - whole.start
    sentence = pick.article.text[whole.start : pick.end]
    return [
        FactEdit(e.start - cut, e.end - cut, e.new, e.type, e.changed)
        for e in make(sentence)
        if e.start >= cut
    ]


def _taken(pick: Pick) -> list[tuple[int, int]]:
    return [(s, e) for s, e, _, _ in pick.edits] + [(f.start, f.end) for f in pick.facts]


def generate(
    articles: Sequence[Article],
    *,
    count: int = DEFAULT_DRIFT_COUNT,
    seed: int = DEFAULT_SEED,
    distractors: int | None = DEFAULT_DISTRACTORS,
) -> DriftSet:
    """``count`` drift composites over ``articles``, and the documents to index (as for the
    spun set). The result depends only on the articles and the arguments."""
    table = load_aliases()
    injector = _Injector(seed, harvest_names(articles, table), table)
    spun, facts = compose(
        articles,
        count=count,
        seed=seed,
        distractors=distractors,
        alter=injector,
        prefix="drift",
    )
    composites = tuple(DriftComposite(c, f) for c, f in zip(spun.composites, facts, strict=True))
    return DriftSet(spun.documents, composites, seed, spun.distractors)


def verify(composite: DriftComposite, sources: Mapping[str, str]) -> None:
    """Check the truth (spin and facts) against the texts; raise ``ValueError`` on the first
    inconsistency."""
    verify_spun(composite.composite, sources, composite.facts)
