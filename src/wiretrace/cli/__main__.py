"""``python -m wiretrace.cli``: the ``wiretrace`` command line."""

from wiretrace.cli import main

main()
