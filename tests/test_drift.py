"""wiretrace.drift: values by what they state, typed edits, and bounded work (issue 14)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wiretrace.drift._scan as scan_module
import wiretrace.drift.quotes as quotes_module
from research.composites.spinner import SYNONYMS
from wiretrace.align.pair import align_view, span_edits
from wiretrace.drift import (
    compare,
    compare_dates,
    edit_type_alone,
    find_dates,
    find_quantities,
    parse_date,
    parse_quantity,
    quoted,
    same_amount,
    type_edit,
    typed_edits,
)
from wiretrace.drift._scan import WINDOW
from wiretrace.model import EditType, Span

# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["80,000", "80000", "80k", "eighty thousand", "80 thousand", "٨٠٬٠٠٠", "８０，０００", "۸۰۰۰۰"],
)
def test_one_amount_in_many_written_forms(text: str) -> None:
    found = parse_quantity(f"The toll rose to {text} on the coast.")
    assert found is not None and found.value == 80_000 and found.qualifier == "exact"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("$11bn", "11 billion dollars", True),
        ("$11bn", "11 billion", True),  # a unit written on one side only
        ("$11bn", "€11bn", False),  # currencies are not converted
        ("45%", "45 per cent", True),
        ("45%", "45 percentage points", False),
        ("10 km", "6 miles", True),  # a rounded conversion
        ("10 km", "10 miles", False),
        ("80 kg", "80 miles", False),  # units that cannot be converted differ, no error
        ("10-12", "between 10 and 12", True),
        ("10-12 million", "10 to 12", False),
        ("about 80,000", "80,000", True),
        ("nearly 80,000", "some 80,000", True),
        ("more than 80,000", "80,000", False),
        ("more than 80,000", "at least 80,000", True),
        ("third", "3rd", True),
        ("third", "3", False),
        ("two and a half million", "2.5m", True),
        ("half a million", "500,000", True),
        ("a dozen", "12", True),
        ("eighty-five", "85", True),
        ("one hundred and twenty", "120", True),
        ("2½ miles", "2.5 miles", True),
    ],
)
def test_amounts_compared_by_value(a: str, b: str, same: bool) -> None:
    x, y = parse_quantity(a), parse_quantity(b)
    assert x is not None and y is not None, (x, y)
    assert same_amount(x, y) is same


def test_approximations_are_reported_as_such() -> None:
    [about, more, exact] = find_quantities("about 80,000 or more than 90,000, not 70,000")
    assert (about.value, about.qualifier, about.approximate) == (80_000, "approximate", True)
    assert (more.value, more.qualifier) == (90_000, "above")
    assert not exact.approximate


def test_a_range_keeps_both_ends_and_its_scale() -> None:
    [r] = find_quantities("between 10 and 12 million people")
    assert (r.value, r.high) == (10_000_000, 12_000_000)
    [d] = find_quantities("10-12 people")
    assert (d.value, d.high) == (10, 12)


def test_unknown_units_and_odd_tokens_are_not_quantities_or_errors() -> None:
    assert [q.value for q in find_quantities("3D printing in the G7, 4x4 cars")] == []
    [w] = find_quantities("5 widgets")
    assert w.value == 5 and w.unit is None


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("April 24", "24 April", "same"),
        ("24th of April", "April 24th", "same"),
        ("24 April 2019", "April 24, 2019", "same"),
        ("Wednesday, 24 April 2019", "April 24, 2019", "same"),  # the weekday it implies
        ("Thursday, 24 April 2019", "April 24, 2019", "conflict"),
        ("Thursday", "Friday", "conflict"),
        ("April 24", "April 25", "conflict"),
        ("2019", "2002", "conflict"),
        ("10am", "10 a.m.", "same"),
        ("10:30 pm", "22:30", "same"),
        ("10.30pm", "11pm", "conflict"),
        ("Thursday", "April 24", "different"),
        ("yesterday", "today", "conflict"),
    ],
)
def test_dates_compared_by_what_they_denote(a: str, b: str, relation: str) -> None:
    x, y = parse_date(a), parse_date(b)
    assert x is not None and y is not None, (x, y)
    assert compare_dates(x, y) == relation


@pytest.mark.parametrize("text", ["you may go", "Theresa May said", "they march on", "2000 people"])
def test_words_that_look_like_dates_are_not(text: str) -> None:
    assert find_dates(text) == []


# -- quotations ------------------------------------------------------------------------------


def test_an_unbalanced_quotation_mark_does_not_make_the_rest_a_quote() -> None:
    text = 'He said \u201cwe will stay.\nThe firm grew by 10% and the "talks" went on.'
    assert not quoted(text, Span(text.index("firm"), text.index("firm") + 4))
    assert quoted(text, Span(text.index("talks"), text.index("talks") + 5))
    unclosed = 'He said "we will stay and the firm grew by 10% over the year.'
    assert not quoted(unclosed, Span(unclosed.index("firm"), unclosed.index("firm") + 4))


def test_a_quotation_carried_on_into_the_next_sentence_is_a_quote() -> None:
    text = (
        'He said: "We did not play well at all. "But so is going back to Portugal - I will be '
        'playing against some lads I know," he added. The club said nothing.'
    )
    for word in ("play well", "some lads"):
        at = text.index(word)
        assert quoted(text, Span(at, at + len(word)))
    assert not quoted(text, Span(text.index("club"), text.index("club") + 4))


def test_a_quotation_whose_head_was_cut_off_is_a_quote() -> None:
    text = 'lot of lawyers trying to thrash out a deal before it will ever happen," said the actor.'
    assert quoted(text, Span(text.index("before"), text.index("before") + 6))
    assert not quoted(text, Span(text.index("actor"), text.index("actor") + 5))
    # A mark after a figure is an inch sign, not the end of a quotation.
    height = "The 6'2\" striker scored twice on Sunday."
    assert not quoted(height, Span(height.index("scored"), height.index("scored") + 6))


# -- typed edits -----------------------------------------------------------------------------


def _typed(source: str, copy: str, a: str, b: str) -> EditType:
    """The type of the edit ``a -> b``: the first ``a`` in ``source``, the first ``b`` in
    ``copy`` (an empty wording: the point after the word before the first difference)."""
    s = source.index(a) if a else _gap(source, copy)
    q = copy.index(b) if b else _gap(copy, source)
    return type_edit(source, copy, Span(s, s + len(a)), Span(q, q + len(b)))


def _gap(text: str, other: str) -> int:
    i = next(i for i, (x, y) in enumerate(zip(text, other, strict=False)) if x != y)
    return text.rfind(" ", 0, i) if text[i - 1 : i] == " " else i


@pytest.mark.parametrize(
    ("source", "copy", "a", "b", "expected"),
    [
        # Numbers are read whole around the changed word, and by value.
        ("The toll reached 80,000 people.", "The toll reached 100,000 people.", "80", "100",
         EditType.NUMBER),
        ("The toll reached 80,000 people.", "The toll reached 80k people.", "80,000", "80k",
         EditType.SYNONYM),
        ("It cost $11bn in total.", "It cost 11 billion dollars in total.", "11bn",
         "11 billion dollars", EditType.SYNONYM),
        ("It cost $11bn in total.", "It cost 12 billion dollars in total.", "11bn",
         "12 billion dollars", EditType.NUMBER),
        ("killed 80 people", "killed 100 persons", "80 people", "100 persons", EditType.NUMBER),
        ("killed 80 people", "killed eighty individuals", "80 people", "eighty individuals",
         EditType.SYNONYM),
        ("80,000 died", "more than 80,000 died", "", "more than", EditType.NUMBER),
        ("He was suspended five times.", "He was suspended 5 times.", "five", "5",
         EditType.SYNONYM),
        ("the sequel to 2000's hit", "the sequel to 200's hit", "2000", "200", EditType.DATE),
        # Dates.
        ("He met them on Thursday.", "He met them on Friday.", "Thursday", "Friday",
         EditType.DATE),
        ("He met them on April 24.", "He met them on 24 April.", "April 24", "24 April",
         EditType.SYNONYM),
        ("He met them on April 24.", "He met them on April 25.", "24", "25", EditType.DATE),
        # Names, speakers, renames.
        ("Kim Jong Un met Putin.", "Kim Jong Il met Putin.", "Un", "Il", EditType.ENTITY),
        ("The talks were useful, said Ushakov.", "The talks were useful, said Peskov.",
         "Ushakov", "Peskov", EditType.ATTRIBUTION),
        ("Ushakov told reporters the talks went well.",
         "Peskov told reporters the talks went well.", "Ushakov", "Peskov",
         EditType.ATTRIBUTION),
        ("It was useful, said Ushakov.", "It was useful, stated Peskov.", "said Ushakov",
         "stated Peskov", EditType.ATTRIBUTION),
        ("Andrew Bud, vice president of Ask Jeeves, said it did not buy Bloglines.",
         "Ivan Holt, vice president of Ask Jeeves, said it did not buy Bloglines.",
         "Andrew Bud", "Ivan Holt", EditType.ATTRIBUTION),
        ("Mr Spector, known for his work with the Beatles, has asserted it was so.",
         "Mr Simpson, known for his work with the Beatles, has asserted it was so.",
         "Spector", "Simpson", EditType.ATTRIBUTION),
        ('"It is easy," said Ben Coppin from Envisional.',
         '"It is easy," said Rod Eddington from Envisional.', "Ben Coppin", "Rod Eddington",
         EditType.ATTRIBUTION),
        ("Reporters said Mrs Blair was likely to face calls.",
         "Reporters said Mrs Sanders was likely to face calls.", "Blair", "Sanders",
         EditType.ENTITY),
        ("The last to plead was vice president Joshua Bewlay. He admitted one count.",
         "The last to plead was vice president Ken Holt. He admitted one count.",
         "Joshua Bewlay", "Ken Holt", EditType.ENTITY),
        ("A majority of EU states have to approve it.",
         "A majority of Zambia states have to approve it.", "EU", "Zambia", EditType.ENTITY),
        ("Yukos will return to a US court.", "Yukos will return to a Russia court.", "US",
         "Russia", EditType.ENTITY),
        ("Russia said", "Russian Federation said", "Russia", "Russian Federation",
         EditType.RENAME),
        ("said Vladimir Putin.", "said V. Putin.", "Vladimir", "V", EditType.RENAME),
        ("About 12 American helicopters", "United States helicopters", "About 12 American",
         "United States", EditType.OTHER),
        # Negation, synonyms, quotes.
        ("He did not attend.", "He did attend.", "not", "", EditType.NEGATION),
        ("He didn't attend.", "He did attend.", "didn't", "did", EditType.NEGATION),
        ("He didn't attend.", "He did not attend.", "didn't", "did not", EditType.SYNONYM),
        ("Officials said", "Authorities said", "Officials", "Authorities", EditType.SYNONYM),
        ('He said "we are very happy" today.', 'He said "we are quite happy" today.', "very",
         "quite", EditType.QUOTE),
        ('He said "we are happy today.\nThe firm grew.',
         'He said "we are happy today.\nThe shop grew.', "firm", "shop", EditType.OTHER),
        ("Lindsay hasn't messed around in getting there.", "Lohan made it there.",
         "Lindsay hasn't messed around in getting", "Lohan made it", EditType.OTHER),
    ],
)  # fmt: skip
def test_edit_types_in_context(source: str, copy: str, a: str, b: str, expected: EditType) -> None:
    assert _typed(source, copy, a, b) is expected


@pytest.mark.parametrize(("old", "new"), sorted(SYNONYMS.items()))
def test_every_spinner_swap_is_a_synonym(old: str, new: str) -> None:
    assert edit_type_alone(old, new) is EditType.SYNONYM


SOURCE = (
    "The tsunami that struck the coast of Sumatra on Thursday killed 80,000 people, officials "
    "in Jakarta said late on Friday evening. Rescue teams from several countries arrived in "
    'the province of Aceh to search for survivors among the ruins of the town. "We did not '
    'expect a wave of this size to reach the shore so quickly," said Ushakov, who leads the '
    "relief mission. The damage to roads, ports and houses is estimated at $11bn, according "
    "to the World Bank, which will send experts next week."
)
COPY = (
    SOURCE.replace("on Thursday", "on Friday")
    .replace("80,000", "100,000")
    .replace("officials", "authorities")
    .replace("did not expect", "did expect")
    .replace("said Ushakov", "said Peskov")
    .replace("$11bn", "11 billion dollars")
)


def test_compare_types_every_edit_of_a_pair_with_both_spans() -> None:
    edits = compare(SOURCE, COPY)
    got = [(e.source, e.query, e.type) for e in edits]
    assert got == [
        ("Thursday", "Friday", EditType.DATE),
        ("80,000", "100,000", EditType.NUMBER),
        ("officials", "authorities", EditType.SYNONYM),
        ("not", "", EditType.NEGATION),
        ("Ushakov", "Peskov", EditType.ATTRIBUTION),
        ("11bn", "11 billion dollars", EditType.SYNONYM),
    ]
    for e in edits:
        assert e.source_span is not None and e.query_span is not None
        assert SOURCE[e.source_span.start : e.source_span.end] == e.source
        assert COPY[e.query_span.start : e.query_span.end] == e.query


def test_an_identical_copy_has_no_edits() -> None:
    assert compare(SOURCE, SOURCE) == []


# -- properties ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_value_readers_never_fail_on_any_text(text: str) -> None:
    for q in find_quantities(text):
        assert 0 <= q.span.start <= q.span.end <= len(text)
    for d in find_dates(text):
        assert 0 <= d.span.start <= d.span.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40), st.data())
def test_typing_never_fails_on_any_text(source: str, copy: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(source)))
    b = data.draw(st.integers(a, len(source)))
    c = data.draw(st.integers(0, len(copy)))
    d = data.draw(st.integers(c, len(copy)))
    assert isinstance(type_edit(source, copy, Span(a, b), Span(c, d)), EditType)


def _forms(n: int) -> list[str]:
    """Ways news writes the whole number ``n``."""
    forms = [str(n), f"{n:,}"]
    if n % 1000 == 0 and n:
        forms += [f"{n // 1000}k", f"{n // 1000} thousand", f"{n // 1000:,} thousand"]
    if n % 1_000_000 == 0 and n:
        forms += [f"{n // 1_000_000}m", f"{n // 1_000_000} million"]
    if n < 100:
        forms.append(_in_words(n))
    return forms


def _in_words(n: int) -> str:
    small = """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen""".split()  # noqa: SIM905
    tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()  # noqa: SIM905
    if n < 20:
        return small[n]
    return tens[n // 10] + ("" if n % 10 == 0 else "-" + small[n % 10])


_AMOUNTS = st.one_of(
    st.integers(0, 99),
    st.integers(1, 999).map(lambda k: k * 1000),
    st.integers(1, 99).map(lambda k: k * 1_000_000),
    st.integers(1000, 10**7).filter(lambda n: not 1800 <= n <= 2099),
)


@settings(max_examples=300, deadline=None)
@given(_AMOUNTS, st.data())
def test_equal_values_in_other_forms_are_never_a_number_edit(n: int, data: st.DataObject) -> None:
    a = data.draw(st.sampled_from(_forms(n)))
    b = data.draw(st.sampled_from(_forms(n)))
    kind = _typed(f"Officials said {a} people were hurt.", f"Officials said {b} people were hurt.",
                  a, b)  # fmt: skip
    assert kind is not EditType.NUMBER
    assert kind is EditType.SYNONYM or a == b


@settings(max_examples=200, deadline=None)
@given(_AMOUNTS, _AMOUNTS, st.data())
def test_different_values_are_a_number_edit(m: int, n: int, data: st.DataObject) -> None:
    if m == n:
        return
    a = data.draw(st.sampled_from(_forms(m)))
    b = data.draw(st.sampled_from(_forms(n)))
    kind = _typed(f"Officials said {a} people were hurt.", f"Officials said {b} people were hurt.",
                  a, b)  # fmt: skip
    assert kind is EditType.NUMBER


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["the", "80,000", "said", "Kim", "not", "\u00bd", "2019"]),
                min_size=1, max_size=12), st.lists(st.sampled_from(
                    ["a", "100,000", "stated", "Peskov", "never", "April", "24"]),
                    min_size=1, max_size=12))  # fmt: skip
def test_edit_spans_point_at_their_wordings(a: list[str], b: list[str]) -> None:
    source, copy = " ".join(a), " ".join(b)
    sv, qv = align_view(source), align_view(copy)
    edits = span_edits(qv, sv, Span(0, len(copy)), Span(0, len(source)), 1000)
    for e in typed_edits(source, copy, edits):
        assert e.source_span is not None and e.query_span is not None
        assert source[e.source_span.start : e.source_span.end] == e.source
        assert copy[e.query_span.start : e.query_span.end] == e.query


# -- bounded work ----------------------------------------------------------------------------


def _table(rows: int, offset: int) -> str:
    return "\n".join(
        f"Team {i}: {i * 7 + offset} points, {i * 3 + offset}% wins, {i + offset} games"
        for i in range(rows)
    )


def test_a_table_of_numbers_is_typed_with_work_linear_in_its_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Typing every edit of a table whose numbers all changed reads each edit's window, never
    the whole text per edit: the characters the value readers and the quotation finder scan
    stay within a constant times (edits x window + text), far below edits x text."""
    scanned = [0]
    real_scan = scan_module.scan
    real_quotations = quotes_module.quotations

    def counting_scan(text: str, start: int, end: int) -> list[scan_module.Token]:
        scanned[0] += max(0, end - start)
        return real_scan(text, start, end)

    def counting_quotations(text: str, start: int = 0, end: int | None = None) -> list[Span]:
        scanned[0] += (len(text) if end is None else end) - start
        return real_quotations(text, start, end)

    monkeypatch.setattr("wiretrace.drift.numbers.scan", counting_scan)
    monkeypatch.setattr("wiretrace.drift.dates.scan", counting_scan)
    monkeypatch.setattr(quotes_module, "quotations", counting_quotations)
    source, copy = _table(400, 0), _table(400, 1)
    sv, qv = align_view(source), align_view(copy)
    edits = span_edits(qv, sv, Span(0, len(copy)), Span(0, len(source)), 100_000)
    typed = typed_edits(source, copy, edits)
    assert len(typed) >= 1000
    assert sum(e.type is EditType.NUMBER for e in typed) >= 0.9 * len(typed)
    length = len(source) + len(copy)
    window = 2 * WINDOW + 2 * quotes_module.QUOTE_WINDOW
    assert scanned[0] <= 8 * (len(typed) * window + length)
    assert scanned[0] < len(typed) * length / 10  # what reading the whole text would cost


