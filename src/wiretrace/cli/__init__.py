"""The ``wiretrace`` command line: a thin layer over the library.

One module per command group; each command reads its options, calls library functions and
prints their results:

- :mod:`~wiretrace.cli.index`: ``wiretrace index``;
- :mod:`~wiretrace.cli.trace`: ``wiretrace trace``;
- :mod:`~wiretrace.cli.corpus`: ``wiretrace corpus reuse | report | stories``;
- :mod:`~wiretrace.cli.eval`: ``wiretrace eval pan | spun | mrpc | clough | sources | news |
  stories``;
- :mod:`~wiretrace.cli.serve`: ``wiretrace serve``;
- :mod:`~wiretrace.cli._shared`: the options several commands share, their defaults, and
  :class:`~wiretrace.cli._shared.CommandError`, the one way a command fails (``error: ...`` on
  standard error, exit status 1);
- :mod:`~wiretrace.cli.submit`: the file ``spark-submit`` runs.
"""

from __future__ import annotations

import click

from wiretrace.cli.corpus import corpus_group
from wiretrace.cli.eval import eval_group
from wiretrace.cli.index import index_cmd
from wiretrace.cli.info import info_cmd
from wiretrace.cli.serve import serve_cmd
from wiretrace.cli.trace import trace_cmd

__all__ = ["main"]


@click.group()
@click.version_option(package_name="wiretrace")
def main() -> None:
    """wiretrace finds where news text came from."""


main.add_command(index_cmd)
main.add_command(trace_cmd)
main.add_command(info_cmd)
main.add_command(eval_group)
main.add_command(corpus_group)
main.add_command(serve_cmd)
