"""Run history: one SQLite file (default ``reports/history.sqlite``) that records every run, for the
trend charts, ``auditor history`` and regression checks. Report directories may be pruned by the
retention setting; their rows stay.

Several writers at once are normal (parallel workers, a cron run that overlaps the next, CI jobs
sharing a volume): the file is in WAL mode, every connection waits up to ``BUSY_TIMEOUT_MS`` for a
lock, and each run is written in one short ``BEGIN IMMEDIATE`` transaction, taken only once the run
is finished. WAL needs a local file system (not NFS/SMB).

Schema (``meta.schema_version`` = 1)::

    runs(id, run_id UNIQUE, created_at, series, exit_code, passed, fail_on, verdict, counts JSON,
         reasons JSON, regressions JSON, report_dir, pruned_at, repeat, throttle, tool_version, baseline)
    journeys(run → runs.id, scenario, device, stages, failed)
    metrics(run → runs.id, scenario, device, stage, kind, metric, value, samples, throttle, contended)
    findings(run → runs.id, fingerprint, scenario, device, stage, check_id, severity, title, key)
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from ..errors import EXIT_CODES, ConfigError
from ..model import SEVERITIES, AuditRun
from ..config.policy import TIMING_METRICS, Policy, Retention
from .measure import StageValue, stage_values
from .regress import ref_key

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000
DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
        series TEXT NOT NULL, exit_code INTEGER, passed INTEGER, fail_on TEXT, verdict TEXT, counts TEXT,
        reasons TEXT, regressions TEXT, report_dir TEXT, pruned_at TEXT, repeat INTEGER, throttle TEXT,
        tool_version TEXT, baseline TEXT)""",
    """CREATE TABLE IF NOT EXISTS journeys (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, scenario TEXT NOT NULL, device TEXT NOT NULL,
        stages INTEGER, failed INTEGER, PRIMARY KEY (run, scenario, device))""",
    """CREATE TABLE IF NOT EXISTS metrics (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, scenario TEXT, device TEXT, stage TEXT,
        kind TEXT, metric TEXT, value REAL, samples INTEGER, throttle TEXT, contended INTEGER)""",
    """CREATE TABLE IF NOT EXISTS findings (
        run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, fingerprint TEXT, scenario TEXT, device TEXT,
        stage TEXT, check_id TEXT, severity TEXT, title TEXT, key TEXT)""",
    "CREATE INDEX IF NOT EXISTS runs_series ON runs(series, created_at)",
    "CREATE INDEX IF NOT EXISTS journeys_sd ON journeys(scenario, device)",
    "CREATE INDEX IF NOT EXISTS metrics_run ON metrics(run, scenario, device)",
    "CREATE INDEX IF NOT EXISTS findings_run ON findings(run, scenario, device)",
)


def series_of(run: AuditRun) -> str:
    """Runs of the same scenarios form a series: retention and trends work per series."""
    return " + ".join(sorted({j.scenario for j in run.journeys})) or "(no journeys)"


def _fail(path: Path, exc: Exception) -> ConfigError:
    return ConfigError(f"cannot use the history database: {exc}", path=str(path),
                       hint="pass another --history PATH, or --no-history")


