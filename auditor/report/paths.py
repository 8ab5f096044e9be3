"""Paths and links that came from somewhere else: the run directory, a saved report, the page.

A report.json may be an artifact downloaded from CI, so a path in it is only followed when it
stays inside the run directory; a URL read from a page is only ever a link when it is plain
http(s).
"""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import quote

_HTTP_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>\\`]+", re.IGNORECASE)


def inside(run_dir: Path, rel: str | None) -> Path | None:
    """``run_dir / rel`` when rel is a relative path that stays inside run_dir, else None."""
    if not rel or "\x00" in rel:
        return None
    p = PurePosixPath(rel.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        return None
    root = run_dir.resolve()
    full = (root / Path(*p.parts)).resolve()
    return full if full == root or root in full.parents else None


def href_for(rel: str) -> str:
    """A relative path as a URL that works from file:// and from a static web server."""
    return "/".join(quote(part, safe="-_.~") for part in PurePosixPath(rel).parts)


def safe_link(url: str | None) -> str | None:
    """The URL itself when it is a plain http(s) URL (the only kind the report makes clickable)."""
    if not url or len(url) > 2000:
        return None
    return url if _HTTP_URL.fullmatch(url) else None
