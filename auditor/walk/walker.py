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
from ..run.phases import phase
from ..scenario.types import Action, Scenario, Step
from .actions import (OPTIONAL_WAIT_MS, SENSITIVE_NAME_RE, SUBMIT_KINDS, SubmitBlocked, is_final_submit,
                      run_action, sensitive_field)
from .capture import MIN_TYPED_SECRET, CaptureSpec, Masker, capture_stage
from .events import MAX_EVENTS, Doing, PageHung, classify, http_kind
from .settle import DocumentTimeout, Settled, settle, soft_timing, wait_document
from .tab import Tab
from .watchdog import local_browser_pid

Progress = Callable[[str], None]


@dataclass
class WalkOptions:
    run_dir: Path
    repeat: int = 1
    throttle: str = "none"
    contended: bool = False  # other workers share this machine's CPU: timings are marked
    progress: Progress | None = None
    step_started: Callable[[int, str], None] | None = None  # (step index, stage): where a crashed walk was
    state_dir: Path | None = None  # sign-in storage states; kept out of the report directory
    state_cache: dict[str, str] = field(default_factory=dict)


class WalkInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM during a walk: ``journey`` is what was captured, ending in a failure of kind
    ``interrupted``. A KeyboardInterrupt, so whatever does not expect it still stops."""

    def __init__(self, journey: Journey):
        super().__init__("interrupted")
        self.journey = journey


class _StepFailed(Exception):
    def __init__(self, kind: str, message: str, action: str = "", attempts: int = 1, transient: bool = False):
        super().__init__(message)
        self.kind, self.message, self.action, self.attempts = kind, message, action, attempts
        self.transient = transient  # worth another try, if the action is a goto


# After these a walk cannot go on, whatever on_error says.
FATAL_KINDS = ("run-timeout", "signin", "browser", "crash")
# A capture is not an action: a small step_timeout_ms must not fail the screenshot of a slow machine.
CAPTURE_MIN_MS = 10_000
# How long past limits.run_timeout_ms a walk may take to record its failure (screenshot, close the tab)
# before the watchdog stops the tab's processes. docs/broken-sites.md states the bound this gives.
RUN_GRACE_MS = 10_000


def allowed_hosts(scenario: Scenario) -> tuple[str, ...]:
    if scenario.allowed_domains:
        return tuple(scenario.allowed_domains)
    host = urlsplit(scenario.base_url).hostname or ""
    return (host,)


class _Walk:
    """One pass over the steps in one browser context."""

    def __init__(self, browser, scenario: Scenario, device: Device, opts: WalkOptions, *, full: bool,
                 storage_state: str | None):
        self.scenario, self.device, self.opts, self.full = scenario, device, opts, full
        self.mask = Masker(scenario.secrets)
        self.limits = scenario.limits
        self.allowed = allowed_hosts(scenario)
        self.started = time.monotonic()
        with phase("context"):
            self.tab = Tab(browser, device, storage_state, mask=self.mask, allowed=self.allowed,
                           timeout_ms=self.limits.step_timeout_ms, throttle=opts.throttle,
                           hard_deadline=self.started + (self.limits.run_timeout_ms + RUN_GRACE_MS) / 1000,
                           browser_pid=local_browser_pid(browser))
        self.browser = browser
        self.context, self.page, self.listeners = self.tab.context, self.tab.page, self.tab.listeners
        self.signed_in_check = scenario.signin.signed_in if (scenario.signin and storage_state) else None
        self.notes: list[str] = []
        self.typed_secret_selectors: list[str] = []
        self.last_attempts = 1
        self.run_capped = False
        self.doc_token: str | None = None  # settle.js's token of the page the next step begins on

    def _remaining_ms(self) -> float:
        return self.limits.run_timeout_ms - (time.monotonic() - self.started) * 1000

    def _timeout(self) -> float:
        remaining = self._remaining_ms()
        self.run_capped = remaining < self.limits.step_timeout_ms  # a timeout now is the run's limit
        return max(1.0, min(float(self.limits.step_timeout_ms), remaining))

    def _progress(self, text: str) -> None:
        if self.opts.progress and self.full:
            self.opts.progress(text)

    # -- one action, with bounded retries of transient failures -------------------------------
    def _act(self, action: Action, step: Step, shown: str) -> bool:
        """``shown``: the action as reports may print it (values typed into sensitive fields hidden)."""
        retry = self.scenario.retry
        attempt, backoff = 1, retry.backoff_ms
        while True:
            self.last_attempts = attempt
            try:
                timeout = float(action.timeout_ms or self._timeout())
                with self.tab.bound(2 * timeout + OPTIONAL_WAIT_MS, f"run '{shown}'"):  # select tries twice
                    ok = run_action(self.page, action, base_url=self.scenario.base_url, timeout_ms=timeout)
                    if action.kind == "goto":  # the goto returned at commit: the rest of the document too
                        wait_document(self.tab, timeout)
                if action.kind == "goto" and self.listeners.doc_status in (502, 503, 504) and attempt < retry.attempts:
                    raise _StepFailed("http", f"HTTP {self.listeners.doc_status} on {self.page.url}", shown, attempt,
                                      transient=True)
                return ok
            except Exception as exc:  # noqa: BLE001 - classified below, before any retry
                failure = self._failed(exc, shown, attempt, "load" if action.kind == "goto" else "action")
                # Only a goto is safe to repeat: a click may have submitted a form. A dialog or a page
                # that keeps the browser busy is not transient, whatever the call that noticed it.
                if (failure.transient and action.kind == "goto" and attempt < retry.attempts
                        and self._remaining_ms() > backoff and not self.tab.closed):
                    note = (f"{step.name}: retried '{shown}' after {failure.message[:160]} "
                            f"(attempt {attempt + 1}/{retry.attempts}, backoff {backoff} ms)")
                    self.notes.append(note)
                    self._progress(f"{self.device.name:>8}  {self.mask(note)}")
                    time.sleep(backoff / 1000)
                    attempt, backoff = attempt + 1, min(backoff * 2, retry.max_backoff_ms)
                    continue
                raise failure from exc

    def _failed(self, exc: BaseException, where: str, attempts: int = 1, doing: Doing = "action") -> "_StepFailed":
        """The step failure an exception stands for, decided from facts before any retry: the watchdog
        had to stop the tab, a listener saw an interruption first (a dialog; a blocked redirect surfaces
        as net::ERR_BLOCKED_BY_CLIENT, a download as "Download is starting"), a page too busy to answer
        (not a missing element, not a slow server), the run's time limit, or the exception itself."""
        if isinstance(exc, _StepFailed):
            return exc
        cause = self.listeners.take()
        if cause is not None and cause.kind == "dialog":  # a dialog loop keeps the page busy too: it is the cause
            return _StepFailed(cause.kind, cause.message, where, attempts)
        if isinstance(exc, PageHung) or self.tab.closed:  # a crash the watchdog caused is not the page's
            message = str(exc) if isinstance(exc, PageHung) else (
                f"the page stopped responding while auditor tried to {where} (auditor stopped the tab)")
            if self._remaining_ms() <= 0:
                message = f"{message}; {self._run_timeout_message()}"
            return _StepFailed("unresponsive", message, where, attempts)
        if cause is not None:
            return _StepFailed(cause.kind, cause.message, where, attempts)
        if isinstance(exc, DocumentTimeout):
            kind, message, transient = "timeout", str(exc), True
        else:
            kind, message, transient = classify(exc, doing, doc_error=self.listeners.doc_error,
                                                browser_gone=not self._browser_connected())
        # A timeout is the page's scripts holding the browser when the page does not answer: for an element
        # or a read always worth asking, for a load only once the server has answered (else it is the server).
        answered = self.listeners.doc_status is not None
        if kind in ("selector", "timeout") and (doing != "load" or answered) and self.tab.unresponsive():
            kind, message, transient = "unresponsive", (
                f"the page stopped responding while auditor tried to {where}: its scripts kept the browser busy "
                "(auditor stopped them)"), False
        if kind == "unresponsive":
            if self._remaining_ms() <= 0:
                message = f"{message}; {self._run_timeout_message()}"
        elif self._remaining_ms() <= 0 or (self.run_capped and kind in ("timeout", "selector")):
            kind, message, transient = "run-timeout", self._run_timeout_message(message), False
        return _StepFailed(kind, message, where, attempts, transient)

    def _browser_connected(self) -> bool:
        try:
            return bool(self.browser.is_connected())
        except Exception:  # noqa: BLE001
            return False

    def _run_timeout_message(self, message: str = "") -> str:
        text = f"run time limit of {self.limits.run_timeout_ms} ms reached (limits.run_timeout_ms)"
        return f"{text}; the step was at: {message[:160]}" if message else text

    def _shown(self, action: Action) -> str:
        with self.tab.bound(1000, "read the field it typed into"):
            sensitive = sensitive_field(self.page, action.selector)
        return dataclasses.replace(action, secret=True).describe() if sensitive else action.describe()

    def _remember_typed(self, action: Action, shown: str) -> None:
        """A value typed from a secret, or into a password or card field, is masked from now on: the
        field in every screenshot, the value wherever the site shows it back."""
        if action.kind != "fill" or not action.selector:
            return
        if action.secret or shown != action.describe():
            self.typed_secret_selectors.append(action.selector)
            if action.value and len(action.value) >= MIN_TYPED_SECRET:
                self.mask.add(action.value)

    def _guard_submit(self, action: Action, step: Step, shown: str) -> bool:
        """Stop before the final purchase unless the scenario allows it. The element is waited for
        first: right after a click that navigates, "#place-order" is not there yet, and judging an
        absent element would let the click through once it arrives. Returns False when an optional
        action's element is absent: the action is then skipped, so it cannot appear unjudged later."""
        if self.scenario.allow_submit or action.kind not in SUBMIT_KINDS:
            return True
        if action.kind != "place_order" and action.selector:
            # An optional action without timeout_ms acts only on what is there now (see actions.py).
            wait = float(action.timeout_ms or self._timeout()) if not action.optional or action.timeout_ms else 1.0
            try:
                with self.tab.bound(wait + OPTIONAL_WAIT_MS, f"find {action.selector}"):
                    self.page.locator(action.selector).first.wait_for(state="attached", timeout=wait)
            except Exception as exc:  # noqa: BLE001
                if action.optional and not isinstance(exc, PageHung):
                    return False  # absent: skipped, nothing is clicked
                raise self._failed(exc, shown) from exc
        wait = min(5000.0, self._timeout())
        with self.tab.bound(wait, f"read what {action.selector or 'the key'} would submit"):
            final = is_final_submit(self.page, action, timeout_ms=wait)
        if final:
            raise SubmitBlocked(shown)
        return True

    def _check_interruptions(self, where: str) -> None:
        try:
            self.tab.drain_popups(min(1500.0, self._timeout()))
        except PageHung as exc:
            raise self._failed(exc, where, self.last_attempts) from exc
        first = self.listeners.take()
        if first is not None:
            raise _StepFailed(first.kind, first.message, where, self.last_attempts)

    def _shot_dir(self) -> str:
        # Per journey, not per device: two scenarios walked on one device (or by two workers at
        # once) must not overwrite each other's screenshots.
        return f"screenshots/{slug(self.device.name)}/{slug(self.scenario.name)}"

    def _failure_shot(self, step_index: int, step: Step, kind: str) -> str | None:
        if not self.full or kind in ("browser", "crash"):
            return None
        rel = f"{self._shot_dir()}/failure-{step_index:02d}-{slug(step.name)}.jpg"
        try:
            shot = self.tab.screenshot(self.opts.run_dir / rel, self.typed_secret_selectors,
                                       stop_loading=kind in ("timeout", "run-timeout"), quick=kind == "dialog")
        except Exception:  # noqa: BLE001 - a failure is recorded with or without its picture
            shot = False
        return rel if shot else None

    def _run_step(self, i: int, step: Step, prev_doc: str | None, stage_index: int) -> tuple[StageCapture, str]:
        t0 = time.monotonic()
        self.listeners.doc_status = None
        self.listeners.take()  # late echoes of the step before (with on_error: continue) are not this step's
        self.last_attempts = 1
        done: list[str] = []
        for action in step.actions:
            hidden = action.secret or (action.kind == "fill" and bool(action.selector)
                                       and bool(SENSITIVE_NAME_RE.search(action.selector)))
            shown = dataclasses.replace(action, secret=True).describe() if hidden else action.describe()
            if self._remaining_ms() <= 0:
                raise _StepFailed("run-timeout", self._run_timeout_message(), shown)
            ok = self._guard_submit(action, step, shown) and self._act(action, step, shown)
            if ok and action.kind == "fill" and not hidden:
                shown = self._shown(action)
            self._remember_typed(action, shown)
            done.append(shown + ("" if ok else "  (skipped: not on the page)"))
            self._check_interruptions(shown)
        step_ms = (time.monotonic() - t0) * 1000  # the actions returned: the page reacted
        settled = self._settle(t0, step.ready)
        self._check_interruptions("after the step")
        status = self.listeners.doc_status
        if status is not None and status >= 400:
            kind, meaning = http_kind(status)
            message = f"HTTP {status} on {self.mask(self.page.url)}" + (f" — {meaning}" if meaning else "")
            raise _StepFailed(kind, message, done[-1] if done else "", self.last_attempts)
        if self.signed_in_check and stage_index == 0:
            self._verify_signed_in()
        spec = CaptureSpec(stage=step.name, kind=step.stage, index=stage_index, step=i, label=step.label or step.name,
                           device=self.device.name, run_dir=self.opts.run_dir,
                           screenshot_rel=f"{self._shot_dir()}/{stage_index:02d}-{slug(step.name)}.jpg",
                           max_elements=self.limits.max_elements, max_dom_bytes=self.limits.max_dom_bytes,
                           max_screenshot_height=self.limits.max_screenshot_height, full=self.full,
                           timeout_ms=max(1.0, min(max(CAPTURE_MIN_MS, self._timeout()), self._remaining_ms())))
        cap, doc = self._capture(spec, prev_doc, step_ms, tuple(done))
        try:  # a dialog or pop-up that came while the page was read ends the step like one during it
            self._check_interruptions("while the page was captured")
        except _StepFailed:
            if cap.screenshot:
                (self.opts.run_dir / cap.screenshot).unlink(missing_ok=True)
            raise
        return dataclasses.replace(cap, status=status, timing=soft_timing(cap.timing, settled)), doc

    def _settle(self, started: float, ready: str | None = None) -> Settled:
        """Wait for the page to settle (settle.py), then for the step's ``ready`` selector; the requests
        the page was not waited for are listed on the stage that is captured next."""
        where = "wait for the page to settle" + (f" ({ready})" if ready else "")
        try:
            budget = self._timeout()
            with self.tab.bound(budget + 2 * OPTIONAL_WAIT_MS, where):
                settled = settle(self.tab, started=started, budget_ms=budget, prev_token=self.doc_token)
            if ready:
                with self.tab.bound(self._timeout(), f"wait for {ready}"):
                    self.page.wait_for_selector(ready, state="visible", timeout=self._timeout())
        except Exception as exc:  # noqa: BLE001
            raise self._failed(exc, where, self.last_attempts,
                               "load" if isinstance(exc, DocumentTimeout) else "read") from exc
        self.doc_token = settled.token or self.doc_token
        events = self.listeners.events
        events.notes.extend(settled.notes)
        events.requests.extend(settled.hung[: max(0, MAX_EVENTS - len(events.requests))])
        return settled

    def _capture(self, spec: CaptureSpec, prev_doc: str | None, step_ms: float,
                 done: tuple[str, ...]) -> tuple[StageCapture, str]:
        where = "capture the page"
        for attempt in (1, 2):
            try:
                with self.tab.bound(2 * spec.timeout_ms, "capture the page"), phase("capture"):
                    return capture_stage(self.page, spec, mask=self.mask, events=self.listeners.events,
                                         step_ms=step_ms, prev_doc=prev_doc, throttle=self.opts.throttle,
                                         contended=self.opts.contended,
                                         extra_mask_selectors=self.typed_secret_selectors, actions=done)
            except Exception as exc:  # noqa: BLE001 - a page that moves, hangs or dies while it is read
                if attempt == 1 and not isinstance(exc, PageHung) and "Execution context was destroyed" in str(exc):
                    self._settle(time.monotonic())  # a script or a meta refresh moved on: read the page it went to
                    continue
                raise self._failed(exc, where, doing="read") from exc
        raise AssertionError("unreachable")

    def _present(self, selector: str) -> bool:
        try:
            with self.tab.bound(1000, f"look for {selector}"):
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
        at, interrupted = -1, False
        try:
            for i, step in enumerate(steps):
                at = i
                if step.when and not self._present(step.when):
                    self.notes.append(f"step {i + 1} ({step.name}) skipped: '{step.when}' is not on the page (when:)")
                    self._progress(f"{self.device.name:>8}  {i + 1}/{len(steps)}  {step.name} (skipped: when)")
                    continue
                self._progress(f"{self.device.name:>8}  {i + 1}/{len(steps)}  {step.name}")
                if self.opts.step_started and self.full:
                    self.opts.step_started(i, step.name)
                try:
                    cap, prev_doc = self._run_step(i, step, prev_doc, len(stages))
                    stages.append(cap)
                except SubmitBlocked as blocked:
                    stopped = (f"Stopped before placing a real order at step {i + 1} ({step.name}): "
                               f"'{blocked}' submits the purchase and the scenario does not set allow_submit: true.")
                    self._progress(f"{self.device.name:>8}  stopped: {stopped}")
                    break
                except Exception as exc:  # noqa: BLE001 - a failed step, or a browser that died under it
                    if isinstance(exc, _StepFailed):
                        f = exc
                    else:
                        kind, message, _ = classify(exc)
                        f = _StepFailed(kind, message if kind != "error" else f"{type(exc).__name__}: {message}")
                    failures.append(self._failure(i, step, f))
                    if self.scenario.on_error != "continue" or f.kind in FATAL_KINDS or self.tab.closed:
                        break
        except KeyboardInterrupt:  # SIGINT/SIGTERM (run/interrupt.py): keep what was captured for the report
            interrupted = True
            step_at = steps[max(at, 0)] if steps else None
            failures.append(StepFailure(step=max(at, 0), stage=step_at.name if step_at else "(walk)", action="",
                                        kind="interrupted", message="the run was interrupted (SIGINT or SIGTERM) "
                                        "during this step; the stages before it are reported"))
        finally:
            self.tab.close()
        journey = Journey(scenario=self.scenario.name, scenario_path=self.scenario.path, device=self.device,
                          stages=tuple(stages), failures=tuple(failures), stopped=stopped, started_at=started_at,
                          duration_ms=round((time.monotonic() - self.started) * 1000, 1),
                          base_url=self.scenario.base_url, repeat=self.opts.repeat, throttle=self.opts.throttle,
                          notes=tuple(self.mask(n) for n in self.notes))
        if interrupted:
            raise WalkInterrupted(journey)
        return journey

    def _failure(self, i: int, step: Step, f: _StepFailed) -> StepFailure:
        try:
            url = self.page.url
        except Exception:  # noqa: BLE001
            url = ""
        failure = StepFailure(step=i, stage=step.name, action=self.mask(f.action), kind=f.kind,
                              message=self.mask(f.message), url=self.mask(url),
                              screenshot=self._failure_shot(i, step, f.kind), attempts=f.attempts)
        self._progress(f"{self.device.name:>8}  FAILED at {step.name}: {f.kind}: {failure.message[:160]}")
        return failure


