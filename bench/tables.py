"""The benchmark's verdict on its targets and its Markdown tables (stdout and results/latest.md)."""
from __future__ import annotations

LAUNCH_POLICY = ("counted for both: every timed run is a fresh process that starts Python, Playwright's driver "
                 "and Chromium, walks, and closes them; the wall time of the whole process is compared")

PHASES = (
    ("startup", "process and interpreter start"),
    ("launch", "Playwright driver + Chromium start and close"),
    ("context", "browser context, page, listeners, navigation guard (per journey)"),
    ("walk", "actions, waits for load, submit guards, interruption checks"),
    ("capture", "collect.js evaluate + masked full-page screenshot"),
    ("checks", "all checks over the captures"),
    ("gate", "verdict, run history (SQLite)"),
    ("annotate", "boxes, badges, close-ups, WebP encoding (Pillow)"),
    ("report", "captures/, report.json, index.html, summary.md, junit.xml"),
    ("other", "imports, scenario and policy loading, planning: inside no phase"),
)

TARGETS = (
    ("ratio", "auditor/bare on the demo scenario", "≤", 1.25, "{:.2f}"),
    ("post_walk_per_stage_s", "checks + annotation + report per stage", "<", 0.3, "{:.3f} s"),
    ("python_rss_one_worker_mb", "peak Python RSS, one worker", "<", 300, "{:.0f} MB"),
    ("workers2_speedup", "--workers 2 vs 1 throughput, 4 jobs", "≥", 1.6, "{:.2f}×"),
)


def targets(r: dict) -> dict:
    c = r.get("comparison")
    speed = r["scaling"]["speedup_workers2"] if "scaling" in r else {}
    values = {
        "ratio": c["ratio"] if c else None,
        "post_walk_per_stage_s": c["per_stage"]["post_walk_s"] if c else None,
        "python_rss_one_worker_mb": r["memory"]["auditor --workers 1"]["python_hwm_mb"] if "memory" in r else None,
        "workers2_speedup": speed.get("4", next(iter(speed.values()), None)),
    }
    out = {}
    for key, what, op, limit, _ in TARGETS:
        v = values[key]
        ok = None if v is None else (v <= limit if op == "≤" else v < limit if op == "<" else v >= limit)
        out[key] = {"what": what, "value": v, "limit": limit, "op": op, "met": ok}
    return out


def _f(v, spec="{:.2f}") -> str:
    return "–" if v is None else spec.format(v)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def markdown(r: dict) -> str:
    m = r["machine"]
    L = [f"## auditor benchmark — {r['started_at']}{' (quick)' if r['quick'] else ''}", ""]
    L.append(f"Machine: {m['cores']} cores, {m['cpu'] or 'unknown CPU'}, {m['memory_gb']} GB; Python {m['python']}, "
             f"Playwright {m['playwright']}, Chromium {m.get('chromium') or '?'}; auditor {m['auditor']} "
             f"at {m['commit'] or '?'}; load average {m['loadavg_start'][0]} at start, {m['loadavg_end'][0]} at end.")
    L.append(f"Browser launch: {r['launch_policy']}.")
    if "comparison" in r:
        L += _comparison(r["comparison"])
    if "comparison" in r and "long_journey" in r:
        L += _per_stage(r["comparison"], r["long_journey"])
    if "scaling" in r:
        L += _scaling(r["scaling"])
    if "memory" in r:
        L += _memory(r["memory"])
    L += ["", "### Targets", "", "| target | measured | limit | |", "|---|---:|---:|---|"]
    for key, what, op, limit, spec in TARGETS:
        t = r["targets"][key]
        mark = "met" if t["met"] else ("–" if t["met"] is None else "**missed**")
        L.append(f"| {what} | {_f(t['value'], spec)} | {op} {limit} | {mark} |")
    return "\n".join(L) + "\n"


