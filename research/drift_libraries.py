"""Libraries against rules for fact drift's value comparison (issue 14).

Compares, on a hand-labelled set of pairs of written numbers and of written dates ("same
value or not"), :mod:`wiretrace.drift`'s rules with quantulum3 and number-parser (numbers)
and dateparser (dates): accuracy, crashes, time per call and import time. Writes nothing;
prints a Markdown table. Run from a checkout, with the libraries installed::

    pip install quantulum3 number-parser dateparser
    PYTHONPATH=src:. python research/drift_libraries.py

The figures are in ``research/drift_libraries.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from wiretrace.drift import compare_dates, parse_date, parse_quantity, same_amount

# (a, b, same value) -- written by hand for this comparison.
NUMBER_PAIRS: list[tuple[str, str, bool]] = [
    ("80,000", "80000", True),
    ("80,000", "80k", True),
    ("80,000", "eighty thousand", True),
    ("80,000", "80 thousand", True),
    ("80,000", "100,000", False),
    ("$11bn", "11 billion dollars", True),
    ("$11bn", "$12bn", False),
    ("£3.5m", "3.5 million pounds", True),
    ("45%", "45 per cent", True),
    ("45%", "54%", False),
    ("٨٠٬٠٠٠", "80,000", True),
    ("８０，０００", "80000", True),
    ("10-12", "between 10 and 12", True),
    ("10-12", "10-14", False),
    ("about 80,000", "nearly 80,000", True),
    ("more than 80,000", "80,000", False),
    ("five", "5", True),
    ("five", "seven", False),
    ("eighty-five", "85", True),
    ("two and a half million", "2.5 million", True),
    ("half a million", "500,000", True),
    ("a dozen", "12", True),
    ("third", "3rd", True),
    ("1.2bn", "1,200 million", True),
    ("10 km", "10 kilometres", True),
    ("10 km", "10 miles", False),
    ("one hundred and twenty", "120", True),
    ("3,000", "3,500", False),
    ("80 kg", "80 miles", False),
    ("12 people", "twelve people", True),
]
DATE_PAIRS: list[tuple[str, str, bool]] = [
    ("April 24", "24 April", True),
    ("April 24", "April 25", False),
    ("24 April 2019", "April 24, 2019", True),
    ("24th of April", "April 24th", True),
    ("Thursday", "Friday", False),
    ("Thursday", "Thursday", True),
    ("2019", "2002", False),
    ("10am", "10 a.m.", True),
    ("10:30 pm", "22:30", True),
    ("10.30pm", "11pm", False),
    ("2019-04-24", "24 April 2019", True),
    ("Sept. 11", "September 11", True),
    ("in May", "in June", False),
    ("March 3", "3 March", True),
    ("yesterday", "today", False),
    ("noon", "12pm", True),
    ("Jan 5, 2020", "5 January 2020", True),
    ("December 2004", "January 2005", False),
]


def rules_number(a: str, b: str) -> bool:
    x, y = parse_quantity(a), parse_quantity(b)
    return x is not None and y is not None and same_amount(x, y)


def rules_date(a: str, b: str) -> bool:
    x, y = parse_date(a), parse_date(b)
    return x is not None and y is not None and compare_dates(x, y) == "same"


def quantulum_number(a: str, b: str) -> bool:
    from quantulum3 import parser

    def read(text: str) -> list[tuple[float, str]]:
        return [
            (q.value, "" if q.unit.name == "dimensionless" else q.unit.name)
            for q in parser.parse(text)
        ]

    return read(a) == read(b) and bool(read(a))


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def number_parser_number(a: str, b: str) -> bool:
    from number_parser import parse

    def read(text: str) -> list[float]:
        return [float(m) for m in _DIGITS.findall(parse(text).replace(",", ""))]

    return read(a) == read(b) and bool(read(a))


_BASE = dt.datetime(2019, 4, 22)


def dateparser_date(a: str, b: str) -> bool:
    import dateparser

    settings: Any = {"RELATIVE_BASE": _BASE}
    x = dateparser.parse(a, settings=settings)
    y = dateparser.parse(b, settings=settings)
    return x is not None and x == y


def score(
    name: str, fn: Callable[[str, str], bool], pairs: list[tuple[str, str, bool]]
) -> dict[str, Any]:
    right = crashes = 0
    _crashes(fn, pairs[0])  # a warm-up call: lazy imports are not timed
    started = time.perf_counter()
    for a, b, same in pairs:
        try:
            got = fn(a, b)
        except Exception:  # a library's failure is a wrong answer here, and counted
            crashes += 1
            continue
        right += got == same
    per_call = (time.perf_counter() - started) / (2 * len(pairs))
    return {
        "name": name,
        "accuracy": right / len(pairs),
        "crashes": crashes,
        "us_per_call": 1e6 * per_call,
    }


def _crashes(fn: Callable[[str, str], bool], pair: tuple[str, str, bool]) -> bool:
    try:
        fn(pair[0], pair[1])
    except Exception:
        return True
    return False


def import_seconds(module: str) -> float:
    """Seconds to import ``module`` in a fresh interpreter, the interpreter's start taken off
    (best of 3)."""

    def run(code: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            best = min(best, time.perf_counter() - started)
        return best

    return run(f"import {module}") - run("pass")


def main() -> None:
    warnings.simplefilter("ignore")
    rows = [
        (score("rules (wiretrace.drift)", rules_number, NUMBER_PAIRS), "wiretrace.drift"),
        (score("quantulum3", quantulum_number, NUMBER_PAIRS), "quantulum3.parser"),
        (score("number-parser", number_parser_number, NUMBER_PAIRS), "number_parser"),
    ]
    date_rows = [
        (score("rules (wiretrace.drift)", rules_date, DATE_PAIRS), "wiretrace.drift"),
        (score("dateparser", dateparser_date, DATE_PAIRS), "dateparser"),
    ]
    for title, table, n in (
        ("Numbers", rows, len(NUMBER_PAIRS)),
        ("Dates", date_rows, len(DATE_PAIRS)),
    ):
        print(f"\n{title} ({n} labelled pairs)\n")
        print("| method | accuracy | crashes | µs per call | import s |")
        print("|---|---|---|---|---|")
        for r, module in table:
            print(
                f"| {r['name']} | {r['accuracy']:.3f} | {r['crashes']} | "
                f"{r['us_per_call']:.0f} | {import_seconds(module):.2f} |"
            )


if __name__ == "__main__":
    main()
