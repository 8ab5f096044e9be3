"""The stock django-oscar shop in a process of its own, on 127.0.0.1 at a port the system picks.

    template = migrate_template(tmp / "template.sqlite3")       # Oscar's migrations, once per session
    with OscarShop("guest-free", template, tmp / "guest-free") as shop:
        shop.url                                                 # http://127.0.0.1:PORT
    # stopped here, also when the block raised; its output stays in shop.log

Everything the server prints goes to a log file that every error message names.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VARIANTS = HERE / "variants.yaml"
MIGRATE_TIMEOUT_S = 600  # ~15 s of CPU on an idle machine; the wall time grows with the machine's load
START_TIMEOUT_S = 180  # copy the database, seed, index the catalogue, bind
INSTALL_LOG = Path(sys.prefix) / "realshop-install.log"  # `make test` writes it into the venv it installs into


class ShopError(RuntimeError):
    """The shop could not be prepared or started; the message names its log."""


def missing_install() -> str | None:
    """Why the shop cannot run here (its packages are not installed), or None."""
    missing = [m for m in ("oscar", "sorl", "whoosh") if importlib.util.find_spec(m) is None]
    if not missing:
        return None
    why = f"django-oscar is not installed ({', '.join(missing)} missing)"
    if INSTALL_LOG.is_file():
        return f"{why}: `make test` tried to install it and failed, see {INSTALL_LOG}"
    return f"{why}: `make test` installs it (pip install -e '.[realshop]')"


def variants() -> list[str]:
    return list(yaml.safe_load(VARIANTS.read_text()))


def _cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "oscar_site", *map(str, args)]


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(HERE), PYTHONUNBUFFERED="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def migrate_template(db: Path) -> Path:
    """A database with Oscar's migrations applied, which each shop copies instead of migrating again."""
    log = db.with_suffix(".log")
    with log.open("w") as out:
        done = subprocess.run(_cmd("migrate", "--db", db), cwd=HERE, env=_env(), stdout=out,
                              stderr=subprocess.STDOUT, timeout=MIGRATE_TIMEOUT_S)
    if done.returncode != 0:
        raise ShopError(f"django-oscar's migrations failed (exit {done.returncode}); log: {log}\n{_tail(log)}")
    return db


class OscarShop:
    def __init__(self, variant: str, template: Path, state: Path) -> None:
        self.variant = variant
        self.state = state
        self.db = state / "shop.sqlite3"
        self.log = state / "server.log"
        self.template = template
        self._proc: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "OscarShop":
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> "OscarShop":
        self.state.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.template, self.db)
        port_file = self.state / "port"
        port_file.unlink(missing_ok=True)
        with self.log.open("w") as out:
            self._proc = subprocess.Popen(
                _cmd("serve", "--db", self.db, "--variant", self.variant, "--port-file", port_file),
                cwd=HERE, env=_env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not port_file.exists():
            if self._proc.poll() is not None:
                raise ShopError(f"the {self.variant} shop exited with {self._proc.returncode} before serving; "
                                f"log: {self.log}\n{_tail(self.log)}")
            if time.monotonic() > deadline:
                raise ShopError(f"the {self.variant} shop did not serve within {START_TIMEOUT_S} s; log: {self.log}\n"
                                f"{_tail(self.log)}")
            time.sleep(0.1)
        self.port = int(port_file.read_text())
        return self

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def __enter__(self) -> "OscarShop":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
