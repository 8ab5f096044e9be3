"""`python -m auditor.walk.install_browser`: what `make` runs to make sure a browser exists."""
import sys

from ..errors import BrowserNotFound
from .browser import install_browser

if __name__ == "__main__":
    try:
        install_browser()
    except BrowserNotFound as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
