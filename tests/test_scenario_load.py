"""Scenario loading: a good file becomes the right types; every kind of bad file names file:line: key."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from auditor.errors import ConfigError, PolicyError, ScenarioError
from auditor.model import Device
from auditor.scenario import devices as devices_mod
from auditor.scenario import schema
from auditor.scenario.load import load_scenario, load_scenario_text
from auditor.scenario.types import ACTION_KINDS, BUILTIN_DEVICES, Limits, Retry
from auditor.config.yamlsrc import Source

ROOT = Path(__file__).resolve().parents[1]
REAL_DEVICE_LOOKUP = devices_mod.playwright_devices
SECRET = "hunter2-XYZ"
ENV = {"SHOP_PASSWORD": SECRET}
FAKE_DEVICES = {
    "Pixel 5": {"viewport": {"width": 393, "height": 727}, "device_scale_factor": 2.75,
                "is_mobile": True, "has_touch": True, "user_agent": "UA Pixel 5"},
}

FULL = """\
name: Demo shop — guest checkout
base_url: http://127.0.0.1:8000
devices:
  - desktop
  - mobile
  - {name: small, width: 360, height: 640, scale: 3, mobile: true, touch: true, user_agent: UA}
variables:
  email: shopper@example.test
  password: "${SHOP_PASSWORD}"
  country: "${SHOP_COUNTRY:-US}"
  login: "${email}"
allowed_domains: [Shop.Example.com, "*.cdn.example.com"]
allow_submit: true
on_error: continue
retry: {attempts: 3, backoff_ms: 250}
limits: {step_timeout_ms: 10000, max_steps: 10}
policy:
  fail_on: major
  checks: {form-length: {max_fields: 12}}
signin:
  actions:
    - goto: /login
    - fill: {selector: "#pw", value: "${password}"}
  signed_in: "text=Sign out"
steps:
  - stage: landing
    label: Home page
    ready: "#main"
    actions:
      - goto: /
      - dismiss: "#cookie-accept"
  - stage: checkout
    actions:
      - fill: {selector: "#email", value: "${login}"}
      - select: {selector: "#qty", value: 02}
      - press: Enter
  - stage: checkout
    actions:
      - goto: products/1?ref=$${literal}
      - click: {selector: "#buy", timeout_ms: 5000, optional: true}
      - press: {selector: "#search", key: Enter}
  - stage: checkout
    name: checkout-2
    actions:
      - check: "#terms"
      - uncheck: "#newsletter"
      - wait_for: ".total"
      - hover: nav
      - fill: {selector: "#card", value: "4242 ${password}"}
      - place_order: "#place-order"
  - stage: my-custom_stage
    actions:
      - goto: https://shop.example.com/thanks
"""

MINIMAL = """\
name: Minimal
base_url: http://127.0.0.1:8000
steps:
  - stage: landing
    actions:
      - goto: /
