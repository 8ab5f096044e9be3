"""Benchmark: what auditor costs on top of what the browser itself must spend (``make bench``).

    .venv/bin/python bench/run.py [--iterations 5] [--quick] [--results-dir bench/results]

On the bundled demo shop (clean profile, served by a process of its own on a loopback port):

  comparison  the demo scenario (7 stages × desktop + mobile, all checks, annotated report) run by
              ``auditor run`` and by bench/bare.py (same launch, navigations, waits for load and
              screenshots, nothing else), alternated N times; medians, the ratio, auditor's phases
  long        the same on a 12-stage journey: the cost per stage should not grow with the journey
  scaling     1, 2 and 4 scenario × device jobs with --workers 1 and 2: jobs per minute; and the
              floor's own scaling: two bare walks one after the other, then both at once
  memory      peak resident memory of auditor's Python process(es), Playwright's driver and
              Chromium (sampled from /proc), and the size of the report directory

Each timed run is a fresh process (probe.py), timed whole by this one: interpreter start, imports,
driver and browser launch and close count for auditor and for the bare script alike.
Results: bench/results/<UTC stamp>.json, latest.json and latest.md (the table printed at the end).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import journeys  # noqa: E402
import tables  # noqa: E402
from memory import TreeSampler, dir_size  # noqa: E402

PROBE = HERE / "probe.py"
SCHEMA = 1


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class Shop:
    """The demo shop in a process of its own, so its request handling never shares a Python
    interpreter (and its lock) with the process being measured."""

    def __enter__(self) -> "Shop":
        self.proc = subprocess.Popen([sys.executable, "-m", "auditor.demo", "--profile", "clean", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     cwd=str(HERE.parent))
        line = self.proc.stdout.readline()
        if " at http://" not in line:
            self.proc.kill()
            raise SystemExit(f"bench: the demo shop did not start: {line!r}")
        self.url = line.split(" at ", 1)[1].split()[0]
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Bench:
    def __init__(self, work: Path, base_url: str):
        self.work, self.base_url = work, base_url
        self.n = 0
        from auditor.walk.browser import launch_args, resolve_browser
        self.browser = {"executable": resolve_browser().executable, "args": launch_args()}
        self.browser_version: str | None = None

    # -- one process ------------------------------------------------------------------------------
    def _start(self, spec: dict):
        self.n += 1
        spec_path = self.work / f"spec-{self.n}.json"
        result_path = self.work / f"result-{self.n}.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        err = open(self.work / f"stderr-{self.n}.txt", "w+")
        proc = subprocess.Popen([sys.executable, str(PROBE), str(spec_path), str(result_path)], cwd=str(self.work),
                                stdout=subprocess.DEVNULL, stderr=err)
        return proc, err, result_path

    def probe(self, spec: dict, *, sample: bool = False) -> dict:
        t0 = time.perf_counter()
        proc, err, result_path = self._start(spec)
        sampler = TreeSampler(proc.pid) if sample else None
        if sampler:
            with sampler:
                rc, usage = _wait(proc)
        else:
            rc, usage = _wait(proc)
        wall = time.perf_counter() - t0
        return self._finish(spec, rc, usage, wall, err, result_path, sampler)

    def probe_together(self, specs: list[dict]) -> float:
        """Start every spec at once; the wall time until the last one ends."""
        t0 = time.perf_counter()
        started = [self._start(spec) for spec in specs]
        for spec, (proc, err, result_path) in zip(specs, started):
            rc, usage = _wait(proc)
            self._finish(spec, rc, usage, 0.0, err, result_path, None)
        return time.perf_counter() - t0

    def _finish(self, spec, rc, usage, wall, err, result_path, sampler) -> dict:
        err.seek(0)
        tail = err.read()[-2000:]
        err.close()
        if rc != 0 or not result_path.is_file():
            raise SystemExit(f"bench: a {spec['kind']} run failed (exit {rc}):\n{tail}")
        out = json.loads(result_path.read_text(encoding="utf-8"))
        out["wall_s"] = wall
        # CPU of the whole tree (Python, driver, Chromium: each reaps its children), a view of the
        # work done that other processes' load disturbs far less than wall time.
        out["cpu_s"] = usage.ru_utime + usage.ru_stime
        if sampler:
            out["memory"] = sampler.peaks_mb()
        if out.get("browser_version"):
            self.browser_version = out["browser_version"]
        return out

    def auditor(self, name: str, yamls: list[Path], *, workers: int = 1, devices=(), sample=False) -> dict:
        out = self.work / f"reports-{name}"
        out.mkdir(exist_ok=True)
        return self.probe({"kind": "auditor", "scenarios": [str(p) for p in yamls], "base_url": self.base_url,
                           "out": str(out), "workers": workers, "devices": list(devices)}, sample=sample)

    def bare(self, name: str, scenario, *, devices=(), sample=False) -> dict:
        out = self.work / f"bare-{name}"
        shutil.rmtree(out, ignore_errors=True)
        return self.probe({"kind": "bare", "out": str(out), "browser": self.browser,
                           "scenario": bare_scenario(scenario, devices)}, sample=sample)


def _wait(proc: subprocess.Popen):
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage


def bare_scenario(sc, devices=()) -> dict:
    """What bare.py needs of a scenario, as JSON (it imports nothing of auditor)."""
    keep = [d for d in sc.devices if not devices or d.name in devices]
    return {"base_url": sc.base_url, "devices": [asdict(d) for d in keep],
            "steps": [{"when": s.when, "ready": s.ready,
                       "actions": [{"kind": a.kind, "selector": a.selector, "value": a.value,
                                    "timeout_ms": a.timeout_ms, "optional": a.optional} for a in s.actions]}
                      for s in sc.steps]}


def med(values) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def phase_medians(runs: list[dict]) -> dict[str, float]:
    names = sorted({k for r in runs for k in r["phases"]})
    out = {k: med([r["phases"].get(k, {}).get("seconds", 0.0) for r in runs]) for k in names}
    out["startup"] = med([r["wall_s"] - r["inner_s"] for r in runs])  # interpreter, imports, scenario load
    out["other"] = med([r["inner_s"] - sum(p["seconds"] for p in r["phases"].values()) for r in runs])
    return out


# -- sections -----------------------------------------------------------------------------------------
def compare(b: Bench, label: str, yaml: Path, scenario, iterations: int, devices=(), sample=False,
            last: dict | None = None) -> dict:
    """``last`` gets the last auditor and bare runs (with their memory peaks when ``sample``)."""
    runs: dict[str, list[dict]] = {"auditor": [], "bare": []}
    for i in range(iterations):
        for kind in (("auditor", "bare") if i % 2 == 0 else ("bare", "auditor")):
            r = (b.auditor(label, [yaml], devices=devices, sample=sample) if kind == "auditor"
                 else b.bare(label, scenario, devices=devices, sample=sample))
            runs[kind].append(r)
            log(f"{label} {i + 1}/{iterations} {kind:<7} {r['wall_s']:6.2f} s  ({r['stages']} stages)")
    a, z = runs["auditor"], runs["bare"]
    if last is not None:
        last.update(auditor=a[-1], bare=z[-1])
    stages = a[-1]["stages"]
    if z[-1]["stages"] != stages:
        log(f"WARNING: {label}: auditor captured {stages} stages, the bare script {z[-1]['stages']}")
    a_wall, z_wall = med(r["wall_s"] for r in a), med(r["wall_s"] for r in z)
    phases = phase_medians(a)
    post = sum(phases.get(k) or 0.0 for k in ("checks", "gate", "annotate", "report"))
    walk = sum(phases.get(k) or 0.0 for k in ("walk", "context", "capture"))
    bare_walk = med(r["phases"]["walk"]["seconds"] for r in z)
    return {
        "scenario": scenario.name, "stages": stages, "iterations": iterations,
        "devices": list(devices) or [d.name for d in scenario.devices],
        "auditor_s": [round(r["wall_s"], 3) for r in a], "bare_s": [round(r["wall_s"], 3) for r in z],
        "auditor_median_s": a_wall, "bare_median_s": z_wall, "ratio": a_wall / z_wall,
        "auditor_cpu_s": med(r["cpu_s"] for r in a), "bare_cpu_s": med(r["cpu_s"] for r in z),
        "auditor_python_cpu_s": med(r["python_cpu_s"] for r in a), "bare_python_cpu_s": med(r["python_cpu_s"] for r in z),
        "paired_ratio_median": med(x["wall_s"] / y["wall_s"] for x, y in zip(a, z)),
        "overhead_s": a_wall - z_wall,
        "auditor_phases_s": phases,
        "bare_phases_s": {"startup": med(r["wall_s"] - r["inner_s"] for r in z),
                          "launch": med(r["phases"]["launch"]["seconds"] for r in z), "walk": bare_walk},
        "per_stage": {
            "auditor_s": a_wall / stages, "bare_s": z_wall / stages, "overhead_s": (a_wall - z_wall) / stages,
            "auditor_walk_capture_s": walk / stages, "bare_walk_s": bare_walk / stages,
            "walk_overhead_s": (walk - bare_walk) / stages, "post_walk_s": post / stages,
        },
        "python_hwm_mb": med(r["python_hwm_kb"] / 1024 for r in a),
        "report_dir": dir_size(Path(a[-1]["run_dir"])) if a[-1].get("run_dir") else None,
    }


def scaling(b: Bench, plans: dict[int, tuple[list[Path], list[str]]], worker_counts, iterations: int,
            sample=False, last: dict | None = None) -> dict:
    """``plans``: jobs → (scenario files, devices) that make that many scenario × device jobs;
    ``last`` gets the last run of each (jobs, workers)."""
    rows = []
    job_counts = sorted(plans)
    for jobs in job_counts:
        yamls, devices = plans[jobs]
        for workers in worker_counts:
            walls = []
            for _ in range(iterations):
                r = b.auditor(f"scale-{jobs}-{workers}", yamls, workers=workers, devices=devices, sample=sample)
                walls.append(r["wall_s"])
                if last is not None:
                    last[(jobs, workers)] = r
                log(f"scaling {jobs} job(s) --workers {workers}: {r['wall_s']:6.2f} s")
            wall = med(walls)
            rows.append({"jobs": jobs, "workers": workers, "seconds": wall, "runs_s": walls,
                         "jobs_per_minute": jobs / wall * 60})
    by = {(r["jobs"], r["workers"]): r for r in rows}
    speedup = {str(j): by[(j, 2)]["jobs_per_minute"] / by[(j, 1)]["jobs_per_minute"]
               for j in job_counts if (j, 1) in by and (j, 2) in by}
    return {"rows": rows, "speedup_workers2": speedup, "iterations": iterations}


def floor_scaling(b: Bench, scenario, iterations: int) -> dict:
    """The floor's own scaling: two bare walks (2 scenario × device jobs each) one after the
    other, then both at once. What the browser allows on this machine, whatever auditor does."""
    one, both = [], []
    for _ in range(iterations):
        one.append(b.bare("floor-a", scenario)["wall_s"] + b.bare("floor-b", scenario)["wall_s"])
        both.append(b.probe_together([{"kind": "bare", "out": str(b.work / f"bare-floor-{k}"), "browser": b.browser,
                                        "scenario": bare_scenario(scenario)} for k in ("c", "d")]))
        log(f"floor: two bare walks one after the other {one[-1]:6.2f} s, at once {both[-1]:6.2f} s")
    return {"jobs": 2 * len(scenario.devices), "serial_s": med(one), "parallel_s": med(both), "speedup": med(one) / med(both),
            "serial_runs_s": one, "parallel_runs_s": both}


def memory(b: Bench, demo_yaml: Path, second_yaml: Path, scenario) -> dict:
    """Dedicated runs, sampled: the demo on one worker (2 jobs), on two workers (4 jobs), and bare."""
    return memory_rows({
        "auditor --workers 1": (b.auditor("mem-w1", [demo_yaml], sample=True), 2),
        "auditor --workers 2": (b.auditor("mem-w2", [demo_yaml, second_yaml], workers=2, sample=True), 4),
        "bare": (b.bare("mem", scenario, sample=True), 2),
    })


def memory_rows(runs: dict[str, tuple[dict, int]]) -> dict:
    out = {}
    for name, (r, jobs) in runs.items():
        out[name] = {**r["memory"], "python_hwm_mb": round(r["python_hwm_kb"] / 1024, 1), "jobs": jobs,
                     "report_dir": dir_size(Path(r["run_dir"])) if r.get("run_dir") else None}
        log(f"memory {name}: python {out[name]['python_mb']} MB (VmHWM {out[name]['python_hwm_mb']} MB), "
            f"browser {out[name]['browser_mb']} MB")
    return out


def machine() -> dict:
    from importlib.metadata import version

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = None
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    import auditor
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": round(mem_kb / 1024 / 1024, 1) if mem_kb else None,
            "python": sys.version.split()[0], "playwright": version("playwright"), "auditor": auditor.__version__,
            "commit": commit, "loadavg_start": [round(x, 2) for x in os.getloadavg()]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--iterations", type=int, default=5, help="auditor/bare pairs on the demo scenario (default 5)")
    ap.add_argument("--long-iterations", type=int, default=3, help="pairs on the 12-stage journey (default 3)")
    ap.add_argument("--scaling-iterations", type=int, default=1, help="runs per jobs × workers cell (default 1)")
    ap.add_argument("--quick", action="store_true", help="one iteration of a 2-stage, 1-device journey (smoke test)")
    ap.add_argument("--sections", default="comparison,long,scaling,memory",
                    help="what to run, comma-separated (default: all; a partial run's table shows only those)")
    ap.add_argument("--results-dir", type=Path, default=HERE / "results")
    args = ap.parse_args(argv)
    if args.iterations < 1 or args.long_iterations < 1 or args.scaling_iterations < 1:
        ap.error("iterations must be at least 1")

    started = datetime.now(timezone.utc)
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="auditor-bench-"))
    try:
        with Shop() as shop:
            log(f"demo shop at {shop.url}; work dir {work}")
            b = Bench(work, shop.url)
            if args.quick:
                main_sc = journeys.written(work, "quick", shop.url)
                main_yaml = work / "bench-quick.yaml"
                devices = ["desktop"]
            else:
                main_sc, main_yaml = journeys.demo(shop.url), journeys.DEMO_YAML
                long_sc = journeys.written(work, "long", shop.url)
                long_yaml = work / "bench-long.yaml"
            second = work / "bench-demo-b.yaml"
            second.write_text(main_yaml.read_text(encoding="utf-8").replace(
                f"name: {main_sc.name}", f"name: {main_sc.name} (B)", 1), encoding="utf-8")
            results = {"schema": SCHEMA, "started_at": started.isoformat(timespec="seconds"),
                       "quick": args.quick, "launch_policy": tables.LAUNCH_POLICY, "machine": info}
            if args.quick:
                # Every section from as few runs as will do (the smoke test runs this): the
                # 2-stage journey once each way, sampled; the "long" journey is the same run; two
                # copies of it (two jobs) on one worker and on two.
                last: dict = {}
                results["comparison"] = compare(b, "demo", main_yaml, main_sc, 1, devices, sample=True, last=last)
                results["long_journey"] = {**results["comparison"], "reused": "comparison (--quick)"}
                runs: dict = {}
                results["scaling"] = scaling(b, {2: ([main_yaml, second], [])}, (1, 2), 1, sample=True, last=runs)
                results["scaling"]["floor"] = floor_scaling(b, main_sc, 1)
                results["memory"] = memory_rows({"auditor --workers 1": (last["auditor"], 1),
                                                 "auditor --workers 2": (runs[(2, 2)], 2), "bare": (last["bare"], 1)})
            else:
                want = set(args.sections.split(","))
                if "comparison" in want:
                    results["comparison"] = compare(b, "demo", main_yaml, main_sc, args.iterations)
                if "long" in want:
                    results["long_journey"] = compare(b, "long", long_yaml, long_sc, args.long_iterations)
                if "scaling" in want:
                    plans = {1: ([main_yaml], ["desktop"]), 2: ([main_yaml], []), 4: ([main_yaml, second], [])}
                    results["scaling"] = scaling(b, plans, (1, 2), args.scaling_iterations)
                    results["scaling"]["floor"] = floor_scaling(b, main_sc, args.scaling_iterations)
                if "memory" in want:
                    results["memory"] = memory(b, main_yaml, second, main_sc)
            info["chromium"] = b.browser_version
    finally:
        shutil.rmtree(work, ignore_errors=True)
    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["targets"] = tables.targets(results)
    md = tables.markdown(results)
    out = args.results_dir
    out.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=1, sort_keys=False)
    (out / f"{stamp}.json").write_text(text + "\n", encoding="utf-8")
    (out / "latest.json").write_text(text + "\n", encoding="utf-8")
    (out / "latest.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
