"""Server-side state: sessions (cart, checkout details, signed-in user), accounts and orders.

All of it lives in memory behind one lock per shop; the browser only holds an opaque ``sid`` cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

DEMO_EMAIL = "shopper@example.test"
DEMO_NAME = "Alex Morgan"
DEFAULT_PASSWORD = "correct-horse-battery"
PASSWORD_ENV = "DEMO_SHOP_PASSWORD"
MAX_SESSIONS = 5000  # oldest sessions are dropped first; the demo must not grow without bound
MAX_QUANTITY = 99


@dataclass(frozen=True)
class Notice:
    """A one-shot message for the next page, with an optional follow-up link."""

    text: str
    link_text: str = ""
    link_href: str = ""
    link_id: str = ""


@dataclass
class Session:
    sid: str
    cart: dict[str, int] = field(default_factory=dict)  # product slug → quantity, in insertion order
    checkout: dict[str, str] = field(default_factory=dict)  # the address step's answers
    user: str | None = None  # email of the signed-in account
    flash: Notice | None = None
    orders: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    salt: bytes
    digest: bytes

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.email.split("@")[0]


def _digest(password: str, salt: bytes) -> bytes:
    # Low iteration count: these are throw-away demo accounts, but still never stored in clear.
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 20_000)


def make_account(email: str, name: str, password: str) -> Account:
    salt = secrets.token_bytes(16)
    return Account(email.strip().lower(), name.strip(), salt, _digest(password, salt))


class Store:
    """Everything one shop instance remembers. Methods take the lock; callers never do."""

    def __init__(self, password: str | None = None) -> None:
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        demo_password = password or os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD
        self._accounts = {DEMO_EMAIL: make_account(DEMO_EMAIL, DEMO_NAME, demo_password)}
        self._orders: dict[str, dict[str, Any]] = {}

    # sessions -----------------------------------------------------------------------------------
    def session(self, sid: str | None) -> tuple[Session, bool]:
        """The session for a cookie value, or a fresh one (second item True when it is new)."""
        with self._lock:
            if sid and sid in self._sessions:
                self._sessions.move_to_end(sid)
                return self._sessions[sid], False
            session = Session(secrets.token_urlsafe(24))
            self._sessions[session.sid] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
            return session, True

    def update(self, session: Session, fn) -> Any:
        """Run ``fn(session)`` under the lock, so two tabs cannot interleave a cart change."""
        with self._lock:
            return fn(session)

    # carts --------------------------------------------------------------------------------------
    def set_quantity(self, session: Session, slug: str, quantity: int, add: bool = False) -> None:
        def change(s: Session) -> None:
            qty = (s.cart.get(slug, 0) + quantity) if add else quantity
            qty = max(0, min(MAX_QUANTITY, qty))
            if qty:
                s.cart[slug] = qty
            else:
                s.cart.pop(slug, None)
        self.update(session, change)

    # accounts -----------------------------------------------------------------------------------
    def authenticate(self, email: str, password: str) -> Account | None:
        with self._lock:
            account = self._accounts.get(email.strip().lower())
        if account and hmac.compare_digest(account.digest, _digest(password, account.salt)):
            return account
        return None

    def account(self, email: str | None) -> Account | None:
        with self._lock:
            return self._accounts.get((email or "").lower())

    def register(self, email: str, name: str, password: str) -> Account | None:
        """A new account; for an existing email only a matching password signs in (None otherwise).

        Registering again with the same details succeeds so that a scenario can run on both devices
        against one server.
        """
        existing = self.authenticate(email, password)
        if existing:
            return existing
        with self._lock:
            if email.strip().lower() in self._accounts:
                return None
            account = make_account(email, name, password)
            self._accounts[account.email] = account
            return account

    # orders -------------------------------------------------------------------------------------
    def place_order(self, session: Session, order: dict[str, Any]) -> str:
        with self._lock:
            while True:
                order_id = f"HB-{secrets.randbelow(900000) + 100000}"
                if order_id not in self._orders:
                    break
            self._orders[order_id] = {**order, "id": order_id, "sid": session.sid}
            session.orders.append(order_id)
            session.cart.clear()
            session.checkout.clear()
            return order_id

    def order(self, session: Session, order_id: str) -> dict[str, Any] | None:
        with self._lock:
            order = self._orders.get(order_id)
        # Another shopper's order number must not reveal their address: 404 for everyone else.
        return order if order and order["sid"] == session.sid else None
