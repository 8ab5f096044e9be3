"""Command line. Exit codes are a contract (see errors.py):
0 passed · 1 gate failed · 2 usage or configuration error · 3 the site could not be audited.

Each command imports the modules it uses inside its function, so `auditor --help`, doctor, history and
baseline do not load Playwright, Pillow, Jinja2 and the checks (tests/test_imports.py lists why)."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import EXIT_CODES, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, AuditorError, ConfigError
from .model import AuditRun, severity_rank
from .writable import check_history_path, check_out_dir, nonempty_path

THROTTLES = ("none", "mobile", "slow-3g", "desktop")


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage already; route its message through our format."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"auditor: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, found {text!r}")
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, found {n}")
    return n


def add_audit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=nonempty_path, default=Path("reports"),
                   help="report root directory (default: reports/)")
    p.add_argument("--device", action="append", default=[], metavar="NAME",
                   help="audit only this device (repeatable; default: the scenario's devices)")
    p.add_argument("--repeat", type=_positive, default=1, metavar="N",
                   help="load every stage N times and report the median timing (default 1; 5 is stable)")
    p.add_argument("--throttle", choices=THROTTLES, default="none", help="network/CPU throttling profile")
    p.add_argument("--workers", type=_positive, default=1, metavar="N", help="walk journeys in N parallel processes")
    p.add_argument("--policy", type=Path, help="policy file (default: ./auditor.yaml when present)")
    p.add_argument("--fail-on", choices=("info", "minor", "major", "critical", "never"),
                   help="lowest severity that fails the gate (default: the policy's, else major)")
    p.add_argument("--browser-path", help="Chromium executable (else $AUDITOR_CHROMIUM, Playwright's, system)")
    p.add_argument("--connect", metavar="WS_ENDPOINT", help="use a remote Playwright browser server")
    add_gate_options(p)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="auditor", description="Walk a web shop like a shopper and report the friction it feels.")
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="audit one or more scenarios")
    run.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO")
    run.add_argument("--base-url", help="override the scenarios' base_url (also: $AUDITOR_BASE_URL)")
    add_audit_options(run)
    add_shard_option(run)

    demo = sub.add_parser("demo", help="serve the bundled demo shop and audit it")
    demo.add_argument("--profile", choices=("clean", "friction"), action="append",
                      help="audit only this profile (default: both)")
    demo.add_argument("--toggles", help="extra demo-shop toggles, e.g. 'slow=product:1500,late_fees'")
    add_audit_options(demo)

    doctor = sub.add_parser("doctor", help="say which browser will be used and why, or how to get one")
    doctor.add_argument("--browser-path")

    check = sub.add_parser("check", help="re-run the checks on a saved run (no browser)")
    check.add_argument("run_dir", type=Path)
    check.add_argument("--policy", type=Path)
    check.add_argument("--fail-on", choices=("info", "minor", "major", "critical", "never"))
    check.add_argument("--out", type=nonempty_path, help="write the re-checked report here (default: in place)")
    add_gate_options(check, history=False)
    add_gate_commands(sub)
    add_merge_parser(sub)
    return parser


# ---- helpers -------------------------------------------------------------------------------------

def _progress(quiet: bool):
    if quiet:
        return None
    start = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - start:6.1f}s] {text}", file=sys.stderr, flush=True)
    return say


def load_policy(path: Path | None, fail_on: str | None, inline=()):
    """Layers (docs/policy.md): --fail-on > --policy FILE > ./auditor.yaml > the scenarios' inline policy."""
    from .config.policy import load_policy as _load

    files = [f for f in (Path("auditor.yaml"), path) if f is not None and (f == path or f.is_file())]
    return _load(files, inline, fail_on=fail_on)


def audit_options(args, scenarios=(), **extra):
    from .run.plan import AuditOptions

    check_out_dir(args.out)  # before any browser: a report root that cannot be written is the user's setting
    return AuditOptions(out_dir=args.out, devices=tuple(args.device), repeat=args.repeat, throttle=args.throttle,
                        workers=args.workers, browser_path=args.browser_path, connect=args.connect,
                        policy=load_policy(args.policy, args.fail_on, scenarios), debug=args.debug,
                        progress=_progress(args.quiet), gate=gate_options(args, scenarios), **extra)


