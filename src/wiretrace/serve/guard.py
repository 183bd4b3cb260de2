"""ASGI middleware that runs before any route: host and origin checks, API token, body size
limit, safety headers, and the last word on failures.

Written as plain ASGI (not a Starlette ``BaseHTTPMiddleware``) so it can refuse a request
before its body is read and count the body as it streams in. The application is built so that
this middleware is the outermost layer under uvicorn (see ``create_app``), and uvicorn's own
400s get the same headers from :mod:`wiretrace.serve.protocol`.

- A ``Host`` that is not the server's (the bound address, ``localhost`` when bound to loopback,
  any IP literal when bound to all interfaces, or an ``--allowed-host`` name) gets 421: a
  DNS-rebinding page names its own host, so it cannot reach the API.
- A request to ``/v1/...`` from another site gets 403 when the server has no token: an
  ``Origin`` other than the server's own, or a ``Sec-Fetch-Site`` other than ``same-origin``
  or ``none``. A web page elsewhere can send a "simple" cross-site POST without any preflight;
  this is what stops it.
- A request to ``/v1/...`` without the right ``Authorization: Bearer <token>`` (when a token is
  set) gets 401. The page, its static files and ``/openapi.json`` hold no data and stay open,
  so the page can ask for the token.
- A body over the limit gets 413: at once when ``Content-Length`` says so, or as soon as the
  streamed bytes pass the limit. The rest of a moderately large body is read and dropped
  first, so that a client that writes its whole request before reading the answer sees the
  413 rather than a reset connection.
- ``HEAD`` is answered as ``GET`` without the body.
- Every response gets ``nosniff``, ``no-referrer``, frame denial and, unless the route set its
  own, a Content-Security-Policy that allows only this origin's scripts and styles.
- A client that goes away mid-request ends the request quietly (no traceback in the log); any
  other exception is logged and answered with a JSON 500 that tells nothing of its cause.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiretrace.serve.inputs import ApiError

log = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SAFETY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", PAGE_CSP.encode()),
    (b"cache-control", b"no-store"),
)
# Bodies up to this many times the limit are read and dropped before a 413; larger ones are
# cut off at once.
DRAIN_FACTOR = 4
# Sec-Fetch-Site values of a request the server's own page (or no page at all) made.
OWN_FETCH_SITES = (b"same-origin", b"none")
LOOPBACK_NAMES = ("localhost", "localhost.")


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


def host_name(header: str) -> str:
    """The host of a ``Host`` header, lower-case, without the port (``[::1]:8000`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """Which ``Host`` names the server answers to.

    - ``names``: exact host names or addresses (lower-case, no port);
    - ``any_ip``: any IP literal is fine (the server listens on every interface; a
      DNS-rebinding page always uses a name, never an address).
    """

    names: frozenset[str]
    any_ip: bool = False

    @classmethod
    def for_bind(cls, bind: str, allowed: Iterable[str] = ()) -> HostPolicy:
        names = {bind.strip("[]").lower(), *(h.strip().strip("[]").lower() for h in allowed)}
        address = _ip(bind)
        if bind.lower() in LOOPBACK_NAMES or (address is not None and address.is_loopback):
            names |= {"localhost", "127.0.0.1", "::1"}
        return cls(frozenset(n for n in names if n), address is not None and address.is_unspecified)

    def allows(self, host: str) -> bool:
        name = host_name(host)
        if name.rstrip(".") in self.names or name in self.names:
            return True
        return self.any_ip and _ip(name) is not None


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            "body_too_large",
            f"the request body is over the limit of {limit:,} bytes; send less (a shorter "
            "article, or fewer documents per request)",
        )


async def send_error(send: Send, error: ApiError, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(error.body()).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def drain(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a request body, up to ``budget`` bytes."""
    seen = 0
    while seen <= budget:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


class Guard:
    """Host and origin checks, token check, body limit, safety headers and the catch-all for
    every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_body: int,
        hosts: HostPolicy | None = None,
    ) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.max_body = max_body
        self.hosts = hosts

    def _authorised(self, scope: Scope) -> bool:
        if self.token is None or not str(scope.get("path", "")).startswith("/v1/"):
            return True
        value = _header(scope, b"authorization")
        if value is not None:
            scheme, _, given = value.partition(b" ")
            if scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.token):
                return True
        return False

    def _host_error(self, scope: Scope) -> ApiError | None:
        if self.hosts is None:
            return None
        host = _header(scope, b"host")
        if host is None:
            return ApiError(400, "missing_host", "the request has no Host header")
        shown = host.decode("latin-1")
        if not self.hosts.allows(shown):
            return ApiError(
                421,
                "unknown_host",
                f"this server does not answer to the host {shown[:200]!r}; start it with "
                "--allowed-host NAME to serve under that name",
            )
        return None

    def _cross_site_error(self, scope: Scope) -> ApiError | None:
        """403 for a ``/v1`` request made by another site's page (only without a token: with
        one, a request without it already gets 401)."""
        if self.token is not None or not str(scope.get("path", "")).startswith("/v1/"):
            return None
        site = _header(scope, b"sec-fetch-site")
        if site is not None and site.strip().lower() not in OWN_FETCH_SITES:
            return ApiError(
                403,
                "cross_site",
                "cross-site requests to the API are refused (Sec-Fetch-Site: "
                f"{site.decode('latin-1')[:40]}); use the server's own page, or start the "
                "server with a token and send it",
            )
        origin = _header(scope, b"origin")
        if origin is not None:
            host = (_header(scope, b"host") or b"").decode("latin-1").strip().lower()
            scheme = str(scope.get("scheme", "http"))
            given = origin.decode("latin-1").strip().lower()
            if given != f"{scheme}://{host}":
                return ApiError(
                    403,
                    "cross_site",
                    f"requests from the origin {given[:200]!r} are refused; use the server's "
                    "own page, or start the server with a token and send it",
                )
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope.get("method") == "HEAD"
        if head:  # answered as GET, without the body
            scope = {**scope, "method": "GET", "wiretrace.method": "HEAD"}
        reply = _Reply(send, head)
        refusal = self._refusal(scope)
        if refusal is not None:
            if refusal.drain:
                await drain(receive, DRAIN_FACTOR * self.max_body)
            await send_error(reply, refusal.error, list(refusal.headers))
            return
        await self._forward(scope, receive, reply)

    def _refusal(self, scope: Scope) -> _Refusal | None:
        """Why the request is refused before any route sees it, or ``None``."""
        refusal = self._host_error(scope)
        if refusal is not None:
            return _Refusal(refusal)
        declared = None
        length = _header(scope, b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                return _Refusal(
                    ApiError(400, "bad_content_length", "Content-Length is not a number")
                )
        # A body the client will write anyway is read and dropped first (see DRAIN_FACTOR).
        drainable = declared is not None and declared <= DRAIN_FACTOR * self.max_body
        if not self._authorised(scope):
            return _Refusal(
                ApiError(
                    401,
                    "unauthorized",
                    "this server needs an API token: send 'Authorization: Bearer <token>'",
                ),
                ((b"www-authenticate", b'Bearer realm="wiretrace"'),),
                drainable,
            )
        refusal = self._cross_site_error(scope)
        if refusal is not None:
            return _Refusal(refusal)
        if declared is not None and declared > self.max_body:
            return _Refusal(BodyTooLarge(self.max_body), drain=drainable)
        return None

    async def _forward(self, scope: Scope, receive: Receive, reply: _Reply) -> None:
        """Run the application with the body counted against the limit; the last word on
        what it raises."""
        budget = DRAIN_FACTOR * self.max_body
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    if message.get("more_body", False):
                        await drain(receive, budget - received)
                    raise BodyTooLarge(self.max_body)
            return message

        try:
            await self.app(scope, limited_receive, reply)
        except ClientDisconnect:
            log.info("client went away during %s %s", scope.get("method"), scope.get("path"))
        except Exception as exc:  # the last word: nothing the client sends gives a traceback
            log.exception("internal error", exc_info=exc)
            if not reply.started:
                await send_error(
                    reply,
                    ApiError(500, "internal_error", "internal error; see the server log"),
                    [],
                )


@dataclass(frozen=True, slots=True)
class _Refusal:
    """A request refused by the guard: the error, extra response headers, and whether to
    read and drop the body first."""

    error: ApiError
    headers: tuple[tuple[bytes, bytes], ...] = ()
    drain: bool = False


class _Reply:
    """The ``send`` of a request: adds the safety headers, drops the body of a ``HEAD``
    answer, and remembers whether the response has started."""

    def __init__(self, send: Send, head: bool) -> None:
        self.send = send
        self.head = head
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in SAFETY_HEADERS if k not in names]
            message = {**message, "headers": headers}
        elif self.head and message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await self.send(message)
