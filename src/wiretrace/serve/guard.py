"""ASGI middleware that runs before any route: API token, body size limit, safety headers.

Written as plain ASGI (not a Starlette ``BaseHTTPMiddleware``) so it can refuse a request
before its body is read and count the body as it streams in.

- A request to ``/v1/...`` without the right ``Authorization: Bearer <token>`` (when a token is
  set) gets 401. The page, its static files and ``/openapi.json`` hold no data and stay open,
  so the page can ask for the token.
- A body over the limit gets 413: at once when ``Content-Length`` says so, or as soon as the
  streamed bytes pass the limit. The rest of a moderately large body is read and dropped
  first, so that a client that writes its whole request before reading the answer sees the
  413 rather than a reset connection.
- Every response gets ``nosniff``, ``no-referrer``, frame denial and, unless the route set its
  own, a Content-Security-Policy that allows only this origin's scripts and styles.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiretrace.serve.inputs import ApiError

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Bodies up to this many times the limit are read and dropped before a 413; larger ones are
# cut off at once.
DRAIN_FACTOR = 4


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


class Guard:
    """Token check, body limit and safety headers for every HTTP request."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.max_body = max_body

    def _authorised(self, scope: Scope) -> bool:
        if self.token is None or not str(scope.get("path", "")).startswith("/v1/"):
            return True
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                if scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.token):
                    return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", PAGE_CSP.encode()),
                    (b"cache-control", b"no-store"),
                ]
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_error(
                        send_with_headers,
                        ApiError(400, "bad_content_length", "Content-Length is not a number"),
                        [],
                    )
                    return
        budget = DRAIN_FACTOR * self.max_body
        if not self._authorised(scope):
            if declared is not None and declared <= budget:
                await drain(receive, budget)
            await send_error(
                send_with_headers,
                ApiError(
                    401,
                    "unauthorized",
                    "this server needs an API token: send 'Authorization: Bearer <token>'",
                ),
                [(b"www-authenticate", b'Bearer realm="wiretrace"')],
            )
            return
        if declared is not None and declared > self.max_body:
            if declared <= budget:
                await drain(receive, budget)
            await send_error(send_with_headers, BodyTooLarge(self.max_body), [])
            return

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

        await self.app(scope, limited_receive, send_with_headers)
