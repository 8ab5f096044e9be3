"""What the demo shop sells: categories, products and their reviews.

Prices are ``Decimal`` from the start, so every total the server shows is exact; one product costs
more than $1,000 so the auditor's price parser meets a thousands separator.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

SHOP_NAME = "Hearth & Bean"
CURRENCY = "USD"
# The payload the ``xss`` toggle puts into one product name: markup that must stay inert text.
XSS_PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
XSS_TARGET = "travel-mug"


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    blurb: str


@dataclass(frozen=True)
class Review:
    author: str
    rating: int
    title: str
    text: str


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    category: str
    price: Decimal
    art: str  # illustration kind in art.py
    colour: str  # the product's main colour
    accent: str
    rating: Decimal
    review_count: int
    summary: str
    description: str
    stock: int
    sku: str


CATEGORIES = (
    Category("coffee-gear", "Coffee gear", "Drippers, kettles, grinders and machines for a better cup at home."),
    Category("kitchen", "Kitchen", "Knives, boards and cast iron that last a lifetime."),
    Category("home", "Home", "Slow-living comforts: candles and soft linen."),
)

_PRODUCTS = (
    Product("ceramic-pour-over-dripper", "Ceramic Pour-Over Dripper", "coffee-gear", Decimal("24.00"),
            "dripper", "#e9d8c4", "#8a5a3b", Decimal("4.7"), 128,
            "Hand-glazed stoneware cone for one to two cups.",
            "A single-hole cone that keeps the flow steady, so even a first pour-over tastes balanced. "
            "Glazed stoneware holds heat through the brew; fits standard #2 filters.", 42, "HB-CD-024"),
    Product("gooseneck-kettle", "Gooseneck Kettle 1 L", "coffee-gear", Decimal("69.00"),
            "kettle", "#2f4858", "#f2a65a", Decimal("4.6"), 86,
            "Precision pour spout and a built-in thermometer.",
            "Brushed stainless steel with a counter-weighted handle and a slim spout for slow, even "
            "pours. Works on gas, electric and induction hobs.", 18, "HB-GK-069"),
    Product("burr-coffee-grinder", "Conical Burr Coffee Grinder", "coffee-gear", Decimal("149.00"),
            "grinder", "#3d405b", "#e07a5f", Decimal("4.5"), 64,
            "40 grind settings from espresso to cold brew.",
            "Steel conical burrs grind cool and consistent. The anti-static chute keeps the counter "
            "clean and the hopper holds 250 g of beans.", 11, "HB-BG-149"),
    Product("dual-boiler-espresso-machine", "Dual-Boiler Espresso Machine", "coffee-gear", Decimal("1249.00"),
            "espresso", "#b8c4c2", "#1d3557", Decimal("4.8"), 37,
            "Café-grade shots and silky milk at the same time.",
            "Two independent boilers, PID temperature control and a commercial 58 mm group head. "
            "Pre-infusion is adjustable; the steam wand reaches pressure in 45 seconds.", 4, "HB-EM-1249"),
    Product("travel-mug", "Insulated Travel Mug", "coffee-gear", Decimal("28.50"),
            "mug", "#81b29a", "#f4f1de", Decimal("4.4"), 212,
            "Keeps coffee hot for 6 hours; leak-proof lid.",
            "Double-walled stainless steel with a one-hand flip lid. Fits car cup holders and most "
            "espresso machines.", 60, "HB-TM-028"),
    Product("chefs-knife", "Chef's Knife 8\"", "kitchen", Decimal("89.00"),
            "knife", "#f1e3d3", "#264653", Decimal("4.7"), 143,
            "Forged German steel, full tang, pakkawood handle.",
            "A balanced all-rounder for chopping, slicing and dicing. Hand-sharpened to 15° per side "
            "and hardened to 58 HRC.", 25, "HB-CK-089"),
    Product("walnut-cutting-board", "Walnut Cutting Board", "kitchen", Decimal("54.90"),
            "board", "#f6e7d7", "#7f4f24", Decimal("4.9"), 97,
            "End-grain walnut that is kind to knife edges.",
            "Cut from sustainably harvested American black walnut and finished with food-safe oil. "
            "Juice groove on one side, smooth serving side on the other.", 15, "HB-WB-055"),
    Product("cast-iron-skillet", "Cast-Iron Skillet 10\"", "kitchen", Decimal("45.00"),
            "skillet", "#e76f51", "#2b2d42", Decimal("4.6"), 178,
            "Pre-seasoned, oven-safe, ready for a lifetime of use.",
            "Heavy-gauge cast iron that holds heat for a perfect sear. Pre-seasoned with vegetable "
            "oil; use it on the stove, in the oven or over a campfire.", 33, "HB-CS-045"),
    Product("soy-wax-candle", "Soy Wax Candle — Cedar & Fig", "home", Decimal("18.50"),
            "candle", "#f4d35e", "#5b3758", Decimal("4.3"), 54,
            "Hand-poured, 45-hour burn, cotton wick.",
            "Warm cedar wood with a hint of ripe fig, in a reusable amber glass jar.", 80, "HB-SC-018"),
    Product("linen-throw-blanket", "Linen Throw Blanket", "home", Decimal("79.00"),
            "throw", "#a8dadc", "#457b9d", Decimal("4.5"), 71,
            "Stonewashed European linen, 130 × 170 cm.",
            "Light in summer and layered in winter, it softens with every wash. Fringed edges.", 20, "HB-LT-079"),
)

_REVIEW_POOL = (
    Review("Maya R.", 5, "Use it every morning", "Exactly as described and beautifully made. It arrived in two days, well packed."),
    Review("Daniel K.", 4, "Great value", "Solid quality for the price. I took one star off because the box was a bit dented."),
    Review("Priya S.", 5, "Would buy again", "Bought one for myself and one as a gift. Both of us love it."),
    Review("Tom H.", 5, "Better than expected", "Feels premium and the instructions were clear. Customer service answered within an hour."),
    Review("Lena W.", 4, "Nice, small quirk", "Works perfectly; it is slightly heavier than I imagined, which I now like."),
)


def products(xss: bool = False) -> tuple[Product, ...]:
    if not xss:
        return _PRODUCTS
    return tuple(replace(p, name=f"{XSS_PAYLOAD} Travel Mug") if p.slug == XSS_TARGET else p for p in _PRODUCTS)


def product(slug: str, xss: bool = False) -> Product | None:
    return next((p for p in products(xss) if p.slug == slug), None)


def category(slug: str) -> Category | None:
    return next((c for c in CATEGORIES if c.slug == slug), None)


def in_category(slug: str, xss: bool = False) -> tuple[Product, ...]:
    return tuple(p for p in products(xss) if p.category == slug)


def search(query: str, xss: bool = False) -> tuple[Product, ...]:
    words = query.lower().split()
    return tuple(p for p in products(xss) if words and all(w in f"{p.name} {p.summary}".lower() for w in words))


def reviews_for(p: Product) -> tuple[Review, ...]:
    start = sum(map(ord, p.slug)) % len(_REVIEW_POOL)
    return tuple(_REVIEW_POOL[(start + i) % len(_REVIEW_POOL)] for i in range(3))


FEATURED = ("ceramic-pour-over-dripper", "gooseneck-kettle", "dual-boiler-espresso-machine", "walnut-cutting-board")