@contextmanager
def _tx(con: sqlite3.Connection) -> Iterator[None]:
    """A short write transaction; IMMEDIATE takes the write lock up front (waiting up to the busy
    timeout), so two writers queue instead of failing on a lock upgrade."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class History:
    def __init__(self, path: Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ConfigError("no history database here yet", path=str(self.path),
                              hint="it is written by `auditor run` (default reports/history.sqlite); "
                                   "pass --history PATH")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.con = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.con.execute("PRAGMA journal_mode = WAL")
            self.con.execute("PRAGMA synchronous = NORMAL")
            self.con.execute("PRAGMA foreign_keys = ON")
            with _tx(self.con):
                for stmt in DDL:
                    self.con.execute(stmt)
                self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            found = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        except (sqlite3.Error, OSError) as exc:
            raise _fail(self.path, exc) from None
        if found != str(SCHEMA_VERSION):
            self.close()
            raise ConfigError(f"history schema version {found} is not the one this auditor writes "
                              f"({SCHEMA_VERSION})", path=str(self.path), hint="upgrade auditor, or start a new file")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------------

    def record(self, run: AuditRun, run_dir: Path | None, *, baseline: str = "") -> None:
        """Record ``run`` (replacing an earlier record of the same run id) in one transaction."""
        g = run.gate
        counts = {s: 0 for s in SEVERITIES}
        for f in run.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        row = (run.run_id, run.created_at, series_of(run), g.exit_code if g else None,
               int(g.passed) if g else None, g.fail_on if g else None,
               EXIT_CODES.get(g.exit_code, "") if g else "no gate", json.dumps(counts),
               json.dumps(list(g.reasons) if g else []), json.dumps(list(g.regressions) if g else []),
               str(Path(run_dir).resolve()) if run_dir else "", run.options.get("repeat"),
               run.options.get("throttle"), run.tool_version, baseline)
        metrics = [(v.scenario, v.device, v.stage, v.kind, v.metric, v.value, v.samples, v.throttle, int(v.contended))
                   for v in stage_values(run, TIMING_METRICS)]
        findings = [(f.fingerprint(), f.scenario, f.device, f.stage, f.check, f.severity, f.title, f.key)
                    for f in run.findings]
        journeys = {(j.scenario, j.device.name): (len(j.stages), int(bool(j.failures))) for j in run.journeys}
        try:
            with _tx(self.con):
                self.con.execute("DELETE FROM runs WHERE run_id = ?", (run.run_id,))
                rid = self.con.execute(
                    "INSERT INTO runs (run_id, created_at, series, exit_code, passed, fail_on, verdict, counts, "
                    "reasons, regressions, report_dir, repeat, throttle, tool_version, baseline) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row).lastrowid
                self.con.executemany("INSERT INTO journeys VALUES (?, ?, ?, ?, ?)",
                                     [(rid, s, d, n, failed) for (s, d), (n, failed) in journeys.items()])
                self.con.executemany("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                     [(rid, *m) for m in metrics])
                self.con.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                     [(rid, *f) for f in findings])
        except sqlite3.Error as exc:
            raise _fail(self.path, exc) from None

    def prune(self, retention: Retention, run: AuditRun, *, now: datetime | None = None) -> list[str]:
        """Delete report directories of this run's series beyond ``keep_runs`` or older than
        ``keep_days`` (never the current run's). Rows stay, marked ``pruned_at``. Returns the deleted paths."""
        if retention.keep_runs is None and retention.keep_days is None:
            return []
        now = now or datetime.now(timezone.utc)
        rows = self.con.execute(
            "SELECT run_id, created_at, report_dir FROM runs WHERE series = ? AND pruned_at IS NULL "
            "AND report_dir != '' ORDER BY created_at DESC, id DESC", (series_of(run),)).fetchall()
        cutoff = now - timedelta(days=retention.keep_days) if retention.keep_days is not None else None
        gone = []
        for i, (run_id, created, report_dir) in enumerate(rows):
            if run_id == run.run_id:
                continue
            old = cutoff is not None and _when(created) < cutoff
            if not old and (retention.keep_runs is None or i < retention.keep_runs):
                continue
            if _is_run_dir(Path(report_dir), run_id):
                shutil.rmtree(report_dir, ignore_errors=True)
                gone.append(report_dir)
            with _tx(self.con):
                self.con.execute("UPDATE runs SET pruned_at = ? WHERE run_id = ?",
                                 (now.isoformat(timespec="seconds"), run_id))
        return gone

    # --- reading ---------------------------------------------------------------------------------

    def past(self, run: AuditRun, policy: Policy) -> "Past":
        """What earlier runs of the same journeys measured and found (the current run excluded)."""
        window = policy.regressions.window
        values: dict[tuple, list[float]] = {}
        last_seen: dict[tuple[str, str], tuple[str, frozenset]] = {}
        for j in run.journeys:
            sd = (j.scenario, j.device.name)
            ids = [r[0] for r in self.con.execute(
                "SELECT r.id FROM runs r JOIN journeys j ON j.run = r.id WHERE j.scenario = ? AND j.device = ? "
                "AND r.run_id != ? ORDER BY r.created_at DESC, r.id DESC LIMIT ?", (*sd, run.run_id, window))]
            marks = ",".join("?" * len(ids))
            for stage, metric, throttle, value in self.con.execute(
                    f"SELECT stage, metric, throttle, value FROM metrics WHERE run IN ({marks}) AND scenario = ? "
                    "AND device = ?", (*ids, *sd)):
                values.setdefault((*sd, stage, metric, throttle), []).append(value)
            last = self.con.execute(
                "SELECT r.id, r.run_id FROM runs r JOIN journeys j ON j.run = r.id WHERE j.scenario = ? AND "
                "j.device = ? AND j.failed = 0 AND r.run_id != ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
                (*sd, run.run_id)).fetchone()
            if last:
                fps = frozenset(r[0] for r in self.con.execute(
                    "SELECT fingerprint FROM findings WHERE run = ? AND scenario = ? AND device = ?", (last[0], *sd)))
                last_seen[sd] = (last[1], fps)
        return Past(values, last_seen, policy.regressions.min_runs)

    def trends(self, run: AuditRun, limit: int = 20) -> list[dict]:
        """Earlier runs of this run's series, oldest first, in the shape report/trends.py draws."""
        rows = self.con.execute(
            "SELECT id, run_id, created_at, counts, regressions FROM runs WHERE series = ? AND run_id != ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?", (series_of(run), run.run_id, limit)).fetchall()
        out = []
        metrics = self._metrics([r[0] for r in rows])
        for rid, run_id, created, counts, regressions in reversed(rows):
            out.append({"run_id": run_id, "created_at": created, "metrics": metrics.get(rid, {}),
                        "findings": json.loads(counts or "{}"), "regressions": json.loads(regressions or "[]")})
        return out

    def runs(self, scenario: str | None = None, limit: int = 20) -> list[dict]:
        """Recorded runs, newest first; ``scenario`` matches a scenario name exactly or as a
        case-insensitive part of it."""
        ids = None
        if scenario:
            names = [r[0] for r in self.con.execute("SELECT DISTINCT scenario FROM journeys")]
            chosen = [n for n in names if n == scenario] or [n for n in names if scenario.lower() in n.lower()]
            marks = ",".join("?" * len(chosen))
            ids = {r[0] for r in self.con.execute(f"SELECT run FROM journeys WHERE scenario IN ({marks})", chosen)}
        rows = self.con.execute("SELECT id, run_id, created_at, series, exit_code, verdict, counts, regressions, "
                                "report_dir, pruned_at FROM runs ORDER BY created_at DESC, id DESC").fetchall()
        rows = [r for r in rows if ids is None or r[0] in ids][:limit]
        metrics = self._metrics([r[0] for r in rows])
        out = []
        for rid, run_id, created, series, code, verdict, counts, regs, report_dir, pruned in rows:
            out.append({"run_id": run_id, "created_at": created, "series": series, "exit_code": code,
                        "verdict": verdict, "counts": json.loads(counts or "{}"),
                        "regressions": json.loads(regs or "[]"), "report_dir": report_dir, "pruned_at": pruned,
                        "metrics": metrics.get(rid, {})})
        return out

    def _metrics(self, run_ids: list[int]) -> dict[int, dict[tuple[str, str, str, str], float]]:
        """run id → {(scenario, device, stage, metric): value}: one query per 500 runs, not one per run."""
        out: dict[int, dict] = {}
        for i in range(0, len(run_ids), 500):  # well under SQLite's limit on bound parameters
            part = run_ids[i:i + 500]
            for rid, sc, d, s, m, v in self.con.execute(
                    f"SELECT run, scenario, device, stage, metric, value FROM metrics WHERE run IN "
                    f"({','.join('?' * len(part))})", part):
                out.setdefault(rid, {})[(sc, d, s, m)] = v
        return out

    def count(self) -> int:
        return self.con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


@dataclass(frozen=True)
class Past:
    values: dict[tuple, list[float]]  # (scenario, device, stage, metric, throttle) → newest first
    last_seen: dict[tuple[str, str], tuple[str, frozenset]] = field(default_factory=dict)
    min_runs: int = 3

    def reference(self, v: StageValue):
        vals = self.values.get(ref_key(v), [])
        if len(vals) < self.min_runs:
            return None
        return float(statistics.median(vals)), f"median of the last {len(vals)} runs"


def _when(text: str) -> datetime:
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return datetime.max.replace(tzinfo=timezone.utc)  # unreadable: never counted as old
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _is_run_dir(path: Path, run_id: str) -> bool:
    """Only a directory that is this run's report (named after it, its report.json says so) is
    deleted: a history file moved or edited must not make retention remove anything else."""
    if path.is_symlink() or not path.is_dir() or path.name != run_id:
        return False
    try:
        data = json.loads((path / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("kind") == "auditor-report" \
        and (data.get("run") or {}).get("run_id") == run_id
