"""A small shop that breaks on purpose: one route per way a staging site fails.

    with FaultServer() as fs:                       # http://127.0.0.1:PORT, threaded, loopback only
        fs.url + "/ok"                              # a good page to start a journey on
    with FaultServer(tls=TlsFiles.make(tmp)) as fs: # the same routes over https with a self-signed cert

Routes (GET):
  /ok, /page/<name>         a good page ("Fault shop · <name>") with a link to every fault
  /hang                     reads the request and never answers (until the server stops)
  /partial                  sends headers and the start of the body, then stalls
  /status/<code>            that HTTP status with a small error page
  /flaky/<key>?fail=N&code=C  the first N requests for <key> get status C (default 503), then a good page
  /loop, /loop2             redirect to each other for ever
  /redirect?to=URL          302 to URL (an outside host, say)
  /dialog/<alert|confirm|prompt>   a page that opens that dialog while it loads
  /beforeunload             a page that asks "leave site?" when the shopper navigates away (#leave)
  /popup                    #open calls window.open, #blank is a target=_blank link
  /modal                    a newsletter modal covers the page, so a click on #buy is intercepted
  /download?name=N          Content-Disposition: attachment instead of a page
  /download-link?name=N     a page whose #dl link downloads
  /signup                   a form with #user, a password field and a card field, submitted to /echo
  /echo?…                   echoes every query value back: as text, in the title, an attribute,
                            an input's value and the console
  /big?n=N&h=H              N paragraphs of text on a page H px tall
  /busy?after=MS            a script that never yields, from MS after the page has loaded or
                            when #spin is clicked
  /third-party              an image from http://localhost:PORT (another host) and #out, a link there
  /missing                  a good page without the selector a scenario waits for
  /spa?delay=S              a single-page shop: #to-product shows the product with history.pushState, its
                            hero image (#hero, HERO_RGB) served S seconds late by /hero.png?delay=S
  /flood?n=N                history.pushState N times after load (n=forever: replaceState in an endless loop)
  /hung?what=W&where=H      a good page with one subresource that never answers: W image | script | async,
                            H same (this host) | third (http://localhost:PORT, another host)
  /dialog-loop              alert() in an endless loop while the page is parsed
  /busy-parse               an endless loop in an inline script while the page is parsed
  /auth                     401 with WWW-Authenticate: Basic (a staging shop behind a password)

``requests`` logs (host, path) of every request, so a test can say what the browser never asked for.
"""
from __future__ import annotations

import html
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

HOST = "127.0.0.1"
HANG_S = 120.0  # how long a hanging route holds its connection at most (stop() releases it at once)
HERO_RGB = (214, 40, 40)  # the single-page shop's hero image: one flat colour a test can look for


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    @classmethod
    def make(cls, folder: Path) -> "TlsFiles":
        """A throw-away self-signed certificate for 127.0.0.1 (openssl CLI; the cryptography
        package is not a dependency). Raises RuntimeError when openssl is missing or fails."""
        openssl = shutil.which("openssl")
        if not openssl:
            raise RuntimeError("the openssl command is not installed")
        cert, key = folder / "cert.pem", folder / "key.pem"
        res = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True, timeout=60)
        if res.returncode != 0:
            raise RuntimeError(f"openssl req failed: {res.stderr.strip()[-300:]}")
        return cls(cert, key)


def _page(title: str, body: str, head: str = "") -> bytes:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>body{{font:16px sans-serif;margin:2em}} button{{font-size:18px;padding:8px 16px}}</style>"
            f"{head}</head><body>{body}</body></html>").encode()


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), rgb).save(out, "PNG")
    return out.getvalue()


