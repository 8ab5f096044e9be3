"""Where a run writes (``--out``, ``--history``) is checked before a browser starts (issue 18.7).

A report root that is a file, lies below a file, or cannot be written used to end a finished walk in
exit 70 "internal error"; an unwritable history file was found only after the walk. Both are the
user's setting, so both are exit 2 with the reason, found in well under a second.

Permission bits are not asked (``os.access`` says yes to root, who still cannot write to a read-only
file system, /proc or /sys): the directory is created as the run would create it, and a probe file is
written in it and removed.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import os
import tempfile
from pathlib import Path

from .errors import ConfigError

__all__ = ["check_history_path", "check_out_dir", "nonempty_path"]

_REASONS = {errno.EACCES: "permission denied", errno.EPERM: "not permitted", errno.EROFS: "read-only file system",
            errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
            errno.ENAMETOOLONG: "a name in it is too long", errno.ENOENT: "this file system does not allow it",
            errno.ELOOP: "too many symbolic links"}


def nonempty_path(text: str) -> Path:
    """argparse type for an output path: ``--out ""`` is a mistake, not the current directory."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, found an empty string (for the current directory, write .)")
    return Path(text)


def _blocking_file(path: Path) -> Path | None:
    """The nearest existing part of ``path`` that is not a directory (``path`` itself, or an ancestor)."""
    for part in (path, *path.parents):
        if part.exists() or part.is_symlink():
            return None if part.is_dir() else part
    return None


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def _probe(folder: Path) -> None:
    """Create and remove a file in ``folder``: the one test of writability that root cannot pass by rank."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".auditor-write-test-")
    os.close(fd)
    os.unlink(name)


def check_out_dir(path: Path, key: str = "--out",
                  hint: str = "choose a directory auditor can create and write, e.g. --out reports") -> Path:
    """``path`` is a directory reports can be written to, or one that can be created (it is created to find
    out, then removed again); else ConfigError (exit 2)."""
    blocker = _blocking_file(path)
    if blocker is not None:
        what = "a file" if blocker.is_file() else "not a directory"
        where = f"{str(path)!r} is" if blocker == path else f"cannot create {str(path)!r}: {str(blocker)!r} is"
        raise ConfigError(f"{where} {what}" + (", not a directory" if blocker.is_file() else ""), key=key, hint=hint)
    made = [p for p in (path, *path.parents) if not p.exists()]  # removed again: a check changes nothing
    try:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the directory {str(path)!r}: {_reason(exc)}", key=key,
                              hint=hint) from None
        try:
            _probe(path)
        except OSError as exc:
            raise ConfigError(f"cannot write in {str(path)!r}: {_reason(exc)}", key=key, hint=hint) from None
    finally:
        for p in made:  # deepest first
            with contextlib.suppress(OSError):
                p.rmdir()
    return path


def check_history_path(path: Path, key: str = "--history") -> None:
    """The history file can be created (or, when it exists, opened for writing), and so can SQLite's
    journal beside it; else ConfigError (exit 2). Whether an existing file *is* a history is the
    history module's own check."""
    hint = "choose a writable place for it, or run with --no-history"
    if path.is_dir():
        raise ConfigError(f"{str(path)!r} is a directory, not a history file", key=key,
                          hint=f"e.g. --history {path / 'history.sqlite'}")
    try:
        check_out_dir(path.parent, key, hint)  # SQLite writes its journal next to the database
    except ConfigError as exc:
        raise ConfigError(f"cannot keep the history at {str(path)!r}: {exc.message}", key=key, hint=hint) from None
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as exc:
            raise ConfigError(f"cannot write to {str(path)!r}: {_reason(exc)}", key=key, hint=hint) from None