def summary_lines(run: AuditRun, run_dir: Path) -> list[str]:
    lines = []
    for j in run.journeys:
        state = "ok"
        if j.failure:
            state = f"FAILED at {j.failure.stage}: {j.failure.kind}: {j.failure.message[:100]}"
        elif j.stopped:
            state = "stopped before placing the order"
        lines.append(f"  {j.scenario} [{j.device.name}]: {len(j.stages)} stages, {state}")
    by_check: dict[str, list] = {}
    for r in run.results:
        by_check.setdefault(r.check, []).append(r)
    for check, results in by_check.items():
        findings = [f for r in results for f in r.findings]
        errors = [r for r in results if r.outcome == "error"]
        if errors:
            verdict = f"ERROR ({errors[0].reason})"
        elif findings:
            worst = max(findings, key=lambda f: severity_rank(f.severity))
            verdict = f"FAIL  {len(findings)} finding(s), worst {worst.severity}: {worst.title}"
        elif all(r.outcome == "not_applicable" for r in results):
            verdict = "n/a   " + (results[0].reason or "")
        else:
            verdict = "pass"
        lines.append(f"  {check:<24} {verdict}"[:160])
    gate = run.gate
    if gate:
        lines.append(f"  gate (fail on {gate.fail_on}): {'PASSED' if gate.passed else 'FAILED'}"
                     f" → exit {gate.exit_code} ({EXIT_CODES.get(gate.exit_code, '')})")
        lines += gate_detail_lines(gate)
    lines.append(f"  report: {(run_dir / 'index.html').resolve()}")
    return lines


# ---- commands ------------------------------------------------------------------------------------

def cmd_run(args) -> int:
    from .run.pipeline import audit
    from .scenario.load import load_scenario

    base_url = args.base_url or os.environ.get("AUDITOR_BASE_URL") or None
    scenarios = [load_scenario(p, base_url=base_url) for p in args.scenarios]
    if getattr(args, "shard", None):
        return run_shard(args, scenarios)
    opts = audit_options(args, scenarios)
    run, run_dir = audit(scenarios, opts)
    print("\n".join(summary_lines(run, run_dir)))
    if say_interrupted(run, run_dir):
        return EXIT_INTERRUPTED
    return run.gate.exit_code if run.gate else EXIT_OK


def say_interrupted(run: AuditRun, run_dir: Path) -> bool:
    """A run stopped by SIGINT/SIGTERM (run/interrupt.py) says so on stderr, with where its partial report is."""
    stopped = run.options.get("interrupted")
    if stopped:
        print(f"auditor: interrupted by {stopped['signal']}: {stopped['walked']} of {stopped['planned']} journey(s) "
              f"walked, {stopped['partial']} cut short; the report of what was captured: "
              f"{(run_dir / 'index.html').resolve()}", file=sys.stderr)
    return bool(stopped)


def cmd_demo(args) -> int:
    from .demo import PROFILES, SCENARIO, DemoShop, parse_toggles
    from .run.pipeline import audit
    from .scenario.load import load_scenario

    scenario_path = SCENARIO
    profiles = args.profile or ["clean", "friction"]
    try:  # layered on each profile, so `name=off` can switch a profile's toggle off
        toggles_for = {name: parse_toggles(args.toggles, PROFILES[name]) if args.toggles else PROFILES[name]
                       for name in profiles}
    except ValueError as exc:
        raise ConfigError(str(exc), key="--toggles") from None
    worst = EXIT_OK
    out = []
    for name in profiles:
        toggles = toggles_for[name]
        with DemoShop(toggles) as shop:
            sc = load_scenario(scenario_path, base_url=shop.url)
            sc = replace(sc, name=f"{sc.name} [{name}]")
            opts = audit_options(args, label=f"demo-{name}", extra={"demo_profile": name,
                                                                       "demo_toggles": toggles.describe()})
            if opts.progress:
                opts.progress(f"demo shop ({name}: {toggles.describe()}) at {shop.url}")
            run, run_dir = audit([sc], opts)
        out.append((name, run, run_dir))
        if run.options.get("interrupted"):
            worst = EXIT_INTERRUPTED
            break
        if run.gate and run.gate.exit_code == 3:
            worst = 3
    for name, run, run_dir in out:
        print(f"\n== demo profile '{name}' ==")
        print("\n".join(summary_lines(run, run_dir)))
    print("\nOpen the reports:")
    for name, run, run_dir in out:
        print(f"  {name:>8}: {(run_dir / 'index.html').resolve()}")
        say_interrupted(run, run_dir)
    # The friction profile is meant to fail the gate: `demo` exits non-zero only if a walk broke.
    return worst


def cmd_doctor(args) -> int:
    from .walk.browser import doctor_report

    ok, text = doctor_report(args.browser_path)
    print(text)
    return EXIT_OK if ok else EXIT_USAGE


