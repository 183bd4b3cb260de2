"""uvicorn's h11 connection protocol with what it lacks: a header timeout and safety headers on
its own error responses.

uvicorn (0.29 to 0.55 at least) closes a connection only ``timeout_keep_alive`` seconds after a
*response*: a connection that never finishes its request headers, or stops sending its body, is
held for ever (the slow-header, or "slowloris", attack). And the 400 it answers to a malformed
request is written by the protocol itself, outside the ASGI application, so no middleware can
add headers to it. Both need the protocol, so this subclass adds:

- a **header timeout**: from the connection's start (or from the first byte of a keep-alive
  request) the request line and headers must be complete within ``header_timeout`` seconds,
  however slowly the bytes trickle in;
- an **idle timeout** while a request body is read: a client that sends nothing for
  ``idle_timeout`` seconds is dropped (the application sees a disconnect);
- the :data:`SAFETY_HEADERS` on uvicorn's 400 responses.

The subclass is passed to ``uvicorn.run(http=...)``; it overrides only hooks of the public
``asyncio.Protocol`` interface and ``send_400_response``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from wiretrace.serve.guard import SAFETY_HEADERS
from wiretrace.serve.options import DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT


class GuardedH11Protocol(H11Protocol):
    """:class:`H11Protocol` with header and body idle timeouts and safety headers on 400s.

    The timeouts are class attributes so that :func:`protocol_class` can make a configured
    subclass (uvicorn builds one protocol object per connection from the class).
    """

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None
        self._timer_kind = ""

    # -- timers ----------------------------------------------------------------------------------

    def _arm(self, kind: str, seconds: float) -> None:
        self._disarm()
        self._timer_kind = kind
        self._read_timer = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None
            self._timer_kind = ""

    def _expired(self) -> None:
        self._read_timer = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection: %s timeout", self._timer_kind or "read")
            self.transport.close()

    def _rearm(self) -> None:
        """Set the timer for what the connection now waits for from the client."""
        state = self.conn.their_state
        if state is h11.IDLE:
            # Waiting for request headers. Between requests the keep-alive timer runs; once
            # the first byte of the next request is in, the header deadline starts and is not
            # moved by later bytes.
            if self._timer_kind != "header" and self.conn.trailing_data[0]:
                self._arm("header", self.header_timeout)
        elif state is h11.SEND_BODY and self.cycle is not None and not self.cycle.response_complete:
            self._arm("idle", self.idle_timeout)  # moved by every chunk of the body
        else:
            self._disarm()

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("header", self.header_timeout)

    def data_received(self, data: bytes) -> None:
        header_pending = self._timer_kind == "header"
        super().data_received(data)
        if header_pending and self.conn.their_state is h11.IDLE:
            return  # the header deadline stands however slowly bytes come
        self._rearm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._disarm()
        super().on_response_complete()

    # -- uvicorn's own error response ----------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        self._disarm()
        body = msg.encode("ascii")
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SAFETY_HEADERS,
        ]
        try:
            event = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
            self.transport.write(self.conn.send(event))
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:  # a response was already under way: just close
            pass
        self.transport.close()


def protocol_class(header_timeout: float, idle_timeout: float) -> type[GuardedH11Protocol]:
    """A :class:`GuardedH11Protocol` subclass with these timeouts, for ``uvicorn.run(http=)``."""
    if header_timeout <= 0 or idle_timeout <= 0:
        raise ValueError("timeouts must be positive")
    return type(
        "ConfiguredH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": header_timeout, "idle_timeout": idle_timeout},
    )
