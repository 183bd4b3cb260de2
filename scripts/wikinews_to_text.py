"""Convert the WikinewsSum Wikinews articles to plain text for the demo data.

Reads ``wikinews_with_sources.jsonl`` (origin: airKlizz/WikinewsSum, see
``../shared/data/wikinewssum/SOURCE.md``), turns each article's raw wikitext paragraphs into
plain text and writes ``data/demo/wikinews.jsonl``, one object per article::

    {"id": "wikinews/<slug>", "title": ..., "text": ..., "url": ..., "source": "Wikinews",
     "published_at": "2004-11-13" | null, "license": "public domain" | "CC BY 2.5",
     "categories": [...]}

Only the Wikinews article texts are written. The ``sources[].maintext`` texts in the input
belong to their publishers and are never copied.

Why a hand-written converter and not mwparserfromhell: the subset of wikitext in this file is
small (``{{w}}``, links, bold/italic, a few HTML tags), and the file is damaged in ways no
wikitext parser knows about (see "Damage in the dataset" below), so the repair rules are needed
anyway. Keeping it dependency-free also lets the test that compares the committed file with a
fresh conversion run anywhere.

Markup handled
--------------
- ``{{w|Target|Label}}`` -> Label, ``{{w|Target}}`` -> Target (an interwiki prefix such as
  ``pt:`` is dropped); ``{{date|November 13, 2004}}`` gives ``published_at`` and is removed
  from the text; every other template is dropped (nested ones too).
- ``[[Link]]``, ``[[Link|Label]]``, ``[[w:Target|Label]]``, link trails (``[[Egypt]]ian``);
  ``[[File:...]]``, ``[[Image:...]]``, ``[[Category:...]]`` and interlanguage links are removed,
  captions with nested links included.
- ``[http://url label]`` -> label, ``[http://url]`` -> nothing.
- ``''italic''``, ``'''bold'''``; HTML comments; ``<ref>``; other tags keep their content;
  ``<br>`` becomes a line break; HTML entities are decoded.
- Headings ``== Sources ==``, ``== Related news ==``, ``== External links ==`` (and
  ``References``, ``See also``) end the article; other headings become their own paragraph.
- List and indent markers (``*``, ``#``, ``:``, ``;``) start a new paragraph.
- Whitespace is tidied; paragraphs are joined by one blank line.

Damage in the dataset
---------------------
The WikinewsSum export mangled some markup, apparently by cutting from an ``=`` sign to a
later point: ``{{byline|date=...}}The Haaretz`` became ``{{byline|datehe Haaretz``, tables
``{| rules=...`` lost their bodies, ``{{publish}}`` became ``{publish}}`` and ``<!--`` became
``!--``. :func:`repair_damage` undoes what can be undone (lone ``{X}}`` and ``[X]]`` regain
their bracket) and marks the rest with :data:`DAMAGE`. After conversion, a paragraph whose text
at a damage mark (or at its very start) begins in the middle of a word loses that broken
sentence, because its first letters are gone (``ew leadership could prove ...``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = "../shared/data/wikinewssum/wikinews_with_sources.jsonl"
DEFAULT_OUTPUT = "data/demo/wikinews.jsonl"

WIKINEWS_BASE_URL = "https://en.wikinews.org/wiki/"
# Wikinews articles published before this date are in the public domain; later ones are
# under CC BY 2.5 (https://en.wikinews.org/wiki/Wikinews:Copyright).
CC_BY_SINCE = dt.date(2005, 9, 25)
PUBLIC_DOMAIN = "public domain"
CC_BY_25 = "CC BY 2.5"

# Marks a place where the dataset lost text; see repair_damage().
DAMAGE = "\x00"
_HARD_BREAK = "\x01"  # <br>: a line break kept inside a paragraph
_PARA_BREAK = "\x02"  # a line-level construct (list item, heading) starts a paragraph

STOP_SECTIONS = frozenset(
    {"sources", "source", "related news", "external links", "references", "see also"}
)
_DROP_LINK_NAMESPACES = frozenset({"file", "image", "media", "category"})
_INTERWIKI_PREFIXES = frozenset(
    {
        "w",
        "wikipedia",
        "wikt",
        "wiktionary",
        "n",
        "wikinews",
        "commons",
        "wikisource",
        "s",
        "wikiquote",
        "q",
        "wikibooks",
        "b",
        "meta",
        "m",
    }
)
_DROP_WITH_CONTENT_TAGS = ("ref", "gallery", "math", "timeline", "imagemap", "references")
_DATE_FORMATS = ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%d %B, %Y", "%Y-%m-%d", "%b %d, %Y")
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "prof",
        "no",
        "vs",
        "v",
        "co",
        "corp",
        "inc",
        "ltd",
        "dec",
        "jan",
        "feb",
        "aug",
        "sept",
        "oct",
        "nov",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
    }
)

# --------------------------------------------------------------------------------------------
# Small pieces
# --------------------------------------------------------------------------------------------


def parse_date(text: str) -> dt.date | None:
    """Parse a date as Wikinews writes it (``November 13, 2004``); None when it is not one."""
    cleaned = re.sub(r"\s+", " ", text.strip())
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def find_date(wikitext: str) -> dt.date | None:
    """Return the date of the first ``{{date|...}}`` template in ``wikitext``, if any."""
    for match in re.finditer(r"\{\{\s*[Dd]ate\s*\|([^{}|]*)", wikitext):
        found = parse_date(match.group(1))
        if found is not None:
            return found
    return None


def slugify(title: str) -> str:
    """``"Kmart to buy Sears for US$11 billion"`` -> ``"kmart-to-buy-sears-for-us-11-billion"``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def wikinews_url(title: str) -> str:
    """The en.wikinews.org address of an article, encoded as MediaWiki encodes titles."""
    return WIKINEWS_BASE_URL + quote(title.strip().replace(" ", "_"), safe=";@$!*(),/~:")


