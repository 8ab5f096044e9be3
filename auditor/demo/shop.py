"""Browsing routes: home, categories, search, product pages, the cart, help pages and static files."""
from __future__ import annotations

import mimetypes
from decimal import Decimal

from . import art, catalog
from .app import HERE, App, Request, Response, json_response, redirect
from .pricing import DELIVERY, FREE_SHIPPING_FROM
from .state import MAX_QUANTITY, Notice

STATIC = HERE / "static"
# The set of servable files is fixed at import: a request path is looked up, never joined to a path.
STATIC_FILES = {p.relative_to(STATIC).as_posix(): p for p in STATIC.rglob("*") if p.is_file()}
ROBOTS = b"User-agent: *\nDisallow: /api/\nDisallow: /account/\n"
HELP_PAGES = {
    "returns": "Returns & refunds",
    "privacy": "Privacy policy",
    "shipping": "Shipping & delivery",
    "about": "About us",
}


def _quantity(value: str | None, default: int = 1) -> int:
    try:
        return max(0, min(MAX_QUANTITY, int(str(value).strip())))
    except (TypeError, ValueError):
        return default


def product_jsonld(app: App, p: catalog.Product) -> dict:
    """schema.org Product as Google documents it; shipping and rating only when the page shows them."""
    offer = {"@type": "Offer", "price": str(p.price), "priceCurrency": catalog.CURRENCY,
             "availability": "https://schema.org/InStock", "url": f"/p/{p.slug}",
             "itemCondition": "https://schema.org/NewCondition"}
    if not app.toggles.late_fees and not app.toggles.no_trust:
        rate = Decimal("0.00") if p.price >= FREE_SHIPPING_FROM else DELIVERY["standard"][1]
        offer["shippingDetails"] = {
            "@type": "OfferShippingDetails",
            "shippingRate": {"@type": "MonetaryAmount", "value": str(rate), "currency": catalog.CURRENCY},
            "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "US"},
            "deliveryTime": {"@type": "ShippingDeliveryTime",
                             "transitTime": {"@type": "QuantitativeValue", "minValue": 2, "maxValue": 4,
                                             "unitCode": "DAY"}},
        }
    data = {"@context": "https://schema.org", "@type": "Product", "name": p.name, "sku": p.sku,
            "image": f"/static/img/products/{p.slug}.svg", "description": p.description,
            "brand": {"@type": "Brand", "name": catalog.SHOP_NAME}, "offers": offer}
    if not app.toggles.no_trust:
        data["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": str(p.rating),
                                   "reviewCount": p.review_count, "bestRating": "5"}
    return data


