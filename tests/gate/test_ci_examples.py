"""The ready-to-copy CI files are valid and their audit commands work as written.

Each example is parsed, checked for the parts docs/ci.md promises (caches, artifacts, job summary,
JUnit, schedule), and every `auditor …` line in it is run, in file order, in a fresh directory laid
out like a shop's repository (auditor.yaml = examples/auditor.yaml, scenarios/checkout.yaml) with
STAGING_URL pointing at the demo shop. The scenario is a short desktop walk through the demo shop so
that the examples' --repeat 3 stays affordable; the command lines themselves are run unchanged."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auditor.config.policy import load_policy_file

from .helpers import ROOT, TIMEOUT_S

pytestmark = pytest.mark.browser

EXAMPLES = ROOT / "examples"
SCENARIO = """\
name: Checkout
base_url: http://127.0.0.1:8000
devices: [desktop]
steps:
  - stage: product
    actions: [{goto: /p/ceramic-pour-over-dripper}]
  - stage: cart
    actions: [{click: "#add-to-cart"}, {click: "#view-cart"}]
  - stage: checkout
    actions: [{click: "#checkout-button"}]
  - stage: payment
    actions:
      - fill: {selector: "#email", value: "shopper@example.test"}
      - fill: {selector: "#name", value: "Alex Morgan"}
      - fill: {selector: "#address", value: "100 Roastery Lane"}
      - fill: {selector: "#city", value: "Portland"}
      - fill: {selector: "#postal-code", value: "97201"}
      - select: {selector: "#country", value: "US"}
      - check: "#delivery-standard"
      - click: "#continue-to-payment"
"""


def load(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / "ci" / name).read_text(encoding="utf-8"))


def shell_lines(script: str) -> list[str]:
    """The commands of a shell script: continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def github_scripts(wf: dict) -> list[str]:
    return [step["run"] for job in wf["jobs"].values() for step in job["steps"] if "run" in step]


def gitlab_scripts(ci: dict) -> list[str]:
    jobs = [job for name, job in ci.items() if isinstance(job, dict) and not name.startswith(".")
            and name not in ("variables", "default", "workflow")]
    return ["\n".join(job.get(part, [])) for job in jobs for part in ("script", "after_script")]


def auditor_lines(scripts: list[str]) -> list[str]:
    return [ln for s in scripts for ln in shell_lines(s) if ln.startswith("auditor ")]


def test_the_github_workflow_has_what_docs_ci_promises():
    wf = load("github-actions.yml")
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert {"pull_request", "schedule", "workflow_dispatch"} <= set(on)
    assert re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", on["schedule"][0]["cron"])
    steps = wf["jobs"]["audit"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/cache@") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "reports/" and upload["if"] == "always()"
    runs = "\n".join(github_scripts(wf))
    assert '"$GITHUB_STEP_SUMMARY"' in runs and "gh pr comment" in runs
    assert wf["concurrency"]["cancel-in-progress"] is False


def test_the_gitlab_pipeline_has_what_docs_ci_promises():
    ci = load("gitlab-ci.yml")
    job = ci["checkout-friction"]
    assert job["extends"] == ".auditor" and job["resource_group"]
    assert job["artifacts"]["reports"]["junit"] == "reports/*/junit.xml"
    assert job["artifacts"]["when"] == "always" and "reports/" in job["artifacts"]["paths"]
    assert any('$CI_PIPELINE_SOURCE == "schedule"' in r.get("if", "") for r in job["rules"])
    cache_paths = [p for c in ci[".auditor"]["cache"] for p in c["paths"]]
    assert ".cache/ms-playwright" in cache_paths and "reports/history.sqlite" in cache_paths


def test_the_example_policy_loads():
    assert len(load_policy_file(EXAMPLES / "auditor.yaml").budgets) == 4


@pytest.mark.parametrize("name, lines", [
    ("github-actions.yml", lambda: auditor_lines(github_scripts(load("github-actions.yml")))),
    ("gitlab-ci.yml", lambda: auditor_lines(gitlab_scripts(load("gitlab-ci.yml")))),
])
def test_the_audit_command_lines_are_plain_shell(name, lines):
    found = lines()
    assert any(ln.startswith("auditor run ") for ln in found), found
    assert all("${{" not in ln for ln in found), "expressions belong in env:, the commands read shell variables"
    assert any(ln.startswith("auditor baseline save ") for ln in found)


def run_example(lines: list[str], work: Path, url: str) -> list[tuple[str, subprocess.CompletedProcess]]:
    (work / "scenarios").mkdir(parents=True)
    (work / "scenarios" / "checkout.yaml").write_text(SCENARIO, encoding="utf-8")
    shutil.copy(EXAMPLES / "auditor.yaml", work / "auditor.yaml")
    env = {k: v for k, v in os.environ.items() if k != "SLACK_WEBHOOK_URL"}
    env |= {"STAGING_URL": url, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    done = []
    for line in lines:
        res = subprocess.run(["bash", "-c", line], cwd=work, env=env, capture_output=True, text=True,
                             timeout=TIMEOUT_S)
        done.append((line, res))
        if res.returncode:
            break
    return done


def test_the_examples_audit_commands_run_against_the_demo_shop(shop_url, tmp_path):
    examples = {"github": auditor_lines(github_scripts(load("github-actions.yml"))),
                "gitlab": auditor_lines(gitlab_scripts(load("gitlab-ci.yml")))}
    distinct = {tuple(lines): name for name, lines in examples.items()}  # the same commands run once
    for lines, name in distinct.items():
        work = tmp_path / name
        done = run_example(list(lines), work, shop_url())
        for line, res in done:
            assert res.returncode == 0, f"{name}: {line}\n{res.stdout}\n{res.stderr[-3000:]}"
        assert [line for line, _ in done] == list(lines)
        assert (work / "auditor-baseline.json").is_file()
        runs = [p.parent for p in (work / "reports").glob("*/report.json")]
        assert len(runs) == 2 and all((r / "junit.xml").is_file() and (r / "summary.md").is_file() for r in runs)
        assert (work / "reports" / "history.sqlite").is_file()
        history = done[-1][1].stdout if done[-1][0].startswith("auditor history") else ""
        assert "1 most recent run (1 recorded)" in history