def test_a_huge_merged_edit_is_not_paired_word_by_word() -> None:
    words = " ".join(f"w{i}" for i in range(5000))
    other = " ".join(f"v{i}" for i in range(5000))
    assert edit_type_alone(words, other) is EditType.OTHER


def test_exact_fractions_not_floats() -> None:
    q = parse_quantity("1.2bn")
    assert q is not None and q.value == Fraction(1_200_000_000)


@pytest.mark.parametrize("text", ["forty-", "He counted twenty-", "sixty -", "-", "ninety-\n"])
def test_a_number_word_before_a_trailing_hyphen_is_read_without_crashing(text: str) -> None:
    found = find_quantities(text)
    assert all(0 <= q.span.start < q.span.end <= len(text) for q in found)
    assert [q.value for q in found if q.span.start == 0] in ([], [40], [60], [90])


@pytest.mark.parametrize(
    ("source", "copy", "old", "new", "expected"),
    [
        # The same words written otherwise: spelling, hyphens, apostrophes, contractions,
        # a word cut to its head. Real MRPC and Wikinews rewrites are full of these.
        (
            "He backed nonviolent protest.",
            "He backed non-violent protest.",
            "nonviolent",
            "non-violent",
            "synonym",
        ),
        (
            "Fires in Spain's Extremadura region.",
            "Fires in Spain's Extramadura region.",
            "Extremadura",
            "Extramadura",
            "synonym",
        ),
        (
            "It went to Aronov's lawyer.",
            "It went to Aronovs lawyer.",
            "Aronov's",
            "Aronovs",
            "synonym",
        ),
        (
            "The order reached General Pinochet.",
            "The order reached Gen Pinochet.",
            "General",
            "Gen",
            "synonym",
        ),
        ('"It\'s over," he said.', '"It is over," he said.', "s", "is", "synonym"),
        # Not the same words: other people and places stay names.
        (
            "The order reached Jackson yesterday.",
            "The order reached Jacksonville yesterday.",
            "Jackson",
            "Jacksonville",
            "entity",
        ),
        ("Ushakov said so.", "Peskov said so.", "Ushakov", "Peskov", "attribution"),
        # Two kinds of figure are two facts, not one changed: a share and a price.
        (
            "Shares closed up 42 cents, or about 1 percent, at $39.45.",
            "Shares rose 42 cents to $39.45 at the close.",
            "or about 1 percent",
            "to",
            "other",
        ),
        # A year and the same figure written as a count are one value.
        (
            "More than 1800 soldiers were sent.",
            "More than 1,800 troops were sent.",
            "1800 soldiers",
            "1,800 troops",
            "other",
        ),
        # A date against other words is a rewording, not a changed date.
        (
            "Sears was up 22 percent and Kmart gained.",
            "Sears was up 22 percent on Wednesday, whilst Kmart gained.",
            "and",
            "on Wednesday, whilst",
            "other",
        ),
    ],
)
def test_words_written_otherwise_and_facts_of_another_kind(
    source: str, copy: str, old: str, new: str, expected: str
) -> None:
    s = source.index(old) if old else 0
    q = copy.index(new) if new else 0
    kind = type_edit(source, copy, Span(s, s + len(old)), Span(q, q + len(new)))
    assert kind.value == expected


