"""Errors and exit codes: the contract CI systems rely on.

Exception tree::

    AuditorError                 base; carries the exit code the CLI returns
    ├── ConfigError              bad scenario / policy / CLI usage          → exit 2
    │   ├── ScenarioError        a scenario file (file, line, key)
    │   └── PolicyError          a policy file (file, line, key)
    ├── BrowserNotFound          no Chromium could be found or launched    → exit 2
    └── SiteError                the site could not be audited             → exit 3

A failing *step* inside a walk is not an exception that escapes the walker: it becomes a
``StepFailure`` recorded on the journey, so everything captured before it is still reported.
``SiteError`` is what the CLI raises afterwards to pick exit code 3.
"""
from __future__ import annotations

EXIT_OK = 0  # audited, gate passed
EXIT_GATE_FAILED = 1  # audited, friction at or above the gate's severity (or a regression)
EXIT_USAGE = 2  # usage or configuration error (scenario, policy, arguments, no browser)
EXIT_UNREACHABLE = 3  # the site could not be audited (unreachable, a step failed)
EXIT_INTERNAL = 70  # a bug in auditor itself (BSD EX_SOFTWARE): never mistaken for a verdict
EXIT_INTERRUPTED = 130  # SIGINT or SIGTERM (128 + SIGINT, as shells report Ctrl-C): what was captured is reported

EXIT_CODES = {
    EXIT_OK: "passed",
    EXIT_GATE_FAILED: "gate failed",
    EXIT_USAGE: "usage or configuration error",
    EXIT_UNREACHABLE: "site could not be audited",
    EXIT_INTERNAL: "internal error in auditor",
    EXIT_INTERRUPTED: "interrupted",
}


class AuditorError(Exception):
    exit_code = EXIT_USAGE


class ConfigError(AuditorError):
    """Something the user wrote is wrong. ``where`` is ``file:line`` when known."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 key: str | None = None, hint: str | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.key = key
        self.hint = hint
        super().__init__(str(self))

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        head = ": ".join(p for p in (self.where, self.key) if p)
        text = f"{head}: {self.message}" if head else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ScenarioError(ConfigError):
    pass


class PolicyError(ConfigError):
    pass


class BrowserNotFound(AuditorError):
    exit_code = EXIT_USAGE


class SiteError(AuditorError):
    exit_code = EXIT_UNREACHABLE
