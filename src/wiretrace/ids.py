"""What a document id may be: the one rule the readers, the index and the API share.

An id is at most :data:`MAX_ID_LENGTH` characters, not blank, and holds no control character
(Unicode category ``Cc``: C0, DEL and C1, which includes NUL and ESC) and no unpaired surrogate
(``Cs``). Such ids could be stored but never fetched back by a URL or typed in a terminal, so
they are refused where documents come in, with the place and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wiretrace.errors import RecordError

__all__ = ["MAX_ID_LENGTH", "check_ids", "id_problem", "shown_id"]

MAX_ID_LENGTH = 1024
# Unicode categories Cc (U+0000-001F, U+007F-009F) and Cs (U+D800-DFFF), as one search in C.
_UNFIT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SHOWN = 60


def id_problem(doc_id: str) -> str | None:
    """Why ``doc_id`` cannot be a document id, or None when it can."""
    if not doc_id.strip():
        return "'id' is empty"
    if len(doc_id) > MAX_ID_LENGTH:
        return (
            f"'id' is {len(doc_id):,} characters long, over the limit of {MAX_ID_LENGTH:,}; "
            "shorten it (a URL or a digest of it)"
        )
    bad = _UNFIT.search(doc_id)
    if bad is not None:
        return (
            f"'id' holds the control character U+{ord(bad.group()):04X} at character "
            f"{bad.start()}; ids must be printable, so that the document can be fetched by its id"
        )
    return None


def shown_id(doc_id: str) -> str:
    """An id fit for an error message: quoted with escapes, cut when long."""
    if len(doc_id) > _SHOWN:
        return repr(doc_id[:_SHOWN]) + f"... ({len(doc_id):,} characters)"
    return repr(doc_id)


def check_ids(ids: Iterable[str]) -> None:
    """Raise :class:`~wiretrace.errors.RecordError` naming the first id that cannot be one.

    The index calls it before it writes a batch, so nothing reaches storage that could not be
    fetched back, whichever way it came in.
    """
    for doc_id in ids:
        problem = id_problem(doc_id)
        if problem is not None:
            raise RecordError(f"record with id {shown_id(doc_id)}", problem)
