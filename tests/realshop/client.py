"""A shopper's requests without a browser (urllib, a cookie jar, Django's CSRF token), to check a variant's setup."""
from __future__ import annotations

import http.cookiejar
import urllib.parse
import urllib.request
from dataclasses import dataclass

from lxml import html as lhtml


@dataclass(frozen=True)
class Page:
    url: str
    text: str


class ShopClient:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self._open = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar)).open

    def get(self, path: str) -> Page:
        with self._open(self.base + path, timeout=60) as resp:
            return Page(resp.url, resp.read().decode("utf-8"))

    def post(self, path: str, form: dict) -> Page:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        with self._open(urllib.request.Request(self.base + path, data=body), timeout=60) as resp:
            return Page(resp.url, resp.read().decode("utf-8"))

    def add_to_basket(self, title: str) -> None:
        """Open the product from the catalogue page and post its add-to-basket form, as the product page does."""
        listing = lhtml.fromstring(self.get("/catalogue/").text)
        links = listing.xpath("//article[@class='product_pod']//h3/a[@title=$t]/@href", t=title)
        assert links, f"no product {title!r} on the catalogue page"
        product = lhtml.fromstring(self.get(links[0]).text)
        action = product.xpath("//form[@id='add_to_basket_form']/@action")[0]
        self.post(action, {"quantity": "1"})

    def basket_shipping(self) -> str | None:
        return self.shipping_in(self.get("/basket/").text)

    @staticmethod
    def shipping_in(page: str) -> str | None:
        """The amount on the row after the basket totals' "Shipping" heading (Oscar's basket_totals.html)."""
        rows = lhtml.fromstring(page).xpath("//*[@id='basket_totals']//tr")
        for i, row in enumerate(rows):
            if row.xpath("normalize-space(.//h3)") == "Shipping" and i + 1 < len(rows):
                cells = rows[i + 1].xpath("./th|./td")
                return cells[-1].text_content().strip() if cells else None
        return None
