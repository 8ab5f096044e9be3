"""Scenario × Device → Journey. A failing step ends the walk (or is skipped past with
``on_error: continue``) but everything captured before it is kept."""
from __future__ import annotations

import dataclasses
import hashlib
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..model import Device, Journey, StageCapture, StepFailure, Timing, slug
from ..scenario.types import Action, Scenario, Step
from . import throttle as throttling
from .actions import SubmitBlocked, is_final_submit, run_action, wait_ready
from .capture import INIT_JS, CaptureSpec, Masker, capture_stage
from .events import Listeners, classify, disallowed_url_regex

Progress = Callable[[str], None]


@dataclass
class WalkOptions:
    run_dir: Path
    repeat: int = 1
    throttle: str = "none"
    contended: bool = False  # other workers share this machine's CPU: timings are marked
    progress: Progress | None = None
    state_dir: Path | None = None  # sign-in storage states; kept out of the report directory
    state_cache: dict[str, str] = field(default_factory=dict)


class _StepFailed(Exception):
    def __init__(self, kind: str, message: str, action: str = "", attempts: int = 1):
        super().__init__(message)
        self.kind, self.message, self.action, self.attempts = kind, message, action, attempts


def allowed_hosts(scenario: Scenario) -> tuple[str, ...]:
    if scenario.allowed_domains:
        return tuple(scenario.allowed_domains)
    host = urlsplit(scenario.base_url).hostname or ""
    return (host,)


def _context(browser, device: Device, storage_state: str | None):
    kwargs = dict(viewport={"width": device.width, "height": device.height},
                  device_scale_factor=device.device_scale_factor, is_mobile=device.is_mobile,
                  has_touch=device.has_touch, accept_downloads=False, service_workers="block",
                  storage_state=storage_state)
    if device.user_agent:
        kwargs["user_agent"] = device.user_agent
    ctx = browser.new_context(**kwargs)
    ctx.add_init_script(INIT_JS)
    return ctx


