"""``wiretrace corpus``: commands over whole corpora."""

from __future__ import annotations

import click

from wiretrace.corpus.stories_cli import stories_cmd


@click.group("corpus")
def corpus_group() -> None:
    """Find reuse, stories and first publishers across a whole corpus."""


corpus_group.add_command(stories_cmd)