"""


def error_of(text: str, *, path: str = "shop.yaml", **kw) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, path, env=kw.pop("env", ENV), **kw)
    return info.value


def step_error(actions_yaml: str, **kw) -> ScenarioError:
    """A minimal scenario whose only step has these actions (the first on line 6)."""
    body = textwrap.indent(textwrap.dedent(actions_yaml), "      ")
    return error_of(MINIMAL.replace("      - goto: /\n", body), **kw)


@pytest.fixture(autouse=True)
def no_driver(monkeypatch):
    monkeypatch.setattr(devices_mod, "playwright_devices", lambda: FAKE_DEVICES)


# --- a good file -----------------------------------------------------------------------------


def test_full_scenario_loads_into_the_right_types():
    s = load_scenario_text(FULL, "full.yaml", env=ENV)
    assert s.name == "Demo shop — guest checkout" and s.path == "full.yaml"
    assert s.base_url == "http://127.0.0.1:8000"
    assert s.devices == (BUILTIN_DEVICES["desktop"], BUILTIN_DEVICES["mobile"],
                         Device("small", 360, 640, 3.0, True, True, "UA"))
    assert s.allowed_domains == ("127.0.0.1", "shop.example.com", "*.cdn.example.com")
    assert s.allow_submit is True and s.on_error == "continue"
    assert s.retry == Retry(3, 250, 5000)
    assert s.limits == Limits(step_timeout_ms=10000, max_steps=10)
    assert s.policy == {"fail_on": "major", "checks": {"form-length": {"max_fields": 12}}}
    assert s.policy_line == 17
    assert s.variables == {"email": "shopper@example.test", "password": SECRET, "country": "US",
                           "login": "shopper@example.test"}


def test_steps_names_are_deduplicated_around_written_names():
    s = load_scenario_text(FULL, "full.yaml", env=ENV)
    # "checkout-2" is written on the fourth step, so the automatic names skip it.
    assert [(st.stage, st.name) for st in s.steps] == [
        ("landing", "landing"), ("checkout", "checkout"), ("checkout", "checkout-3"),
        ("checkout", "checkout-2"), ("my-custom_stage", "my-custom_stage")]
    assert s.steps[0].label == "Home page" and s.steps[0].ready == "#main" and s.steps[0].line == 26


def test_actions_keep_relative_urls_and_typed_values():
    s = load_scenario_text(FULL, "full.yaml", env=ENV)
    landing, checkout, checkout3, checkout2, custom = s.steps
    assert [a.describe() for a in landing.actions] == ["goto /", "dismiss #cookie-accept"]
    assert landing.actions[1].optional is True  # dismiss never fails
    assert checkout.actions[1].value == "02"  # as written, not the integer 2
    assert checkout.actions[2].selector is None and checkout.actions[2].value == "Enter"
    goto, click, press = checkout3.actions
    assert goto.value == "products/1?ref=${literal}"  # relative and kept as written; $${ unescaped
    assert (click.selector, click.timeout_ms, click.optional) == ("#buy", 5000, True)
    assert (press.selector, press.value) == ("#search", "Enter")
    assert [a.kind for a in checkout2.actions] == ["check", "uncheck", "wait_for", "hover", "fill",
                                                   "place_order"]
    assert custom.actions[0].value == "https://shop.example.com/thanks"
    assert goto.line == 39


def test_secrets_are_collected_and_their_actions_marked():
    s = load_scenario_text(FULL, "full.yaml", env=ENV)
    assert s.secrets == frozenset({SECRET})
    card = s.steps[3].actions[4]
    assert card.secret is True and card.value == f"4242 {SECRET}"
    assert SECRET not in card.describe() and "••••••" in card.describe()
    pw = s.signin.actions[1]
    assert pw.secret is True and s.signin.signed_in == "text=Sign out" and s.signin.line == 21
    email = s.steps[1].actions[0]
    assert email.secret is False  # came from variables written in the file


def test_defaults_of_a_minimal_scenario():
    s = load_scenario_text(MINIMAL, env={})
    assert s.devices == (BUILTIN_DEVICES["desktop"], BUILTIN_DEVICES["mobile"])
    assert s.allowed_domains == ("127.0.0.1",)
    assert (s.allow_submit, s.on_error, s.signin, s.policy, s.secrets) == (False, "stop", None, None, frozenset())
    assert s.retry == Retry() and s.limits == Limits()


def test_env_defaults_are_not_secret_but_env_values_are():
    text = MINIMAL.replace("goto: /", "fill: {selector: '#c', value: '${SHOP_COUNTRY:-US}'}")
    assert load_scenario_text(text, env={}).steps[0].actions[0].secret is False
    s = load_scenario_text(text, env={"SHOP_COUNTRY": "FR"})
    assert s.steps[0].actions[0].secret is True and s.secrets == {"FR"}


def test_playwright_device_names_are_resolved():
    s = load_scenario_text(MINIMAL + "devices: [Pixel 5, desktop]\n", env={})
    assert s.devices[0] == Device("Pixel 5", 393, 727, 2.75, True, True, "UA Pixel 5")


def test_playwright_device_names_come_from_playwright(monkeypatch):
    """The real list: starts Playwright's driver once (no browser)."""
    monkeypatch.setattr(devices_mod, "playwright_devices", REAL_DEVICE_LOOKUP)
    s = load_scenario_text(MINIMAL + "devices: [Pixel 5, desktop]\n", env={})
    pixel = s.devices[0]
    assert (pixel.name, pixel.is_mobile, pixel.has_touch) == ("Pixel 5", True, True)
    assert 300 < pixel.width < 500 and pixel.device_scale_factor > 1 and "Pixel 5" in pixel.user_agent
    assert s.devices[1] is BUILTIN_DEVICES["desktop"]


def test_load_from_file_and_bom(tmp_path):
    p = tmp_path / "shop.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(p, env={}).path == str(p)


# --- base_url ------------------------------------------------------------------------------


