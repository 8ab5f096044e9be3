"""``DemoShop``: the shop on a loopback port, served from a daemon thread."""
from __future__ import annotations

import sys
import threading
import time
import traceback
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import checkout, shop
from .app import App, Request, Response
from .state import Store
from .toggles import Toggles

HOST = "127.0.0.1"  # loopback only: the demo shop is never reachable from the network
MAX_BODY = 64 * 1024
COOKIE = "sid"


def build_app(toggles: Toggles, password: str | None = None) -> App:
    app = App(toggles, Store(password))
    shop.install(app)
    checkout.install(app)
    return app


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Browsers keep connections open; stop() must not wait for them to hang up.
    block_on_close = False
    app: App

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a tab mid-response is normal during an audit, not worth a traceback.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "HearthAndBean/1.0"
    timeout = 30  # an idle keep-alive connection frees its thread after this

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the unread body would otherwise be parsed as the next request
            return self._send(Response(413, b"Request body too large\n", "text/plain; charset=utf-8"), None)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(self.server.app, self.command, url.path, dict(parse_qsl(url.query)),
                          dict(parse_qsl(body.decode("utf-8", "replace"))) if self.command == "POST" else {},
                          self._cookie())
        try:
            response = self.server.app.dispatch(request)
        except Exception:  # a bug in a route must cost one page, not the connection
            sys.stderr.write(f"demo shop: error serving {self.command} {url.path}\n{traceback.format_exc()}")
            response = Response(500, b"Internal server error\n", "text/plain; charset=utf-8")
        delay = self.server.app.toggles.delay_ms(response.stage)
        if delay and self.command in ("GET", "HEAD") and response.status == 200:
            time.sleep(delay / 1000)  # before the status line, so it shows up as server time (TTFB)
        self._send(response, request.session.sid if request.new_session else None)

    def _cookie(self) -> str | None:
        try:
            morsel = SimpleCookie(self.headers.get("Cookie", "")).get(COOKIE)
        except CookieError:
            return None
        return morsel.value if morsel else None

    def _send(self, response: Response, new_sid: str | None) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", response.cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "same-origin")
        if new_sid:
            self.send_header("Set-Cookie", f"{COOKIE}={new_sid}; Path=/; HttpOnly; SameSite=Lax")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_request(self, code="-", size="-") -> None:
        if self.server.app.verbose:  # access log only on request; errors are always written
            super().log_request(code, size)


class DemoShop:
    """The bundled demo shop. ``with DemoShop(PROFILES["friction"]) as shop: shop.url``."""

    def __init__(self, toggles: Toggles | None = None, *, password: str | None = None,
                 verbose: bool = False) -> None:
        self.toggles = toggles or Toggles()
        self.app = build_app(self.toggles, password)
        self.app.verbose = verbose
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, port: int = 0) -> "DemoShop":
        if self._server is not None:
            raise RuntimeError("the demo shop is already running")
        server = _Server((HOST, port), _Handler)
        server.app = self.app
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"demo-shop:{server.server_address[1]}", daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the demo shop is not running; call start() first")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "DemoShop":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server else "stopped"
        return f"DemoShop({self.toggles.describe()}, {where})"