class _Walk:
    """One pass over the steps in one browser context."""

    def __init__(self, browser, scenario: Scenario, device: Device, opts: WalkOptions, *, full: bool,
                 storage_state: str | None):
        self.scenario, self.device, self.opts, self.full = scenario, device, opts, full
        self.mask = Masker(scenario.secrets)
        self.limits = scenario.limits
        self.allowed = allowed_hosts(scenario)
        self.context = _context(browser, device, storage_state)
        self.page = self.context.new_page()
        self.listeners = Listeners(self.mask, self.allowed)
        self.listeners.attach(self.context, self.page)
        self.context.route(disallowed_url_regex(self.allowed), self._route)
        throttling.apply(self.context, self.page, opts.throttle)
        self.signed_in_check = scenario.signin.signed_in if (scenario.signin and storage_state) else None
        self.notes: list[str] = []
        self.typed_secret_selectors: list[str] = []
        self.started = time.monotonic()

    def _route(self, route) -> None:
        req = route.request
        if req.is_navigation_request() and req.frame == self.page.main_frame:
            self.listeners.blocked(req.url)
            route.abort("blockedbyclient")
        else:
            route.continue_()  # third-party subresources load and are recorded, never followed

    def _remaining_ms(self) -> float:
        return self.limits.run_timeout_ms - (time.monotonic() - self.started) * 1000

    def _timeout(self) -> float:
        return max(1.0, min(float(self.limits.step_timeout_ms), self._remaining_ms()))

    def _progress(self, text: str) -> None:
        if self.opts.progress and self.full:
            self.opts.progress(text)

    # -- one action, with bounded retries of transient failures -------------------------------
    def _act(self, action: Action, step: Step) -> bool:
        retry = self.scenario.retry
        attempt, backoff = 1, retry.backoff_ms
        while True:
            try:
                ok = run_action(self.page, action, base_url=self.scenario.base_url, timeout_ms=self._timeout())
                if action.kind == "goto" and self.listeners.doc_status in (502, 503, 504) and attempt < retry.attempts:
                    raise _Transient(f"HTTP {self.listeners.doc_status}")
                return ok
            except Exception as exc:  # noqa: BLE001 - classified below
                kind, message, transient = classify(exc) if not isinstance(exc, _Transient) else ("http", str(exc), True)
                # Only a goto is safe to repeat: a click may have submitted a form.
                if transient and action.kind == "goto" and attempt < retry.attempts and self._remaining_ms() > backoff:
                    self.notes.append(f"{step.name}: retried '{action.describe()}' after {message[:120]} "
                                      f"(attempt {attempt + 1}/{retry.attempts}, backoff {backoff} ms)")
                    time.sleep(backoff / 1000)
                    attempt, backoff = attempt + 1, min(backoff * 2, retry.max_backoff_ms)
                    continue
                raise _StepFailed(kind, message, action.describe(), attempt) from exc

    def _check_interruptions(self, where: str) -> None:
        if self.listeners.interruptions:
            first = self.listeners.interruptions.pop(0)
            self.listeners.interruptions.clear()
            raise _StepFailed(first.kind, first.message, where)

    def _shot_dir(self) -> str:
        # Per journey, not per device: two scenarios walked on one device (or by two workers at
        # once) must not overwrite each other's screenshots.
        return f"screenshots/{slug(self.device.name)}/{slug(self.scenario.name)}"

    def _failure_shot(self, step_index: int, step: Step) -> str | None:
        if not self.full:
            return None
        rel = f"{self._shot_dir()}/failure-{step_index:02d}-{slug(step.name)}.jpg"
        path = self.opts.run_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(path), type="jpeg", quality=80, timeout=10_000,
                                 mask=[self.page.locator("input[type=password], input[autocomplete*='cc-']")])
        except Exception:
            return None
        return rel

    def _run_step(self, i: int, step: Step, prev_doc: str | None, stage_index: int) -> tuple[StageCapture, str]:
        t0 = time.monotonic()
        self.listeners.doc_status = None
        done: list[str] = []
        for action in step.actions:
            if self._remaining_ms() <= 0:
                raise _StepFailed("run-timeout", f"run time limit of {self.limits.run_timeout_ms} ms reached "
                                                 "(limits.run_timeout_ms)", action.describe())
            if is_final_submit(self.page, action, step.stage) and not self.scenario.allow_submit:
                raise SubmitBlocked(action.describe())
            ok = self._act(action, step)
            if action.secret and action.selector:
                self.typed_secret_selectors.append(action.selector)
            done.append(action.describe() + ("" if ok else "  (skipped: not on the page)"))
            self._check_interruptions(action.describe())
        try:
            wait_ready(self.page, self._timeout(), step.ready)
        except Exception as exc:  # noqa: BLE001
            kind, message, _ = classify(exc)
            raise _StepFailed(kind, message, f"wait for page ready{' (' + step.ready + ')' if step.ready else ''}") from exc
        self._check_interruptions("after the step")
        status = self.listeners.doc_status
        if status is not None and status >= 400:
            raise _StepFailed("http", f"HTTP {status} on {self.mask(self.page.url)}", done[-1] if done else "")
        if self.signed_in_check and stage_index == 0:
            self._verify_signed_in()
        step_ms = (time.monotonic() - t0) * 1000
        spec = CaptureSpec(stage=step.name, kind=step.stage, index=stage_index, step=i, label=step.label or step.name,
                           device=self.device.name, run_dir=self.opts.run_dir,
                           screenshot_rel=f"{self._shot_dir()}/{stage_index:02d}-{slug(step.name)}.jpg",
                           max_elements=self.limits.max_elements, max_dom_bytes=self.limits.max_dom_bytes,
                           max_screenshot_height=self.limits.max_screenshot_height, full=self.full)
        cap, doc = capture_stage(self.page, spec, mask=self.mask, events=self.listeners.events, step_ms=step_ms,
                                 prev_doc=prev_doc, throttle=self.opts.throttle, contended=self.opts.contended,
                                 extra_mask_selectors=self.typed_secret_selectors, actions=tuple(done))
        return dataclasses.replace(cap, status=status), doc

    def _present(self, selector: str) -> bool:
        try:
            return self.page.locator(selector).first.is_visible(timeout=1000)
        except Exception:  # noqa: BLE001 - an invalid or detached selector counts as absent
            return False

    def _verify_signed_in(self) -> None:
        sel = self.signed_in_check
        try:
            self.page.locator(sel).first.wait_for(state="visible", timeout=min(5000, self._timeout()))
        except Exception:
            raise _StepFailed("signin", f"not signed in: '{sel}' is not on {self.mask(self.page.url)} after reusing "
                              "the sign-in state; auditing it would audit a login page", "verify signed in")

    def run(self) -> Journey:
        stages: list[StageCapture] = []
        failures: list[StepFailure] = []
        stopped = None
        prev_doc: str | None = None
        steps = self.scenario.steps
        if len(steps) > self.limits.max_steps:
            self.notes.append(f"scenario has {len(steps)} steps; only the first {self.limits.max_steps} were walked "
                              "(limits.max_steps)")
            steps = steps[: self.limits.max_steps]
        started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            for i, step in enumerate(steps):
                if step.when and not self._present(step.when):
                    self.notes.append(f"step {i + 1} ({step.name}) skipped: '{step.when}' is not on the page (when:)")
                    self._progress(f"{self.device.name:>8}  {i + 1}/{len(steps)}  {step.name} (skipped: when)")
                    continue
                self._progress(f"{self.device.name:>8}  {i + 1}/{len(steps)}  {step.name}")
                try:
                    cap, prev_doc = self._run_step(i, step, prev_doc, len(stages))
                    stages.append(cap)
                except SubmitBlocked as blocked:
                    stopped = (f"Stopped before placing a real order at step {i + 1} ({step.name}): "
                               f"'{blocked}' submits the purchase and the scenario does not set allow_submit: true.")
                    self._progress(f"{self.device.name:>8}  stopped: {stopped}")
                    break
                except _StepFailed as f:
                    failures.append(StepFailure(step=i, stage=step.name, action=f.action, kind=f.kind,
                                                message=self.mask(f.message), url=self.mask(self.page.url),
                                                screenshot=self._failure_shot(i, step), attempts=f.attempts))
                    self._progress(f"{self.device.name:>8}  FAILED at {step.name}: {f.kind}: {self.mask(f.message)[:160]}")
                    if self.scenario.on_error != "continue" or f.kind in ("run-timeout", "signin"):
                        break
        finally:
            try:
                self.context.close()
            except Exception:
                pass
        return Journey(scenario=self.scenario.name, scenario_path=self.scenario.path, device=self.device,
                       stages=tuple(stages), failures=tuple(failures), stopped=stopped, started_at=started_at,
                       duration_ms=round((time.monotonic() - self.started) * 1000, 1),
                       base_url=self.scenario.base_url, repeat=self.opts.repeat, throttle=self.opts.throttle,
                       notes=tuple(self.notes))


