"""The import graph of auditor/: no cycles, and function-local imports only where they are listed here.

Cycles are read from module-level imports (``import`` and ``from … import`` outside functions and
classes), each one also importing the packages above its target. A function-local import is kept
only where it keeps a measured cost off a start-up path; ``DEFERRED`` lists each one with its reason.
Costs are CPU time to import in a fresh interpreter (user + sys, the least of 11 runs on the shared
2-core machine), which load on other processes moves far less than wall time.

auditor/walk/ is left out of the local-import rule for now, as it is of mypy and ruff (pyproject.toml):
other work is under way there.
"""
from __future__ import annotations

import ast
from pathlib import Path

import auditor

PACKAGE = Path(auditor.__file__).parent
NOT_YET = ("auditor.walk",)  # temporary: see the module docstring

_CLI = ("a command imports what it uses: `auditor --help`, doctor, history and baseline load the CLI "
        "alone (34 ms) instead of every command's modules (347 ms: Playwright, Pillow, Jinja2, the checks)")
_CHECKS = ("the checks (45 ms: every check module, lxml, the word lists) load on the pipeline's warm-up "
           "thread while Chromium starts, not with the policy (68 ms without them), unless it sets check "
           "options or budgets")
_WALK = ("Playwright and the walker (90 ms) only when walking: `auditor check` and `auditor merge` import "
         "the pipeline (105 ms) for check_run")
_AFTER_WALK = ("what runs after the walk (115 ms: checks, report, Pillow, Jinja2 and its templates) loads on "
               "the warm-up thread while Chromium starts")
_DEVICES = ("Playwright (73 ms) and its driver start only when a scenario names a device that is not built in: "
            "loading a scenario needs no browser")
_REPORT = ("only `auditor baseline save` reads a report: the report package (120 ms) would otherwise load with "
           "the gate on every run's critical path and in every worker process")

_PLUGIN = ("pytest loads the plugin in every run of every project auditor is installed in, and in each xdist "
           "worker: its module costs 10 ms with the model alone, 240 ms with the policy, checks, pipeline, report "
           "and walker (run/live.py), which load only when a test uses ux_audit or a scenario file is collected")

DEFERRED: dict[tuple[str, str], str] = {
    **{("auditor.cli", target): _CLI for target in (
        "auditor.config.policy", "auditor.run.plan", "auditor.run.pipeline", "auditor.run.shard",
        "auditor.run.merge", "auditor.scenario.load", "auditor.demo", "auditor.walk.browser", "auditor.report",
        "auditor.gate.pipeline", "auditor.gate.baseline", "auditor.gate.history", "auditor.gate.history_view")},
    ("auditor.config.options", "auditor.checks.registry"): _CHECKS,
    ("auditor.config.budgets", "auditor.checks.registry"): _CHECKS,
    ("auditor.gate.measure", "auditor.checks.form_length"): _CHECKS,
    ("auditor.run.pipeline", "auditor.walk.session"): _WALK,
    ("auditor.run.pipeline", "auditor.walk.walker"): _WALK,
    ("auditor.run.pipeline", "auditor.run.workers"): _WALK,
    ("auditor.run.pipeline", "auditor.checks.runner"): _AFTER_WALK,
    ("auditor.run.pipeline", "auditor.report"): _AFTER_WALK,
    ("auditor.run.pipeline", "auditor.report.html"): _AFTER_WALK,
    ("auditor.gate.baseline", "auditor.report"): _REPORT,
    ("auditor.scenario.devices", "auditor.walk.devices"): _DEVICES,
    **{("auditor.pytest_plugin", target): _PLUGIN for target in (
        "auditor.config.policy", "auditor.scenario.load", "auditor.run.live", "auditor.walk.browser")},
}


def modules() -> dict[str, tuple[Path, bool]]:
    """module name → (file, is a package)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


def imported(module: str, package: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> list[str]:
    """The modules an import statement loads, as absolute names (a ``from`` of a submodule names it)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        parts = module.split(".") if package else module.split(".")[:-1]
        base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def module_level(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: outside functions and classes, including those
    under a module-level ``if``/``try``/``with``."""
    out: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            todo.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, (path, package) in known.items():
        for node in module_level(ast.parse(path.read_text(encoding="utf-8"))):
            for target in imported(name, package, node, set(known)):
                while target and target not in known:  # `from pkg.mod import name`: pkg.mod
                    target = target.rpartition(".")[0]
                while target:  # importing a.b.c runs a/__init__ and a/b/__init__ first
                    if target != name and not name.startswith(target + "."):
                        edges[name].add(target)
                    target = target.rpartition(".")[0]
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, …, a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def local_imports() -> set[tuple[str, str]]:
    known = modules()
    out = set()
    for name, (path, package) in known.items():
        if name.startswith(NOT_YET):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in module_level(tree)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
                for target in imported(name, package, node, set(known)):
                    while target.startswith("auditor.") and target not in known:
                        target = target.rpartition(".")[0]
                    out.add((name, target))
    return out


def test_auditor_has_no_import_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_function_local_imports_are_the_listed_ones():
    found = local_imports()
    unlisted = sorted(found - set(DEFERRED))
    assert not unlisted, ("function-local imports not in DEFERRED (move them to the top of the module, or measure "
                          f"what they save and list them): {unlisted}")
    stale = sorted(set(DEFERRED) - found)
    assert not stale, f"DEFERRED lists imports that are no longer function-local: {stale}"


def test_the_cycle_finder_reports_the_path():
    """Both ways: a graph with a cycle names it, one without passes."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycle(edges) == ["a", "b", "c", "a"]
    edges["c"] = {"d"}
    assert find_cycle(edges) is None


def test_imports_are_read_as_python_runs_them():
    tree = ast.parse("import os\nif True:\n    from .x import y\ndef f():\n    import json\nclass C:\n    import re\n")
    assert [type(n).__name__ for n in module_level(tree)] == ["Import", "ImportFrom"]
    known = {"auditor.run.x", "auditor.run.pkg.y"}
    (node,) = ast.parse("from .x import name").body
    assert imported("auditor.run.pipeline", False, node, known) == ["auditor.run.x"]
    (node,) = ast.parse("from .pkg import y").body
    assert imported("auditor.run", True, node, known) == ["auditor.run.pkg.y"]
    (node,) = ast.parse("from .. import __version__").body
    assert imported("auditor.run.pipeline", False, node, known) == ["auditor"]