GOOD_BODY = """<h1 id="heading">Fault shop</h1><p>A page that works.</p>
<nav><a id="next" href="/page/next">Next</a> <a id="to-500" href="/status/500">Broken</a>
<a id="to-loop" href="/loop">Loop</a> <a id="to-out" href="/redirect?to=http://outside.invalid/">Outside</a></nav>"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stopping = threading.Event()
        self.requests: list[tuple[str, str]] = []
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def handle_error(self, request, client_address):  # a browser hanging up mid-response is normal here
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing waits on keep-alive

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        with self.server.lock:
            self.server.requests.append((self.headers.get("Host", ""), self.path))
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        parts = [p for p in url.path.split("/") if p]
        name = parts[0] if parts else "ok"
        handler = getattr(self, "r_" + name.replace("-", "_").replace(".", "_"), None)
        if handler is None:
            return self.send(404, _page("Not found", "<h1>Not found</h1>"))
        handler(parts[1:], query)

    # ---- plumbing --------------------------------------------------------------------------------
    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
             headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def hold(self) -> None:
        self.server.stopping.wait(HANG_S)

    # ---- routes ----------------------------------------------------------------------------------
    def r_ok(self, rest, q) -> None:
        self.send(200, _page("Fault shop · ok", GOOD_BODY))

    def r_page(self, rest, q) -> None:
        label = rest[0] if rest else "page"
        self.send(200, _page(f"Fault shop · {label}", GOOD_BODY))

    def r_missing(self, rest, q) -> None:
        self.send(200, _page("Fault shop · missing", "<h1>This page has no #never element</h1>"))

    def r_hang(self, rest, q) -> None:
        self.hold()

    def r_partial(self, rest, q) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "200000")
        self.end_headers()
        try:
            self.wfile.write(b"<!doctype html><html><head><title>Half a page</title></head><body><h1>Loading")
            self.wfile.flush()
        except OSError:
            return
        self.hold()

    def r_status(self, rest, q) -> None:
        code = int(rest[0]) if rest and rest[0].isdigit() else 500
        echoed = "".join(f"<p class='echo'>{html.escape(v)}</p>" for v in q.values())
        self.send(code, _page(f"Error {code}", f"<h1>Error {code}</h1><p>The server is having a bad day.</p>{echoed}"))

    def r_flaky(self, rest, q) -> None:
        key = rest[0] if rest else "default"
        with self.server.lock:
            n = self.server.counts[key] = self.server.counts.get(key, 0) + 1
        if n <= int(q.get("fail", "1")):
            code = int(q.get("code", "503"))
            return self.send(code, _page(f"Error {code}", f"<h1>Error {code}</h1><p>Try again.</p>"))
        self.send(200, _page("Fault shop · recovered", GOOD_BODY))

    def r_loop(self, rest, q) -> None:
        self.send(302, b"", headers=(("Location", "/loop2"),))

    def r_loop2(self, rest, q) -> None:
        self.send(302, b"", headers=(("Location", "/loop"),))

    def r_redirect(self, rest, q) -> None:
        self.send(302, b"", headers=(("Location", q.get("to", "/ok")),))

    def r_dialog(self, rest, q) -> None:
        kind = rest[0] if rest and rest[0] in ("alert", "confirm", "prompt") else "alert"
        self.send(200, _page(f"Fault shop · {kind}", f"<h1>A page with a {kind}</h1>",
                             f"<script>{kind}('Are you sure you want to continue?')</script>"))

    def r_beforeunload(self, rest, q) -> None:
        script = ("<script>addEventListener('beforeunload', (e) => { e.preventDefault(); e.returnValue = ''; });"
                  "</script>")
        self.send(200, _page("Fault shop · leave?", "<h1>Unsaved changes</h1><a id='leave' href='/page/left'>Leave</a>",
                             script))

    def r_popup(self, rest, q) -> None:
        body = ("<h1>Pop-ups</h1><button id='open' onclick=\"window.open('/page/popup', 'win', 'width=400')\">"
                "Open a window</button> <a id='blank' href='/page/tab' target='_blank'>New tab</a>")
        self.send(200, _page("Fault shop · popup", body))

    def r_modal(self, rest, q) -> None:
        body = ("<h1>Product</h1><button id='buy'>Add to cart</button>"
                "<div id='newsletter' style='position:fixed;inset:0;background:rgba(0,0,0,.6);display:flex;"
                "align-items:center;justify-content:center'><div style='background:#fff;padding:2em'>"
                "<h2>Subscribe to our newsletter!</h2><button id='close-modal'>No thanks</button></div></div>")
        self.send(200, _page("Fault shop · modal", body))

    def r_download(self, rest, q) -> None:
        fname = q.get("name", "price-list.csv").replace('"', "")
        self.send(200, b"sku,price\nmug,28.50\n", "text/csv",
                  headers=(("Content-Disposition", f'attachment; filename="{fname}"'),))

    def r_download_link(self, rest, q) -> None:
        href = "/download?name=" + quote(q.get("name", "price-list.csv"))
        self.send(200, _page("Fault shop · download", f"<h1>Price list</h1><a id='dl' href='{html.escape(href)}'>"
                                                       "Download</a>"))

    def r_signup(self, rest, q) -> None:
        body = ("<h1>Create an account</h1><form id='f' action='/echo' method='get'>"
                "<label>Email <input id='user' name='user' type='text'></label><br>"
                "<label>Password <input id='password' name='pw' type='password'></label><br>"
                "<label>Card number <input id='card' name='cardnumber' autocomplete='cc-number'></label><br>"
                "<button id='submit' type='submit'>Create account</button></form>")
        self.send(200, _page("Fault shop · sign up", body))

    def r_echo(self, rest, q) -> None:
        # A careless site: everything it was sent comes back, in every place a capture reads.
        items = list(q.items())
        text = "".join(f"<p class='echo' data-echo='{html.escape(v)}'>You sent {html.escape(k)} = "
                       f"{html.escape(v)}</p><input class='echo-input' value='{html.escape(v)}'>" for k, v in items)
        title = "Welcome " + " ".join(v for _, v in items)
        script = "<script>console.error('echo: ' + %s)</script>" % repr(" ".join(v for _, v in items)).replace("<", "\\x3c")
        self.send(200, _page(title, f"<h1>Welcome</h1>{text}", script))

    def r_big(self, rest, q) -> None:
        n, h = int(q.get("n", "300")), int(q.get("h", "4000"))
        paras = "".join(f"<p>Paragraph {i} of a page that goes on and on.</p>" for i in range(n))
        self.send(200, _page("Fault shop · big", f"<h1>Big</h1>{paras}<div style='height:{h}px'></div>"))

    def r_busy(self, rest, q) -> None:
        after = int(q.get("after", "50"))
        script = f"<script>addEventListener('load', () => setTimeout(() => {{ for (;;) {{}} }}, {after}));</script>"
        body = "<h1>This page never stops working</h1><button id='spin' onclick='for (;;) {}'>Spin</button>"
        self.send(200, _page("Fault shop · busy", body, script))

    def r_third_party(self, rest, q) -> None:
        port = self.server.server_address[1]
        body = (f"<h1>Third parties</h1><img id='pixel' alt='' src='http://localhost:{port}/pixel.svg'>"
                f"<a id='out' href='http://localhost:{port}/page/elsewhere'>Partner shop</a>")
        self.send(200, _page("Fault shop · third party", body))

    def r_spa(self, rest, q) -> None:
        delay = float(q.get("delay", "0"))
        script = ("<script>document.addEventListener('click', (e) => {"
                  " const a = e.target.closest('a[data-route]'); if (!a) return; e.preventDefault();"
                  " history.pushState({}, '', a.getAttribute('href'));"
                  " document.getElementById('app').innerHTML = '<h1>Ceramic dripper</h1><p>$28.00</p>'"
                  f" + '<img id=\"hero\" alt=\"Ceramic dripper\" width=\"600\" height=\"400\" src=\"/hero.png?delay={delay}\">';"
                  "});</script>")
        body = ("<nav><a id='to-product' data-route href='/spa/product'>Ceramic dripper</a></nav>"
                "<main id='app'><h1>Single-page shop</h1><p>Pick a product.</p></main>")
        self.send(200, _page("Fault shop · spa", body, script))

    def r_hero_png(self, rest, q) -> None:
        self.server.stopping.wait(float(q.get("delay", "0")))
        self.send(200, _png(600, 400, HERO_RGB), "image/png")

    def r_flood(self, rest, q) -> None:
        n = q.get("n", "100000")
        loop = ("for (;;) history.replaceState({}, '', '/flood?i=' + Math.random());" if n == "forever" else
                f"for (let i = 0; i < {int(n)}; i++) history.pushState({{i}}, '', '/flood?i=' + i);")
        script = f"<script>addEventListener('load', () => setTimeout(() => {{ {loop} }}, 50));</script>"
        self.send(200, _page("Fault shop · flood", "<h1>History flood</h1>", script))

    def r_hung(self, rest, q) -> None:
        host = f"http://localhost:{self.server.server_address[1]}" if q.get("where") == "third" else ""
        what = q.get("what", "image")
        tag = {"image": f"<img id='stuck' alt='' width='200' height='100' src='{host}/hang?img'>",
               "script": f"<script src='{host}/hang?js'></script>",
               "async": f"<script async src='{host}/hang?js'></script>"}[what]
        self.send(200, _page("Fault shop · hung", f"{GOOD_BODY}{tag}<p id='after'>After the {what}.</p>"))

    def r_dialog_loop(self, rest, q) -> None:
        script = "<script>for (let i = 0; ; i++) alert('Sale ends soon! ' + i);</script>"
        self.send(200, _page("Fault shop · dialogs", "<h1>Dialogs</h1>" + script))

    def r_busy_parse(self, rest, q) -> None:
        self.send(200, _page("Fault shop · busy parse", "<h1>Busy while parsed</h1><script>for (;;) {}</script>"))

    def r_auth(self, rest, q) -> None:
        self.send(401, _page("Unauthorized", "<h1>401 Unauthorized</h1>"),
                  headers=(("WWW-Authenticate", 'Basic realm="staging"'),))

    def r_pixel_svg(self, rest, q) -> None:
        self.send(200, b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", "image/svg+xml")


class FaultServer:
    """The faulty shop on an ephemeral loopback port; ``tls`` serves it over https."""

    def __init__(self, tls: TlsFiles | None = None):
        self.tls = tls
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "FaultServer":
        server = _Server((HOST, 0), _Handler)
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(self.tls.cert), str(self.tls.key))
            server.socket = ctx.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                                        name=f"fault-server:{server.server_address[1]}")
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{HOST}:{self.port}"

    @property
    def requests(self) -> list[tuple[str, str]]:
        assert self._server is not None
        with self._server.lock:
            return list(self._server.requests)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()  # hanging routes return now
        server.shutdown()
        server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]
