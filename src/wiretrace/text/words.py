"""Words: the one word pattern and the stop words every part of wiretrace shares."""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "WORD"]

# A word is a run of Unicode word characters (letters, digits, underscore), as ``str``'s
# regular expressions see them. Tokens, the lexical index and headlines all cut words so.
WORD = re.compile(r"\w+")

# English function words: they carry no content and would make unrelated sentences look alike.
# A short list by hand, since the well-known lists ship only inside heavy packages (NLTK data,
# spaCy, scikit-learn).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t said says say one two may might must shall upon us""".split()  # noqa: SIM905
)