def _journey_failed(scenario: Scenario, device: Device, opts: WalkOptions, failure: StepFailure) -> Journey:
    return Journey(scenario=scenario.name, scenario_path=scenario.path, device=device, stages=(),
                   failures=(failure,), base_url=scenario.base_url, repeat=opts.repeat, throttle=opts.throttle,
                   started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _walk_once(browser, scenario: Scenario, device: Device, opts: WalkOptions, *, full: bool,
               storage_state: str | None) -> Journey:
    """One walk; a browser that cannot even open a page (it crashed, or the remote one went away)
    is a failure of the journey's first step, never a traceback."""
    try:
        walk = _Walk(browser, scenario, device, opts, full=full, storage_state=storage_state)
    except Exception as exc:  # noqa: BLE001
        kind, message, _ = classify(exc)
        step = scenario.steps[0] if scenario.steps else None
        return _journey_failed(scenario, device, opts, StepFailure(
            step=0, stage=step.name if step else "start", action="open a browser page",
            kind=kind if kind != "error" else "browser", message=Masker(scenario.secrets)(message)))
    return walk.run()


def _sign_in(browser, scenario: Scenario, device: Device, opts: WalkOptions) -> tuple[str | None, StepFailure | None]:
    """Run the sign-in once per device and scenario sign-in block; later walks reuse its state."""
    signin = scenario.signin
    key = hashlib.sha1(repr((scenario.base_url, signin, device)).encode()).hexdigest()[:16]
    if key in opts.state_cache:
        return opts.state_cache[key], None
    step = Step(stage="signin", name="sign-in", actions=signin.actions, label="Sign in", line=signin.line)
    try:
        walk = _Walk(browser, scenario, device, opts, full=False, storage_state=None)
    except Exception as exc:  # noqa: BLE001
        kind, message, _ = classify(exc)
        return None, StepFailure(step=-1, stage="sign-in", action="open a browser page",
                                 kind=kind if kind != "error" else "browser", message=Masker(scenario.secrets)(message))
    try:
        for action in signin.actions:
            shown = dataclasses.replace(action, secret=True).describe() if action.kind == "fill" else action.describe()
            if walk._guard_submit(action, step, shown):
                walk._act(action, step, shown)
            walk._remember_typed(action, shown)
            walk._check_interruptions(shown)
        walk._settle(walk.started)
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
    except SubmitBlocked as blocked:
        return None, StepFailure(step=-1, stage="sign-in", action=str(blocked), kind="signin",
                                 message="the sign-in actions would place an order; sign-in must not buy anything")
    except _StepFailed as f:
        return None, StepFailure(step=-1, stage="sign-in", action=walk.mask(f.action), kind=f.kind,
                                 message=walk.mask(f.message), url=walk.mask(walk.page.url))
    except Exception as exc:  # noqa: BLE001
        kind, message, _ = classify(exc)
        return None, StepFailure(step=-1, stage="sign-in", action="sign in", kind=kind, message=walk.mask(message),
                                 url=walk.mask(walk.page.url))
    finally:
        walk.tab.close()


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
            return _journey_failed(scenario, device, opts, failure)
    main = _walk_once(browser, scenario, device, opts, full=True, storage_state=storage_state)
    if opts.repeat <= 1 or not main.stages:
        return main
    extra = []
    for n in range(opts.repeat - 1):
        if opts.progress:
            opts.progress(f"{device.name:>8}  timing load {n + 2}/{opts.repeat}")
        try:
            extra.append(_walk_once(browser, scenario, device, opts, full=False, storage_state=storage_state))
        except KeyboardInterrupt:  # every stage was captured: report them, timed over the loads made
            note = f"interrupted during timing load {n + 2}/{opts.repeat}: timings are medians of {n + 1} load(s)"
            merged = merge_repeats(main, extra)
            raise WalkInterrupted(dataclasses.replace(merged, notes=(*merged.notes, note))) from None
    return merge_repeats(main, extra)