def install(app: App) -> None:
    @app.route("GET", "/", stage="landing")
    def landing(request: Request) -> Response:
        featured = [app.products[slug] for slug in catalog.FEATURED]
        return app.render(request, "home.html", title=f"{catalog.SHOP_NAME} — coffee gear & kitchen goods",
                          featured=featured, category_art={c.slug: catalog.in_category(c.slug)[0].slug
                                                          for c in catalog.CATEGORIES})

    @app.route("GET", r"/c/(?P<slug>[\w-]+)", stage="category")
    def category_page(request: Request, slug: str) -> Response:
        category = catalog.category(slug)
        if category is None:
            return app.not_found(request)
        items = [app.products[p.slug] for p in catalog.in_category(slug)]
        return app.render(request, "category.html", title=f"{category.name} | {catalog.SHOP_NAME}",
                          category=category, items=items)

    @app.route("GET", "/search", stage="search")
    def search_page(request: Request) -> Response:
        query = request.query.get("q", "").strip()[:100]
        items = catalog.search(query, app.toggles.xss)
        return app.render(request, "search.html", title=f"Search: {query} | {catalog.SHOP_NAME}",
                          query=query, items=items)

    @app.route("GET", r"/p/(?P<slug>[\w-]+)", stage="product")
    def product_page(request: Request, slug: str) -> Response:
        p = app.products.get(slug)
        if p is None:
            return app.not_found(request)
        return app.render(request, "product.html", title=f"{p.name} | {catalog.SHOP_NAME}", p=p,
                          category=catalog.category(p.category), reviews=catalog.reviews_for(p),
                          ld=product_jsonld(app, p),
                          related=[q for q in app.products.values() if q.category == p.category and q is not p][:3])

    @app.route("GET", "/cart", stage="cart")
    def cart_page(request: Request) -> Response:
        return app.render(request, "cart.html", title=f"Your cart | {catalog.SHOP_NAME}",
                          totals=app.cart_totals(request.session))

    @app.route("POST", "/cart/add")
    def cart_add(request: Request) -> Response:
        slug = request.form.get("product_id", "")
        p = app.products.get(slug)
        if p is None:
            return app.not_found(request)
        quantity = _quantity(request.form.get("quantity"))
        if quantity:
            app.store.set_quantity(request.session, slug, quantity, add=True)
            request.session.flash = Notice(f"Added {quantity} × {p.name} to your cart.", "View cart", "/cart",
                                           "view-cart")
        return redirect(f"/p/{slug}")

    @app.route("POST", "/cart/update")
    def cart_update(request: Request) -> Response:
        if "product_id" in request.form:  # one line: product_id + quantity
            changes = {request.form["product_id"]: request.form.get("quantity")}
        else:  # the whole cart form: quantity-<slug> fields
            changes = {k.removeprefix("quantity-"): v for k, v in request.form.items() if k.startswith("quantity-")}
        for slug, value in changes.items():
            if slug in request.session.cart:
                app.store.set_quantity(request.session, slug, _quantity(value, request.session.cart[slug]))
        request.session.flash = Notice("Your cart has been updated.")
        return redirect("/cart")

    @app.route("POST", "/cart/remove")
    def cart_remove(request: Request) -> Response:
        slug = request.form.get("product_id", "")
        if slug in request.session.cart:
            app.store.set_quantity(request.session, slug, 0)
            request.session.flash = Notice(f"Removed {app.products[slug].name} from your cart.")
        return redirect("/cart")

    @app.route("GET", "/api/cart")
    def api_cart(request: Request) -> Response:
        return json_response(app.cart_totals(request.session).as_json())

    @app.route("GET", "/api/order-preview")
    def api_order_preview(request: Request) -> Response:
        return json_response(app.final_totals(request.session).as_json())

    @app.route("GET", r"/help/(?P<page>[\w-]+)")
    def help_page(request: Request, page: str) -> Response:
        if page not in HELP_PAGES:
            return app.not_found(request)
        return app.render(request, f"help_{page}.html", title=f"{HELP_PAGES[page]} | {catalog.SHOP_NAME}",
                          heading=HELP_PAGES[page])

    @app.route("GET", "/contact")
    def contact(request: Request) -> Response:
        return app.render(request, "contact.html", title=f"Contact us | {catalog.SHOP_NAME}")

    @app.route("GET", "/robots.txt")
    def robots(request: Request) -> Response:
        return Response(200, ROBOTS, "text/plain; charset=utf-8", cache="public, max-age=3600")

    @app.route("GET", "/favicon.ico")
    def favicon(request: Request) -> Response:
        return static(request, "favicon.svg")

    @app.route("GET", r"/static/img/products/(?P<slug>[\w-]+)\.svg")
    def product_image(request: Request, slug: str) -> Response:
        view = request.query.get("view", "1")
        p = app.products.get(slug)
        if p is None or view not in ("1", "2", "3"):
            return app.not_found(request)
        return _svg(art.product_svg(p.slug, p.art, p.colour, p.accent, int(view)))

    @app.route("GET", r"/static/img/hero\.svg")
    def hero_image(request: Request) -> Response:
        return _svg(art.hero_svg())

    @app.route("GET", r"/static/(?P<name>[\w./-]+)")
    def static(request: Request, name: str) -> Response:
        path = STATIC_FILES.get(name)
        if path is None:
            return app.not_found(request)
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
            ctype += "; charset=utf-8"
        return Response(200, path.read_bytes(), ctype, cache="public, max-age=3600")


def _svg(text: str) -> Response:
    return Response(200, text.encode(), "image/svg+xml; charset=utf-8", cache="public, max-age=3600")
