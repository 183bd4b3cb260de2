"""Entry point for ``spark-submit``, which needs a ``.py`` file to run.

``spark-submit [options] "$(python -m wiretrace.cli.submit --path)" corpus reuse ...``
runs the ``wiretrace`` command line under ``spark-submit``: the Spark engine then keeps the
master and settings that ``spark-submit`` chose.

``python -m wiretrace.cli.submit --zip wiretrace.zip`` writes this installation's
``wiretrace`` package into a zip file and prints its path, for ``spark-submit --py-files``:
executors whose Python has wiretrace's dependencies but not wiretrace itself then import it
from the zip. See ``docs/spark.md``.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

USAGE = "usage: python -m wiretrace.cli.submit (--path | --zip FILE | WIRETRACE-ARGS...)"


def write_zip(target: Path) -> Path:
    """Write the ``wiretrace`` package this Python imports (code and data files, no
    ``__pycache__``) into the zip file ``target``, as ``wiretrace/...``; return its path."""
    import wiretrace

    package = Path(wiretrace.__file__).resolve().parent
    target = target.resolve()
    partial = target.with_name(f".{target.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out:
            for file in sorted(package.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    out.write(file, (Path("wiretrace") / file.relative_to(package)).as_posix())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def run(argv: list[str]) -> None:
    """Print this file's path (``--path``), write the package zip (``--zip FILE``), or run
    ``wiretrace`` with ``argv``."""
    if argv == ["--path"]:
        sys.stdout.write(__file__ + "\n")
        return
    if argv[:1] == ["--zip"]:
        if len(argv) != 2:
            sys.exit(f"error: --zip takes one file name\n{USAGE}")
        try:
            written = write_zip(Path(argv[1]))
        except OSError as exc:
            sys.exit(f"error: cannot write {argv[1]}: {exc.strerror or exc}")
        sys.stdout.write(f"{written}\n")
        return
    from wiretrace.cli import main

    main(args=argv, prog_name="wiretrace")


if __name__ == "__main__":
    # Run as a file, Python puts this file's folder first on the path, where the command
    # modules (trace.py, eval.py, ...) would hide the top-level modules of the same name.
    if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
        del sys.path[0]
    run(sys.argv[1:])
