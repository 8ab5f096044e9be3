"""The shop as a plain function of a request: routing, sessions, template rendering.

Kept apart from ``server.py`` (sockets, threads) so a route is a small function that takes a
``Request`` and returns a ``Response``, and the HTTP plumbing lives in one place.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import catalog, pricing
from .state import Account, Session, Store
from .toggles import Toggles

HERE = Path(__file__).parent


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    stage: str | None = None  # the stage kind whose ``slow`` delay applies (set by the router)
    cache: str = "no-store"


@dataclass
class Request:
    app: "App"
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    sid: str | None
    _session: Session | None = None
    new_session: bool = False

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session, self.new_session = self.app.store.session(self.sid)
        return self._session


def redirect(location: str) -> Response:
    # 303 after every POST, so a reload never repeats an order or a cart change.
    return Response(303, b"", "text/plain; charset=utf-8", [("Location", location)])


def json_response(data: object) -> Response:
    return Response(200, json.dumps(data, indent=1).encode(), "application/json")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: ``next=//evil.example`` must not turn sign-in into an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def jsonld(data: object) -> Markup:
    """JSON for a <script type="application/ld+json"> block that no product name can break out of."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


Handler = Callable[..., Response]


class App:
    def __init__(self, toggles: Toggles, store: Store) -> None:
        self.toggles = toggles
        self.store = store
        self.verbose = False  # log every request to stderr
        self.products = {p.slug: p for p in catalog.products(toggles.xss)}
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["money"] = pricing.money
        self.env.filters["urlquote"] = lambda s: quote(str(s), safe="/")
        self.env.globals.update(shop_name=catalog.SHOP_NAME, categories=catalog.CATEGORIES,
                                t=toggles, free_from=pricing.FREE_SHIPPING_FROM, jsonld=jsonld,
                                delivery_options=pricing.DELIVERY)
        self._routes: list[tuple[str, re.Pattern[str], Handler, str | None]] = []

    def route(self, method: str, pattern: str, stage: str | None = None):
        def register(fn: Handler) -> Handler:
            self._routes.append((method, re.compile(pattern + r"\Z"), fn, stage))
            return fn
        return register

    def dispatch(self, request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        allowed = []
        for route_method, pattern, fn, stage in self._routes:
            match = pattern.match(request.path)
            if not match:
                continue
            if route_method != method:
                allowed.append(route_method)
                continue
            response = fn(request, **match.groupdict())
            if response.stage is None and response.status == 200:
                response.stage = stage
            return response
        if allowed:
            return Response(405, b"Method not allowed\n", "text/plain; charset=utf-8",
                            [("Allow", ", ".join(sorted(set(allowed + ["HEAD"] * ("GET" in allowed)))))])
        return self.not_found(request)

    # rendering ----------------------------------------------------------------------------------
    def lines(self, session: Session) -> tuple[pricing.Line, ...]:
        cart = self.store.update(session, lambda s: dict(s.cart))  # a snapshot: another tab may be editing
        return pricing.lines_of(cart, self.products)

    def cart_totals(self, session: Session) -> pricing.Totals:
        return pricing.totals(self.lines(session), session.checkout.get("delivery", "standard"),
                              late_fees=self.toggles.late_fees)

    def final_totals(self, session: Session) -> pricing.Totals:
        return pricing.totals(self.lines(session), session.checkout.get("delivery", "standard"),
                              late_fees=self.toggles.late_fees, final=True)

    def user(self, session: Session) -> Account | None:
        return self.store.account(session.user)

    def render(self, request: Request, template: str, status: int = 200, **context) -> Response:
        session = request.session
        flash, session.flash = session.flash, None
        html = self.env.get_template(template).render(
            path=request.path, user=self.user(session), cart_count=self.cart_totals(session).count,
            flash=flash, **context)
        return Response(status, html.encode())

    def not_found(self, request: Request) -> Response:
        return self.render(request, "not_found.html", status=404, title="Page not found")