def license_for(published_at: dt.date | None, *, pd_marked: bool) -> str:
    """Public domain before 2005-09-25 (or, undated, when marked ``{{PD-Article}}``)."""
    if published_at is not None:
        return PUBLIC_DOMAIN if published_at < CC_BY_SINCE else CC_BY_25
    return PUBLIC_DOMAIN if pd_marked else CC_BY_25


def _strip_interwiki(target: str) -> str:
    """``w:pt:Eduardo Campos`` -> ``Eduardo Campos``."""
    while True:
        prefix, colon, rest = target.partition(":")
        key = prefix.strip().lower()
        if colon and (key in _INTERWIKI_PREFIXES or re.fullmatch(r"[a-z]{2,3}", key)):
            target = rest.strip()
            continue
        return target.strip()


# --------------------------------------------------------------------------------------------
# Repairs
# --------------------------------------------------------------------------------------------

_BROKEN_BYLINE = re.compile(r"\{\{?\s*byline\s*\|\s*date(?!\s*=)", re.IGNORECASE)
# "{| rules=...", "{| border=..." with the "=" and the rest of the table cut away.
_BROKEN_TABLE = re.compile(
    r"\{\|[ \t]*(?:rules|border|class|style|cellpadding|cellspacing|width|align|bgcolor)"
    r"(?![ \t]*=)",
    re.IGNORECASE,
)
_LONE_BRACE_TEMPLATE = re.compile(r"(?<!\{)\{(?![{|])([^{}\n]*)\}\}")
_LONE_BRACKET_LINK = re.compile(r"(?<!\[)\[(?![\[h])([^\[\]\n]*)\]\](?!\])")
_BROKEN_COMMENT = re.compile(r"(?<!<)!--.*?-->", re.DOTALL)
_BROKEN_MAGIC_WORD = re.compile(r"_{1,2}[A-Z]{3,}__")


