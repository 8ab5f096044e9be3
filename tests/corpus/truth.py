"""A family's truth.yaml, the known gaps, and the comparison of both with a report.json.

    truth = load_truth(Path("tests/corpus/shopify-dawn/truth.yaml"))
    mismatches = compare(truth, "friction", report)          # [] when the report agrees, per device
    known, unknown, fixed = triage(mismatches, gaps_for("shopify-dawn", "friction", load_gaps(...)))

The verdict of a check on one device is the highest severity among its findings at major or above
(critical > major), or ``silent`` when it has none; it must equal the truth exactly. A check that
errored or was not applicable is never silent by accident: it is its own mismatch. README.md has the
formats.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

CHECKS = ("slow-load", "long-form", "forced-account", "missing-trust-signals", "surprise-fees")
VERDICTS = ("silent", "major", "critical")
RANK = {"info": 0, "minor": 1, "major": 2, "critical": 3}
DEVICES = ("desktop", "mobile")
WALK = "walk"  # the pseudo-check of a mismatch about the walk itself (not reaching last_stage)
SEVERITIES = tuple(RANK)


def yaml_line(exc: yaml.YAMLError) -> str:
    """'12:' for a YAML error that knows its line, else ''."""
    mark = getattr(exc, "problem_mark", None)
    return f"{mark.line + 1}:" if mark is not None else ""


class TruthError(ValueError):
    """A truth or known-gaps file that cannot be used: the message names the file and the key."""


@dataclass(frozen=True)
class Expected:
    check: str
    severity: str
    stage: str | None = None
    text: str | None = None
    device: str | None = None


@dataclass(frozen=True)
class Variant:
    name: str
    about: str
    verdict: dict[str, dict[str, str]]  # check → device → verdict
    findings: tuple[Expected, ...] = ()


@dataclass(frozen=True)
class Truth:
    path: Path
    platform: str
    language: str
    currency: str
    last_stage: str
    variants: dict[str, Variant]


@dataclass(frozen=True)
class Mismatch:
    variant: str
    device: str
    check: str
    expected: str
    reported: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"{self.variant} · {self.device} · {self.check}: truth {self.expected}, reported {self.reported}"
        return text + (f"\n      {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Gap:
    family: str
    variant: str
    check: str
    reason: str
    device: str | None = None  # None: every device
    intermittent: bool = False  # a timing artifact of a busy machine: covers when seen, never "fixed"

    def covers(self, m: Mismatch) -> bool:
        return self.variant == m.variant and self.check == m.check and self.device in (None, m.device)

    def __str__(self) -> str:
        return f"{self.family}/{self.variant} · {self.device or 'all devices'} · {self.check}: {self.reason}"


def _need(doc: dict, key: str, where: str, kind=str):
    if not isinstance(doc.get(key), kind):
        raise TruthError(f"{where}: '{key}' is required ({kind.__name__})")
    return doc[key]


def _verdicts(raw, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise TruthError(f"{where}: verdict must map each check to a verdict")
    missing = [c for c in CHECKS if c not in raw]
    unknown = [c for c in raw if c not in CHECKS]
    if missing or unknown:
        raise TruthError(f"{where}: verdict needs exactly the checks {', '.join(CHECKS)}"
                         + (f"; missing {', '.join(missing)}" if missing else "")
                         + (f"; unknown {', '.join(map(str, unknown))}" if unknown else ""))
    out = {}
    for check, value in raw.items():
        per = value if isinstance(value, dict) else {d: value for d in DEVICES}
        if set(per) != set(DEVICES) or any(v not in VERDICTS for v in per.values()):
            raise TruthError(f"{where}.{check}: expected one of {', '.join(VERDICTS)} or a mapping "
                             f"{{desktop: …, mobile: …}} of them, found {value!r}")
        out[check] = dict(per)
    return out


def _expected(raw, where: str) -> Expected:
    if not isinstance(raw, dict) or raw.get("check") not in CHECKS or raw.get("severity") not in SEVERITIES:
        raise TruthError(f"{where}: a finding needs a known check and a severity ({', '.join(SEVERITIES)})")
    unknown = set(raw) - {"check", "severity", "stage", "text", "device"}
    if unknown or raw.get("device") not in (None, *DEVICES):
        raise TruthError(f"{where}: unknown key or device in {raw!r}")
    return Expected(raw["check"], raw["severity"], raw.get("stage"), None if raw.get("text") is None
                    else str(raw["text"]), raw.get("device"))


def load_truth(path: Path) -> Truth:
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TruthError(f"{path}:{yaml_line(exc)} invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(doc, dict):
        raise TruthError(f"{path}: expected a mapping")
    variants = {}
    for name, raw in _need(doc, "variants", str(path), dict).items():
        where = f"{path}: variants.{name}"
        if not isinstance(raw, dict):
            raise TruthError(f"{where}: expected a mapping with about and verdict")
        findings = tuple(_expected(f, f"{where}.findings[{i}]") for i, f in enumerate(raw.get("findings") or []))
        variants[name] = Variant(name, _need(raw, "about", where), _verdicts(raw.get("verdict"), f"{where}.verdict"),
                                 findings)
    if len(variants) < 2:
        raise TruthError(f"{path}: variants: a family needs at least two (friction there and not)")
    return Truth(path, _need(doc, "platform", str(path)), _need(doc, "language", str(path)),
                 str(_need(doc, "currency", str(path))), _need(doc, "last_stage", str(path)), variants)


def load_gaps(path: Path) -> list[Gap]:
    path = Path(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    entries = (doc or {}).get("gaps") or []
    out = []
    for i, raw in enumerate(entries):
        where = f"{path}: gaps[{i}]"
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) and raw.get(k)
                                                for k in ("family", "variant", "check", "reason")):
            raise TruthError(f"{where}: needs family, variant, check and reason")
        if raw["check"] not in (*CHECKS, WALK) or raw.get("device") not in (None, *DEVICES):
            raise TruthError(f"{where}: check must be one of {', '.join((*CHECKS, WALK))}, device desktop or mobile")
        keys = {"family", "variant", "check", "reason", "device", "intermittent"}
        if set(raw) - keys:
            raise TruthError(f"{where}: unknown key(s) {', '.join(sorted(set(raw) - keys))}")
        if raw.get("intermittent") and raw["check"] != "slow-load":
            raise TruthError(f"{where}: only slow-load gaps may be intermittent (timing on a busy machine)")
        out.append(Gap(raw["family"], raw["variant"], raw["check"], raw["reason"], raw.get("device"),
                       bool(raw.get("intermittent"))))
    return out


def gaps_for(family: str, variant: str, gaps: list[Gap]) -> list[Gap]:
    return [g for g in gaps if g.family == family and g.variant == variant]


def reported_verdicts(report: dict, device: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """check → verdict on that device, and check → the titles of its findings at major or above."""
    journeys = {j["id"] for j in report.get("journeys", []) if j["device"]["name"] == device}
    verdict, titles = {}, {}
    for res in report.get("results", []):
        if res["journey"] in journeys and res["check"] in CHECKS and res["outcome"] in ("error", "not_applicable"):
            verdict[res["check"]] = f"{res['outcome']} ({res.get('reason') or 'no reason given'})"
    for f in report.get("findings", []):
        if f["journey"] not in journeys or f["check"] not in CHECKS or RANK.get(f["severity"], 0) < RANK["major"]:
            continue
        titles.setdefault(f["check"], []).append(f"{f['severity']} at {f['stage']}: {f['title']}")
        now = verdict.get(f["check"], "silent")
        if now in VERDICTS and (now == "silent" or RANK[f["severity"]] > RANK[now]):
            verdict[f["check"]] = f["severity"]
    return {c: verdict.get(c, "silent") for c in CHECKS}, titles


def walk_problems(truth: Truth, report: dict, device: str) -> list[str]:
    """Why the walk on this device did not reach last_stage ([] when it did)."""
    journeys = [j for j in report.get("journeys", []) if j["device"]["name"] == device]
    if not journeys:
        return [f"no journey on {device} in the report"]
    out = []
    for j in journeys:
        reached = [s["stage"] for s in j["stages"]]
        if not any(s["kind"] == truth.last_stage or s["stage"] == truth.last_stage for s in j["stages"]):
            out.append(f"stopped before {truth.last_stage}; stages reached: {', '.join(reached) or 'none'}")
        for fail in j.get("failures") or []:
            out.append(f"step failed: {_failure_text(fail)}")
    return out


def _failure_text(fail: dict) -> str:
    where = fail.get("stage") or fail.get("step")
    parts = [str(p) for p in (where, fail.get("kind"), fail.get("action"), fail.get("message")) if p]
    return " · ".join(parts)[:400]


def compare(truth: Truth, variant: str, report: dict, devices: tuple[str, ...] = DEVICES) -> list[Mismatch]:
    """Every way the report disagrees with the truth of ``variant``, device by device. A device whose
    walk did not reach last_stage gives one walk mismatch and no check mismatches (they would only
    repeat it)."""
    v = truth.variants[variant]
    out: list[Mismatch] = []
    for device in devices:
        problems = walk_problems(truth, report, device)
        if problems:
            out.append(Mismatch(variant, device, WALK, f"reaches {truth.last_stage}", "did not",
                                "; ".join(problems)))
            continue
        got, titles = reported_verdicts(report, device)
        for check in CHECKS:
            want = v.verdict[check][device]
            if got[check] != want:
                detail = "; ".join(titles.get(check, [])) or "no finding at major or above"
                out.append(Mismatch(variant, device, check, want, got[check], detail))
        for exp in v.findings:
            if exp.device not in (None, device) or _has_finding(report, device, exp):
                continue
            what = f"a {exp.severity}+ finding" + (f" at {exp.stage}" if exp.stage else "") + \
                (f" mentioning {exp.text!r}" if exp.text else "")
            out.append(Mismatch(variant, device, exp.check, what, "none", "; ".join(titles.get(exp.check, []))))
    return out


def _has_finding(report: dict, device: str, exp: Expected) -> bool:
    journeys = {j["id"] for j in report.get("journeys", []) if j["device"]["name"] == device}
    for f in report.get("findings", []):
        if f["journey"] not in journeys or f["check"] != exp.check or RANK[f["severity"]] < RANK[exp.severity]:
            continue
        if exp.stage and f["stage"] != exp.stage:
            continue
        hay = " ".join([f.get("title") or "", f.get("detail") or "", str(f.get("measured") or "")]
                       + [e.get("text") or "" for e in f.get("evidence") or []])
        if exp.text is None or exp.text in hay:
            return True
    return False


def verdict_table(family: str, variant: str, truth, report: dict) -> str:
    """truth → reported per device and check, one line per check (for the terminal summary)."""
    rows = []
    verdicts = {d: reported_verdicts(report, d)[0] for d in DEVICES}
    for check in CHECKS:
        cells = [f"{truth.variants[variant].verdict[check][d]}→{verdicts[d][check].split(' (')[0]}" for d in DEVICES]
        rows.append(f"{family:<22} {variant:<10} {check:<22} " + "  ".join(f"{c:<24}" for c in cells))
    return "\n".join(rows)


def triage(mismatches: list[Mismatch], gaps: list[Gap]) -> tuple[list[tuple[Mismatch, Gap]], list[Mismatch], list[Gap]]:
    """(mismatches a gap explains, mismatches none does, gaps that explain nothing — fixed, to remove).

    A check's gap on a device whose walk did not get through is pending, not fixed: the checks were not
    compared there, so nothing can be said about it until the walk gap closes. An intermittent gap (a
    slow-load artifact that depends on the machine's load) explains a mismatch when there is one and is
    never reported as fixed."""
    stopped = {m.device for m in mismatches if m.check == WALK}
    known, unknown, used = [], [], set()
    for m in mismatches:
        gap = next((g for g in gaps if g.covers(m)), None)
        if gap is None:
            unknown.append(m)
        else:
            known.append((m, gap))
            used.add(id(gap))
    pending = {id(g) for g in gaps if g.check != WALK and (g.device in stopped if g.device else bool(stopped))}
    return known, unknown, [g for g in gaps if id(g) not in used | pending and not g.intermittent]
