"""Every command of the README, run as written (issue 15, item 6: the tour runs as written).

The commands are read from the README's fenced shell blocks, so this test follows the README
when it changes. They run with bash, in README order, in a scratch folder that holds a copy of
``data/demo`` (and ``../shared`` linked beside it), against a fresh index; ``wiretrace`` on the
PATH is this checkout's command line. Each command must exit 0, and its output is checked for
what the command is there to show (a trace names sources, ``info`` counts articles, ...).

Commands that cannot run as they stand are handled one by one, each with its reason
(:data:`SPECIAL`): ``make demo`` runs against this checkout instead of a fresh virtual
environment, ``wiretrace serve`` is started on a free port and stopped at the end, the
``curl`` examples are sent to that server, install lines are checked against the extras of
``pyproject.toml``. A command of a kind this file does not know fails the test, so a new README
command is never passed over silently.

The commands that read ``../shared/data`` (the evaluation commands) run in their own test,
skipped where that folder is absent; the slowest of them run as written in a test marked
``slow`` (:data:`SLOW`), and smaller in the ordinary one. The README's Python example and the
options its prose names are checked too, and ``data/demo/samples`` must be what
``scripts/make_samples.py`` makes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import jsonschema
import pytest
from conftest import REPO, SHARED

from wiretrace.cli import main as cli_main
from wiretrace.report.json import trace_schema

README = REPO / "README.md"
SAMPLES = REPO / "data" / "demo" / "samples"
FENCE = re.compile(r"^(\s*)```(\w*)\s*$")
SHELL_LANGUAGES = {"sh", "bash", "shell"}
PORT_IN_README = "127.0.0.1:8000"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="runs the README's commands with bash")


# -- reading the README ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """One shell command of the README: its text as written and where it starts."""

    text: str
    line: int

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text, comments=True)

    def option(self, name: str) -> str:
        words = self.words
        return words[words.index(name) + 1]

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.text}"


def fenced_blocks(text: str, languages: set[str]) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, lines)`` of each fenced block in one of ``languages``, dedented."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, language = len(opening.group(1)), opening.group(2)
        end = i + 1
        while end < len(lines) and not FENCE.match(lines[end]):
            end += 1
        if language in languages:
            yield i + 2, [line[indent:] for line in lines[i + 1 : end]]
        i = end + 1


def shell_commands(text: str) -> list[Command]:
    """The commands of the README's shell blocks, continuation lines joined, in order."""
    commands = []
    for first, lines in fenced_blocks(text, SHELL_LANGUAGES):
        pending: list[str] = []
        start = first
        for number, line in enumerate(lines, first):
            if not pending:
                start = number
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
            if line.rstrip().endswith("\\"):
                pending.append(line.rstrip()[:-1].rstrip())
                continue
            commands.append(Command(" ".join([*pending, line.strip()]).strip(), start))
            pending = []
        assert not pending, f"README.md:{start}: a continued line ends its block"
    return commands


README_TEXT = README.read_text(encoding="utf-8")
COMMANDS = shell_commands(README_TEXT)


# -- what each kind of command needs --------------------------------------------------------------

# Commands run by hand (or not at all), and why. The first pattern that matches a command wins;
# a command no pattern matches is run as written.
SPECIAL: dict[str, tuple[str, str]] = {
    "serve": (
        r"^wiretrace serve\b",
        "it runs until stopped: started in the background on a free port (8000 may be taken on "
        "the machine running the tests), probed, and stopped when the commands are done",
    ),
    "curl": (
        r"^curl\b",
        "the API examples: sent to the server started by 'wiretrace serve', on its port",
    ),
    "make": (
        r"^make\b",
        "'make demo' runs with BIN pointing at this checkout's command line, not a fresh .venv "
        "(creating one needs the network and minutes); 'make test' is the suite this test is "
        "part of, so it is dry-run (make -n) and must call pytest; other targets must exist",
    ),
    "activate": (
        r"^(\.|source) \.venv/bin/activate$",
        "the virtual environment is what make and the install lines create; here the "
        "scratch PATH stands for it, and the Makefile must create .venv",
    ),
    "install": (
        r"^(python3? -m venv|(\S+/)?python3? -m pip install|(\S+/)?pip install)\b",
        "installing needs the network and minutes: the extras named must exist in "
        "pyproject.toml, and the venv must be the .venv the tour activates",
    ),
}