def repair_damage(wikitext: str) -> str:
    """Undo the export damage that can be undone and mark the rest with :data:`DAMAGE`.

    - ``{{byline|date`` with its ``=...}}`` and the next letters cut off: removed, and the
      place marked (unless what follows is markup that lost a bracket or a quote mark);
    - ``{| rules`` / ``{| border``, tables cut the same way: removed and marked;
    - ``{publish}}`` -> ``{{publish}}``; ``[w:X|Y]]`` -> ``[[w:X|Y]]``;
    - ``!-- ... -->`` (a comment that lost its ``<``) -> removed;
    - ``_NOTOC__`` and other magic words -> removed.
    """
    text = _BROKEN_COMMENT.sub("", wikitext)
    text = _BROKEN_MAGIC_WORD.sub("", text)

    def _byline(match: re.Match[str]) -> str:
        rest = match.string[match.end() :]
        if rest.startswith(("{", "[", "'")):
            return ""  # a bracket or quote mark was lost; the fixes below handle it
        return DAMAGE

    # Repeat: the data has ``{{byline|date{byline|date{reviewed}}``.
    previous = None
    while previous != text:
        previous = text
        text = _BROKEN_BYLINE.sub(_byline, text, count=1)
        text = _LONE_BRACE_TEMPLATE.sub(r"{{\1}}", text)
    # ``'[[w:X|NOS]]''`` and ``'"Iraq`` lost one quote of an italic mark: drop the other one.
    text = re.sub(r"(?m)(?:^|(?<=\}))'(?=[\"\[])", "", text)
    text = _LONE_BRACKET_LINK.sub(r"[[\1]]", text)
    text = _BROKEN_TABLE.sub(DAMAGE, text)
    return text


# --------------------------------------------------------------------------------------------
# Markup
# --------------------------------------------------------------------------------------------

_TEMPLATE = re.compile(r"\{\{((?:[^{}\[]|\{(?!\{)|\}(?!\})|\[(?!\[))*?)\}\}")
_LINK = re.compile(r"\[\[((?:[^\[\]{]|\[(?!\[)|\](?!\])|\{(?!\{))*?)\]\]")
_EXTERNAL_LINK = re.compile(r"\[(?:https?|ftp)://[^\s\[\]]*(?:[ \t]+([^\[\]\n]*?))?\s*\]")
_BROKEN_EXTERNAL_LINK = re.compile(r"\[(?:https?|ftp)://\S*")
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$")


def render_template(content: str) -> str:
    """Text shown for the template ``{{content}}``: only ``{{w|...}}`` shows anything."""
    parts = content.split("|")
    name = parts[0].strip().replace("_", " ").lower()
    if name != "w":
        return ""
    positional = [p.strip() for p in parts[1:] if "=" not in p]
    if len(positional) >= 2 and positional[1]:
        return positional[1]
    if positional:
        return _strip_interwiki(positional[0])
    return ""


def render_link(content: str) -> str:
    """Text shown for the internal link ``[[content]]``."""
    target, pipe, label = content.partition("|")
    target = target.strip()
    leading_colon = target.startswith(":")
    target = target.lstrip(":").strip()
    namespace, colon, _ = target.partition(":")
    namespace = namespace.strip().lower()
    if colon and not leading_colon:
        if namespace in _DROP_LINK_NAMESPACES:
            return ""
        if re.fullmatch(r"[a-z]{2,3}(?:-[a-z]+)*", namespace) and namespace not in (
            _INTERWIKI_PREFIXES
        ):
            return ""  # interlanguage link, shown in the sidebar, not in the text
    if pipe and label.strip():
        return label.strip()
    shown = _strip_interwiki(target)
    if pipe:  # the "pipe trick": [[w:Foo (bar)|]] shows "Foo"
        shown = re.sub(r"\s*\([^)]*\)\s*$", "", shown)
    return shown