def test_base_url_precedence_argument_then_env_then_file():
    env = {"AUDITOR_BASE_URL": "http://env.test:1"}
    assert load_scenario_text(MINIMAL, env={}).base_url == "http://127.0.0.1:8000"
    assert load_scenario_text(MINIMAL, env=env).base_url == "http://env.test:1"
    s = load_scenario_text(MINIMAL, env=env, base_url="https://arg.test")
    assert s.base_url == "https://arg.test" and s.allowed_domains == ("arg.test",)


def test_base_url_may_come_only_from_the_caller_and_may_use_env():
    text = MINIMAL.replace("base_url: http://127.0.0.1:8000\n", "")
    assert load_scenario_text(text, env={}, base_url="http://x.test").base_url == "http://x.test"
    assert str(error_of(text, env={})) == (
        "shop.yaml:1: missing required key 'base_url' (add it, e.g. base_url: http://127.0.0.1:8000)")
    with_env = MINIMAL.replace("http://127.0.0.1:8000", "${SHOP_URL}")
    s = load_scenario_text(with_env, env={"SHOP_URL": "http://shop.test"})
    assert s.base_url == "http://shop.test" and s.secrets == frozenset()  # an address, not a secret


def test_bad_base_urls():
    assert str(error_of(MINIMAL, base_url="ftp://x")) == (
        "shop.yaml: base_url: expected an http(s) URL like http://127.0.0.1:8000, found 'ftp://x' "
        "(it came from --base-url)")
    assert "AUDITOR_BASE_URL" in str(error_of(MINIMAL, env={"AUDITOR_BASE_URL": "localhost:8000"}))
    assert str(error_of(MINIMAL.replace("http://127.0.0.1:8000", "127.0.0.1:8000"))) == (
        "shop.yaml:2: base_url: expected an http(s) URL like http://127.0.0.1:8000, found '127.0.0.1:8000'")


# --- errors: keys, types, actions --------------------------------------------------------


def test_unknown_key_suggests_the_close_one():
    e = error_of(MINIMAL.replace("name:", "nmae:"))
    assert str(e) == "shop.yaml:1: nmae: unknown key 'nmae' (did you mean 'name'?)"
    e = error_of(MINIMAL.replace("    actions:", "    actoins:"))
    assert str(e) == "shop.yaml:5: steps[0].actoins: unknown key 'actoins' (did you mean 'actions'?)"
    assert len(e.problems) == 1  # not also "missing required key 'actions'"


def test_first_problem_in_file_order_is_reported_and_all_are_kept():
    text = MINIMAL.replace("name: Minimal", "name: [x]").replace("      - goto: /", "      - tap: x")
    e = error_of(text + "limits: {max_steps: x}\n")
    assert str(e) == "shop.yaml:1: name: expected a string, found a list"
    assert [(p.line, p.key) for p in e.problems] == [
        (1, "name"), (6, "steps[0].actions[0]"), (7, "limits.max_steps")]
    e = error_of(MINIMAL.replace("    actions:", "    actions: 3\n    x:"))
    assert str(e.problems[0]) == "shop.yaml:5: steps[0].actions: expected a list, found a number (3) " \
        "(e.g. actions: [{goto: /}, {click: \"#buy\"}])"


def test_unknown_action_lists_the_valid_ones_or_suggests():
    e = step_error("- tap: '#buy'\n")
    assert str(e) == ("shop.yaml:6: steps[0].actions[0]: unknown action 'tap' (valid actions: "
                      + ", ".join(ACTION_KINDS) + ")")
    assert step_error("- fil: {selector: '#a', value: b}\n").hint == "did you mean 'fill'?"
    assert step_error("- waitfor: '#a'\n").hint == "did you mean 'wait_for'?"


def test_fill_without_value_and_goto_with_a_mapping():
    assert str(step_error("- fill: '#email'\n")) == (
        "shop.yaml:6: steps[0].actions[0].fill: fill needs a selector and a value, found a string "
        "('#email') (write fill: {selector: \"#email\", value: …})")
    assert str(step_error("- goto: {url: /}\n")) == (
        "shop.yaml:6: steps[0].actions[0].goto: goto takes a URL string, found a mapping (write goto: /cart)")
    e = step_error("- fill: {selector: '#email'}\n")
    assert (e.line, e.key, e.message) == (6, "steps[0].actions[0].fill", "missing required key 'value'")


