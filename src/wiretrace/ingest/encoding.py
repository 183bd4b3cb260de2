"""Turn bytes into text: byte order marks, declared charsets, UTF-8, then detection.

Detection of an unknown charset is charset-normalizer's job; this module only decides the
order in which the clues are trusted and reports bytes that are not text at all.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer

from wiretrace.errors import Problem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the encoding it was decoded with (``detected`` when charset-normalizer chose)."""

    text: str
    encoding: str
    detected: bool = False


def nul_problem(data: bytes, what: str = "file") -> Problem | None:
    """A NUL byte in bytes without a UTF-16/32 byte order mark means binary data."""
    if any(data.startswith(bom) for bom, name in _BOMS if name != "utf-8-sig"):
        return None
    nul = data.find(b"\x00")
    if nul < 0:
        return None
    return Problem(
        "encoding",
        f"binary {what}: NUL byte at byte offset {nul}; expected text (HTML, XML, CSV or "
        "plain text)",
    )


def decode(data: bytes, declared: str | None = None, *, what: str = "file") -> Decoded | Problem:
    """Decode ``data``: a byte order mark wins, then a ``declared`` charset (an HTTP header),
    then strict UTF-8, then the encoding charset-normalizer detects.

    Returns a :class:`~wiretrace.ingest.base.Problem` for binary data and for bytes no
    encoding explains.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as exc:
                return Problem("encoding", f"not valid {name} after its byte order mark: {exc}")
    binary = nul_problem(data, what)
    if binary is not None:
        return binary
    if declared:
        try:
            codecs.lookup(declared)
            return Decoded(data.decode(declared), declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration is common; fall through to the bytes
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = _best_match(data)
    if best is None:
        return Problem(
            "encoding",
            f"cannot tell the text encoding of this {what}: it is not UTF-8 and no encoding "
            "explains its bytes; re-save it as UTF-8",
        )
    return Decoded(str(best), best.encoding, detected=True)


# Common legacy web encodings, preferred when charset-normalizer finds several equally good.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251")
_CHAOS_MARGIN = 0.1


def _best_match(data: bytes) -> charset_normalizer.models.CharsetMatch | None:
    """charset-normalizer's pick, corrected for short texts.

    On a short text several single-byte code pages decode with almost no "mess", and the one
    charset-normalizer ranks first can be a rare one (cp1257 for French, turning "è" into
    "č"; its language-coherence score does not separate them either). Among the matches
    within a small margin of the least mess, take the commonest legacy web encoding, else
    charset-normalizer's own order.
    """
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= least + _CHAOS_MARGIN]

    preferred = [m for m in close if m.encoding in _PREFERRED]
    if not preferred:
        return close[0]
    return min(preferred, key=lambda m: _PREFERRED.index(m.encoding))
