"""Find a Chromium to drive, and launch it with flags that keep it quiet on a closed network.

Resolution order (first hit wins):
  1. an explicit path: ``--browser-path`` or the ``AUDITOR_CHROMIUM`` environment variable;
  2. Playwright's own Chromium, when ``playwright install chromium`` has been run;
  3. a system Chromium on PATH: ``chromium``, ``chromium-browser``, ``google-chrome``…
Otherwise ``BrowserNotFound`` says exactly how to get one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import BrowserNotFound

ENV_VAR = "AUDITOR_CHROMIUM"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Without the networking flags Chromium phones home at start-up (component updates, sync, field
# trials); on a closed network that is a flood of refused connections and a slower start.
BASE_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    # RFC 6761: .invalid never resolves. Without this rule Chromium still asks the system's DNS server.
    "--host-resolver-rules=MAP *.invalid ~NOTFOUND",
)

INSTALL_HELP = (
    "No Chromium found. Install one of:\n"
    "  • Playwright's build:     python -m playwright install chromium\n"
    "  • the system package:     sudo apt-get install chromium   (Debian/Ubuntu)\n"
    "  • or point auditor at one: --browser-path /path/to/chrome  or  AUDITOR_CHROMIUM=/path/to/chrome\n"
    "`make demo` / `make test` try the first two for you."
)


@dataclass(frozen=True, slots=True)
class BrowserChoice:
    executable: str | None  # None: let Playwright use its own bundled build
    origin: str  # explicit | env | playwright | system
    reason: str


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _playwright_chromium(playwright=None) -> str | None:
    """Path of Playwright's downloaded Chromium if it is actually on disk. Asks ``playwright`` (a
    started instance) when given: starting a driver only for this question costs about a second."""
    try:
        if playwright is not None:
            path = playwright.chromium.executable_path
        else:
            from playwright.sync_api import sync_playwright
            with sync_playwright() as p:
                path = p.chromium.executable_path
    except Exception:  # no Playwright build known to this driver (or, never here, no playwright at all)
        return None
    return path if path and _is_executable(path) else None


def _system_chromium() -> str | None:
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def resolve_browser(explicit: str | None = None, playwright=None) -> BrowserChoice:
    """``playwright``: an already started Playwright to ask about its own Chromium (see _playwright_chromium)."""
    if explicit:
        if not _is_executable(explicit):
            raise BrowserNotFound(f"--browser-path {explicit!r} is not an executable file.\n{INSTALL_HELP}")
        return BrowserChoice(explicit, "explicit", "given with --browser-path")
    env = os.environ.get(ENV_VAR)
    if env:
        if not _is_executable(env):
            raise BrowserNotFound(f"{ENV_VAR}={env!r} is not an executable file.\n{INSTALL_HELP}")
        return BrowserChoice(env, "env", f"given with {ENV_VAR}")
    own = _playwright_chromium(playwright)
    if own:
        return BrowserChoice(None, "playwright", f"Playwright's own Chromium at {own}")
    system = _system_chromium()
    if system:
        return BrowserChoice(system, "system", f"system Chromium on PATH at {system} "
                             "(Playwright's own build is not installed)")
    raise BrowserNotFound(INSTALL_HELP)


def launch_args(headless: bool = True) -> list[str]:
    args = list(BASE_ARGS)
    # Chromium refuses to start as root with its sandbox on; CI containers run as root.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


# Playwright turns Chromium's IPC flooding protection off; a shopper's Chrome has it on. Without it a page
# calling history.pushState 100 000 times kept the browser process busy for 260-280 s, and every command
# to it (stop the scripts, close the tab) waited behind the flood; with it the same page is throttled
# as in Chrome, and a `while (true) history.replaceState(…)` loop is an ordinary busy page (stopped in ~0.1 s).
IGNORED_DEFAULT_ARGS = ("--disable-ipc-flooding-protection",)


def launch(playwright, choice: BrowserChoice, *, headless: bool = True):
    """Launch Chromium through an already started Playwright instance."""
    kwargs = {"headless": headless, "args": launch_args(headless), "ignore_default_args": list(IGNORED_DEFAULT_ARGS),
              # auditor stops its walk and closes the browser itself on Ctrl-C or SIGTERM (run/interrupt.py);
              # the driver's own handlers would close the browser under the walk (walk/session.py).
              "handle_sigint": False, "handle_sigterm": False}
    if choice.executable:
        kwargs["executable_path"] = choice.executable
    try:
        return playwright.chromium.launch(**kwargs)
    except Exception as exc:  # Playwright raises its own Error with a long call log
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserNotFound(f"Chromium ({choice.reason}) failed to start: {first}\n{INSTALL_HELP}") from exc


def browser_version(choice: BrowserChoice) -> str:
    exe = choice.executable or _playwright_chromium()
    if not exe:
        return "unknown"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (out.stdout or out.stderr).strip().splitlines()[-1] if (out.stdout or out.stderr).strip() else "unknown"


def install_browser(log=print) -> BrowserChoice:
    """What `make` runs: find a browser, else try Playwright's download, else the distro package."""
    try:
        choice = resolve_browser()
        log(f"browser: {choice.reason}")
        return choice
    except BrowserNotFound:
        pass
    log("browser: none found; trying `playwright install chromium` …")
    res = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"],
                         capture_output=True, text=True)
    if res.returncode == 0:
        try:
            return resolve_browser()
        except BrowserNotFound:
            pass
    else:
        log("browser: Playwright's download failed (offline or blocked); trying the system package …")
    apt = shutil.which("apt-get")
    if apt:
        sudo: list[str] = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else [])
        if os.geteuid() == 0 or sudo:
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(sudo + [apt, "update", "-q"], env=env, capture_output=True)
            res = subprocess.run(sudo + [apt, "install", "-y", "-q", "--no-install-recommends", "chromium",
                                         "fonts-dejavu-core"], env=env, capture_output=True, text=True)
            if res.returncode != 0:
                log("browser: apt-get install chromium failed:\n" + res.stderr[-800:])
    choice = resolve_browser()
    log(f"browser: {choice.reason}")
    return choice


def doctor_report(explicit: str | None = None) -> tuple[bool, str]:
    """The text `auditor doctor` prints, and whether a browser is usable."""
    lines = [f"python: {sys.version.split()[0]} ({sys.executable})"]
    try:
        import playwright
        from importlib.metadata import version
        lines.append(f"playwright: {version('playwright')} ({Path(playwright.__file__).parent})")
    except Exception:
        lines.append("playwright: not importable")
    try:
        choice = resolve_browser(explicit)
    except BrowserNotFound as exc:
        lines.append(str(exc))
        return False, "\n".join(lines)
    lines.append(f"browser: {browser_version(choice)}")
    lines.append(f"  chosen because: {choice.reason}")
    if choice.origin != "playwright":
        lines.append("  (order: --browser-path, $AUDITOR_CHROMIUM, Playwright's own, system Chromium on PATH)")
    lines.append("launch flags: " + " ".join(launch_args()))
    # A launch is the only proof that the binary works with this Playwright.
    try:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            b = launch(p, choice)
            b.close()
        lines.append("launch test: ok")
    except BrowserNotFound as exc:
        lines.append(f"launch test: FAILED\n{exc}")
        return False, "\n".join(lines)
    return True, "\n".join(lines)
