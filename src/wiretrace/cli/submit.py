"""Entry point for ``spark-submit``, which needs a ``.py`` file to run.

``spark-submit [options] "$(python -m wiretrace.cli.submit --path)" corpus reuse ...``
runs the ``wiretrace`` command line under ``spark-submit``: the Spark engine then keeps the
master and settings that ``spark-submit`` chose. See ``docs/spark.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def run(argv: list[str]) -> None:
    """Print this file's path (``--path``), or run ``wiretrace`` with ``argv``."""
    if argv == ["--path"]:
        sys.stdout.write(__file__ + "\n")
        return
    from wiretrace.cli import main

    main(args=argv, prog_name="wiretrace")


if __name__ == "__main__":
    # Run as a file, Python puts this file's folder first on the path, where the command
    # modules (trace.py, eval.py, ...) would hide the top-level modules of the same name.
    if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
        del sys.path[0]
    run(sys.argv[1:])
