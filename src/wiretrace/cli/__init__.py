"""The ``wiretrace`` command line: a thin layer over the library.

One module per command group; each command reads its options, calls library functions and
prints their results:

- :mod:`~wiretrace.cli.index`: ``wiretrace index``;
- :mod:`~wiretrace.cli.trace`: ``wiretrace trace``;
- :mod:`~wiretrace.cli.corpus`: ``wiretrace corpus reuse | report | stories``;
- :mod:`~wiretrace.cli.eval`: ``wiretrace eval pan | spun | mrpc | clough | sources | news |
  stories``;
- :mod:`~wiretrace.cli.serve`: ``wiretrace serve``;
- :mod:`~wiretrace.cli.info` and :mod:`~wiretrace.cli.optimize`: ``wiretrace info`` and
  ``wiretrace optimize``, what an index holds and compacting it;
- :mod:`~wiretrace.cli._shared`: the options several commands share, their defaults, and
  :class:`~wiretrace.cli._shared.CommandError`, the one way a command fails (``error: ...`` on
  standard error, exit status 1);
- :mod:`~wiretrace.cli.submit`: the file ``spark-submit`` runs.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]

# Each command's module is imported when the command runs (or ``--help`` lists it), so that
# ``wiretrace --version`` and a command's own start-up import only what it uses.
_COMMANDS = {
    "index": "wiretrace.cli.index:index_cmd",
    "trace": "wiretrace.cli.trace:trace_cmd",
    "info": "wiretrace.cli.info:info_cmd",
    "optimize": "wiretrace.cli.optimize:optimize_cmd",
    "eval": "wiretrace.cli.eval:eval_group",
    "corpus": "wiretrace.cli.corpus:corpus_group",
    "serve": "wiretrace.cli.serve:serve_cmd",
}


class _LazyGroup(click.Group):
    """A command group whose commands are named here and imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, name = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


@click.group(cls=_LazyGroup)
@click.version_option(package_name="wiretrace")
def main() -> None:
    """wiretrace finds where news text came from."""