@pytest.mark.parametrize(
    ("source", "copy", "old", "new", "expected"),
    [
        (
            "The AP quotes a local policeman.",
            "Associated Press quotes a local policeman.",
            "AP",
            "Associated Press",
            "rename",
        ),
        (
            "Bashir heads JI, the court heard.",
            "Bashir heads Jemaah Islamiah, the court heard.",
            "JI",
            "Jemaah Islamiah",
            "rename",
        ),
        (
            "Makers include Siemens, Dell, Palm, Sharp and Sony.",
            "Makers include Siemens, Palm, Sharp, Dell and Sony.",
            "Sharp",
            "Dell",
            "other",
        ),
        (
            "Makers include Siemens, Palm, Sharp and Sony.",
            "Makers include Siemens, Palm, Dell and Sony.",
            "Sharp",
            "Dell",
            "entity",
        ),
    ],
)
def test_initials_are_the_name_and_reordered_lists_change_no_one(
    source: str, copy: str, old: str, new: str, expected: str
) -> None:
    s, q = source.rindex(old), copy.rindex(new)
    kind = type_edit(source, copy, Span(s, s + len(old)), Span(q, q + len(new)))
    assert kind.value == expected


@pytest.mark.parametrize(
    ("source", "copy", "old", "new", "expected"),
    [
        # A first name dropped is a deletion, not another person.
        (
            "Robert Walsh, the mayor, said so.",
            "Walsh, the mayor, said so.",
            "Robert Walsh",
            "Walsh",
            "other",
        ),
        (
            "On Monday Robert Walsh denied it.",
            "On Monday Walsh, also, denied it.",
            "Robert Walsh",
            "Walsh, also",
            "rename",
        ),
        (
            "Saddam Hussein fled. Saddam loyalists fought on.",
            "Saddam Hussein fled. Hussein loyalists fought on.",
            "Saddam",
            "Hussein",
            "rename",
        ),
        ("Kim Jong Un met Putin.", "Kim Jong Il met Putin.", "Un", "Il", "entity"),
    ],
)
def test_parts_of_one_name_are_one_person(
    source: str, copy: str, old: str, new: str, expected: str
) -> None:
    s, q = source.rindex(old), copy.rindex(new)
    kind = type_edit(source, copy, Span(s, s + len(old)), Span(q, q + len(new)))
    assert kind.value == expected