class _Transient(Exception):
    pass


def _sign_in(browser, scenario: Scenario, device: Device, opts: WalkOptions) -> tuple[str | None, StepFailure | None]:
    """Run the sign-in once per device and scenario sign-in block; later walks reuse its state."""
    signin = scenario.signin
    key = hashlib.sha1(repr((scenario.base_url, signin, device)).encode()).hexdigest()[:16]
    if key in opts.state_cache:
        return opts.state_cache[key], None
    step = Step(stage="signin", name="sign-in", actions=signin.actions, label="Sign in", line=signin.line)
    walk = _Walk(browser, scenario, device, opts, full=False, storage_state=None)
    try:
        for action in signin.actions:
            walk._act(action, step)
            walk._check_interruptions(action.describe())
        wait_ready(walk.page, walk._timeout())
        try:
            walk.page.locator(signin.signed_in).first.wait_for(state="visible", timeout=min(8000, walk._timeout()))
        except Exception:
            raise _StepFailed("signin", f"sign-in did not succeed: '{signin.signed_in}' did not appear after the "
                              "sign-in actions (wrong credentials, or a changed sign-in page?)", "verify signed in")
        state_dir = opts.state_dir or opts.run_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / f"state-{key}.json"
        walk.context.storage_state(path=str(path))
        opts.state_cache[key] = str(path)
        return str(path), None
    except _StepFailed as f:
        return None, StepFailure(step=-1, stage="sign-in", action=f.action, kind=f.kind, message=walk.mask(f.message),
                                 url=walk.mask(walk.page.url))
    except Exception as exc:  # noqa: BLE001
        kind, message, _ = classify(exc)
        return None, StepFailure(step=-1, stage="sign-in", action="sign in", kind=kind, message=walk.mask(message),
                                 url=walk.mask(walk.page.url))
    finally:
        walk.context.close()


def _median(values: list[float]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.median(vals), 2) if vals else None


def merge_repeats(main: Journey, extra: list[Journey]) -> Journey:
    """Each stage's timing becomes the median of all loads of that stage; raw samples are kept."""
    stages = []
    for st in main.stages:
        timings = [st.timing] + [x.stage(st.stage).timing for x in extra if x.stage(st.stage)]
        samples = tuple({m: getattr(t, m) for m in Timing.METRICS} for t in timings)
        med = {m: _median([s[m] for s in samples]) for m in Timing.METRICS}
        if med["cls"] is not None:
            med["cls"] = round(med["cls"], 4)
        stages.append(dataclasses.replace(st, timing=dataclasses.replace(st.timing, samples=samples, **med)))
    return dataclasses.replace(main, stages=tuple(stages))


def walk_journey(browser, scenario: Scenario, device: Device, opts: WalkOptions) -> Journey:
    storage_state = None
    if scenario.signin:
        storage_state, failure = _sign_in(browser, scenario, device, opts)
        if failure:
            return Journey(scenario=scenario.name, scenario_path=scenario.path, device=device, stages=(),
                           failures=(failure,), base_url=scenario.base_url, repeat=opts.repeat,
                           throttle=opts.throttle,
                           started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    main = _Walk(browser, scenario, device, opts, full=True, storage_state=storage_state).run()
    if opts.repeat <= 1 or not main.stages:
        return main
    extra = []
    for n in range(opts.repeat - 1):
        if opts.progress:
            opts.progress(f"{device.name:>8}  timing load {n + 2}/{opts.repeat}")
        extra.append(_Walk(browser, scenario, device, opts, full=False, storage_state=storage_state).run())
    return merge_repeats(main, extra)
