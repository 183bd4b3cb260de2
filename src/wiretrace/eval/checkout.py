"""The research code a few evaluations run, found in the repository checkout.

The composite generators (``research/composites``) are research, not product, and stay out of
the wheel. ``wiretrace eval spun``, ``eval drift`` and ``eval news`` generate their test sets
with them, so these commands run from a repository checkout: :func:`require_research` puts the
checkout's root on ``sys.path`` when it holds ``research/``, and otherwise raises an error that
says what to do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wiretrace.errors import CorpusError

__all__ = ["REPO_ROOT", "require_research"]

# src/wiretrace/eval/checkout.py -> the repository root.
REPO_ROOT = Path(__file__).resolve().parents[3]


def require_research() -> Path:
    """The repository root, on ``sys.path``; raise :class:`CorpusError` outside a checkout."""
    if not (REPO_ROOT / "research" / "composites" / "__init__.py").is_file():
        raise CorpusError(
            "this evaluation generates its test set with research/composites, which is not "
            "part of the installed package; run it from a wiretrace repository checkout"
        )
    root = str(REPO_ROOT)
    if root not in sys.path:
        sys.path.append(root)
    return REPO_ROOT