def strip_quotes(text: str) -> str:
    """Remove ``''italic''`` and ``'''bold'''`` marks, leaving single apostrophes alone."""

    def _run(match: re.Match[str]) -> str:
        n = len(match.group(0))
        if n in (2, 3, 5):
            return ""
        if n == 4:  # "''''" is an apostrophe followed by bold
            return "'"
        return "'" * (n - 5)

    return re.sub(r"'{2,}", _run, text)


def _mark_lines(text: str) -> str:
    """Mark line-level constructs as paragraph breaks; cut the text at a stop section."""
    out: list[str] = []
    for line in text.split("\n"):
        heading = _HEADING.match(line.strip())
        if heading and heading.group(2):
            title = strip_quotes(heading.group(2)).strip().lower()
            if title in STOP_SECTIONS:
                return "\n".join(out)
            out.append(f"{_PARA_BREAK}{heading.group(2)}{_PARA_BREAK}")
            continue
        stripped = line.lstrip()
        if re.fullmatch(r"-{3,}\s*", stripped):
            out.append(_PARA_BREAK)
        elif stripped[:1] in ("*", "#", ":", ";"):
            out.append(_PARA_BREAK + re.sub(r"^[*#:;]+\s*", "", stripped))
        elif re.fullmatch(r"'''[^'\n]+'''\s*(?:<br\s*/?>)?\s*", stripped):
            out.append(f"{_PARA_BREAK}{stripped}{_PARA_BREAK}")
        else:
            out.append(line)
    return "\n".join(out)


