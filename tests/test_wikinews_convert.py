"""The Wikinews wikitext converter (scripts/wikinews_to_text.py) and the demo data it feeds.

Unit tests use small hand-written wikitext. The last tests check that the committed demo files
are what the scripts make from the shared dataset, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
WIKINEWSSUM = SHARED / "data" / "wikinewssum" / "wikinews_with_sources.jsonl"
DEMO = REPO / "data" / "demo"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


w2t = _load("wikinews_to_text", REPO / "scripts" / "wikinews_to_text.py")


def text_of(*paragraphs: str) -> str:
    return str(w2t.convert_article(list(paragraphs)).text)


# --- templates ------------------------------------------------------------------------------


def test_w_template_shows_its_label_or_its_target() -> None:
    assert text_of("{{w|President of Brazil|President}} of {{w|Brazil}}.") == (
        "President of Brazil."
    )
    assert text_of("{{w|pt:Roger Agnelli}} and {{W|Vale (mining company)|Vale do Rio Doce}}") == (
        "Roger Agnelli and Vale do Rio Doce"
    )
    assert text_of("The {{w|U.S. State Department| State Department}} said") == (
        "The State Department said"
    )


def test_date_template_gives_published_at_and_leaves_the_text() -> None:
    converted = w2t.convert_article(["{{date|November 13, 2004}}\n{{Brazil}}", "Lunch today."])
    assert converted.published_at == dt.date(2004, 11, 13)
    assert converted.text == "Lunch today."
    assert w2t.convert_article(["No date here."]).published_at is None


def test_other_templates_are_dropped_even_nested() -> None:
    wikitext = (
        "{{United States infobox}}{{byline|date=November 13, 2004|location=Brasília}}"
        "The vote {{Infobox|a={{w|X|nested}}|b=2}}passed.\n{{haveyoursay}}\n{{publish}}\n"
        "{{archive}}\n{{PD-Article}}"
    )
    assert text_of(wikitext) == "The vote passed."


# --- links ----------------------------------------------------------------------------------


def test_internal_links_show_their_label_and_keep_link_trails() -> None:
    assert text_of("[[Brazil]] and [[w:Yasser Arafat|Arafat]] met [[Egypt]]ian envoys") == (
        "Brazil and Arafat met Egyptian envoys"
    )
    assert text_of("[[Wikipedia:Torino Scale|Torino scale]], [[w: Dublin|Dublin]]") == (
        "Torino scale, Dublin"
    )
    assert text_of("The [[w:Pixar (company)|]] films") == "The Pixar films"


def test_file_image_category_and_interlanguage_links_are_removed() -> None:
    wikitext = (
        "[[Image:Darfur map.png|right|300px|frame|A map of [[Sudan]] with the "
        "[[Darfur|Darfur region]] and {{w|Chad}}]]Peace talks began.[[Category:Africa]]\n"
        "[[File:Lula.jpg|thumb|left|Lula]] [[de:Friedensnobelpreis]]"
    )
    assert text_of(wikitext) == "Peace talks began."


def test_external_links_keep_their_label_only() -> None:
    assert text_of("Read it [http://news.bbc.co.uk/1/hi/health/4016925.stm here].") == (
        "Read it here."
    )
    assert text_of("See [http://www.example.org/ ] now.") == "See now."


# --- inline markup, HTML, whitespace ---------------------------------------------------------


def test_bold_and_italic_marks_go_apostrophes_stay() -> None:
    assert w2t.strip_quotes("''Haaretz'' and '''Delta 4''' at the school's ''''Bob''''s") == (
        "Haaretz and Delta 4 at the school's 'Bob's"
    )
    assert text_of("'''''Noise''''' isn't bad") == "Noise isn't bad"


def test_comments_refs_and_tags() -> None:
    wikitext = (
        "Sworn in this weekend<!-- day? -->.<ref name=a>BBC, 2004</ref> LOx/LH<sub>2</sub>"
        "<ref name=b/> rocket &mdash; 1300&nbsp;735<!--\n*open comment"
    )
    assert text_of(wikitext) == "Sworn in this weekend. LOx/LH2 rocket — 1300 735"


def test_br_breaks_lines_and_paragraphs_join_with_a_blank_line() -> None:
    assert text_of("[[Real Madrid]] v. Juventus <br>\n{{w|FC Porto}} v. Inter<br />", "Next") == (
        "Real Madrid v. Juventus\nFC Porto v. Inter\n\nNext"
    )


def test_whitespace_is_tidied() -> None:
    converted = text_of("  Two  spaces\tand a\nsoft wrap.  ", "\n \n", "Second paragraph.")
    assert converted == "Two spaces and a soft wrap.\n\nSecond paragraph."


def test_list_items_and_headings_become_paragraphs() -> None:
    wikitext = "Reviewers said:\n* \"Fast.\"\n:''Indented quote.''\n== Reaction ==\nMixed."
    assert text_of(wikitext) == (
        'Reviewers said:\n\n"Fast."\n\nIndented quote.\n\nReaction\n\nMixed.'
    )


@pytest.mark.parametrize("heading", ["== Sources ==", "==Related news==", "=== External links ==="])
def test_stop_sections_end_the_article(heading: str) -> None:
    wikitext = f"Body text.\n\n{heading}\n*{{{{source|url=http://x|title=T}}}}\nMore."
    assert text_of(wikitext, "A later paragraph.") == "Body text."


def test_bare_date_lines_and_leftover_addresses_are_dropped() -> None:
    converted = w2t.convert_article(["'''December 22, 2004'''", "The vote was held.", "ww.cnn.com"])
    assert converted.text == "The vote was held."
    assert converted.published_at == dt.date(2004, 12, 22)


# --- damage in the dataset export -----------------------------------------------------------


def test_broken_byline_drops_the_sentence_it_cut() -> None:
    converted = w2t.convert_article(
        ["{{Palestine}}{{byline|dateew leadership is key. The [[BBC]] reported it."]
    )
    assert converted.text == "The BBC reported it."
    assert converted.dropped_heads == ("ew leadership is key.",)


def test_broken_byline_keeps_text_that_was_not_cut_mid_word() -> None:
    assert text_of('{{byline|dateA crisis is not the best moment", he said.') == (
        'A crisis is not the best moment", he said.'
    )
    # One "[" of the link was lost: it is restored, and nothing is dropped.
    assert text_of("{{byline|date[w:Paul Volcker|Paul Volcker]], a former official") == (
        "Paul Volcker, a former official"
    )
    # One quote of an italic mark was lost.
    assert text_of("{{Crime and law}}{{byline|date'[[w:NOS|NOS]]'' reported.") == "NOS reported."


def test_damaged_head_ends_at_a_real_sentence_end() -> None:
    # "r." is a fragment of "Mr.", and '"Nuts!" to the' does not end the sentence.
    assert text_of("{{byline|dater. Kuchma spoke.") == "Kuchma spoke."
    assert text_of('{{byline|date memorable "Nuts!" to the Germans. Veterans came.') == (
        "Veterans came."
    )
    assert w2t.end_of_first_sentence("He met Mr. Bao. Then") == len("He met Mr. Bao.")


def test_lone_brackets_and_broken_comments_are_repaired() -> None:
    assert w2t.repair_damage("{publish}}\n[Near-Earth asteroid]]") == (
        "{{publish}}\n[[Near-Earth asteroid]]"
    )
    assert w2t.repair_damage("!-- Instructions for tables -->Text") == "Text"
    assert w2t.repair_damage("{{byline|date{byline|date{reviewed}}") == "{{reviewed}}"
    assert w2t.repair_damage("{| ruleshe report") == f"{w2t.DAMAGE}he report"
    assert text_of("{{haveyoursay}}\n_NOTOC__\n{publish}}\n{{archived}}") == ""


def test_related_news_remnant_is_dropped() -> None:
    assert text_of("Body.", "[Asteroid reaches Torino rating 4]] (December 24, 2004)") == "Body."


def test_lower_case_paragraph_start_counts_as_damage() -> None:
    assert text_of("e is well-known for the alert levels.", "Kept.") == "Kept."


# --- records --------------------------------------------------------------------------------


def test_slug_url_and_licence() -> None:
    assert w2t.slugify("Kmart to buy Sears for US$11 billion") == (
        "kmart-to-buy-sears-for-us-11-billion"
    )
    assert w2t.slugify("Police deactivate explosive device in Andalucía, Spain") == (
        "police-deactivate-explosive-device-in-andalucia-spain"
    )
    assert w2t.wikinews_url("Pope John Paul II meets Iraq's Ambassador") == (
        "https://en.wikinews.org/wiki/Pope_John_Paul_II_meets_Iraq%27s_Ambassador"
    )
    assert w2t.license_for(dt.date(2005, 9, 24), pd_marked=False) == "public domain"
    assert w2t.license_for(dt.date(2005, 9, 25), pd_marked=True) == "CC BY 2.5"
    assert w2t.license_for(None, pd_marked=True) == "public domain"
    assert w2t.license_for(None, pd_marked=False) == "CC BY 2.5"


def test_convert_records_skips_empty_articles_and_never_copies_sources() -> None:
    secret = "This publisher text must never be redistributed."
    records = [
        {
            "title": "Pinochet arrested",
            "text": ["{{date|January 6, 2005}}", "[[w:Augusto Pinochet|Pinochet]] was arrested."],
            "categories": ["Chile", "Published", "January 6, 2005"],
            "sources": [{"language": "en", "maintext": secret, "title": "t", "url": "u"}],
        },
        {"title": "Empty one", "text": ["{{byline|date{archive}}"], "categories": []},
    ]
    out, report = w2t.convert_records(records)
    assert report.skipped_empty == ("Empty one",)
    assert out == [
        {
            "id": "wikinews/pinochet-arrested",
            "title": "Pinochet arrested",
            "text": "Pinochet was arrested.",
            "url": "https://en.wikinews.org/wiki/Pinochet_arrested",
            "source": "Wikinews",
            "published_at": "2005-01-06",
            "license": "public domain",
            "categories": ["Chile"],
        }
    ]
    assert secret not in w2t.dumps_jsonl(out)


def test_category_date_is_the_fallback_for_published_at() -> None:
    records = [{"title": "T", "text": ["Body."], "categories": [" December 29, 2004", "Space"]}]
    out, _ = w2t.convert_records(records)
    assert out[0]["published_at"] == "2004-12-29"
    assert out[0]["categories"] == ["Space"]


# --- the committed demo data ----------------------------------------------------------------


def test_committed_wikinews_jsonl_equals_a_fresh_conversion() -> None:
    if not WIKINEWSSUM.is_file():
        pytest.skip(f"needs {WIKINEWSSUM} (the project's shared data folder, present in CI)")
    fresh, report = w2t.convert_file(WIKINEWSSUM)
    committed = (DEMO / "wikinews.jsonl").read_text(encoding="utf-8")
    assert committed == fresh, "run: .venv/bin/python scripts/wikinews_to_text.py"
    assert report.written == committed.count("\n")
    for line in committed.splitlines():
        record = json.loads(line)
        assert "sources" not in record and record["text"]


def test_committed_composites_equal_a_fresh_generation(tmp_path: Path) -> None:
    make = _load("make_composites", REPO / "bench" / "make_composites.py")
    assert make.main(["--output", str(tmp_path)]) == 0
    committed = DEMO / "composites"
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (committed / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"{name} is stale; run: .venv/bin/python bench/make_composites.py"
        )
    sources = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in (DEMO / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    }
    truth_lines = (committed / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    truths = [json.loads(line) for line in truth_lines]
    assert sum(t["showcase"] for t in truths) == 1
    for truth in truths:
        text = (committed / truth["file"]).read_text(encoding="utf-8")
        make.verify(text, truth, sources)
        assert 2 <= len(truth["sources"]) <= 4