def test_action_shapes():
    e = step_error("- click: '#buy'\n  timeout_ms: 500\n")
    assert str(e) == ("shop.yaml:7: steps[0].actions[0]: an action is a mapping with one key, found 2: "
                      "click, timeout_ms (put options inside the action: click: {selector: …, timeout_ms: …})")
    e = step_error("- click '#buy'\n")
    assert e.message == "expected an action like click: \"a.product-card\", found a string (\"click '#buy'\")"
    e = step_error("- click: {selector: '#a', timeout_ms: 0}\n")
    assert str(e) == ("shop.yaml:6: steps[0].actions[0].click.timeout_ms: expected an integer ≥ 1, found a number (0)")
    e = step_error("- click: {selector: '#a', optinal: true}\n")
    assert (e.key, e.hint) == ("steps[0].actions[0].click.optinal", "did you mean 'optional'?")
    assert step_error("- goto: javascript:alert(1)\n").message == (
        "expected an http(s) URL or a path relative to base_url, found 'javascript:alert(1)'")
    assert step_error("- goto:\n").message == "expected a string, found nothing"
    e = step_error("- fill: {selector: '#q', value: [a]}\n")
    assert (e.key, e.message) == ("steps[0].actions[0].fill.value", "expected a text value, found a list")


def test_missing_variable_names_it_and_never_a_value():
    e = step_error("- fill: {selector: '#pw', value: '${SHOP_PASSWORD}'}\n"
                   "- fill: {selector: '#x', value: 'x${NOPE}'}\n")
    assert str(e) == ("shop.yaml:7: steps[0].actions[1].fill.value: variable 'NOPE' is not set "
                      "(set it in the environment, e.g. export NOPE=…, or define it under variables:)")
    assert SECRET not in "".join(map(str, e.problems))
    e = error_of(MINIMAL + "variables:\n  a: '${b}'\n  b: x\n")
    assert (e.line, e.key, e.message) == (8, "variables.a", "variable 'b' is used before it is defined")
    e = step_error("- fill: {selector: '#x', value: '${A:-${B}}'}\n")
    assert e.message == "'${' without a closing '}'"
    e = step_error("- fill: {selector: '#x', value: '${not a name}'}\n")
    assert e.message == "invalid variable reference '${not a name}'"


def test_a_broken_variable_is_reported_once():
    e = error_of(MINIMAL.replace("goto: /", "fill: {selector: '#x', value: '${pw}'}")
                 + "variables:\n  pw: [1]\n")
    assert [(p.line, p.key) for p in e.problems] == [(8, "variables.pw")]


def test_selectors_cannot_carry_secrets():
    e = step_error("- click: 'text=${SHOP_PASSWORD}'\n")
    assert e.message.startswith("a selector cannot use a value from the environment")
    assert SECRET not in str(e)


def test_steps_errors():
    e = error_of(MINIMAL.replace("stage: landing", "stage: chekout"))
    assert str(e) == ("shop.yaml:4: steps[0].stage: unknown stage 'chekout' (did you mean 'checkout'? "
                      "a custom stage must not look like a built-in one)")
    e = error_of(MINIMAL.replace("stage: landing", "stage: Check Out"))
    assert e.key == "steps[0].stage" and "custom stages use a-z, 0-9, - and _" in e.hint
    two = MINIMAL + "  - stage: cart\n    name: landing\n    actions: [{goto: /cart}]\n"
    e = error_of(two.replace("  - stage: landing\n", "  - stage: landing\n    name: landing\n"))
    assert str(e) == ("shop.yaml:9: steps[1].name: step name 'landing' is already used at line 5 "
                      "(step names must be unique)")
    e = error_of(MINIMAL + "limits: {max_steps: 0}\n")
    assert e.message == "expected an integer ≥ 1, found a number (0)" and e.problems[0].line == 7
    e = error_of(two + "limits: {max_steps: 1}\n")
    assert str(e) == ("shop.yaml:3: steps: expected at most 1 steps (limits.max_steps), found 2 "
                      "(raise limits.max_steps or split the journey)")
    assert str(error_of(MINIMAL.replace("steps:\n", "steps: []\nx:\n"))).startswith(
        "shop.yaml:3: steps: expected a non-empty list, found an empty list")
    e = error_of(MINIMAL.replace("    actions:\n      - goto: /\n", "    actions: []\n"))
    assert (e.line, e.key) == (5, "steps[0].actions")
    assert error_of(MINIMAL.replace("  - stage: landing", "  - landing\n  - stage: x")).message == (
        "expected a mapping, found a string ('landing')")