def cmd_check(args) -> int:
    from .report import load_captures, load_report, write_report
    from .run.pipeline import check_run
    from .run.plan import AuditOptions

    if not (args.run_dir / "report.json").is_file():
        raise ConfigError("not a run directory: report.json is missing", path=str(args.run_dir))
    old = load_report(args.run_dir / "report.json")
    check_out_dir(args.out or args.run_dir, "--out" if args.out else "RUN_DIR")
    journeys = load_captures(args.run_dir)
    opts = AuditOptions(policy=load_policy(args.policy, args.fail_on), debug=args.debug, gate=gate_options(args))
    run = check_run(journeys, opts, old.run_id, options=dict(old.options) | {"rechecked": True})
    out_dir = args.out or args.run_dir
    if out_dir != args.run_dir:
        shutil.copytree(args.run_dir, out_dir, dirs_exist_ok=True)
    from .gate.pipeline import record_and_compare
    run, _ = record_and_compare(run, out_dir, opts.policy, opts.gate)  # judged (baseline, notify), not recorded
    write_report(run, out_dir, previous=None if args.baseline else old)
    print("\n".join(summary_lines(run, out_dir)))
    return run.gate.exit_code if run.gate else EXIT_OK


# ---- scaling: --shard I/N and `auditor merge` (docs/scaling.md) -----------------------------------

def _shard_arg(text: str) -> tuple[int, int]:
    from .run.shard import parse_shard

    try:
        return parse_shard(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.message)


def add_shard_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shard", type=_shard_arg, metavar="I/N",
                   help="walk only shard I of N (a stable slice of the scenario × device jobs); "
                        "combine the shard runs with `auditor merge`, which decides the gate")


def add_merge_parser(sub) -> None:
    merge = sub.add_parser("merge", help="combine shard runs (run --shard I/N) into one run, gate and report")
    merge.add_argument("shard_dirs", nargs="+", type=Path, metavar="SHARD_DIR")
    merge.add_argument("--out", type=nonempty_path, default=Path("reports"),
                       help="report root: the merged run goes to OUT/<run-id>/ (default: reports/)")
    merge.add_argument("--policy", type=Path, help="policy file (default: ./auditor.yaml when present)")
    merge.add_argument("--fail-on", choices=("info", "minor", "major", "critical", "never"))
    add_gate_options(merge)  # the merged run is the one that is judged, recorded and notified


def run_shard(args, scenarios) -> int:
    """A shard has no verdict of its own: exit 0 once its run directory is written, even when a walk
    failed or friction was found, so one shard never cancels its CI matrix siblings; the merge exits 1/3."""
    from .run.pipeline import audit

    i, n = args.shard
    run, run_dir = audit(scenarios, audit_options(args, scenarios, shard=(i, n), label=f"shard-{i}of{n}"))
    print("\n".join(summary_lines(run, run_dir)))
    planned = len(run.options.get("plan", []))
    print(f"  shard {i}/{n}: walked {len(run.journeys)} of {planned} planned journeys; the gate, baseline and "
          "history are decided by `auditor merge` over all shards")
    failed = [j for j in run.journeys if j.failures]
    if failed:
        print(f"  {len(failed)} journey(s) could not be walked: the merged run will exit 3")
    given = [f"--{k.replace('_', '-')}" for k in ("baseline", "history", "keep_runs", "notify") if getattr(args, k, None)]
    if given:
        print(f"  note: {', '.join(given)} apply to `auditor merge`, not to a shard", file=sys.stderr)
    return EXIT_INTERRUPTED if say_interrupted(run, run_dir) else EXIT_OK


def cmd_merge(args) -> int:
    from .run.merge import merge_shards, plan_scenarios
    from .run.plan import AuditOptions

    scenarios, notes = plan_scenarios(args.shard_dirs)
    for note in notes:
        print(f"auditor: note: {note}", file=sys.stderr)
    check_out_dir(args.out)
    opts = AuditOptions(out_dir=args.out, policy=load_policy(args.policy, args.fail_on, scenarios), debug=args.debug,
                        progress=_progress(args.quiet), gate=gate_options(args, scenarios))
    run, run_dir = merge_shards(args.shard_dirs, opts)
    print("\n".join(summary_lines(run, run_dir)))
    return run.gate.exit_code if run.gate else EXIT_OK


COMMANDS = {"run": cmd_run, "demo": cmd_demo, "doctor": cmd_doctor, "check": cmd_check, "merge": cmd_merge}


# ---- CI gate: baselines, run history, notifications (docs/ci.md, docs/policy.md) ------------------

def add_gate_options(p: argparse.ArgumentParser, *, history: bool = True) -> None:
    p.add_argument("--baseline", type=Path, metavar="FILE",
                   help="gate only on findings not in this baseline and on timings worse than it "
                        "(auditor baseline save)")
    if history:
        where = p.add_mutually_exclusive_group()
        where.add_argument("--history", type=nonempty_path, metavar="PATH",
                           help="SQLite run history for trends and regressions (default: OUT/history.sqlite)")
        where.add_argument("--no-history", action="store_true", help="do not read or record the run history")
        p.add_argument("--keep-runs", type=_positive, metavar="N",
                       help="keep the report directories of the last N runs of these scenarios, prune older "
                            "ones (history rows stay; overrides the policy's retention.keep_runs)")
    p.add_argument("--notify", metavar="URL",
                   help="Slack-compatible webhook to post to when the gate fails or a regression is flagged")


