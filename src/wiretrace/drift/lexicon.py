"""Word lists the edit typing reads: negations, reporting verbs and synonym groups.

Written by hand: no small, well-kept library ships an English synonym table fit for news
(WordNet's synsets, through NLTK, need a data download and match far too loosely: "said" and
"aforesaid" share a synset). The groups below are the swaps news rewriters and spinners make;
``tests/test_drift.py`` checks that every swap of the spun-composite generator
(``research/composites/spinner.py``) is in them.
"""

from __future__ import annotations

import re

__all__ = ["NEGATIONS", "REPORTING", "expand_contractions", "synonyms"]

NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "none", "nobody", "nothing"})

# Verbs and phrases that introduce a speaker: "said Ushakov", "Peskov told reporters",
# "according to Peskov".
REPORTING = frozenset(
    """said says say told tells stated states added adds claimed claims announced announces
    warned warns argued argues insisted insists explained explains noted notes wrote writes
    asked asks replied replies remarked remarks declared declares asserted asserts informed
    according cautioned contended maintained acknowledged admitted admits revealed disclosed
    confirmed confirms denied denies tweeted posted quoted""".split()  # noqa: SIM905
)

_GROUPS = """
said stated remarked | says states | told informed | added remarked | announced declared
claimed asserted | warned cautioned | argued contended | revealed disclosed
admitted acknowledged | believes thinks | believe think | insisted maintained
rose climbed increased grew | fell dropped declined | buy purchase | bought purchased
help assist | helped assisted | expected anticipated | began commenced started
wanted desired | need require | needs requires | tried attempted | allow permit
allowed permitted | decided determined | showed demonstrated | received obtained
reduced lowered cut | boost bolster | launched unveiled | described characterised characterized
suggested indicated
firm company business | firms companies businesses | people individuals persons
profits earnings | government administration | deal agreement accord
talks negotiations | rules regulations | law legislation | country nation
children kids | film movie | films movies | fans supporters | victory triumph win
award prize | awards prizes | singer vocalist | phones handsets | users customers
election poll vote | chance opportunity | problem issue | problems issues
bosses executives | costs expenses | figures statistics | fears concerns
attack assault | job position | jobs positions | rise increase | shareholders investors
economy market | players athletes | technology tech | experts specialists
officials authorities
big large sizeable | biggest largest | huge enormous | important significant
major key | difficult hard tough | several numerous many | main principal
recent latest | strong robust | weak feeble | small little | quick rapid fast speedy
possible feasible | popular well-liked | former ex
however nevertheless | nearly almost | currently presently | recently lately
quickly rapidly | also additionally | still yet | already previously | often frequently
completely entirely totally | about around roughly approximately
"""
_SYNONYMS: dict[str, frozenset[str]] = {}
for _group in _GROUPS.replace("\n", " | ").split("|"):
    _words = frozenset(w.replace("-", " ") for w in _group.split())  # "well-liked": 2 words
    for _w in _words:
        _SYNONYMS[_w] = _SYNONYMS.get(_w, frozenset()) | _words


def synonyms(a: str, b: str) -> bool:
    """Whether two lower-case words are equal or one group's synonyms."""
    return a == b or b in _SYNONYMS.get(a, ())


_CONTRACTION = re.compile(r"(?i)\b(\w+?)n['\u2019]t\b")
_IRREGULAR = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}


def expand_contractions(text: str) -> str:
    """``text`` with "n't" written out: "didn't" -> "did not", "won't" -> "will not",
    "cannot" -> "can not"."""

    def out(m: re.Match[str]) -> str:
        stem = m.group(1)
        return _IRREGULAR.get(stem.lower(), stem) + " not"

    return re.sub(r"(?i)\bcannot\b", "can not", _CONTRACTION.sub(out, text))
