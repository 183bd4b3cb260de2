"""Entity alias canonicalisation and person-name matching (wiretrace.text.aliases)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import SupportsIndex, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.text.aliases import (
    Alias,
    AliasTable,
    alias_mentions,
    canonicalise,
    load_aliases,
    parse_aliases,
    same_person,
)
from wiretrace.text.tokens import Tokens, tokenize

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "make_aliases.py"
DATA = REPO / "src" / "wiretrace" / "text" / "aliases.tsv"
SEED = REPO.parent / "shared" / "specimens" / "seed-kim-putin-summit.txt"


@pytest.fixture(scope="module")
def table() -> AliasTable:
    return load_aliases()


def keys_of(text: str, table: AliasTable) -> list[str]:
    return canonicalise(tokenize(text), table, text=text).words


# How the data was made ------------------------------------------------------------------------


def _header(name: str) -> str:
    for line in DATA.read_text("utf-8").splitlines():
        if line.startswith(f"# {name}:"):
            return line.split(":", 1)[1].split()[0]
    raise AssertionError(f"no {name} line in {DATA}")


def test_committed_data_is_what_the_script_makes(tmp_path: Path) -> None:
    for module in ("babel", "pycountry"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"needs {module} (pip install -e '.[dev]') to regenerate the alias data")
    for package in ("babel", "pycountry"):
        if importlib.metadata.version(package) != _header(package):
            pytest.skip(
                f"{package} {importlib.metadata.version(package)} is installed but the data was "
                f"made with {_header(package)}: run scripts/make_aliases.py and review the diff"
            )
    out = tmp_path / "aliases.tsv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, cwd=REPO)
    assert out.read_bytes() == DATA.read_bytes()


def test_data_is_versioned_and_names_its_sources() -> None:
    head = [line for line in DATA.read_text("utf-8").splitlines() if line.startswith("#")]
    assert any(line == "# format: 1" for line in head)
    assert any(line.startswith("# babel: ") and "CLDR" in line for line in head)
    assert any(line.startswith("# pycountry: ") for line in head)


def test_wrong_format_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"make_aliases\.py"):
        parse_aliases("# format: 99\nrussia\tname\t0\tRussia\tcldr\n")


# Names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        (["Russia", "Russian Federation", "the Russian Federation"], "russia"),
        (
            [
                "North Korea",
                "DPRK",
                "Democratic People's Republic of Korea",
                "Korea, Democratic People's Republic of",
            ],
            "north_korea",
        ),
        (["South Korea", "Republic of Korea", "Korea, Republic of"], "south_korea"),
        (
            ["U.S.", "US", "USA", "U.S.A.", "United States", "United States of America"],
            "united_states",
        ),
        (
            [
                "UK",
                "U.K.",
                "United Kingdom",
                "Britain",
                "Great Britain",
                "United Kingdom of Great Britain and Northern Ireland",
            ],
            "united_kingdom",
        ),
        (["UN", "U.N.", "United Nations"], "united_nations"),
        (["EU", "E.U.", "European Union"], "european_union"),
        (["Turkey", "Türkiye", "Turkiye", "Republic of Türkiye"], "türkiye"),
        (["Ivory Coast", "Côte d'Ivoire", "Cote d’Ivoire"], "côte_d_ivoire"),
        (["Myanmar", "Burma", "Myanmar (Burma)"], "myanmar"),
        (["British Virgin Islands", "Virgin Islands, British"], "british_virgin_islands"),
        (["St. Kitts & Nevis", "Saint Kitts and Nevis"], "st_kitts_nevis"),
        (["Democratic Republic of the Congo", "Congo - Kinshasa"], "congo_kinshasa"),
    ],
)
def test_every_form_of_an_entity_becomes_its_key(
    forms: list[str], key: str, table: AliasTable
) -> None:
    for form in forms:
        text = f"Officials in {form} said"
        words = keys_of(text, table)
        assert key in words, form
        assert words[0] == "officials" and words[-1] == "said"


def test_the_is_kept_outside_the_alias(table: AliasTable) -> None:
    assert keys_of("the Russian Federation said", table) == ["the", "russia", "said"]


@pytest.mark.parametrize(
    "form", ["Korea", "Congo", "Virgin Islands", "Korean", "Samoan", "European"]
)
def test_ambiguous_forms_are_absent(form: str, table: AliasTable) -> None:
    words = tuple(tokenize(form).words)
    assert table.lookup(words) is None
    assert words in table.ambiguous
    assert keys_of(f"in {form} today", table) == ["in", *words, "today"]


def test_no_surface_form_names_two_entities(table: AliasTable) -> None:
    owners: dict[tuple[str, ...], set[str]] = {}
    for alias in table.aliases:
        owners.setdefault(alias.words, set()).add(alias.key)
    assert all(len(keys) == 1 for keys in owners.values())
    assert not table.ambiguous & owners.keys()


def test_capital_abbreviations_need_the_capitals(table: AliasTable) -> None:
    text = "Let us ask the US and Us and the UN"
    assert keys_of(text, table) == [
        "let",
        "us",
        "ask",
        "the",
        "united_states",
        "and",
        "us",
        "and",
        "the",
        "united_nations",
    ]
    # Without the original text, the cased forms cannot be checked and are left alone.
    assert canonicalise(tokenize("the US"), table).words == ["the", "us"]
    assert canonicalise(tokenize("the U.S."), table).words == ["the", "united_states"]


def test_longest_alias_wins(table: AliasTable) -> None:
    assert keys_of("American Samoa and Samoa", table) == ["american_samoa", "and", "samoa"]
    assert keys_of("South Sudan and Sudan", table) == ["south_sudan", "and", "sudan"]
    # A prefix of the long UK name falls back to the longest aliases inside it.
    assert keys_of("United Kingdom of Great Britain and Northern Italy", table) == [
        "united_kingdom",
        "of",
        "united_kingdom",
        "and",
        "northern",
        "italy",
    ]


def test_adjectives_have_their_own_key(table: AliasTable) -> None:
    assert keys_of("Russian President met North Korean and American officials", table) == [
        "russia_adj",
        "president",
        "met",
        "north_korea_adj",
        "and",
        "united_states_adj",
        "officials",
    ]
    assert keys_of("Russian Federation", table) == ["russia"]


# Offsets --------------------------------------------------------------------------------------


def test_offsets_cover_the_original_alias_exactly(table: AliasTable) -> None:
    text = (
        "Moscow — the Russian  Federation (Russia) told the\nDemocratic People’s Republic of "
        "Korea and the U.S. that KIM-JONG-UN's USA trip was off."
    )
    out = canonicalise(tokenize(text), table, text=text)
    spans = [(w, text[s:e]) for w, s, e in zip(out.words, out.starts, out.ends, strict=True)]
    assert [s for w, s in spans if w == "russia"] == ["Russian  Federation", "Russia"]
    assert [s for w, s in spans if w == "north_korea"] == ["Democratic People’s Republic of Korea"]
    # A dotted abbreviation spans its word characters: the last dot may end the sentence.
    assert [s for w, s in spans if w == "united_states"] == ["U.S", "USA"]
    # Tokens that are not aliases keep their own spans.
    assert ("moscow", "Moscow") in spans
    assert ("jong", "JONG") in spans


def test_alias_mentions_count_the_naming_of_one_entity(table: AliasTable) -> None:
    text = "Russia said. Russian Federation said. The Russian Federation, Russian officials said."
    mentions = alias_mentions(tokenize(text), table, text=text)
    assert [(m.canonical, text[m.start : m.end], m.kind) for m in mentions] == [
        ("russia", "Russia", "name"),
        ("russia", "Russian Federation", "name"),
        ("russia", "Russian Federation", "name"),
        ("russia_adj", "Russian", "adj"),
    ]
    assert Counter(m.surface for m in mentions if m.canonical == "russia") == {
        "russia": 1,
        "russian federation": 2,
    }


def test_seed_specimen_renames_russia(table: AliasTable) -> None:
    if not SEED.exists():
        pytest.skip(f"needs {SEED}")
    text = SEED.read_text("utf-8")
    mentions = alias_mentions(tokenize(text), table, text=text)
    naming = Counter(m.surface for m in mentions if m.canonical == "russia")
    # "Russia -> Russian Federation, 4 of 5 mentions" (the title counts: 1 + 3 in the body).
    assert naming == {"russian federation": 4, "russia": 1}


# Bounded work ---------------------------------------------------------------------------------


class CountingList(list[str]):
    """A list that counts reads of single items, the unit of work of the matcher."""

    reads = 0

    @overload
    def __getitem__(self, index: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> str | list[str]:
        if not isinstance(index, slice):
            CountingList.reads += 1
        return super().__getitem__(index)


def test_thousands_of_alias_mentions_cost_bounded_work(table: AliasTable) -> None:
    # Near-misses of the longest alias are the worst case for a longest-match scan.
    chunk = (
        "the Russian Federation and Russia and the United Kingdom of Great Britain and Northern "
        "Ireland and the United Kingdom of Great Britain and Northern lights and US and U.S. "
    )
    text = chunk * 1500
    tokens = tokenize(text)
    counted = Tokens(CountingList(tokens.words), tokens.starts, tokens.ends)
    CountingList.reads = 0
    mentions = alias_mentions(counted, table, text=text)
    assert len(mentions) == 7 * 1500
    n = len(tokens)
    assert n > 30_000
    assert CountingList.reads <= n * (table.max_len + 1)
    assert table.max_len <= 10
    CountingList.reads = 0
    out = canonicalise(counted, table, text=text)
    assert CountingList.reads <= n * (table.max_len + 1)
    assert len(out) == n - sum(len(m.surface.split()) - 1 for m in mentions)


# Against a slow reference ---------------------------------------------------------------------


def reference_canonicalise(tokens: Tokens, table: AliasTable, text: str) -> list[str]:
    """Try every length at every position, longest first: obviously right, slow."""
    out: list[str] = []
    i = 0
    while i < len(tokens.words):
        for length in range(min(table.max_len, len(tokens.words) - i), 0, -1):
            alias = table.lookup(tokens.words[i : i + length])
            last = i + length - 1
            if alias is not None and (
                not alias.cased or text[tokens.starts[i] : tokens.ends[last]] == alias.surface
            ):
                out.append(alias.key)
                i += length
                break
        else:
            out.append(tokens.words[i])
            i += 1
    return out


_PIECES = [
    "Russia",
    "Russian",
    "Federation",
    "the",
    "North",
    "Korea",
    "South",
    "DPRK",
    "US",
    "us",
    "U.S.",
    "United",
    "States",
    "of",
    "America",
    "Kingdom",
    "Great",
    "Britain",
    "and",
    "Northern",
    "Ireland",
    "Democratic",
    "People's",
    "Republic",
    "Congo",
    "said",
    "Samoa",
    "American",
    "Virgin",
    "Islands",
    "British",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_matches_the_slow_reference(pieces: list[str]) -> None:
    table = load_aliases()
    text = " ".join(pieces)
    tokens = tokenize(text)
    assert canonicalise(tokens, table, text=text).words == reference_canonicalise(
        tokens, table, text
    )


def test_a_table_refuses_one_form_for_two_entities() -> None:
    with pytest.raises(ValueError, match="names both"):
        AliasTable.from_aliases(
            [
                Alias("north_korea", "name", ("korea",), "Korea"),
                Alias("south_korea", "name", ("korea",), "Korea"),
            ]
        )


# Person names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("V. Putin", "Vladimir Putin"),
        ("President Vladimir Putin", "Vladimir Putin"),
        ("Vladimir Putin", "Vladimir Vladimirovich Putin"),
        ("Dr Kim Jong-un", "Kim Jong Un"),
        ("Kim Jong-un", "KIM JONG UN"),
        ("K. J. Un", "Kim Jong Un"),
        ("Prime Minister Shinzo Abe", "Shinzo Abe"),
        ("Martin Luther King Jr.", "Martin Luther King"),
        ("Mrs Theresa May", "T. May"),
    ],
)
def test_same_person(a: str, b: str) -> None:
    assert same_person(a, b)
    assert same_person(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim Jong Il", "Kim Jong Un"),
        ("Kim Yo-jong", "Kim Jong Un"),
        ("Putin", "Vladimir Putin"),  # a surname alone could be anyone
        ("President Putin", "Vladimir Putin"),
        ("W. Putin", "Vladimir Putin"),
        ("Dmitry Medvedev", "Vladimir Putin"),
        ("Vladimir V. Putin", "Vladimir A. Putin"),
    ],
)
def test_not_same_person(a: str, b: str) -> None:
    assert not same_person(a, b)
    assert not same_person(b, a)