def gate_options(args, scenarios=()):
    from .gate.pipeline import GateOptions

    notify = getattr(args, "notify", None)
    if notify and not re.match(r"(https?://\S+|\$\{[A-Za-z_][A-Za-z0-9_]*\})\Z", notify.strip()):
        raise ConfigError("expected an http(s) URL", key="--notify", hint='e.g. --notify "$SLACK_WEBHOOK_URL"')
    history = None
    if hasattr(args, "history") and not args.no_history:
        history = args.history or Path(args.out) / "history.sqlite"
    check_gate_inputs(getattr(args, "baseline", None), history)
    return GateOptions(baseline=getattr(args, "baseline", None), history=history,
                       keep_runs=getattr(args, "keep_runs", None), notify=notify,
                       secrets=frozenset(v for sc in scenarios for v in sc.secrets))


def gate_detail_lines(gate) -> list[str]:
    """What the per-check table does not show: baseline counts, budgets, regressions, notes."""
    lines = []
    if gate.new or gate.fixed or gate.unchanged:
        lines.append(f"    baseline: {len(gate.new)} new, {len(gate.fixed)} fixed, {len(gate.unchanged)} unchanged")
    shown = [r for r in gate.reasons if r.startswith(("budget ", "regression: "))]
    flagged = [r for r in gate.regressions if f"regression: {r}" not in gate.reasons]
    for label, items in (("✗", shown), ("regression (flagged)", flagged), ("note", gate.notes)):
        lines += [f"    {label}: {text}"[:300] for text in items[:8]]
        if len(items) > 8:
            lines.append(f"    … {len(items) - 8} more in report.json")
    return lines


def check_gate_inputs(baseline: Path | None, history: Path | None) -> None:
    """A broken baseline or history file is exit 2 before the walk, not after it."""
    if baseline is not None:
        from .gate.baseline import load_baseline
        load_baseline(baseline)
    if history is not None:
        check_history_path(history)
    if history is not None and history.exists():
        from .gate.history import History
        History(history, create=False).close()


def add_gate_commands(sub) -> None:
    baseline = sub.add_parser("baseline", help="accept today's findings: gate later runs only on what is new")
    actions = baseline.add_subparsers(dest="baseline_action", metavar="ACTION", parser_class=_Parser, required=True)
    save = actions.add_parser("save", help="write the baseline of a finished run")
    save.add_argument("run_dir", type=Path, metavar="RUN_DIR",
                      help="a run directory, or the report root (then its newest run)")
    save.add_argument("-o", "--output", type=Path, default=Path("auditor-baseline.json"),
                      help="baseline file to write (default: auditor-baseline.json)")
    history = sub.add_parser("history", help="list recorded runs with their verdicts and timing trends")
    history.add_argument("--history", type=Path, metavar="PATH", help="history file (default: OUT/history.sqlite)")
    history.add_argument("--out", type=Path, default=Path("reports"), help="report root (default: reports/)")
    history.add_argument("--scenario", metavar="NAME", help="only runs of this scenario (or names containing it)")
    history.add_argument("--limit", type=_positive, default=20, metavar="N", help="at most N runs (default 20)")


def cmd_baseline(args) -> int:
    from .gate.baseline import save_baseline

    data, run_dir, notes = save_baseline(args.run_dir, args.output)
    print(f"baseline: {len(data['findings'])} accepted finding(s) and {len(data['metrics'])} timing medians "
          f"from {run_dir} → {args.output}")
    for note in notes:
        print(f"  note: {note}")
    return EXIT_OK


def cmd_history(args) -> int:
    from .gate.history import History
    from .gate.history_view import render_history

    path = args.history or args.out / "history.sqlite"
    with History(path, create=False) as h:
        print(render_history(h.runs(args.scenario, args.limit), path=path, total=h.count(), scenario=args.scenario))
    return EXIT_OK


COMMANDS.update(baseline=cmd_baseline, history=cmd_history)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    previous = _sigterm_interrupts()
    try:
        return COMMANDS[args.command](args)
    except AuditorError as exc:
        if args.debug:
            raise
        print(f"auditor: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # before or after a run's walk, or a second signal: nothing more is written
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug must not exit 1 and read as "gate failed"
        if args.debug:
            raise
        print(f"auditor: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in auditor, not a verdict on the site. Re-run with --debug for the traceback "
              "and report it.", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _sigterm_interrupts():
    """SIGTERM (a cancelled CI job) means what Ctrl-C means, at any point of any command: exit 130 with a
    word, never 143 in silence. During a run's walk, run/interrupt.py handles both."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


if __name__ == "__main__":
    sys.exit(main())