def test_signin_errors():
    base = MINIMAL + "signin:\n  actions: [{place_order: '#buy'}]\n  signed_in: 'text=Out'\n"
    assert str(error_of(base)) == ("shop.yaml:8: signin.actions[0]: place_order cannot be part of the "
                                   "sign-in (put it in a step; it runs only with allow_submit: true)")
    e = error_of(MINIMAL + "signin:\n  actions: [{goto: /login}]\n")
    assert (e.line, e.key, e.message) == (8, "signin", "missing required key 'signed_in'")


def test_top_level_value_errors():
    assert str(error_of(MINIMAL + "on_error: skip\n")) == (
        "shop.yaml:7: on_error: expected 'stop' or 'continue', found a string ('skip') (valid values: stop, continue)")
    assert error_of(MINIMAL + "on_error: stpo\n").hint == "did you mean 'stop'?"
    assert error_of(MINIMAL + "allow_submit: 'true'\n").hint == "remove the quotes"
    assert error_of(MINIMAL + "name2: x\n").hint == "did you mean 'name'?"
    assert error_of(MINIMAL + "retry: {backoff_ms: 900, max_backoff_ms: 100}\n").message == (
        "expected at least backoff_ms (900), found 100")
    assert error_of(MINIMAL + "allowed_domains: [https://shop.test/x]\n").key == "allowed_domains[0]"
    assert error_of(MINIMAL + "policy: [a]\n").message == "expected a mapping, found a list"
    assert error_of(MINIMAL.replace("name: Minimal", "name: ''")).message == (
        "expected a non-empty string, found a string ('')")
    assert error_of(MINIMAL.replace("name: Minimal", "name: 42")).hint == 'quote it: "42"'


def test_device_errors():
    assert str(error_of(MINIMAL + "devices: [Pixle 5]\n")) == (
        "shop.yaml:7: devices[0]: unknown device 'Pixle 5' (did you mean 'Pixel 5'?)")
    assert error_of(MINIMAL + "devices: [desktop, desktop]\n").message == (
        "device 'desktop' is listed twice (first at line 7)")
    assert error_of(MINIMAL + "devices: []\n").message == "expected a non-empty list, found an empty list"
    e = error_of(MINIMAL + "devices:\n  - {name: x, width: 0, height: 10}\n")
    assert (e.line, e.key, e.message) == (8, "devices[0].width", "expected an integer from 1 to 10000, found a number (0)")
    e = error_of(MINIMAL + "devices:\n  - {name: x, height: 10}\n")
    assert (e.key, e.message, e.hint) == ("devices[0]", "missing required key 'width'", "add it, e.g. width: 360")


def test_device_lookup_failure_is_a_clear_error(monkeypatch):
    def broken():
        raise RuntimeError("Cannot launch Node.js executable\nmore detail")
    monkeypatch.setattr(devices_mod, "playwright_devices", broken)
    e = error_of(MINIMAL + "devices: [Pixel 5]\n")
    assert e.message == ("cannot look up device 'Pixel 5': Playwright's device list is unavailable "
                         "(Cannot launch Node.js executable)")


# --- errors: the file and its YAML -------------------------------------------------------


def test_yaml_syntax_error_gives_file_and_line():
    e = error_of(MINIMAL.replace("name: Minimal", "name: a: b"))
    assert str(e) == ("shop.yaml:1: invalid YAML: mapping values are not allowed here (column 8) "
                      "(quote values that contain ': ', e.g. label: \"Step: cart\")")
    e = error_of(MINIMAL + "devices: [desktop\n")
    assert e.line == 8 and "flow sequence that starts at line 7" in e.message
    assert error_of(MINIMAL.replace("  - stage", "\t- stage")).hint == "indent with spaces, not tabs"
    assert error_of(MINIMAL + "x: \x00\n").message == "invalid YAML: character #x0000 is not allowed"


def test_duplicate_keys_are_errors():
    e = error_of(MINIMAL + "name: Again\n")
    assert str(e) == "shop.yaml:7: name: duplicate key 'name' (first written at line 1) (a key may appear once per mapping)"
    e = step_error("- fill: {selector: '#a', value: b, value: c}\n")
    assert (e.line, e.key) == (6, "steps[0].actions[0].fill.value")


