"""Text handling: normalisation with an offset map, and tokenisation."""

from wiretrace.text.normalise import NormalizedText, normalise
from wiretrace.text.tokens import Tokens, tokenize, words_of

__all__ = ["NormalizedText", "Tokens", "normalise", "tokenize", "words_of"]