def _comparison(c: dict) -> list[str]:
    p = c["per_stage"]
    L = ["", f"### Demo scenario: auditor vs bare Playwright ({c['iterations']} alternating runs each, medians)", "",
         f"{c['scenario']}: {c['stages']} stages over {', '.join(c['devices'])}, clean shop.", "",
         "| | auditor | bare | auditor/bare |", "|---|---:|---:|---:|",
         f"| whole run (s) | {_f(c['auditor_median_s'])} | {_f(c['bare_median_s'])} | **{_f(c['ratio'])}** |",
         f"| per stage (s) | {_f(p['auditor_s'], '{:.3f}')} | {_f(p['bare_s'], '{:.3f}')} | |",
         f"| walk + capture per stage (s) | {_f(p['auditor_walk_capture_s'], '{:.3f}')} | "
         f"{_f(p['bare_walk_s'], '{:.3f}')} | |",
         f"| CPU, all processes (s) | {_f(c['auditor_cpu_s'])} | {_f(c['bare_cpu_s'])} | "
         f"{_f(c['auditor_cpu_s'] / c['bare_cpu_s'] if c['bare_cpu_s'] else None)} |",
         f"| CPU, Python process (s) | {_f(c['auditor_python_cpu_s'])} | {_f(c['bare_python_cpu_s'])} | |",
         f"| runs (s) | {' '.join(f'{x:.1f}' for x in c['auditor_s'])} | {' '.join(f'{x:.1f}' for x in c['bare_s'])} | "
         f"paired median {_f(c['paired_ratio_median'])} |",
         "", "Where auditor's time goes (median seconds per phase; phases are exclusive):", "",
         "| phase | s | per stage | share | |", "|---|---:|---:|---:|---|"]
    ph, total = c["auditor_phases_s"], c["auditor_median_s"]
    for name, what in PHASES:
        v = ph.get(name)
        if v is not None:
            L.append(f"| {name} | {v:.2f} | {v / c['stages']:.3f} | {100 * v / total:.0f} % | {what} |")
    bp = c["bare_phases_s"]
    L.append(f"| *bare* | startup {_f(bp['startup'])}, launch {_f(bp['launch'])}, walk {_f(bp['walk'])} | | | |")
    return L


def _per_stage(c: dict, lj: dict) -> list[str]:
    L = ["", "### Cost per stage: demo vs long journey (medians)", "",
         "| journey | stages | auditor s/stage | bare s/stage | overhead s/stage | walk+capture s/stage "
         "| bare walk s/stage | checks+annotate+report s/stage | ratio |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, x in (("demo", c), ("long", lj)):
        p = x["per_stage"]
        L.append(f"| {name} | {x['stages']} | {p['auditor_s']:.3f} | {p['bare_s']:.3f} | {p['overhead_s']:.3f} | "
                 f"{p['auditor_walk_capture_s']:.3f} | {p['bare_walk_s']:.3f} | {p['post_walk_s']:.3f} | "
                 f"{x['ratio']:.2f} |")
    return L


def _scaling(s: dict) -> list[str]:
    L = ["", "### Scaling: scenario × device jobs per minute (whole process, launch included)", "",
         "| jobs | --workers 1 | --workers 2 | speed-up |", "|---:|---:|---:|---:|"]
    by = {(row["jobs"], row["workers"]): row for row in s["rows"]}

    def cell(w):
        return f"{w['jobs_per_minute']:.1f} ({w['seconds']:.1f} s)" if w else "–"
    for j in sorted({row["jobs"] for row in s["rows"]}):
        L.append(f"| {j} | {cell(by.get((j, 1)))} | {cell(by.get((j, 2)))} | {_f(s['speedup_workers2'].get(str(j)))}× |")
    fl = s.get("floor")
    if fl:
        L += ["", f"The floor's own scaling — two bare walks ({fl['jobs']} jobs) one after the other: "
                  f"{fl['serial_s']:.1f} s; both at once: {fl['parallel_s']:.1f} s; speed-up **{fl['speedup']:.2f}×**. "
                  "Two browsers at once gain no more than this on this machine, whatever auditor does."]
    return L


def _memory(mem: dict) -> list[str]:
    L = ["", "### Peak resident memory (MB, sampled VmRSS summed per kind; Python also its exact VmHWM)", "",
         "| run | jobs | Python | Python VmHWM | worker processes | Playwright driver | Chromium | all | report dir |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, x in mem.items():
        rd = x.get("report_dir")
        size = f"{_mb(rd['bytes'])} ({rd['files']} files)" if rd else "–"
        L.append(f"| {name} | {x['jobs']} | {x['python_mb']} | {x['python_hwm_mb']} | {x['workers_mb']} | "
                 f"{x['driver_mb']} | {x['browser_mb']} ({x['processes']['browser']} proc.) | {x['total_mb']} | "
                 f"{size} |")
    rd = mem["auditor --workers 1"].get("report_dir")
    if rd:
        L += ["", "Report directory: " + ", ".join(f"{k} {_mb(v)}" for k, v in rd["parts"].items()) + "."]
    return L
