"""Options of the HTTP service (no FastAPI import: the CLI builds them before starting it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wiretrace.trace import TraceOptions

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_READERS = 4
TOKEN_ENV = "WIRETRACE_TOKEN"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How the service runs.

    - ``db``: the SQLite index file (created empty when missing);
    - ``token``: when set, every ``/v1`` request needs ``Authorization: Bearer <token>``;
    - ``max_body_bytes``: the largest request body accepted; larger ones get 413;
    - ``readers``: read connections shared by concurrent requests (traces beyond this wait);
    - ``trace_processes``: when above 0, traces run in that many worker processes (each with
      its own read connection) instead of the server's threads, to use more than one core;
    - ``trace``: how articles are traced (the library's options).
    """

    db: Path
    token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    readers: int = DEFAULT_READERS
    trace_processes: int = 0
    trace: TraceOptions = field(default_factory=TraceOptions)

    def __post_init__(self) -> None:
        if self.max_body_bytes <= 0:
            raise ValueError(f"max_body_bytes must be positive, got {self.max_body_bytes}")
        if self.trace_processes < 0:
            raise ValueError(f"trace_processes must be 0 or more, got {self.trace_processes}")
        if self.readers < 1:
            raise ValueError(f"readers must be at least 1, got {self.readers}")
        if self.token is not None and not self.token.strip():
            raise ValueError("the API token is empty; unset it or give a real token")
