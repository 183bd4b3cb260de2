"""Size and shape figures of the package, for the "house in order" work (issue 13).

Prints, for ``src/wiretrace`` (what the wheel ships):

- source lines (non-blank, non-comment lines of ``.py`` files);
- the longest functions (lines from ``def`` to the last line of the body);
- functions over 80 lines, and modules over 500 source lines;
- the number of ``duplicates`` pairs in ``src`` (when the ``duplicates`` tool is on PATH);
- whether the import-linter contracts hold (when ``lint-imports`` is installed).

Usage::

    python scripts/code_figures.py [--json]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "wiretrace"
LONG_FUNCTION = 80
LONG_MODULE = 500


def source_lines(path: Path) -> int:
    """Lines that are neither blank nor only a comment."""
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            count += 1
    return count


def functions(path: Path) -> list[tuple[str, int]]:
    """Every function and method of a module as (qualified name, length in lines)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                end = child.end_lineno or child.lineno
                out.append((name, end - child.lineno + 1))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return out


def duplicate_pairs() -> int | None:
    tool = shutil.which("duplicates")
    if tool is None:
        return None
    done = subprocess.run(
        [tool, "--repo", str(ROOT / "src"), "--seconds", "120"],
        capture_output=True,
        text=True,
        check=False,
    )
    first = done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    words = first.split()
    return int(words[0]) if words and words[0].isdigit() else 0


def contracts() -> str | None:
    tool = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(tool).exists():
        return None
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([tool], cwd=ROOT, capture_output=True, text=True, check=False, env=env)
    lines = [line for line in done.stdout.splitlines() if "kept" in line or "broken" in line]
    return lines[-1].strip() if lines else done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    modules = sorted(PACKAGE.rglob("*.py"))
    lines = {str(p.relative_to(ROOT)): source_lines(p) for p in modules}
    funcs = [
        (f"{p.relative_to(ROOT)}:{name}", length) for p in modules for name, length in functions(p)
    ]
    funcs.sort(key=lambda f: -f[1])
    figures = {
        "source_lines": sum(lines.values()),
        "modules": len(modules),
        "modules_over_500": sorted(m for m, n in lines.items() if n > LONG_MODULE),
        "longest_functions": funcs[:10],
        "functions_over_80": len([f for f in funcs if f[1] > LONG_FUNCTION]),
        "duplicate_pairs": duplicate_pairs(),
        "import_contracts": contracts(),
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print(f"source lines in src/wiretrace: {figures['source_lines']} in {len(modules)} modules")
    print(f"modules over {LONG_MODULE} lines: {len(figures['modules_over_500'])}")
    for m in figures["modules_over_500"]:
        print(f"  {m}: {lines[m]}")
    print(f"functions over {LONG_FUNCTION} lines: {figures['functions_over_80']}")
    for name, length in funcs[:10]:
        print(f"  {length:4d}  {name}")
    print(f"duplicates pairs in src: {figures['duplicate_pairs']}")
    print(f"import-linter: {figures['import_contracts']}")


if __name__ == "__main__":
    main()
