"""Resident memory of a process tree, sampled from /proc (no psutil on the machines we run on).

A background thread reads VmRSS of the root process and all its descendants every ``interval``
seconds and keeps, per kind of process, the peak of their summed RSS:

    python    the root process (auditor itself)
    workers   other Python processes (``--workers`` processes)
    driver    Playwright's Node.js driver
    browser   Chromium (browser, renderer, GPU and utility processes)

RSS counts a shared page once in every process that maps it, so the sums of many Chromium
processes overstate what the machine gives up; that is the usual convention, and the same for
auditor and for the bare script. For the root process the kernel's own high-water mark (VmHWM)
is exact; samples can miss a short spike in the others.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

KINDS = ("python", "workers", "driver", "browser")


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def rss_kb(pid: int) -> int | None:
    return _status_kb(pid, "VmRSS")


def hwm_kb(pid: int) -> int | None:
    return _status_kb(pid, "VmHWM")


def _parents() -> dict[int, int]:
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()  # the command name may hold spaces and parentheses
        if len(rest) > 1:
            out[int(entry.name)] = int(rest[1])
    return out


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for c in children.get(pid, ()):
            out.append(c)
            todo.append(c)
    return out


def kind_of(pid: int, root: int) -> str | None:
    if pid == root:
        return "python"
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0].decode(errors="replace")
    except OSError:
        return None
    name = os.path.basename(argv0).lower()
    if "chrom" in name or "headless_shell" in name or "chrome" in argv0.lower():
        return "browser"
    if name.startswith("node"):
        return "driver"
    if name.startswith("python"):
        return "workers"
    return None


class TreeSampler:
    """``with TreeSampler(pid) as s: ...`` then ``s.peaks_mb()``."""

    def __init__(self, root: int | None = None, interval: float = 0.1):
        self.root = root or os.getpid()
        self.interval = interval
        self.peak_kb = {k: 0 for k in KINDS}
        self.peak_total_kb = 0
        self.peak_processes = {k: 0 for k in KINDS}
        self.samples = 0
        self._kinds: dict[int, str | None] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)

    def sample(self) -> None:
        sums = {k: 0 for k in KINDS}
        counts = {k: 0 for k in KINDS}
        for pid in [self.root] + descendants(self.root):
            if pid not in self._kinds:
                self._kinds[pid] = kind_of(pid, self.root)
            kind = self._kinds[pid]
            rss = rss_kb(pid) if kind else None
            if rss is None:
                continue
            sums[kind] += rss
            counts[kind] += 1
        for k in KINDS:
            self.peak_kb[k] = max(self.peak_kb[k], sums[k])
            self.peak_processes[k] = max(self.peak_processes[k], counts[k])
        self.peak_total_kb = max(self.peak_total_kb, sum(sums.values()))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peaks_mb(self) -> dict:
        mb = {f"{k}_mb": round(v / 1024, 1) for k, v in self.peak_kb.items()}
        mb["total_mb"] = round(self.peak_total_kb / 1024, 1)
        mb["processes"] = dict(self.peak_processes)
        mb["samples"] = self.samples
        return mb


def dir_size(path: Path) -> dict:
    """Bytes and files under ``path``, in total and per top-level entry (screenshots/, annotated/…)."""
    path = Path(path)
    parts: dict[str, int] = {}
    total = files = 0
    for f in path.rglob("*"):
        if f.is_file():
            size = f.stat().st_size
            total += size
            files += 1
            top = f.relative_to(path).parts[0]
            key = top + "/" if (path / top).is_dir() else top
            parts[key] = parts.get(key, 0) + size
    return {"bytes": total, "files": files, "parts": dict(sorted(parts.items(), key=lambda kv: -kv[1]))}
