"""Flat product illustrations as SVG, drawn from a product's colours: no binary assets to ship.

Every drawing sits in a 600 × 600 box centred near (300, 320), so the hero banner can reuse them.
"""
from __future__ import annotations

from functools import lru_cache


def _mix(hex_a: str, hex_b: str, t: float) -> str:
    a = [int(hex_a[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(hex_b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def _speckles(seed: str, count: int, width: int, height: int, colour: str) -> str:
    """Terrazzo-style flecks placed by a tiny deterministic generator (same picture on every run).

    They also keep the file above Chrome's "low-entropy image" cut-off (0.05 bits per displayed
    pixel), below which an image is not a Largest Contentful Paint candidate at all.
    """
    state = sum(ord(ch) * (i + 1) for i, ch in enumerate(seed)) or 1
    flecks = []
    for _ in range(count):
        state = (state * 1103515245 + 12345) % 2**31
        x, y = state % width, (state // width) % height
        r = 3 + (state >> 7) % 9
        angle = (state >> 11) % 180
        flecks.append(f'<ellipse cx="{x}" cy="{y}" rx="{r}" ry="{max(2, r // 2)}" transform="rotate({angle} {x} {y})"/>')
    return f'<g fill="{colour}" opacity=".35">{"".join(flecks)}</g>'


def _shadow(width: int = 340) -> str:
    return f'<ellipse cx="300" cy="500" rx="{width // 2}" ry="22" fill="#000" opacity=".12"/>'


def _dripper(c: str, a: str) -> str:
    return (_shadow(300) +
            f'<rect x="190" y="360" width="220" height="140" rx="34" fill="{a}"/>'
            f'<path d="M410 390 q60 0 60 45 t-60 45" fill="none" stroke="{a}" stroke-width="18"/>'
            f'<rect x="160" y="330" width="280" height="30" rx="12" fill="{_mix(c, "#000000", .25)}"/>'
            f'<path d="M150 170 L450 170 L370 330 L230 330 Z" fill="{c}"/>'
            f'<path d="M150 170 L450 170 L440 190 L160 190 Z" fill="{_mix(c, "#ffffff", .5)}"/>'
            + "".join(f'<path d="M{x} 205 L{300 + (x - 300) * .55:.0f} 315" stroke="{_mix(c, "#000000", .15)}" '
                      f'stroke-width="6" stroke-linecap="round"/>' for x in (215, 260, 300, 340, 385)))


def _kettle(c: str, a: str) -> str:
    return (_shadow(360) +
            f'<path d="M170 480 Q150 300 230 250 L370 250 Q450 300 430 480 Z" fill="{c}"/>'
            f'<path d="M185 300 Q120 300 95 200 Q90 180 70 175" fill="none" stroke="{c}" stroke-width="20" '
            f'stroke-linecap="round"/>'
            f'<path d="M380 260 Q500 250 470 420" fill="none" stroke="{a}" stroke-width="26" stroke-linecap="round"/>'
            f'<rect x="230" y="225" width="140" height="30" rx="12" fill="{_mix(c, "#000000", .3)}"/>'
            f'<circle cx="300" cy="212" r="18" fill="{a}"/>'
            f'<circle cx="300" cy="345" r="34" fill="#fff" opacity=".9"/>'
            f'<path d="M300 345 L318 330" stroke="{a}" stroke-width="6" stroke-linecap="round"/>'
            f'<path d="M205 440 Q300 460 395 440" stroke="#fff" stroke-width="8" opacity=".25" fill="none"/>')


def _grinder(c: str, a: str) -> str:
    return (_shadow(260) +
            f'<rect x="200" y="250" width="200" height="250" rx="28" fill="{c}"/>'
            f'<path d="M215 120 L385 120 L360 250 L240 250 Z" fill="{_mix(c, "#ffffff", .6)}" opacity=".9"/>'
            f'<path d="M240 190 L360 190 L350 245 L250 245 Z" fill="#6f4e37"/>'
            f'<rect x="230" y="330" width="140" height="110" rx="16" fill="{_mix(c, "#000000", .35)}"/>'
            f'<circle cx="300" cy="290" r="16" fill="{a}"/>'
            f'<path d="M385 150 L460 150 L460 110" stroke="{a}" stroke-width="14" fill="none" stroke-linecap="round"/>'
            f'<circle cx="460" cy="105" r="20" fill="{a}"/>')


def _espresso(c: str, a: str) -> str:
    dark = _mix(c, "#000000", .45)
    return (_shadow(420) +
            f'<rect x="120" y="150" width="360" height="350" rx="26" fill="{c}"/>'
            f'<rect x="120" y="150" width="360" height="70" rx="26" fill="{a}"/>'
            f'<circle cx="205" cy="265" r="28" fill="#fff"/><circle cx="395" cy="265" r="28" fill="#fff"/>'
            f'<path d="M205 265 L220 250 M395 265 L380 252" stroke="{dark}" stroke-width="5" stroke-linecap="round"/>'
            f'<rect x="250" y="300" width="100" height="36" rx="10" fill="{dark}"/>'
            f'<rect x="340" y="308" width="120" height="20" rx="10" fill="{dark}"/>'
            f'<rect x="160" y="440" width="280" height="28" rx="8" fill="{dark}"/>'
            f'<rect x="262" y="375" width="76" height="65" rx="10" fill="#fff"/>'
            f'<path d="M290 345 L290 372 M310 345 L310 372" stroke="#6f4e37" stroke-width="5"/>'
            f'<path d="M440 320 Q470 360 455 410" stroke="{_mix(c, "#000000", .3)}" stroke-width="10" fill="none"/>')


def _mug(c: str, a: str) -> str:
    return (_shadow(200) +
            f'<rect x="220" y="170" width="160" height="330" rx="36" fill="{c}"/>'
            f'<rect x="210" y="140" width="180" height="50" rx="18" fill="{_mix(c, "#000000", .4)}"/>'
            f'<rect x="250" y="128" width="70" height="20" rx="8" fill="{_mix(c, "#000000", .55)}"/>'
            f'<rect x="220" y="300" width="160" height="60" fill="{a}"/>'
            f'<path d="M250 200 L250 460" stroke="#fff" stroke-width="12" opacity=".25" stroke-linecap="round"/>')


def _knife(c: str, a: str) -> str:
    return (_shadow(400) +
            f'<g transform="rotate(-28 300 320)">'
            f'<path d="M110 300 L380 292 L380 350 L150 340 Q100 330 110 300 Z" fill="#d9dee2"/>'
            f'<path d="M110 300 L380 292 L380 306 L120 312 Z" fill="#fff" opacity=".7"/>'
            f'<rect x="378" y="286" width="24" height="70" rx="6" fill="#9aa3a9"/>'
            f'<rect x="400" y="296" width="150" height="48" rx="20" fill="{a}"/>'
            + "".join(f'<circle cx="{x}" cy="320" r="7" fill="#c0c6ca"/>' for x in (430, 470, 510)) + "</g>")


def _board(c: str, a: str) -> str:
    return (_shadow(380) +
            f'<rect x="120" y="190" width="360" height="290" rx="40" fill="{a}"/>'
            f'<rect x="140" y="210" width="320" height="250" rx="30" fill="{_mix(a, "#ffffff", .15)}"/>'
            f'<circle cx="420" cy="250" r="16" fill="{c}"/>'
            + "".join(f'<path d="M160 {y} Q300 {y + 18} 440 {y}" stroke="{_mix(a, "#000000", .25)}" '
                      f'stroke-width="4" fill="none" opacity=".6"/>' for y in (270, 320, 370, 420)))


def _skillet(c: str, a: str) -> str:
    return (_shadow(420) +
            f'<rect x="400" y="305" width="180" height="40" rx="20" fill="{a}"/>'
            f'<circle cx="270" cy="325" r="170" fill="{a}"/>'
            f'<circle cx="270" cy="325" r="140" fill="{_mix(a, "#ffffff", .12)}"/>'
            f'<circle cx="270" cy="325" r="60" fill="#fff7d6"/><circle cx="270" cy="325" r="26" fill="#f4b400"/>'
            f'<circle cx="555" cy="325" r="10" fill="{c}"/>')


def _candle(c: str, a: str) -> str:
    return (_shadow(240) +
            f'<rect x="190" y="250" width="220" height="250" rx="30" fill="#b7793e" opacity=".85"/>'
            f'<ellipse cx="300" cy="265" rx="100" ry="22" fill="{_mix(c, "#ffffff", .5)}"/>'
            f'<rect x="215" y="340" width="170" height="90" rx="10" fill="{a}"/>'
            f'<path d="M300 262 L300 230" stroke="#333" stroke-width="5"/>'
            f'<path d="M300 150 Q330 195 300 232 Q270 195 300 150 Z" fill="{c}"/>'
            f'<path d="M300 185 Q312 205 300 225 Q288 205 300 185 Z" fill="#fff"/>')


def _throw(c: str, a: str) -> str:
    layers = "".join(
        f'<rect x="{130 + i * 6}" y="{260 + i * 70}" width="{340 - i * 12}" height="80" rx="26" '
        f'fill="{c if i % 2 == 0 else a}"/>' for i in range(3))
    return (_shadow(380) + layers +
            "".join(f'<path d="M{x} 470 L{x} 500" stroke="{a}" stroke-width="5"/>' for x in range(160, 450, 22)))


DRAWERS = {"dripper": _dripper, "kettle": _kettle, "grinder": _grinder, "espresso": _espresso, "mug": _mug,
           "knife": _knife, "board": _board, "skillet": _skillet, "candle": _candle, "throw": _throw}


@lru_cache(maxsize=64)
def product_svg(slug: str, kind: str, colour: str, accent: str, view: int = 1) -> str:
    """A 600 × 600 illustration; views 2 and 3 are a close-up and a different backdrop."""
    backdrop = {1: _mix(colour, "#ffffff", .72), 2: _mix(accent, "#ffffff", .8), 3: "#f3efe8"}[view]
    zoom = ' transform="translate(-150 -170) scale(1.5)"' if view == 2 else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600" '
            f'role="img" aria-labelledby="t-{slug}"><title id="t-{slug}">{slug.replace("-", " ")}</title>'
            f'<rect width="600" height="600" fill="{backdrop}"/>'
            + _speckles(f"{slug}{view}", 70, 600, 600, _mix(accent, "#ffffff", .35)) +
            f'<circle cx="300" cy="310" r="230" fill="#fff" opacity=".45"/>'
            f'<g{zoom}>{DRAWERS[kind](colour, accent)}</g></svg>')


@lru_cache(maxsize=1)
def hero_svg() -> str:
    """The landing page's banner: a morning coffee scene on a shelf, 1200 × 560."""
    def place(kind: str, colour: str, accent: str, x: int, y: int, scale: float) -> str:
        return f'<g transform="translate({x} {y}) scale({scale})">{DRAWERS[kind](colour, accent)}</g>'
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 560" width="1200" height="560" '
            'role="img" aria-labelledby="hero-t"><title id="hero-t">Coffee brewing gear on a kitchen shelf</title>'
            '<defs><linearGradient id="sky" x1="0" y1="0" x2="1" y2="1">'
            '<stop offset="0" stop-color="#fde6c8"/><stop offset="1" stop-color="#f6b98e"/></linearGradient></defs>'
            '<rect width="1200" height="560" fill="url(#sky)"/>'
            + _speckles("hero", 150, 1200, 470, "#ffffff") +
            '<circle cx="980" cy="140" r="90" fill="#fff4df" opacity=".8"/>'
            '<rect x="0" y="470" width="1200" height="90" fill="#8a5a3b"/>'
            '<rect x="0" y="462" width="1200" height="14" fill="#6d4329"/>'
            + place("kettle", "#2f4858", "#f2a65a", 560, 40, .72)
            + place("dripper", "#e9d8c4", "#8a5a3b", 790, 135, .58)
            + place("mug", "#81b29a", "#f4f1de", 960, 175, .5)
            + place("grinder", "#3d405b", "#e07a5f", 420, 140, .56) + '</svg>')
