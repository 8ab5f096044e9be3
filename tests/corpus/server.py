"""Serve one corpus family (``tests/corpus/<family>/``) as a shop on a loopback port.

    with CorpusServer(Path("tests/corpus/shopify-dawn"), "friction") as shop:
        shop.url          # http://127.0.0.1:PORT  (what the scenario's --base-url gets)
        shop.alt_url      # http://localhost:PORT  (a second origin on the same server: card iframes)
        shop.requests     # [(method, path, form body)] in arrival order, for tests

The family's ``routes.yaml`` says how each request is answered (README.md has the format); a variant's
own ``routes.yaml`` replaces routes with the same method and path and adds the others, and its files
override ``pages/`` file by file. ``{{ORIGIN}}`` and ``{{ALT_ORIGIN}}`` in text files are replaced at
serve time. Nothing here runs code from a page: pages are static files, as a theme renders them.
"""
from __future__ import annotations

import mimetypes
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml

from .truth import yaml_line

HOST = "127.0.0.1"  # loopback only
ALT_HOST = "localhost"  # same socket, another origin for the browser
MAX_BODY = 64 * 1024
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
REDIRECTS = (301, 302, 303, 307, 308)
ROUTE_KEYS = {"path", "method", "file", "status", "redirect", "delay_ms", "content_type", "headers", "form"}
TYPES = {".js": "application/javascript", ".mjs": "application/javascript", ".svg": "image/svg+xml",
         ".json": "application/json", ".css": "text/css", ".html": "text/html", ".woff2": "font/woff2"}


class RoutesError(ValueError):
    """A routes.yaml that cannot be served: the message names the file and the route."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    file: str | None = None
    status: int = 200
    redirect: str | None = None
    delay_ms: int = 0
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    # POST only: (field, value) pairs the form body must carry (value None: the field is there) — several
    # steps that post to one URL, as PrestaShop's checkout does, are told apart by their submit field.
    form: tuple[tuple[str, str | None], ...] = ()

    def accepts(self, body: dict[str, str]) -> bool:
        return all(k in body and (v is None or body[k] == v) for k, v in self.form)


@dataclass(frozen=True)
class Site:
    """What a family × variant serves: routes by (method, path, form condition), the fallback file, the
    folders files come from (the variant's first)."""

    routes: dict[tuple[str, str, tuple], Route]
    fallback: str | None
    roots: tuple[Path, ...]

    def match(self, method: str, path: str, body: dict[str, str]) -> Route | None:
        """The route for a request: one whose form condition the body meets, else the unconditioned one."""
        here = [r for (m, p, _), r in self.routes.items() if m == method and p == path]
        return next((r for r in here if r.form and r.accepts(body)), None) or \
            next((r for r in here if not r.form), None)

    def find(self, name: str) -> Path | None:
        for root in self.roots:
            path = (root / name).resolve()
            if path.is_relative_to(root.resolve()) and path.is_file():
                return path
        return None


def _route(raw, where: str) -> Route:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str) or not raw["path"].startswith("/"):
        raise RoutesError(f"{where}: a route is a mapping with a path starting with '/', found {raw!r}")
    unknown = set(raw) - ROUTE_KEYS
    if unknown:
        raise RoutesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(ROUTE_KEYS))})")
    method = str(raw.get("method", "GET")).upper()
    if method not in ("GET", "POST"):
        raise RoutesError(f"{where}: method must be GET or POST, found {method}")
    status = int(raw.get("status", 303 if raw.get("redirect") else 200))
    if raw.get("redirect") and status not in REDIRECTS:
        raise RoutesError(f"{where}: a redirect needs a 3xx status ({', '.join(map(str, REDIRECTS))}), found {status}")
    if not raw.get("redirect") and not raw.get("file") and status == 200:
        raise RoutesError(f"{where}: a route needs a file or a redirect")
    headers = raw.get("headers") or {}
    if not isinstance(headers, dict):
        raise RoutesError(f"{where}: headers must be a mapping of name to value")
    form = raw.get("form") or {}
    if not isinstance(form, dict) or (form and method != "POST"):
        raise RoutesError(f"{where}: form must be a mapping of field to value (or null), on a POST route")
    return Route(method, raw["path"], raw.get("file"), status, raw.get("redirect"), int(raw.get("delay_ms") or 0),
                 raw.get("content_type"), {str(k): str(v) for k, v in headers.items()},
                 tuple(sorted((str(k), None if v is None else str(v)) for k, v in form.items())))