# Commands too slow for the ordinary test (seconds on a laptop with 2 cores): they run as
# written in test_slow_readme_commands_as_written, marked slow (still run by CI).
SLOW: dict[str, str] = {
    r"--engine spark": "starts a Spark JVM (about 30 s)",
    r"^wiretrace eval spun\b": "200 composites (about 10 s)",
    r"^wiretrace eval drift\b": "480 composites (about 20 s)",
    r"^wiretrace eval stories\b": "tunes on ECB+ with shuffles (about 80 s)",
}

# In the ordinary test, these slow commands run smaller (documented options of theirs).
SMALLER: dict[str, tuple[str, ...]] = {
    r"^wiretrace eval spun\b": ("--count", "5", "--distractors", "20"),
    r"^wiretrace eval drift\b": ("--count", "5", "--distractors", "20"),
}


def kind(command: Command) -> str:
    for name, (pattern, _) in SPECIAL.items():
        if re.search(pattern, command.text):
            return name
    if re.match(r"^(\S+ .*\| *)?wiretrace \w", command.text):
        return "shared" if "../shared" in command.text else "run"
    raise AssertionError(
        f"{command}\nis a kind of command tests/test_readme_tour.py does not know how to run: "
        "add it to SPECIAL with the reason"
    )


def slow_reason(command: Command) -> str | None:
    return next((why for pat, why in SLOW.items() if re.search(pat, command.text)), None)


# -- the scratch folder and running commands ------------------------------------------------------


