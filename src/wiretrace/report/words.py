"""Signals in plain words: one short title and one sentence of explanation per signal type.

The one home of this wording: the terminal report reads it here, and the HTML report and the
web page get it as ``view.signal_words`` of the view payload (:mod:`wiretrace.report.html`),
so the three say the same thing. The JSON report keeps the raw type codes
(``truncated_sentence``, ...), which are its contract; readers see the words, with the code
beside them for anyone who reads the JSON too.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["SIGNAL_WORDS", "SignalWords", "signal_title", "signal_words"]


class SignalWords(NamedTuple):
    title: str
    explain: str


# Every signal type the library emits (wiretrace.signals, wiretrace.tracing spin signals,
# wiretrace.drift.signal); a test checks the list against the code.
SIGNAL_WORDS: dict[str, SignalWords] = {
    "boilerplate": SignalWords(
        "Web page leftovers",
        "A line of page furniture (share buttons, 'read more', a comment link) was left in "
        "the text, as happens when a page is copied without care.",
    ),
    "truncated_sentence": SignalWords(
        "Sentence cut off",
        "A sentence starts or stops in the middle, as when a piece is cut out of a longer text.",
    ),
    "inconsistent_naming": SignalWords(
        "One name written two ways",
        "The same person, place or body is named differently within this text, as when "
        "find-and-replace rewriting misses some mentions.",
    ),
    "language": SignalWords(
        "Not English prose",
        "Matching is tuned for English news, so results for this text are less reliable.",
    ),
    "spin": SignalWords(
        "Consistent rewording",
        "A word or name of the source was swapped for another throughout the copied text: "
        "the wording was disguised, the facts kept.",
    ),
    "fact_drift": SignalWords(
        "Changed fact",
        "A number, date, name, quotation, speaker or negation differs from the source, and "
        "no other source agrees with this article.",
    ),
}


def signal_title(kind: str) -> str:
    """The plain title of a signal type; an unknown type is shown as its code."""
    words = SIGNAL_WORDS.get(kind)
    return words.title if words else kind


def signal_words() -> dict[str, dict[str, str]]:
    """The wording as JSON for the page: ``{type: {"title": ..., "explain": ...}}``."""
    return {kind: w._asdict() for kind, w in SIGNAL_WORDS.items()}
