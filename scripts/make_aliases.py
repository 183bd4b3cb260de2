"""Generate ``src/wiretrace/text/aliases.tsv``, the entity alias table, from CLDR and ISO 3166.

Run it from the repository root with the dev extra installed (it needs Babel and pycountry;
the library itself only reads the generated file)::

    python scripts/make_aliases.py            # rewrites src/wiretrace/text/aliases.tsv
    python scripts/make_aliases.py --out FILE

The output is byte-stable: the same Babel and pycountry versions give the same bytes (no date in
it), and ``tests/test_aliases.py`` regenerates it and compares.

Sources
-------
- **CLDR via Babel:** the English territory names of the ``en`` locale and of every Latin-script
  ``en_*`` locale (``St Lucia``, ``Antigua and Barbuda``, ...). Babel keeps no CLDR ``alt``
  names (``alt="short"``/``"variant"``: "UK", "Turkey", "East Timor"), which is why the short
  hand list below exists. Besides countries, CLDR names ``EU`` (European Union), ``UN`` (United
  Nations), ``EZ`` (Eurozone) and ``XK`` (Kosovo); they are kept. The pseudo and unknown codes
  ``XA``, ``XB``, ``ZZ`` and the residual ``QO`` are not, nor are the numeric region codes
  (continents and world regions are not renamed by content farms).
- **ISO 3166-1 via pycountry:** ``name``, ``official_name`` and ``common_name``.
- **Demonyms (adjectives):** neither library has demonyms, so they are *derived* from CLDR
  language names, two ways, and never typed by hand:

  1. a regional language variant names its territory's adjective: ``en_US`` "American English"
     gives "American" for US, ``fr_CH`` "Swiss French" gives "Swiss" for CH;
  2. an official language of a territory (``babel.languages.get_official_languages``, de facto
     ones included) whose English name is the territory's name plus an adjectival suffix gives
     that adjective: Russia + n = "Russian", Chin(a) + ese = "Chinese", Czech(ia) = "Czech",
     Kazakh(stan) = "Kazakh". A qualifier before the matched word is kept: "North Korea" gives
     "North Korean" (and the bare "Korean", which is then dropped as ambiguous).

  So only adjectives that CLDR attests as a language or variant name are there: "British",
  "American", "Russian", "Chinese" are; "French" (France + nch is no rule), "Spanish", "Polish",
  "Israeli" are not.

Derivation rules (applied to every name above, to a fixed point)
------------------------------------------------------------------
- an inverted ISO name is put in natural order and keeps its head: "Korea, Republic of" ->
  "Republic of Korea" and "Korea"; "Virgin Islands, British" -> "British Virgin Islands" and
  "Virgin Islands"; any other comma name keeps its head ("Taiwan, Province of China" ->
  "Taiwan");
- a parenthesised part is dropped ("Myanmar (Burma)" -> "Myanmar"), and is a name of its own
  when all its words are capitalised ("Burma", "Malvinas"; not "French part");
- a leading "the" is dropped (the canonicaliser leaves "the" outside every alias);
- "&" and "and" are both spelt ("St. Kitts & Nevis", "St. Kitts and Nevis"), so are "St." and
  "Saint";
- accents are also spelt without ("Cote d'Ivoire", "Turkiye", "Sao Tome & Principe").

Hand list
---------
``HAND_ALIASES`` below: the abbreviations news uses (US, U.S., USA, UK, UN, EU, UAE, DPRK, PRC),
"Britain" and "Great Britain" for the UK, and four CLDR ``alt="variant"`` names that Babel drops
("Turkey", "Ivory Coast", "East Timor", "Swaziland"). An abbreviation written in capitals with no
dots ("US", "UN") is marked ``cased``: it only matches text written exactly so, because "us" is
a pronoun.

Ambiguity
---------
A surface form whose words (as wiretrace normalises them) lead to more than one entity is
dropped from every entity and listed as an ``ambiguous`` row instead: "Korea", "Congo", "Virgin
Islands", "Korean", "Samoan", "European" (Spain and Portugal, from "European Spanish" and
"European Portuguese"). So is a name that is not the entity's own canonical name and is also the
name of a first-level subdivision of another country in ISO 3166-2 (a country name that *is* its
canonical name, like "Georgia", is kept: renaming it to itself changes nothing), and an
adjective spelt like a name ("Congo", from "Congo Swahili"). Aliases of one letter are dropped.

Output format
-------------
UTF-8, tab-separated, ``#`` lines first (format version, generator, library versions, counts,
column names), then one row per (entity, surface form), sorted::

    key <TAB> kind <TAB> cased <TAB> surface <TAB> sources

``key`` is the canonical token: the normalised words of the entity's CLDR English name (without
a parenthesised part) joined by ``_`` ("russia", "north_korea", "united_states"); an adjective's
key is the entity's key plus ``_adj``. ``kind`` is ``name``, ``adj`` or ``ambiguous`` (then
``key`` lists the entities it could be, joined by ``|``). ``cased`` is ``1`` or ``0``.
``sources`` lists where the form came from: ``cldr``, ``cldr-lang``, ``iso3166``, ``hand``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycountry
from babel import Locale, localedata
from babel.core import get_cldr_version
from babel.languages import get_official_languages

from wiretrace.text.tokens import words_of

FORMAT_VERSION = 1
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "wiretrace" / "text" / "aliases.tsv"

# CLDR codes that are not entities: pseudo-locales, unknown region, "Outlying Oceania".
SKIP_CODES = frozenset({"XA", "XB", "ZZ", "QO"})

# The only hand-typed data: abbreviations news uses, and CLDR alt="variant" names Babel drops.
HAND_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A."),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "UN": ("UN", "U.N."),
    "EU": ("EU", "E.U."),
    "AE": ("UAE", "U.A.E."),
    "KP": ("DPRK",),
    "CN": ("PRC",),
    "TR": ("Turkey",),
    "CI": ("Ivory Coast",),
    "TL": ("East Timor",),
    "SZ": ("Swaziland",),
}

# Suffixes that turn a country-name stem into an adjective that CLDR spells as a language name.
_ADJ_SUFFIXES = ("n", "an", "ian", "ese", "i", "ish")
_STEM_ENDINGS = ("istan", "stan", "land", "ia", "a")
_ACRONYM = re.compile(r"[A-Z]{2,5}")
_PAREN = re.compile(r"\s*\(([^)]*)\)")


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _one_step(name: str) -> set[str]:
    """The names one derivation rule away from ``name`` (see the module docstring)."""
    out: set[str] = set()
    if name.lower().startswith("the "):
        out.add(name[4:])
    paren = _PAREN.search(name)
    if paren:
        out.add(_PAREN.sub("", name).strip())
        inner = paren.group(1).strip()
        if inner and all(w[:1].isupper() for w in inner.split()):
            out.add(inner)
    if ", " in name and not paren:
        head, tail = name.split(", ", 1)
        out.add(head)
        lowered = tail.lower()
        if lowered.endswith(" of") or lowered.endswith(" of the") or " " not in tail:
            if lowered.startswith("the "):
                tail = tail[4:]
            out.add(f"{tail} {head}")
    if " & " in name:
        out.add(name.replace(" & ", " and "))
    if " and " in name:
        out.add(name.replace(" and ", " & "))
    out.add(re.sub(r"\bSt\.? ", "Saint ", name))
    out.add(re.sub(r"\bSaint ", "St. ", name))
    out.add(_fold_accents(name))
    out.discard(name)
    return {o for o in out if o}


def expand(names: Iterable[str]) -> set[str]:
    """Close a set of names under the derivation rules."""
    done: set[str] = set()
    todo = [n.strip() for n in names]
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        todo.extend(_one_step(name) - done)
    return done


def _key(words: Sequence[str]) -> str:
    return "_".join(words)


def _adjective_of(language: str, word: str) -> bool:
    """Whether ``language`` (an English language name) is an adjective of place name ``word``."""
    if " " in language:
        return False
    stems = [(word, (*_ADJ_SUFFIXES, "ic"))]
    if word[-1:] in "aeiouy":
        stems.append((word[:-1], ("", *_ADJ_SUFFIXES)))
    for ending in _STEM_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            stems.append((word[: -len(ending)], ("", *_ADJ_SUFFIXES)))
    for stem, suffixes in stems:
        if len(stem) >= 4 and language.startswith(stem) and language[len(stem) :] in suffixes:
            return True
    return False


class _Collector:
    """Surface forms per (key, kind), each with the set of sources it came from."""

    def __init__(self) -> None:
        self.forms: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )

    def add(self, key: str, kind: str, surface: str, source: str) -> None:
        self.forms[(key, kind)][surface].add(source)


def _territory_names() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each kept code's English CLDR name, and its names in all Latin-script English locales."""
    en = {str(c): str(n) for c, n in Locale.parse("en").territories.items()}
    codes = sorted(c for c in en if c.isalpha() and c not in SKIP_CODES)
    variants: dict[str, list[str]] = {c: [en[c]] for c in codes}
    for ident in sorted(localedata.locale_identifiers()):
        if not (ident == "en" or ident.startswith("en_")):
            continue
        loc = Locale.parse(ident)
        if loc.script not in (None, "Latn"):
            continue
        for code in codes:
            name = loc.territories.get(code)
            if name and name not in variants[code]:
                variants[code].append(name)
    return {c: en[c] for c in codes}, variants


