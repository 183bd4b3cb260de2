"""Source-free signals: integrity and spin signs found in one text, with no source indexed.

Each module is pure (text in, ``list[Signal]`` out):

- :mod:`~wiretrace.signals.boilerplate`: page chrome left in the text (``boilerplate``);
- :mod:`~wiretrace.signals.truncation`: sentences cut at the head or the tail
  (``truncated_sentence``);
- :mod:`~wiretrace.signals.naming`: one entity under two names (``inconsistent_naming``);
- :mod:`~wiretrace.signals.language`: text not in English or not in Latin script
  (``language``).

:func:`source_free_signals` runs them all. When the text is not English, only the language
and boilerplate signals are given: the truncation and naming rules are English rules and
would only add noise.
"""

from __future__ import annotations

from wiretrace.model import Signal
from wiretrace.signals.boilerplate import boilerplate_signals, boilerplate_spans
from wiretrace.signals.language import language_signals
from wiretrace.signals.naming import NameMentions, heuristic_mentions, inconsistent_naming
from wiretrace.signals.truncation import truncated_sentences

__all__ = [
    "NameMentions",
    "boilerplate_signals",
    "boilerplate_spans",
    "heuristic_mentions",
    "inconsistent_naming",
    "language_signals",
    "source_free_signals",
    "truncated_sentences",
]


def source_free_signals(text: str, mentions: NameMentions | None = None) -> list[Signal]:
    """All source-free signals of ``text``, ordered by span start (document-wide ones first).

    ``mentions`` are name mentions from an alias table, ``(entity key, span)``; without them
    the naming check uses :func:`~wiretrace.signals.naming.heuristic_mentions`.
    """
    language = language_signals(text)
    boilerplate = boilerplate_signals(text)
    signals = [*language, *boilerplate]
    if not language:
        signals += truncated_sentences(text, exclude=[s.span for s in boilerplate if s.span])
        signals += inconsistent_naming(text, mentions)
    return sorted(signals, key=lambda s: -1 if s.span is None else s.span.start)
