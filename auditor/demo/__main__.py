"""``python -m auditor.demo --profile friction --toggles slow=product:1500,late_fees --port 8000``."""
from __future__ import annotations

import argparse
import sys
import threading

from .server import DemoShop
from .toggles import PROFILES, TOGGLE_NAMES, parse_toggles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auditor.demo", description="Serve the demo shop on 127.0.0.1.")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="clean", help="friction profile (default: clean)")
    parser.add_argument("--toggles", default="", metavar="SPEC",
                        help=f"extra toggles on top of the profile, e.g. slow=product:1500,late_fees "
                             f"(names: {', '.join(TOGGLE_NAMES)}; name=off switches one off)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0 picks a free one; default 8000)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    try:
        toggles = parse_toggles(args.toggles, PROFILES[args.profile])
    except ValueError as exc:
        parser.error(str(exc))
    shop = DemoShop(toggles, verbose=args.verbose)
    try:
        shop.start(args.port)
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}; try --port 0", file=sys.stderr)
        return 2
    print(f"Demo shop ({args.profile}: {toggles.describe()}) at {shop.url}  (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        shop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