def build_rows() -> tuple[list[tuple[str, str, str, str, str]], dict[str, int]]:
    """All output rows (key, kind, cased, surface, sources), sorted, and summary counts."""
    cldr_name, cldr_variants = _territory_names()
    keys: dict[str, str] = {}
    for code, name in cldr_name.items():
        keys[code] = _key(words_of(_PAREN.sub("", name)))
    if len(set(keys.values())) != len(keys):
        raise SystemExit("two territories share a canonical key; fix the key rule")

    col = _Collector()
    for code in keys:
        for name in cldr_variants[code]:
            for form in expand([name]):
                col.add(keys[code], "name", form, "cldr")
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(country, attr, None)
                if value:
                    for form in expand([value]):
                        col.add(keys[code], "name", form, "iso3166")
        for abbr in HAND_ALIASES.get(code, ()):
            for form in expand([abbr]):
                col.add(keys[code], "name", form, "hand")

    _add_adjectives(col, keys, cldr_name)
    return _resolve(col, keys)


def _add_adjectives(col: _Collector, keys: dict[str, str], cldr_name: dict[str, str]) -> None:
    languages = Locale.parse("en").languages
    for ident, display in sorted(languages.items()):
        lang, _, region = ident.partition("_")
        base = languages.get(lang)
        if region in keys and base and display.endswith(" " + base):
            prefix = display[: -len(base) - 1]
            if " " not in prefix:
                col.add(keys[region] + "_adj", "adj", prefix, "cldr-lang")
    for code, key in keys.items():
        names = {_PAREN.sub("", cldr_name[code]).strip()}
        names.update(m.group(1) for m in _PAREN.finditer(cldr_name[code]))
        country = pycountry.countries.get(alpha_2=code)
        common = getattr(country, "common_name", None) if country is not None else None
        if common:
            names.add(common)
        for lang in get_official_languages(code, de_facto=True):
            language = languages.get(lang)
            if "_" in lang or not language:
                continue
            for name in sorted(names):
                words = name.split()
                if _adjective_of(language, words[-1]):
                    col.add(key + "_adj", "adj", language, "cldr-lang")
                    if len(words) > 1:
                        col.add(key + "_adj", "adj", " ".join([*words[:-1], language]), "cldr-lang")
                elif len(words) > 1 and _adjective_of(language, words[0]):
                    col.add(key + "_adj", "adj", language, "cldr-lang")


