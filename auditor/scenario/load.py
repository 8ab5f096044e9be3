"""Scenario YAML → ``Scenario``: every problem reported as ``file:line: key.path: message (hint)``.

The key tables live in ``schema.py``; the YAML tree, line numbers and generic checks in
``auditor/config/yamlsrc.py``; devices in ``devices.py``. This module adds the rest of what is
particular to a scenario: ``${…}`` substitution and which values are secret, steps and actions,
URLs and domains.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

from ..errors import ScenarioError
from ..model import STAGE_KINDS
from ..config.yamlsrc import Node, Source, join, short, suggest
from . import schema
from .devices import resolve_devices
from .keys import key_problem
from .selectors import selector_problem
from .types import Action, Limits, Retry, Scenario, SignIn, Step

__all__ = ["ENV_BASE_URL", "load_scenario", "load_scenario_text"]

ENV_BASE_URL = "AUDITOR_BASE_URL"
EMPTY_HINT = "a scenario needs at least name, base_url and steps; see docs/scenario-format.md"
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_IDENT = re.compile(r"[a-z0-9_-]+\Z")
_REF = re.compile(r"\$\$\{|\$\{([^{}]*)\}|\$\{")  # escape | reference | a "${" left open or nested
_HOST = re.compile(r"(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\Z")
_FIELD_OF_SHORT = {"selector": "selector", "URL": "value", "key": "key"}


def load_scenario(path: str | os.PathLike, *, base_url: str | None = None,
                  env: Mapping[str, str] | None = None) -> Scenario:
    """Load and validate a scenario file. ``base_url`` (the CLI's ``--base-url``) wins over
    ``env["AUDITOR_BASE_URL"]``, which wins over the file; ``env`` defaults to ``os.environ``."""
    src = Source(path, ScenarioError)
    return _Loader(src, env).scenario(src.parse(src.read(), empty_hint=EMPTY_HINT), base_url)


def load_scenario_text(text: str, path: str = "<string>", *, base_url: str | None = None,
                       env: Mapping[str, str] | None = None) -> Scenario:
    """As ``load_scenario``, from text; ``path`` is what error messages name."""
    src = Source(path, ScenarioError)
    return _Loader(src, env).scenario(src.parse(text, empty_hint=EMPTY_HINT), base_url)


def _is_http_url(url: str) -> bool:
    try:
        u = urlsplit(url)
        return u.scheme in ("http", "https") and bool(u.hostname) and (u.port or 0) >= 0 \
            and not any(c.isspace() for c in url)
    except ValueError:
        return False


@dataclass(slots=True)
class _StepDraft:
    stage: str
    name: str | None
    name_node: Node | None
    label: str
    ready: str | None
    actions: tuple[Action, ...]
    line: int
    when: str | None = None


class _Loader:
    def __init__(self, src: Source, env: Mapping[str, str] | None):
        self.src = src
        self.env = os.environ if env is None else env
        self.variables: dict[str, str] = {}
        self.secret_vars: set[str] = set()  # variables whose value came (partly) from the environment
        self.broken_vars: set[str] = set()  # already reported: using them reports nothing more
        self.pending_vars: set[str] = set()  # declared below the variable being resolved
        self.secrets: set[str] = set()

    def scenario(self, root: Node, base_url_arg: str | None) -> Scenario:
        src = self.src
        override = base_url_arg or self.env.get(ENV_BASE_URL)
        required = ("name", "steps") + (() if override else ("base_url",))
        m = src.mapping(root, "", schema.SCENARIO, required=required) or {}
        name = src.string(m.get("name"), "name", "")
        base_url = self._base_url(m.get("base_url"), base_url_arg)
        self._variables(m.get("variables"))
        mark = src.checkpoint()
        limits = self._limits(m.get("limits"))
        limits_ok = src.checkpoint() == mark
        policy = m.get("policy")
        if src.mapping(policy, "policy") is None:
            policy = None
        scenario = Scenario(
            name=name, path=src.path, base_url=base_url,
            devices=resolve_devices(src, m.get("devices")),
            signin=self._signin(m.get("signin")),
            steps=self._steps(m.get("steps"), limits.max_steps if limits_ok else None,
                              root.key_lines.get("steps", 0)),
            variables=dict(self.variables),
            allowed_domains=self._domains(m.get("allowed_domains"), base_url),
            allow_submit=bool(src.boolean(m.get("allow_submit"), "allow_submit", False)),
            on_error=src.choice(m.get("on_error"), "on_error", ("stop", "continue"), "stop"),
            retry=self._retry(m.get("retry")), limits=limits,
            policy=policy.plain() if policy else None,
            policy_line=root.key_lines["policy"] if policy else 0,
            secrets=frozenset(self.secrets))
        src.check()
        return scenario

    # --- ${…} substitution ------------------------------------------------------------------

    def _subst(self, text: str, node: Node, key: str, *, record: bool = True) -> tuple[str | None, bool]:
        """``text`` with ``${NAME}``/``${NAME:-default}`` resolved and ``$${`` unescaped, and
        whether any part came from the environment. Error messages never show a value."""
        if "$" not in text:
            return text, False
        out, secret, pos = [], False, 0
        for m in _REF.finditer(text):
            out.append(text[pos:m.start()])
            pos = m.end()
            if m.group(0) == "$${":
                out.append("${")
                continue
            if m.group(1) is None:
                self.src.fail(node, key, "'${' without a closing '}'",
                              "write $${ for a literal ${; ${…} cannot be nested")
                return None, False
            name, sep, default = m.group(1).partition(":-")
            if not _VAR.match(name):
                self.src.fail(node, key, f"invalid variable reference {short('${' + m.group(1) + '}')!r}",
                              "write ${NAME} or ${NAME:-default}; $${ is a literal ${")
                return None, False
            value, from_env = self._lookup(name, default if sep else None, node, key)
            if value is None:
                return None, False
            if from_env:
                secret = True
                if record and value:
                    self.secrets.add(value)
            out.append(value)
        out.append(text[pos:])
        return "".join(out), secret

    def _lookup(self, name: str, default: str | None, node: Node, key: str) -> tuple[str | None, bool]:
        if name in self.variables:
            return self.variables[name], name in self.secret_vars
        if name in self.broken_vars:
            return None, False
        if name in self.pending_vars:
            self.src.fail(node, key, f"variable {name!r} is used before it is defined",
                          "a variable can use only the variables above it")
            return None, False
        if name in self.env:
            return self.env[name], True
        if default is not None:
            return default, False
        self.src.fail(node, key, f"variable {name!r} is not set",
                      f"set it in the environment, e.g. export {name}=…, or define it under variables:")
        return None, False

    def _variables(self, node: Node | None) -> None:
        m = self.src.mapping(node, "variables") or {}
        self.pending_vars = set(m)
        for name, value_node in m.items():
            key = join("variables", name)
            self.pending_vars.discard(name)
            if not _VAR.match(name):
                self.src.fail(node.key_lines[name], key, f"invalid variable name {short(name)!r}",
                              "use letters, digits and _, not starting with a digit")
                self.broken_vars.add(name)
                continue
            raw = self.src.text(value_node, key)
            value, secret = self._subst(raw, value_node, key) if raw is not None else (None, False)
            if value is None:
                self.broken_vars.add(name)
                continue
            self.variables[name] = value
            if secret:
                self.secret_vars.add(name)

    def _selector(self, node: Node | None, key: str) -> str | None:
        raw = self.src.string(node, key)
        if raw is None:
            return None
        value, secret = self._subst(raw, node, key, record=False)
        if secret:
            self.src.fail(node, key, "a selector cannot use a value from the environment: "
                          "selectors are shown in reports", "select the element another way")
            return None
        problem = selector_problem(value) if value is not None else None
        if problem:  # a typo in the scenario must not surface at walk time as "the site could not be audited"
            self.src.fail(node, key, *problem)
            return None
        return value

    # --- top-level values -------------------------------------------------------------------

    def _base_url(self, node: Node | None, arg: str | None) -> str:
        src = self.src
        written = src.string(node, "base_url")
        for value, origin in ((arg, "--base-url"), (self.env.get(ENV_BASE_URL), ENV_BASE_URL)):
            if value:
                if not _is_http_url(value):
                    src.fail(None, "base_url", f"expected an http(s) URL like http://127.0.0.1:8000, "
                             f"found {short(value)!r}", f"it came from {origin}")
                return value
        if written is None:
            return ""
        url, _ = self._subst(written, node, "base_url", record=False)  # an address, not a secret
        if url is not None and not _is_http_url(url):
            src.fail(node, "base_url", f"expected an http(s) URL like http://127.0.0.1:8000, "
                     f"found {short(written)!r}")
        return url or ""

    def _domains(self, node: Node | None, base_url: str) -> tuple[str, ...]:
        out: list[str] = []
        for i, item in enumerate(self.src.sequence(node, "allowed_domains") or ()):
            key = join("allowed_domains", i)
            written = self.src.string(item, key)
            if written is None:
                continue
            domain = written.strip().lower()
            if not _HOST.match(domain):
                self.src.fail(item, key, f"expected a host name like shop.example.com or *.example.com, "
                              f"found {short(written)!r}", "no scheme, port or path")
            elif domain not in out:
                out.append(domain)
        try:
            host = (urlsplit(base_url).hostname or "").lower()
        except ValueError:
            host = ""
        # The shop must be allowed to load itself, whatever the list says.
        if host and not any(d == host or (d.startswith("*.") and host.endswith(d[1:])) for d in out):
            out.insert(0, host)
        return tuple(out)

    def _retry(self, node: Node | None) -> Retry:
        m, d = self.src.mapping(node, "retry", schema.RETRY) or {}, Retry()
        integer = self.src.integer
        attempts = integer(m.get("attempts"), "retry.attempts", d.attempts, minimum=1, maximum=10)
        backoff = integer(m.get("backoff_ms"), "retry.backoff_ms", d.backoff_ms, minimum=0, maximum=600_000)
        most = integer(m.get("max_backoff_ms"), "retry.max_backoff_ms", max(d.max_backoff_ms, backoff),
                       minimum=0, maximum=600_000)
        if most < backoff:
            self.src.fail(m["max_backoff_ms"], "retry.max_backoff_ms",
                          f"expected at least backoff_ms ({backoff}), found {most}")
        return Retry(attempts, backoff, most)

    def _limits(self, node: Node | None) -> Limits:
        m, d = self.src.mapping(node, "limits", schema.LIMITS) or {}, Limits()
        values = {k: self.src.integer(m.get(k), join("limits", k), getattr(d, k), minimum=1)
                  for k in schema.LIMITS}
        limits = Limits(**values)
        if limits.step_timeout_ms > limits.run_timeout_ms:
            at = m.get("step_timeout_ms") or m.get("run_timeout_ms")
            self.src.fail(at, "limits.step_timeout_ms", f"expected at most run_timeout_ms "
                          f"({limits.run_timeout_ms}), found {limits.step_timeout_ms}")
        return limits

    # --- sign-in, steps and actions ---------------------------------------------------------

    def _signin(self, node: Node | None) -> SignIn | None:
        m = self.src.mapping(node, "signin", schema.SIGNIN, required=("actions", "signed_in"))
        if m is None:
            return None
        actions = self._actions(m.get("actions"), "signin.actions", signin=True)
        signed_in = self._selector(m.get("signed_in"), "signin.signed_in")
        return SignIn(actions, signed_in or "", node.line)

    def _steps(self, node: Node | None, max_steps: int | None, key_line: int) -> tuple[Step, ...]:
        items = self.src.sequence(node, "steps", allow_empty=False,
                                  hint="e.g. steps: [{stage: landing, actions: [{goto: /}]}]") or []
        if max_steps is not None and len(items) > max_steps:
            self.src.fail(key_line, "steps", f"expected at most {max_steps} steps (limits.max_steps), "
                          f"found {len(items)}", "raise limits.max_steps or split the journey")
        drafts = [self._step(item, join("steps", i)) for i, item in enumerate(items)]
        taken: dict[str, int] = {}  # written names first, so an automatic name never takes one
        for i, d in enumerate(drafts):
            if d is None or d.name is None:
                continue
            if d.name in taken:
                self.src.fail(d.name_node, f"steps[{i}].name", f"step name {d.name!r} is already used "
                              f"at line {taken[d.name]}", "step names must be unique")
            taken.setdefault(d.name, d.name_node.line)
        steps, counters = [], {}
        for d in drafts:
            if d is None:
                continue
            name = d.name
            if name is None:
                name, n = d.stage, counters.get(d.stage, 2)
                while name in taken:
                    name, n = f"{d.stage}-{n}", n + 1
                taken[name], counters[d.stage] = d.line, n
            steps.append(Step(d.stage, name, d.actions, d.label, d.ready, d.line, d.when))
        return tuple(steps)

    def _step(self, item: Node, key: str) -> _StepDraft | None:
        src = self.src
        m = src.mapping(item, key, schema.STEP, required=("stage", "actions"),
                        hint="a step is a mapping like {stage: cart, actions: [...]}")
        if m is None:
            return None
        stage = self._stage(m.get("stage"), join(key, "stage"))
        name_node = m.get("name")
        name = src.string(name_node, join(key, "name"))
        if name is not None and not _IDENT.match(name):
            src.fail(name_node, join(key, "name"), f"invalid step name {short(name)!r}",
                     "use a-z, 0-9, - and _")
            name = None
        label = src.string(m.get("label"), join(key, "label"), "", allow_empty=True)
        ready = self._selector(m.get("ready"), join(key, "ready"))
        when = self._selector(m.get("when"), join(key, "when"))
        actions = self._actions(m.get("actions"), join(key, "actions"))
        if stage is None:
            return None
        return _StepDraft(stage, name, name_node if name else None, label, ready, actions, item.line, when)

    def _stage(self, node: Node | None, key: str) -> str | None:
        stage = self.src.string(node, key)
        if stage is None or stage in STAGE_KINDS:
            return stage
        if not _IDENT.match(stage):
            self.src.fail(node, key, f"invalid stage {short(stage)!r}",
                          suggest(stage, STAGE_KINDS, "built-in stages") + "; custom stages use a-z, 0-9, - and _")
            return None
        # A typo'd stage would silently switch off the checks that look for the real one.
        close = difflib.get_close_matches(stage, STAGE_KINDS, n=1, cutoff=0.8)
        if close:
            self.src.fail(node, key, f"unknown stage {stage!r}",
                          f"did you mean {close[0]!r}? a custom stage must not look like a built-in one")
            return None
        return stage

    def _actions(self, node: Node | None, key: str, *, signin: bool = False) -> tuple[Action, ...]:
        items = self.src.sequence(node, key, allow_empty=False,
                                  hint='e.g. actions: [{goto: /}, {click: "#buy"}]') or ()
        actions = (self._action(item, join(key, i), signin) for i, item in enumerate(items))
        return tuple(a for a in actions if a is not None)

    def _action(self, item: Node, key: str, signin: bool) -> Action | None:
        src = self.src
        if item.kind != "map":
            first = item.value.split(maxsplit=1)[0] if isinstance(item.value, str) and item.value.strip() else ""
            example = schema.ACTIONS[first].example if first in schema.ACTIONS else 'click: "#buy"'
            src.fail(item, key, f"expected an action like {example}, found {item.describe()}",
                     f"write it as a mapping: - {example}")
            return None
        keys = list(item.value)
        if len(keys) != 1:
            kind = next((k for k in keys if k in schema.ACTIONS), "click")
            options = [k for k in keys if k in schema.ACTION_OPTIONS]
            hint = (f"put options inside the action: {kind}: {{selector: …, {options[0]}: …}}" if options
                    else "write one action per list item, each starting with '- '")
            at = item.key_lines[keys[1]] if len(keys) > 1 else item.line
            src.fail(at, key, f"an action is a mapping with one key, found {len(keys)}"
                     + (f": {', '.join(short(k, 20) for k in keys)}" if keys else ""), hint)
            return None
        kind = keys[0]
        spec = schema.ACTIONS.get(kind)
        if spec is None:
            src.fail(item.key_lines[kind], key, f"unknown action {short(kind)!r}",
                     suggest(kind, schema.ACTIONS, "valid actions"))
            return None
        if signin and kind == "place_order":
            src.fail(item.key_lines[kind], key, "place_order cannot be part of the sign-in",
                     "put it in a step; it runs only with allow_submit: true")
            return None
        body, akey = item.value[kind], join(key, kind)
        if body.kind == "map" and spec.keys is None:
            src.fail(body, akey, f"{kind} takes a URL string, found a mapping", f"write {spec.example}")
            return None
        if body.kind != "map" and spec.short is None:
            sel = short(body.value) if isinstance(body.value, str) and body.value.isprintable() else "…"
            src.fail(body, akey, f"{kind} needs a selector and a value, found {body.describe()}",
                     f'write {kind}: {{selector: "{sel}", value: …}}')
            return None
        if body.kind == "map":
            table = {k: schema.ACTION_OPTIONS[k] for k in spec.keys + schema.COMMON_ACTION_KEYS}
            fields = src.mapping(body, akey, table, required=spec.required) or {}
            paths = {k: join(akey, k) for k in fields}
        else:
            fields = {_FIELD_OF_SHORT[spec.short]: body}
            paths = dict.fromkeys(fields, akey)
        selector = self._selector(fields.get("selector"), paths.get("selector", akey))
        value, secret = self._value(kind, fields, paths)
        timeout = src.integer(fields.get("timeout_ms"), paths.get("timeout_ms", akey), None, minimum=1)
        optional = src.boolean(fields.get("optional"), paths.get("optional", akey), False)
        if (selector is None and "selector" in spec.required) or (value is None and kind in
                                                                  ("goto", "fill", "select", "press")):
            return None
        return Action(kind, selector, value, timeout, optional or kind == "dismiss", secret, item.line)

    def _value(self, kind: str, fields: dict[str, Node], paths: dict[str, str]) -> tuple[str | None, bool]:
        field = "key" if kind == "press" else "value"
        node = fields.get(field)
        if node is None:
            return None, False
        src, key = self.src, paths[field]
        if kind == "goto":
            raw = src.string(node, key, hint="write goto: /path or goto: https://…")
        elif kind == "press":
            raw = src.string(node, key, hint="write press: Enter")
        else:
            raw = src.text(node, key)
        if raw is None:
            return None, False
        value, secret = self._subst(raw, node, key)
        problem = key_problem(value) if kind == "press" and value is not None else None
        if problem:
            message, hint = problem
            self.src.fail(node, key, "unknown key (its value came from the environment)" if secret else message, hint)
            return None, False
        if kind == "goto" and value is not None:
            try:
                u = urlsplit(value)
                ok = u.scheme in ("", "http", "https") and (bool(u.netloc) or not u.scheme)
            except ValueError:
                ok = False
            if not ok:
                src.fail(node, key, f"expected an http(s) URL or a path relative to base_url, "
                         f"found {short(raw)!r}", "write http://… or a path like /cart")
                return None, False
        return value, secret
