"""The app's one middleware, as plain ASGI: the session cookie in, Set-Cookie and security
headers out.

Plain ASGI rather than ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware runs each
request through an extra task and memory streams, which cost about a millisecond of CPU a
request — a third of the agency API's budget under load (``bench.service_load``).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review_ui.security import SESSION_COOKIE, SessionCodec, SessionData

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


class SessionMiddleware:
    """Puts the signed session cookie's :class:`SessionData` in ``request.state.session``; sends
    it back (Set-Cookie) when a route marked it dirty; adds the security headers, and
    ``Cache-Control: no-store`` on HTML pages. Paths under ``skip_prefix`` (the agency API,
    keyed, never signed in by cookie) get the headers but no session."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        codec: SessionCodec,
        max_age_s: int,
        secure: bool,
        skip_prefix: str | None = None,
    ) -> None:
        self.app = app
        self.skip_prefix = skip_prefix
        self.codec = codec
        self.max_age_s = max_age_s
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session: SessionData | None = None
        state = scope.setdefault("state", {})
        if not (self.skip_prefix and scope["path"].startswith(self.skip_prefix)):
            cookie = next((v for k, v in scope["headers"] if k == b"cookie"), None)
            token = cookie_parser(cookie.decode("latin-1")).get(SESSION_COOKIE) if cookie else None
            session = state["session"] = self.codec.loads(token)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if session is not None:
                    data: SessionData = state["session"]  # a route may have replaced it
                    if data.dirty:
                        headers.append("set-cookie", self._cookie(data))
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if headers.get("content-type", "").startswith("text/html") and (
                    "cache-control" not in headers
                ):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _cookie(self, data: SessionData) -> str:
        parts = [
            f"{SESSION_COOKIE}={self.codec.dumps(data)}",
            f"Max-Age={self.max_age_s}",
            "HttpOnly",
            "Path=/",
            "SameSite=lax",
        ]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)