def strip_markup(wikitext: str) -> str:
    """Plain text of (repaired) wikitext; paragraphs still separated by blank lines.

    The result may contain :data:`DAMAGE` marks and hard line breaks; :func:`tidy` finishes.
    """
    text = re.sub(r"<!--.*?(?:-->|$)", "", wikitext, flags=re.DOTALL)
    text = _mark_lines(text)
    for tag in _DROP_WITH_CONTENT_TAGS:
        text = re.sub(rf"<{tag}\b[^>]*/>", "", text, flags=re.IGNORECASE)
        text = re.sub(rf"<{tag}\b[^>]*>.*?</{tag}\s*>", "", text, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"<br\s*/?>", _HARD_BREAK, text, flags=re.IGNORECASE)
    # Whole tables carry no prose worth keeping.
    text = re.sub(r"\{\|.*?\n\|\}", "", text, flags=re.DOTALL)
    # Innermost first, so that templates in captions and links in templates both resolve.
    previous = None
    while previous != text:
        previous = text
        text = _LINK.sub(lambda m: render_link(m.group(1)), text)
        text = _TEMPLATE.sub(lambda m: render_template(m.group(1)), text)
    text = _EXTERNAL_LINK.sub(lambda m: (m.group(1) or "").strip(), text)
    text = _BROKEN_EXTERNAL_LINK.sub(DAMAGE, text)
    text = re.sub(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>", "", text)
    text = strip_quotes(text)
    return html.unescape(text)


# --------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")


def end_of_first_sentence(text: str) -> int:
    """Index just past the first sentence of ``text`` (or ``len(text)``).

    A sentence ends at ``.``, ``!`` or ``?`` (and closing quotes) before a space, unless the
    next word starts in lower case (``"Nuts!" to the German request``) or the word is a known
    abbreviation (``Mr.``) that is not the very first word.
    """
    for match in _SENTENCE_END.finditer(text):
        if text[match.end() :].lstrip()[:1].islower():
            continue
        word = re.search(r"([\w.]+)[.!?]*$", text[: match.start() + 1])
        token = word.group(1).rstrip(".").lower() if word else ""
        # A lone fragment such as "r." (from "Mr.") ends the damaged head; "Mr." does not.
        if token in _ABBREVIATIONS and match.start() > len(token):
            continue
        return match.end()
    return len(text)


def drop_damaged_head(paragraph: str) -> tuple[str, list[str]]:
    """Drop the broken sentence after each :data:`DAMAGE` mark (and at a lower-case start).

    A sentence counts as broken when it starts in the middle of a word: with a lower-case
    letter or a space right at the mark. ``"\\x00ew leadership ... Arafat. The Haaretz"``
    becomes ``"The Haaretz"``; ``"\\x00A political crisis ..."`` only loses the mark.
    Returns the paragraph without marks and the dropped texts.
    """
    dropped: list[str] = []
    if paragraph[:1].islower():
        paragraph = DAMAGE + paragraph
    while DAMAGE in paragraph:
        head, _, tail = paragraph.partition(DAMAGE)
        if tail[:1].islower() or tail[:1].isspace():
            cut = end_of_first_sentence(tail)
            dropped.append(tail[:cut].strip())
            tail = tail[cut:]
        joiner = " " if head.strip() and tail.strip() else ""
        paragraph = head.rstrip() + joiner + tail.lstrip()
    return paragraph, [d for d in dropped if d]


_BARE_ADDRESS = re.compile(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?")
# "[[Near-Earth asteroid 2004 MN4 reaches ...]] (December 24, 2004)": a related-news line.
_RELATED_NEWS_ITEM = re.compile(r"[^().!?]+\(\s*[A-Z][a-z]+ \d{1,2}, \d{4}\s*\)")


def dateline(paragraph: str) -> dt.date | None:
    """The date of a paragraph that is only a date (``December 3, 2004``), else None."""
    return parse_date(paragraph) if len(paragraph) < 30 else None


def is_junk(paragraph: str) -> bool:
    """Paragraphs that are not prose: a bare date line (kept as ``published_at``), or
    leftovers of cut source and related-news lists."""
    stripped = paragraph.strip()
    if not re.search(r"[A-Za-z0-9]", stripped):
        return True
    if re.fullmatch(r"[A-Z][a-z]+(?: \d{1,2}(?:st|nd|rd|th)?,?)?(?: \d{4})?", stripped) and (
        parse_date(stripped + " 2000") or parse_date(stripped) or parse_date("1 " + stripped)
    ):
        return True
    return bool(_BARE_ADDRESS.fullmatch(stripped) or _RELATED_NEWS_ITEM.fullmatch(stripped))


def tidy(paragraph: str) -> str:
    """Join soft-wrapped lines, keep ``<br>`` breaks, collapse spaces."""
    text = paragraph.replace("\n", " ").replace(_HARD_BREAK, "\n")
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{2,}", "\n", text)
    return text.strip()


@dataclass(frozen=True)
class Converted:
    """One article after conversion."""

    text: str
    published_at: dt.date | None  # from {{date|...}}, else from a leading date line
    dropped_heads: tuple[str, ...] = field(default_factory=tuple)


def convert_article(paragraphs: Sequence[str]) -> Converted:
    """Convert an article given as raw wikitext paragraphs (the dataset's ``text`` list)."""
    wikitext = "\n\n".join(paragraphs)
    plain = strip_markup(repair_damage(wikitext)).replace(_PARA_BREAK, "\n\n")
    out: list[str] = []
    dropped: list[str] = []
    published_at = find_date(wikitext)
    for raw in re.split(r"\n[^\S\n]*\n", plain):
        paragraph, lost = drop_damaged_head(tidy(raw))
        dropped.extend(lost)
        paragraph = re.sub(r"[^\S\n]+", " ", paragraph).strip()
        if published_at is None and not out:
            published_at = dateline(paragraph)
        if paragraph and not is_junk(paragraph):
            out.append(paragraph)
    return Converted("\n\n".join(out), published_at, tuple(dropped))


# --------------------------------------------------------------------------------------------
# Records and files
# --------------------------------------------------------------------------------------------


def clean_categories(categories: Iterable[str]) -> list[str]:
    """Topic categories only: no date categories, no ``Published`` bookkeeping."""
    out: list[str] = []
    for category in categories:
        name = category.strip()
        if not name or name.lower() == "published" or parse_date(name) is not None:
            continue
        if name not in out:
            out.append(name)
    return out


def category_date(categories: Iterable[str]) -> dt.date | None:
    """Wikinews files each article under its date (``November 17, 2004``)."""
    for category in categories:
        found = parse_date(category)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class ConversionReport:
    """What a run did, for the script's summary."""

    written: int
    skipped_empty: tuple[str, ...]
    undated: int
    dropped_heads: tuple[tuple[str, str], ...]


def convert_records(
    records: Iterable[dict[str, object]],
) -> tuple[list[dict[str, object]], ConversionReport]:
    """Convert dataset records to output records (never touching ``sources``)."""
    out: list[dict[str, object]] = []
    skipped: list[str] = []
    heads: list[tuple[str, str]] = []
    seen_ids: set[str] = set()
    for record in records:
        title = str(record["title"]).strip()
        raw_text = record.get("text") or []
        raw_categories = record.get("categories") or []
        if not isinstance(raw_text, list) or not isinstance(raw_categories, list):
            raise ValueError(f"record {title!r}: 'text' and 'categories' must be lists")
        paragraphs = [str(p) for p in raw_text]
        categories = [str(c) for c in raw_categories]
        converted = convert_article(paragraphs)
        heads.extend((title, head) for head in converted.dropped_heads)
        if not converted.text:
            skipped.append(title)
            continue
        published_at = converted.published_at or category_date(categories)
        pd_marked = any(re.search(r"\{\{\s*PD-Article", p, re.IGNORECASE) for p in paragraphs)
        doc_id = f"wikinews/{slugify(title)}"
        if doc_id in seen_ids:
            raise ValueError(f"two articles give the id {doc_id!r}; make slugify() finer")
        seen_ids.add(doc_id)
        out.append(
            {
                "id": doc_id,
                "title": title,
                "text": converted.text,
                "url": wikinews_url(title),
                "source": "Wikinews",
                "published_at": published_at.isoformat() if published_at else None,
                "license": license_for(published_at, pd_marked=pd_marked),
                "categories": clean_categories(categories),
            }
        )
    report = ConversionReport(
        written=len(out),
        skipped_empty=tuple(skipped),
        undated=sum(1 for r in out if r["published_at"] is None),
        dropped_heads=tuple(heads),
    )
    return out, report


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Records of a JSON Lines file; a bad line is an error naming the file and line."""
    records: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from error
            if not isinstance(record, dict) or "title" not in record:
                raise ValueError(f"{path}:{number}: expected an object with a 'title'")
            records.append(record)
    return records


def dumps_jsonl(records: Iterable[dict[str, object]]) -> str:
    """The exact text written to ``wikinews.jsonl``."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def convert_file(path: Path) -> tuple[str, ConversionReport]:
    """Convert one dataset file; returns the JSONL text and the report."""
    records, report = convert_records(read_jsonl(path))
    return dumps_jsonl(records), report


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else REPO_ROOT / candidate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "input",
        nargs="?",
        default=DEFAULT_INPUT,
        help=f"WikinewsSum JSONL file, relative to the repository root (default: {DEFAULT_INPUT})",
    )
    parser.add_argument(
        "--output",
        default=DEFAULT_OUTPUT,
        help=f"where to write, relative to the repository root (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument("--verbose", action="store_true", help="list the damaged heads dropped")
    args = parser.parse_args(argv)

    source = _resolve(args.input)
    if not source.is_file():
        print(f"error: {source} not found; pass the WikinewsSum JSONL file", file=sys.stderr)
        return 2
    text, report = convert_file(source)
    output = _resolve(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")

    print(f"wrote {report.written} articles to {output} ({output.stat().st_size:,} bytes)")
    print(f"skipped {len(report.skipped_empty)} articles whose text is empty after conversion")
    for title in report.skipped_empty:
        print(f"  - {title}")
    print(f"{report.undated} articles have no date (published_at null)")
    print(f"dropped {len(report.dropped_heads)} sentence heads damaged in the dataset export")
    if args.verbose:
        for title, head in report.dropped_heads:
            print(f"  - {title}: {head!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
