"""Options of the HTTP service (no FastAPI import: the CLI builds them before starting it)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from wiretrace.tracing import TraceOptions

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_READERS = 4
DEFAULT_TRACE_PROCESSES = 2
DEFAULT_TRACE_TIMEOUT = 30.0
DEFAULT_TRACE_QUEUE = 8
DEFAULT_TRACE_MAX_WAIT = 1.0
DEFAULT_LONG_CHARS = 100_000
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_IDLE_TIMEOUT = 30.0
TOKEN_ENV = "WIRETRACE_TOKEN"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the service on this machine."""
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, token: str | None) -> str | None:
    """The start-up warning for a server reachable from the network without a token."""
    if is_loopback(host) or token:
        return None
    return (
        f"warning: listening on {host} without a token: anyone who can reach this address "
        "can read every stored document, add documents to the index, and make the server "
        "trace (CPU and memory). Set WIRETRACE_TOKEN or pass --token."
    )


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How the service runs.

    - ``db``: the SQLite index file (created empty when missing);
    - ``token``: when set, every ``/v1`` request needs ``Authorization: Bearer <token>``; an
      empty or blank token is refused (it would silently turn authentication off);
    - ``max_body_bytes``: the largest request body accepted; larger ones get 413;
    - ``readers``: traces that run at once in the server's threads (each with its own read
      connection); health and document reads have connections of their own;
    - ``trace_processes``: when above 0, traces run in that many worker processes instead of
      the server's threads (plus one for long articles); a trace past its deadline, or whose
      client went away, is stopped by ending its process. The default (2) was picked by
      the mixed-load bench in BENCHMARKS.md: health stays fast and memory bounded, which
      threads cannot promise, as a thread cannot be stopped;
    - ``trace_timeout``: seconds a trace may take from admission (waiting included); past it
      the request gets 503 ``trace_timeout``;
    - ``trace_queue``: traces that may wait for a free slot, per lane; beyond that, 503
      ``busy`` with ``Retry-After``;
    - ``trace_max_wait``: an ordinary trace is refused the same way when the wait it would
      face (traces ahead of it times their recent mean time) is over this many seconds;
    - ``long_chars``: queries longer than this go to the long-article lane, which has one
      slot, so that they never hold up ordinary traces;
    - ``host`` and ``allowed_hosts``: the bound address and other names the server answers to
      (``Host`` header); others get 421;
    - ``trace``: how articles are traced (the library's options).
    """

    db: Path
    token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    readers: int = DEFAULT_READERS
    trace_processes: int = DEFAULT_TRACE_PROCESSES
    trace_timeout: float = DEFAULT_TRACE_TIMEOUT
    trace_queue: int = DEFAULT_TRACE_QUEUE
    trace_max_wait: float = DEFAULT_TRACE_MAX_WAIT
    long_chars: int = DEFAULT_LONG_CHARS
    host: str = DEFAULT_HOST
    allowed_hosts: tuple[str, ...] = ()
    trace: TraceOptions = field(default_factory=TraceOptions)

    def __post_init__(self) -> None:
        if self.max_body_bytes <= 0:
            raise ValueError(f"max_body_bytes must be positive, got {self.max_body_bytes}")
        if self.trace_processes < 0:
            raise ValueError(f"trace_processes must be 0 or more, got {self.trace_processes}")
        if self.readers < 1:
            raise ValueError(f"readers must be at least 1, got {self.readers}")
        if self.token is not None and not self.token.strip():
            raise ValueError(
                "the API token is empty or blank, which would turn authentication off; "
                "give a real token, or unset it to run without one"
            )
        if not self.trace_timeout > 0:
            raise ValueError(f"trace_timeout must be positive, got {self.trace_timeout}")
        if self.trace_max_wait < 0:
            raise ValueError(f"trace_max_wait must be 0 or more, got {self.trace_max_wait}")
        if self.trace_queue < 0:
            raise ValueError(f"trace_queue must be 0 or more, got {self.trace_queue}")
        if self.long_chars < 1:
            raise ValueError(f"long_chars must be at least 1, got {self.long_chars}")