def test_aliases_are_refused_quickly():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    start = time.perf_counter()
    e = error_of(laughs)
    assert time.perf_counter() - start < 2
    assert str(e) == ("shop.yaml:2: invalid YAML: aliases (*a) are not supported: write the value out "
                      "in full (column 8)")


def test_hostile_shapes():
    assert "nested too deeply" in error_of("a: " + "[" * 5000 + "]" * 5000).message
    assert "nested too deeply" in error_of("a: " + "[" * 60 + "]" * 60).message
    assert error_of(MINIMAL + "x: !!python/object:os.system ls\n").message.startswith("unsupported YAML tag")
    assert error_of(MINIMAL + "limits: {max_steps: !!int nope}\n").message == "'nope' is not a valid int"
    assert error_of(MINIMAL + "? [a]\n: b\n").message == "a key must be a plain name, not a list or mapping"


def test_empty_and_non_mapping_documents():
    for text in ("", "   \n", "# just a comment\n"):
        e = error_of(text)
        assert (e.message, e.line) == ("file is empty", None) and str(e).startswith("shop.yaml: file is empty")
    assert str(error_of("- a\n- b\n")).startswith(
        "shop.yaml:1: expected a mapping of keys at the top level, found a list")
    assert error_of("just text").message == (
        "expected a mapping of keys at the top level, found a string ('just text')")
    assert "found another document" in error_of(MINIMAL + "---\nname: b\n").message


def test_file_problems(tmp_path):
    def file_error(p) -> str:
        with pytest.raises(ScenarioError) as info:
            load_scenario(p, env={})
        return str(info.value)

    assert file_error(tmp_path / "nope.yaml").startswith(f"{tmp_path / 'nope.yaml'}: file not found")
    (tmp_path / "a.yaml").write_text(MINIMAL)
    assert file_error(tmp_path) == (f"{tmp_path}: is a directory, not a YAML file "
                                    f"(did you mean '{tmp_path / 'a.yaml'}'?)")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: ok\nlabel: caf\xe9\n")
    assert file_error(bad) == f"{bad}:2: file is not valid UTF-8 (byte 0xe9 at column 11) (save it as UTF-8)"
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(MINIMAL.encode("utf-16"))
    assert file_error(utf16) == f"{utf16}: file is UTF-16 encoded (save it as UTF-8)"
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 300_000)
    assert "file is too large" in file_error(big)


def test_errors_are_config_errors_with_exit_code_2():
    e = error_of("- a\n")
    assert isinstance(e, ConfigError) and e.exit_code == 2


# --- shared parts ----------------------------------------------------------------------------


def test_yamlsrc_is_reusable_with_another_error_class():
    src = Source("policy.yaml", PolicyError)
    root = src.parse("fail_on: major\nthresholds:\n  lcp_ms: fast\n")
    m = src.mapping(root, "", {"fail_on": None, "thresholds": None})
    src.integer(m["thresholds"].get("lcp_ms"), "thresholds.lcp_ms", 2500, minimum=1)
    with pytest.raises(PolicyError) as info:
        src.check()
    assert str(info.value) == "policy.yaml:3: thresholds.lcp_ms: expected an integer ≥ 1, found a string ('fast')"
    assert root.key_lines == {"fail_on": 1, "thresholds": 2} and root.get("thresholds").line == 3


def test_doc_is_in_sync_with_the_schema():
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert schema.sync_doc(doc) == doc, "run: python -m auditor.scenario.schema docs/scenario-format.md"
    for table in schema.TABLES.values():
        for key in table:
            assert f"`{key}`" in doc
    for action in ACTION_KINDS:
        assert f"`{action}`" in doc
    for word in ("allow_submit", "place_order", "signed_in", "storage state", "Scenario.secrets",
                 "Action.secret", "AUDITOR_BASE_URL"):
        assert word in doc


def test_schema_covers_the_types():
    assert tuple(schema.ACTIONS) == ACTION_KINDS
    assert set(schema.LIMITS) == set(Limits.__dataclass_fields__)
    assert set(schema.RETRY) == set(Retry.__dataclass_fields__)


def test_loading_builtin_devices_needs_no_playwright():
    code = ("import sys; from auditor.scenario.load import load_scenario_text as L; "
            f"s = L({MINIMAL!r}, env={{}}); "
            "assert not any(m.startswith('playwright') for m in sys.modules), 'playwright imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