@dataclass
class Ran:
    command: Command
    cwd: Path
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Tour:
    """A scratch checkout: ``repo/`` with ``data/demo``, ``shared`` beside it, and a PATH."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    server: subprocess.Popen[bytes] | None = None
    port: int | None = None

    @property
    def repo(self) -> Path:
        return self.root / "wiretrace"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @classmethod
    def make(cls, root: Path) -> Tour:
        tour = cls(root)
        shutil.copytree(REPO / "data" / "demo", tour.repo / "data" / "demo")
        for name in ("Makefile", "pyproject.toml"):
            shutil.copy2(REPO / name, tour.repo / name)
        if SHARED.exists():
            (root / "shared").symlink_to(SHARED, target_is_directory=True)
        tour.bin.mkdir()
        # ``wiretrace`` as installed: this interpreter running this checkout's package.
        script = tour.bin / "wiretrace"
        script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m wiretrace.cli "$@"\n')
        script.chmod(0o755)
        (tour.bin / "python").symlink_to(sys.executable)
        paths = [str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")]
        tour.env = {
            **{k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"},
            "PATH": f"{tour.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "COLUMNS": "100",
        }
        return tour

    def bash(self, text: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        assert BASH is not None
        return subprocess.run(
            [BASH, "-o", "pipefail", "-c", text],
            cwd=self.repo,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def run(self, command: Command, extra: tuple[str, ...] = ()) -> Ran:
        text = " ".join([command.text.split(" #", 1)[0], *map(shlex.quote, extra)])
        proc = self.bash(text)
        if proc.returncode != 0:
            raise AssertionError(
                f"{command}\nexit {proc.returncode}\nstdout: {proc.stdout[-3000:]}\n"
                f"stderr: {proc.stderr[-3000:]}"
            )
        return Ran(command, self.repo, proc.stdout, proc.stderr)

    # -- wiretrace serve --

    def start_server(self, command: Command) -> None:
        assert self.server is None, f"{command}: a second 'wiretrace serve'"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        text = command.text.split(" #", 1)[0]
        log = (self.root / "serve.log").open("wb")
        assert BASH is not None
        self.server = subprocess.Popen(
            [BASH, "-c", f"exec {text} --port {self.port} --log-level warning"],
            cwd=self.repo,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(f"{command}: exited\n{self.server_log()}")
            try:
                with urllib.request.urlopen(f"{self.base}/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"{command}: no answer on {self.base}\n{self.server_log()}")
        # "web page and API": the page is served too.
        with urllib.request.urlopen(f"{self.base}/", timeout=10) as page:
            assert page.status == 200 and "text/html" in page.headers["Content-Type"]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def server_log(self) -> str:
        return (self.root / "serve.log").read_text(errors="replace")[-3000:]

    def stop_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=5)

    def curl(self, command: Command) -> Ran:
        if self.server is None:
            raise AssertionError(f"{command}: comes before 'wiretrace serve' in the README")
        if shutil.which("curl", path=self.env["PATH"]) is None:
            pytest.skip("curl is not installed: the README's API examples cannot be sent")
        text = command.text.replace(PORT_IN_README, f"127.0.0.1:{self.port}")
        assert text != command.text, f"{command}: names no {PORT_IN_README} URL"
        # An HTTP error must fail the command (plain -s prints the error JSON and exits 0).
        return self.run(Command(re.sub(r"^curl ", "curl --fail-with-body ", text), command.line))


# -- checks of each command's output --------------------------------------------------------------


def number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"no {pattern!r} in:\n{text[-2000:]}"
    return float(found.group(1).replace(",", ""))


def check_index(ran: Ran) -> None:
    assert "Indexed into" in ran.output, ran.output
    assert number(r"\(([\d,]+) documents? in the index", ran.output) > 0
    if ran.command.text.endswith(".csv") or ".csv " in ran.command.text:
        assert "columns read:" in ran.output  # the summary says where each field came from
    if "--skip-bad" in ran.command.words:
        rejects = ran.cwd / f"{ran.command.option('--db')}.rejects.jsonl"
        assert "rejected" in ran.output and rejects.exists(), ran.output


def check_trace(ran: Ran) -> None:
    words = ran.command.words
    if "--json" in words:
        report = json.loads(ran.stdout)
        jsonschema.validate(report, trace_schema())
        assert report["sources"] and report["passages"], "the trace names no source"
    elif "--html" in words:
        page = ran.cwd / ran.command.option("--html")
        assert "<html" in page.read_text(encoding="utf-8")[:500].lower()
        assert page.name in ran.output  # it says where the report went
    else:
        share = number(r"Attributed to sources: ([\d.]+)%", ran.stdout)
        assert share > 0 and "Sources" in ran.stdout, ran.stdout
    if "--published-at" in words:  # the date given is the article's, and (as the README
        # says) a document dated after it is listed apart
        assert f"dated {ran.command.option('--published-at')}" in ran.output
        assert "later document" in ran.output, ran.output


def check_info(ran: Ran) -> None:
    assert number(r"([\d,]+) articles from", ran.stdout) >= 97, ran.stdout
    assert "Wikinews" in ran.stdout


def check_optimize(ran: Ran) -> None:
    assert "merged into one" in ran.stdout and "file rewritten" in ran.stdout, ran.output
    db = ran.cwd / ran.command.option("--db")
    con = sqlite3.connect(db)
    try:  # one postings table holds every posting
        held = con.execute("SELECT COUNT(*) FROM postings_runs WHERE postings > 0").fetchone()
    finally:
        con.close()
    assert held == (1,)


def check_corpus_reuse(ran: Ran) -> None:
    out = ran.cwd / ran.command.option("--out")
    written = [p for p in out.iterdir() if p.is_file()]
    assert any(p.suffix == ".parquet" for p in written), written
    if "crawl.warc.gz" in ran.command.text:  # the crawl's pages were read and compared
        assert any("worldnewsdigest.example" in p.read_text(errors="replace") for p in written)


def check_corpus_report(ran: Ran) -> None:
    page = (ran.cwd / ran.command.option("--html")).read_text(encoding="utf-8")
    assert "<html" in page[:500].lower() and "Wikinews" in page


def check_corpus_stories(ran: Ran) -> None:
    out = ran.cwd / ran.command.option("--out")
    assert [p for p in out.iterdir() if p.stat().st_size > 0], "no stories written"


def check_eval_pan(ran: Ran) -> None:
    assert "plagdet" in ran.stdout, ran.stdout
    if "--detections" in ran.command.words:
        assert list((ran.cwd / ran.command.option("--detections")).glob("*.xml"))


def check_eval(ran: Ran) -> None:
    assert ran.stdout.strip() and re.search(r"\d\.\d", ran.stdout), ran.stdout


def check_curl(ran: Ran) -> None:
    answer = json.loads(ran.stdout)
    url = next(w for w in ran.command.words if w.startswith("http"))
    if url.endswith("/v1/trace"):
        jsonschema.validate(answer, trace_schema())
        assert answer["sources"], "the API's trace names no source"
        if "-d" in ran.command.words:  # the README: "with the figure changed from 22 to 25"
            edits = [e for p in answer["passages"] for e in p["edits"]]
            assert any(
                e["type"] == "number" and "22" in e["from"] and "25" in e["to"] for e in edits
            ), edits
    elif url.endswith("/v1/health"):
        assert answer.get("status") == "ok", answer
    elif url.endswith("/v1/documents"):
        assert answer["documents"] > 0 and answer["rejected"] == 0, answer
    elif "/v1/documents/" in url:
        assert answer["id"] == url.split("/v1/documents/", 1)[1], answer
    else:
        raise AssertionError(f"{ran.command}: no check for {url}")


CHECKS: list[tuple[str, Callable[[Ran], None]]] = [
    (r"^wiretrace index\b", check_index),
    (r"\bwiretrace trace\b", check_trace),
    (r"^wiretrace info\b", check_info),
    (r"^wiretrace optimize\b", check_optimize),
    (r"^wiretrace corpus reuse\b", check_corpus_reuse),
    (r"^wiretrace corpus report\b", check_corpus_report),
    (r"^wiretrace corpus stories\b", check_corpus_stories),
    (r"^wiretrace eval pan\b", check_eval_pan),
    (r"^wiretrace eval \w", check_eval),
    (r"^curl\b", check_curl),
]


def check(ran: Ran) -> None:
    found = next((c for pat, c in CHECKS if re.search(pat, ran.command.text)), None)
    assert found, f"{ran.command}\nhas no output check: add one to CHECKS"
    found(ran)


# -- the special commands -------------------------------------------------------------------------


def run_make(tour: Tour, command: Command) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    target = command.words[1]
    # A stamp newer than pyproject.toml: make takes the environment as installed.
    stamp = tour.root / "installed"
    stamp.touch()
    overrides = [f"BIN={tour.bin}", f"STAMP={stamp}"]
    if target == "demo":
        ran = tour.run(command, tuple(overrides))
        # It indexed the demo articles and wrote the composite's trace as a page.
        assert (tour.repo / "demo.db").exists(), ran.output
        assert any("<html" in p.read_text()[:500].lower() for p in tour.repo.glob("*.html"))
        return
    dry = tour.bash(shlex.join(["make", "-n", target, *overrides]))
    assert dry.returncode == 0, f"{command}: no such target\n{dry.stderr}"
    if target == "test":
        assert "-m pytest" in dry.stdout, dry.stdout


def check_activate(tour: Tour, command: Command) -> None:
    venv = command.words[1].removesuffix("/bin/activate")
    if shutil.which("make") is not None:  # the Makefile's first step makes that environment
        dry = tour.bash("make -n demo")
        assert f"-m venv {venv}" in dry.stdout, dry.stdout
    installs = [c for c in COMMANDS if kind(c) == "install"]
    assert any(f"-m venv {venv}" in c.text for c in installs), "no install line makes .venv"


def check_install(command: Command) -> None:
    words = command.words
    if "venv" in words:
        assert words[-1] == ".venv", f"{command}: the tour activates .venv"
        return
    extras = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )
    target = next(w for w in words[words.index("install") + 1 :] if w.startswith("."))
    named = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
    assert named, f"{command}: installs {target!r}, not this checkout"
    wanted = set(named.group(1).split(",")) if named.group(1) else set()
    assert wanted <= extras, f"{command}: no extra {wanted - extras} in pyproject.toml"


# -- the tests ------------------------------------------------------------------------------------


def test_the_readme_has_a_tour() -> None:
    kinds = [kind(c) for c in COMMANDS]  # also fails on a command of an unknown kind
    assert kinds.count("run") >= 10 and "serve" in kinds and "curl" in kinds, kinds
    for command in COMMANDS:  # every file a command reads from data/ is bundled
        for word in command.words:
            if word.startswith("data/"):
                found = list(REPO.glob(word)) if "*" in word else [REPO / word]
                assert found and all(p.exists() for p in found), f"{command}: no {word}"


def test_readme_commands_in_order(tmp_path: Path) -> None:
    """Every command that needs no shared data, in README order, as written."""
    tour = Tour.make(tmp_path)
    ran = []
    try:
        for command in COMMANDS:
            what = kind(command)
            if what == "run" and slow_reason(command) is None:
                ran.append(tour.run(command))
                check(ran[-1])
            elif what == "serve":
                tour.start_server(command)
            elif what == "curl":
                ran.append(tour.curl(command))
                check(ran[-1])
            elif what == "make":
                run_make(tour, command)
            elif what == "activate":
                check_activate(tour, command)
            elif what == "install":
                check_install(command)
    finally:
        tour.stop_server()
    assert tour.server is not None and tour.server.returncode is not None


def test_readme_eval_commands(tmp_path: Path) -> None:
    """The commands that read ../shared/data; the slow ones smaller (SMALLER)."""
    if not SHARED.exists():
        pytest.skip(f"needs {SHARED} (the project's shared data folder, present in CI)")
    tour = Tour.make(tmp_path)
    commands = [c for c in COMMANDS if kind(c) == "shared"]
    assert commands
    for command in commands:
        if slow_reason(command) is None:
            check(tour.run(command))
            continue
        extra = next((e for pat, e in SMALLER.items() if re.search(pat, command.text)), None)
        if extra is not None:
            check(tour.run(command, extra))


@pytest.mark.slow
def test_slow_readme_commands_as_written(tmp_path: Path) -> None:
    """The commands of SLOW, as written (each in a fresh scratch folder: none needs another)."""
    commands = [c for c in COMMANDS if slow_reason(c) is not None]
    assert commands
    if any(kind(c) == "shared" for c in commands) and not SHARED.exists():
        pytest.skip(f"needs {SHARED} (the project's shared data folder, present in CI)")
    for number_, command in enumerate(commands):
        if "--engine spark" in command.text:
            pytest.importorskip("pyspark", reason="the [spark] extra runs --engine spark")
        check(Tour.make(tmp_path / str(number_)).run(command))


def test_readme_python_example(tmp_path: Path) -> None:
    """The library example ("As a library") runs as written."""
    blocks = [lines for _, lines in fenced_blocks(README_TEXT, {"python"})]
    assert blocks
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    for lines in blocks:
        proc = subprocess.run(
            [sys.executable, "-c", "\n".join(lines)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr


def _subcommands(command: click.Command) -> dict[str, click.Command]:
    """A group's commands through click's own look-up (the CLI imports them on first use)."""
    if not isinstance(command, click.Group):
        return {}
    ctx = click.Context(command)
    found = {name: command.get_command(ctx, name) for name in command.list_commands(ctx)}
    return {name: sub for name, sub in found.items() if sub is not None}


def _options_of(command: click.Command) -> set[str]:
    found = {o for p in command.params for o in [*p.opts, *p.secondary_opts]}
    for sub in _subcommands(command).values():
        found |= _options_of(sub)
    return found


# Inline options in the prose that belong to other tools.
NOT_WIRETRACE = {"--strict": "mypy's, in 'make lint runs ruff and mypy --strict'"}


def test_readme_prose_names_real_commands_and_options() -> None:
    """Inline `wiretrace ...` commands exist with the options they show; a bare `--option`
    is an option of some wiretrace command."""
    prose = re.sub(r"```.*?```", "", README_TEXT, flags=re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", prose)
    everything = _options_of(cli_main)
    checked = 0
    for span in spans:
        words = span.split()
        if words[0] == "wiretrace" and len(words) > 1:
            command: click.Command = cli_main
            for word in words[1:]:
                command = _subcommands(command).get(word, command)
            assert command is not cli_main, f"`{span}`: no such wiretrace command"
            mine = _options_of(command)
            for word in words:
                if word.startswith("--"):
                    assert word.split("=")[0] in mine, f"`{span}`: {command.name} has no {word}"
            checked += 1
        elif re.fullmatch(r"--[a-z][a-z-]*", words[0]) and words[0] not in NOT_WIRETRACE:
            assert words[0] in everything, f"`{span}`: no wiretrace command has {words[0]}"
            checked += 1
    assert checked >= 10


def test_samples_are_what_the_script_makes(tmp_path: Path) -> None:
    """data/demo/samples is regenerated byte for byte by scripts/make_samples.py."""
    pytest.importorskip("fpdf", reason="needs fpdf2 (the [dev] extra) to write the PDF")
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_samples.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in SAMPLES.iterdir())
    for name in made:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), (
            f"data/demo/samples/{name} differs: run scripts/make_samples.py and review the diff"
        )
        assert (SAMPLES / name).stat().st_size < 64_000, f"{name} is not small"