def _read_routes(path: Path) -> tuple[dict[tuple[str, str, tuple], Route], str | None]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RoutesError(f"{path}:{yaml_line(exc)} invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("routes", []), list):
        raise RoutesError(f"{path}: expected a mapping with a 'routes' list")
    routes = {}
    for i, raw in enumerate(doc.get("routes") or []):
        r = _route(raw, f"{path}: routes[{i}]")
        routes[(r.method, r.path, r.form)] = r
    return routes, doc.get("fallback")


def load_site(family_dir: Path, variant: str | None = None) -> Site:
    """The routes and files of ``family_dir`` as ``variant`` changes them (None: the pages as they are)."""
    family_dir = Path(family_dir)
    routes, fallback = _read_routes(family_dir / "routes.yaml")
    roots = (family_dir / "pages",)
    if variant:
        vdir = family_dir / "variants" / variant
        if not vdir.is_dir():
            known = sorted(p.name for p in (family_dir / "variants").glob("*") if p.is_dir())
            raise RoutesError(f"{family_dir.name}: no variant {variant!r} (variants/: {', '.join(known) or 'none'})")
        if (vdir / "routes.yaml").is_file():
            extra, vfallback = _read_routes(vdir / "routes.yaml")
            routes = {**routes, **extra}
            fallback = vfallback or fallback
        roots = (vdir, *roots)
    site = Site(routes, fallback, roots)
    for r in [*routes.values()] + ([Route("GET", "(fallback)", fallback)] if fallback else []):
        if r.file and site.find(r.file) is None:
            raise RoutesError(f"{family_dir.name}/{variant or 'pages'}: {r.method} {r.path}: no file {r.file!r}")
    return site


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # browsers keep connections open; stop() must not wait for them
    site: Site
    origins: dict[str, str]
    log: list[tuple[str, str, dict]]

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return  # a tab closed mid-response is normal during a walk
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            return self._send(413, b"request body too large\n", "text/plain")
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        path = urlsplit(self.path).path
        form = dict(parse_qsl(body, keep_blank_values=True)) if body else {}
        self.server.log.append((self.command, path, form))
        site = self.server.site
        method = "GET" if self.command == "HEAD" else self.command
        route = site.match(method, path, form)
        if route is None and method == "GET" and site.fallback:
            route = Route("GET", path, site.fallback)
        if route is None:
            allowed = sorted({m for (m, p, _) in site.routes if p == path and m != method})
            return self._send(405 if allowed else 404, b"not found\n" if not allowed else b"method not allowed\n",
                              "text/plain", {"Allow": ", ".join(allowed)} if allowed else {})
        if route.delay_ms:
            time.sleep(route.delay_ms / 1000)  # before the status line: it shows as server time
        headers = dict(route.headers)
        if route.redirect:
            headers["Location"] = self._fill(route.redirect)
        if not route.file:
            return self._send(route.status, b"", "text/plain", headers)
        file = site.find(route.file)
        ctype = route.content_type or TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or \
            "application/octet-stream"
        data = file.read_bytes()
        if ctype.startswith(TEXT_TYPES):
            data = self._fill(data.decode("utf-8")).encode("utf-8")
            ctype += "; charset=utf-8" if "charset" not in ctype else ""
        self._send(route.status, data, ctype, headers)

    def _fill(self, text: str) -> str:
        for name, value in self.server.origins.items():
            text = text.replace("{{%s}}" % name, value)
        return text

    def _send(self, status: int, data: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class CorpusServer:
    """A family × variant on 127.0.0.1:<free port>, served from a daemon thread; a context manager."""

    def __init__(self, family_dir: Path, variant: str | None = None):
        self.site = load_site(family_dir, variant)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def alt_url(self) -> str:
        return f"http://{ALT_HOST}:{self.port}"

    @property
    def requests(self) -> list[tuple[str, str, dict]]:
        return list(self._server.log) if self._server else []

    def start(self) -> "CorpusServer":
        self._server = _Server((HOST, 0), _Handler)
        self._server.site = self.site
        self._server.origins = {"ORIGIN": self.url, "ALT_ORIGIN": self.alt_url}
        self._server.log = []
        self._thread = threading.Thread(target=self._server.serve_forever, name="corpus-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "CorpusServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """python tests/corpus/server.py <family> [variant]: serve it until Ctrl-C (to look at it in a browser)."""
    args = (argv if argv is not None else sys.argv[1:]) or ["--help"]
    if args[0] in ("-h", "--help"):
        print(main.__doc__)
        return
    family = Path(args[0]) if Path(args[0]).is_dir() else Path(__file__).parent / args[0]
    with CorpusServer(family, args[1] if len(args) > 1 else None) as shop:
        print(f"{family.name}: {shop.url}  (alt origin {shop.alt_url}); Ctrl-C stops")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