def _subdivision_names() -> dict[tuple[str, ...], set[tuple[str, str]]]:
    """Normalised names of ISO 3166-2 top-level subdivisions -> (country code, own code)."""
    out: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            out[tuple(words_of(sub.name))].add((sub.country_code, sub.code.partition("-")[2]))
    return out


def _other_subdivisions(
    subdivisions: dict[tuple[str, ...], set[tuple[str, str]]], words: tuple[str, ...], code: str
) -> list[str]:
    """Countries with a subdivision named ``words`` that is not territory ``code`` itself.

    ISO 3166-2 lists some territories again as subdivisions of their sovereign state (US-VI is
    the U.S. Virgin Islands, NL-BQ1 is Bonaire): those are the same entity, not a clash.
    """
    return sorted(
        {
            country
            for country, own in subdivisions.get(words, set())
            if country != code and not own.startswith(code)
        }
    )


def _resolve(
    col: _Collector, keys: dict[str, str]
) -> tuple[list[tuple[str, str, str, str, str]], dict[str, int]]:
    code_of = {k: c for c, k in keys.items()}
    # words -> {(key, kind): {surface: sources}}
    by_words: dict[tuple[str, ...], dict[tuple[str, str], dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for (key, kind), forms in col.forms.items():
        for surface, sources in forms.items():
            words = tuple(words_of(surface))
            if words:
                by_words[words][(key, kind)][surface] = sources
    names = {w for w, owners in by_words.items() if any(k == "name" for _, k in owners)}
    subdivisions = _subdivision_names()

    rows: list[tuple[str, str, str, str, str]] = []
    dropped = 0
    for words, owners in by_words.items():
        entities = sorted({key for key, _ in owners})
        reason: list[str] = []
        if len(entities) > 1:
            reason = entities
        elif sum(len(w) for w in words) <= 1:
            reason = [*entities, "one letter"]
        else:
            ((key, kind),) = owners
            own = tuple(key.removesuffix("_adj").split("_"))
            if kind == "adj" and words in names:
                reason = [key, "a name"]
            elif kind == "name" and words != own:
                others = _other_subdivisions(subdivisions, words, code_of[key])
                if others:
                    reason = [key, *(f"subdivision of {c}" for c in others)]
        if reason:
            dropped += 1
            shown = min(s for forms in owners.values() for s in forms)
            origins = {src for forms in owners.values() for v in forms.values() for src in v}
            rows.append(("|".join(reason), "ambiguous", "0", shown, ",".join(sorted(origins))))
            continue
        ((key, kind),) = owners
        forms = owners[(key, kind)]
        # Forms that normalise alike ("St. Lucia", "St Lucia") make one row, shown by the first.
        surface = min(forms, key=lambda f: (f.isascii(), f))
        cased = "1" if all(_ACRONYM.fullmatch(f) for f in forms) else "0"
        found_in = sorted({src for v in forms.values() for src in v})
        rows.append((key, kind, cased, surface, ",".join(found_in)))
    rows.sort(key=lambda r: (r[1] == "ambiguous", r[0], r[1], r[3]))
    counts = {
        "entities": len({r[0] for r in rows if r[1] == "name"}),
        "names": sum(r[1] == "name" for r in rows),
        "adjectives": sum(r[1] == "adj" for r in rows),
        "ambiguous": dropped,
    }
    return rows, counts


def render(rows: Sequence[tuple[str, ...]], counts: dict[str, int]) -> str:
    header = [
        "# wiretrace entity aliases: generated by scripts/make_aliases.py, do not edit",
        f"# format: {FORMAT_VERSION}",
        f"# babel: {importlib.metadata.version('babel')} (CLDR {get_cldr_version()})",
        f"# pycountry: {importlib.metadata.version('pycountry')}",
        "# counts: " + " ".join(f"{k}={v}" for k, v in counts.items()),
        "# columns: key\tkind\tcased\tsurface\tsources",
    ]
    for row in rows:
        for cell in row:
            if "\t" in cell or "\n" in cell:
                raise SystemExit(f"tab or newline in alias row {row!r}")
    return "\n".join(header + ["\t".join(r) for r in rows]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    args = parser.parse_args(argv)
    rows, counts = build_rows()
    args.out.write_bytes(render(rows, counts).encode("utf-8"))
    print(f"wrote {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
