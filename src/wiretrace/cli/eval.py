"""``wiretrace eval``: score wiretrace on labelled data.

Each command calls one evaluation of :mod:`wiretrace.eval` (imported when it runs) through
:func:`~wiretrace.cli._shared.echo_report`, which prints the report as JSON or as a table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wiretrace.cli._progress import StepProgress, quiet_option
from wiretrace.cli._shared import CommandError, Report, echo_report, json_option

SHARED_DATA = "../shared/data"
DEFAULT_ECBPLUS = "../shared/data/ecbplus-news-events"


_F = TypeVar("_F", bound=Callable[..., Any])


@click.group("eval")
def eval_group() -> None:
    """Score wiretrace on labelled data."""


@eval_group.command("pan")
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@json_option()
@click.option(
    "--detections",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one PAN detection XML file per pair into this folder.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Worker processes."
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Only these category folders (for example 02-no-obfuscation); repeatable.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Only the first N pairs of each category.",
)
@click.option(
    "--words-only",
    is_flag=True,
    help="Use the word n-gram aligner alone (the sentence aligner off), as before issue 3.",
)
def eval_pan_cmd(
    corpus_dir: Path,
    as_json: bool,
    detections: Path | None,
    workers: int,
    categories: tuple[str, ...],
    limit: int | None,
    words_only: bool,
) -> None:
    """Run alignment on a PAN text-alignment corpus and print plagdet and friends."""
    from wiretrace.align.pair import PairOptions
    from wiretrace.eval.pan import run_pan

    def run() -> Report:
        with Progress(
            TextColumn("[bold]aligning pairs"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True, quiet=as_json),
            transient=True,
        ) as progress:
            task = progress.add_task("pan", total=None)

            def tick(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return run_pan(
                corpus_dir,
                categories=list(categories) or None,
                limit_per_category=limit,
                detections_dir=detections,
                workers=workers,
                progress=tick,
                options=PairOptions(sentences=None) if words_only else None,
            )

    echo_report(run, as_json)


def composite_options(count: int) -> Callable[[_F], _F]:
    """SHARED_DATA, --count, --seed, --distractors and --json of the evaluations on generated
    BBC composites (``eval spun``, ``eval drift``)."""

    def wrap(f: _F) -> _F:
        f = json_option()(f)
        f = click.option(
            "--distractors",
            type=click.IntRange(min=-1),
            default=300,
            show_default=True,
            help="Other BBC articles indexed besides the sources (-1: all of them).",
        )(f)
        f = click.option(
            "--seed", type=int, default=20050314, show_default=True, help="Generator seed."
        )(f)
        f = click.option(
            "--count",
            type=click.IntRange(min=1),
            default=count,
            show_default=True,
            help="Composites to make.",
        )(f)
        return click.argument(
            "shared_data", type=click.Path(file_okay=False, path_type=Path), default=SHARED_DATA
        )(f)

    return wrap


@eval_group.command("spun")
@composite_options(count=200)
def eval_spun_cmd(
    shared_data: Path, count: int, seed: int, distractors: int, as_json: bool
) -> None:
    """Trace spun composites made from BBC articles (SHARED_DATA holds bbc-news/) and score
    sentence attribution, attributed-character precision and reported renames."""
    from wiretrace.eval.spun import run_spun

    echo_report(
        lambda: run_spun(
            shared_data,
            count=count,
            seed=seed,
            distractors=None if distractors < 0 else distractors,
        ),
        as_json,
    )


@eval_group.command("drift")
@composite_options(count=480)
def eval_drift_cmd(
    shared_data: Path, count: int, seed: int, distractors: int, as_json: bool
) -> None:
    """Trace drift composites (spun BBC composites with typed fact changes; SHARED_DATA holds
    bbc-news/) and score recall and precision per fact type and the false-drift rate."""
    from wiretrace.eval.drift import run_drift

    echo_report(
        lambda: run_drift(
            shared_data,
            count=count,
            seed=seed,
            distractors=None if distractors < 0 else distractors,
        ),
        as_json,
    )


@eval_group.command("mrpc")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@json_option()
@click.option(
    "--semantic",
    is_flag=True,
    help="Also score sentence-embedding matchers (needs the [semantic] extra; a few minutes).",
)
def eval_mrpc_cmd(data_dir: Path, as_json: bool, semantic: bool) -> None:
    """Accuracy and F1 of the sentence matchers on MRPC (everything fitted on train)."""
    from wiretrace.eval.mrpc import run_mrpc

    echo_report(lambda: run_mrpc(data_dir, semantic=semantic), as_json)


@eval_group.command("clough")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@json_option()
def eval_clough_cmd(data_dir: Path, as_json: bool) -> None:
    """How coverage and kinds separate cut, light, heavy and non answers (Clough corpus)."""
    from wiretrace.eval.clough import run_clough

    echo_report(lambda: run_clough(data_dir), as_json)


@eval_group.command("sources")
@click.argument(
    "shared_data", type=click.Path(file_okay=False, path_type=Path), default=SHARED_DATA
)
@click.option("--semantic", is_flag=True, help="Rerank with sentence embeddings ([semantic]).")
@json_option()
@quiet_option()
def eval_sources_cmd(shared_data: Path, semantic: bool, as_json: bool, quiet: bool) -> None:
    """Rank Wikinews articles' cited sources among BBC distractors: recall@1/5 and MRR."""
    from wiretrace.eval.sources import run_sources

    with StepProgress(quiet) as progress:
        echo_report(lambda: run_sources(shared_data, semantic=semantic, progress=progress), as_json)


@eval_group.command("news")
@click.argument(
    "shared_data", type=click.Path(file_okay=False, path_type=Path), default=SHARED_DATA
)
@json_option()
@click.option(
    "--dump-passages",
    "dump",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON line per reported passage, with features and label, to this file.",
)
@click.option(
    "--split",
    type=click.Choice(["fit", "held-out", "all"]),
    default=None,
    help="Queries to trace and score (default all); the dump holds this split (default fit).",
)
@click.option("--seed", type=int, default=20190423, show_default=True, help="Generator seed.")
@click.option("--no-spun", is_flag=True, help="Skip the spun composites (renames as edits).")
def eval_news_cmd(
    shared_data: Path,
    as_json: bool,
    dump: Path | None,
    split: str | None,
    seed: int,
    no_spun: bool,
) -> None:
    """Trace query articles lifted from real ECB+ news among same-story distractors, and
    Wikinews articles among their cited sources: precision, recall, headlines, earliest
    source, direction and calibration."""
    from wiretrace.eval.news import run_news

    echo_report(
        lambda: run_news(
            shared_data,
            seed=seed,
            split=split or "all",
            dump=dump,
            dump_split=split,
            spun=not no_spun,
        ),
        as_json,
    )


@eval_group.command("stories")
@click.argument(
    "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_ECBPLUS
)
@json_option()
@quiet_option()
def eval_stories_cmd(data_dir: Path, as_json: bool, quiet: bool) -> None:
    """Story clustering on ECB+ (DATA_DIR holds ecbplus_docs.jsonl.gz): B-cubed and pairwise
    P/R/F1 against a TF-IDF complete-link baseline and MinHash LSH, tuned on half the topics."""
    from wiretrace.eval.stories import run_stories

    def run() -> Report:
        try:
            return run_stories(data_dir, progress=progress)
        except ModuleNotFoundError as exc:  # the baselines' libraries are development extras
            raise CommandError(
                f"the story evaluation needs {exc.name}: pip install 'wiretrace[dev]'"
            ) from exc

    with StepProgress(quiet) as progress:
        echo_report(run, as_json)
