"""Run the stock django-oscar shop for a test: ``python -m oscar_site {migrate,serve} --db FILE [...]``.

  migrate --db FILE                      create FILE with Oscar's migrations applied (done once, then copied)
  serve --db FILE --variant NAME --port-file FILE [--variants FILE]
                                         migrate FILE if it is new, seed the catalogue and the variant's shipping
                                         charges, then serve on 127.0.0.1 at a port the system picks; the port is
                                         written to --port-file once the shop answers requests

Run with ``tests/realshop`` on PYTHONPATH. The merchant settings of the variant reach settings.py through
REALSHOP_SETTINGS, so they are set before Django starts.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VARIANTS = HERE.parent / "variants.yaml"


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m oscar_site")
    parser.add_argument("command", choices=("migrate", "serve"))
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--variant")
    parser.add_argument("--variants", type=Path, default=VARIANTS)
    parser.add_argument("--port-file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "serve" and not (args.variant and args.port_file):
        parser.error("serve needs --variant and --port-file")
    return args


def _setup(db: Path, settings: dict) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "oscar_site.settings"
    os.environ["REALSHOP_DB"] = str(db)
    os.environ["REALSHOP_SETTINGS"] = json.dumps(settings)
    import django
    django.setup()


def _serve(port_file: Path) -> None:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    # What `runserver` does, on a port the system picks (runserver cannot report port 0's real port).
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    httpd.daemon_threads = True
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(str(httpd.server_address[1]))
    tmp.replace(port_file)
    print(f"serving on http://127.0.0.1:{httpd.server_address[1]}/", flush=True)
    httpd.serve_forever()


def main(argv: list[str]) -> int:
    args = _args(argv)
    variant = {}
    if args.command == "serve":
        variants = yaml.safe_load(args.variants.read_text())
        if args.variant not in variants:
            sys.exit(f"{args.variants}: no variant {args.variant!r} (have: {', '.join(variants)})")
        variant = variants[args.variant]
    args.db.parent.mkdir(parents=True, exist_ok=True)
    fresh = not args.db.exists()
    _setup(args.db, variant.get("settings", {}))
    from django.core.management import call_command
    if fresh or args.command == "migrate":
        call_command("migrate", verbosity=0, interactive=False)
    if args.command == "serve":
        from oscar_site.seed import seed
        seed(variant.get("shipping", []))
        _serve(args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
