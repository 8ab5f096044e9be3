"""Scenario mistakes are blamed on the scenario (issue 18.6): an invalid selector or key name is exit 2 with
``file:line: key: what is wrong (hint)`` when the scenario is loaded, never a walk that ends in exit 3 "the site
could not be audited".

The validator must accept everything Playwright accepts. That is measured, not assumed: every selector and key
below, and a few thousand generated ones, are also given to Playwright in Chromium, and the two verdicts are
compared. The only refusals Playwright makes that the loader does not are the documented ones (a pseudo-class
name that is no typo of a known one: Chromium keeps adding names).
"""
from __future__ import annotations

import itertools
import random
import textwrap

import pytest

from auditor.errors import ScenarioError
from auditor.scenario.keys import key_problem
from auditor.scenario.load import load_scenario_text
from auditor.scenario.selectors import selector_problem
from auditor.scenario.selectors.css import CUSTOM_CSS, PSEUDO_CLASSES, PSEUDO_FUNCTIONS
from auditor.scenario.selectors.tokens import tokenize

from .clirun import audit, good_first_step, scenario_text
from .test_cli_config import GOOD

SCENARIO = GOOD + "      - {action}\n"  # a minimal scenario; the action is line 8

# Valid for Playwright: each must load (and each is checked against Playwright below).
VALID_SELECTORS = [
    "#buy", "a.product-card", "button[type=submit]", 'input[name="email"]', "div > span + a ~ b", "a, b",
    "li:nth-child(2n+1)", "li:nth-child(2n + 1)", "li:nth-child(-n+3)", "li:nth-child(odd)", "li:nth-last-child(2)",
    "li:nth-child(2 of .a)", "input:not(:checked)", ":is(a, b)", "article:has(> img)", "a:hover", ":focus-visible",
    ":user-invalid", ":popover-open", "p:first-letter", ':lang(en)', "[data-x]", '[data-x="a" i]', "[*|x]", "[|x]",
    '[x~="a"]', '[x|="a"]', '[x^="a"]', '[x*="a"]', '[x$=".pdf"]', "#a\\:b", "#\\31 23", ".a.b#c[d]:hover", "*", "*.a",
    "text=Sign out", 'text="Sign out"', "text=/sign\\s*out/i", '"Buy now"', "'Buy now'",
    'role=button[name="Place order"]', "role=button[name=/place/i]", "role=checkbox[checked]",
    "role=checkbox[checked=false]", "role=button[pressed=mixed]", "role=heading[level=2]",
    "role=button[include-hidden]", 'role=button[name="x" s]', "//button[@type='submit']", "(//button)[last()]",
    "xpath=//div[contains(., 'Total')]", "xpath=//a[position() mod 2 = 0]", "..", "id=main", "data-testid=checkout",
    "data-test-id=x", "data-test=x", "css=div", "css:light=div", "div >> nth=0", "div >> nth=-1",
    "#email >> visible=true", "iframe >> internal:control=enter-frame >> button", 'button:has-text("Add")',
    'button:text-is("OK")', ':text-matches("^Pay", "i")', "button:visible", "div:near(#email, 50)",
    "label:left-of(input)", ":nth-match(button, 2)", ':has-text("x") span', 'div >> internal:has="button"',
    'internal:attr=[placeholder="Email"]', 'internal:label="Email"', "*css=form >> input", "/* note */ a",
]
# Invalid: (selector, a fragment of the message); each must be refused (and Playwright refuses each below).
INVALID_SELECTORS = [
    ("###[[[", "unexpected '#'"), ("[x=1]", "invalid attribute selector"), ("#1a", "not a valid CSS id selector"),
    ("[x]div", "must come first"), (".a*", "must come first"), ("p::before", "unexpected ':'"),
    ("li:nth-child(x)", "not a valid position"), ("div:lang()", "needs an argument"), ("a,", "unexpected the end"),
    ("a >", "unexpected the end"), ("a:hoverr", "did you mean :hover"), ("li:nth-chlid(2)", "unknown pseudo-class"),
    ('[data-x="a" s]', "invalid attribute selector"), ("[a|x]", "invalid attribute selector"),
    ("[width=50%]", "a percentage"), ("a{b}", "'{'"), ("foo=bar", "unknown selector engine 'foo'"),
    ("left-of=x", "unknown selector engine"), ("text=/buy/ii", "invalid regular expression flags"),
    ("text=/(/", "a group ( is left open"), ("text=/[/", "character class"), (':text-matches("(")', "left open"),
    ("role=", "empty selector"), ("role=button[checked]", "only supported for roles"),
    ("role=heading[level=x]", "compared to a number"), ("role=button[foo]", "unknown role attribute"),
    ('role=button[pressed="true"]', "must be one of"), ("role=button[", "unexpected end"),
    ("xpath=//div[", "invalid XPath"), ("//div[lower-case(.)='x']", "lower-case()"),
    ("xpath=count(//div)", "not elements"), ("xpath=//svg:rect", "namespace"), (':has-text("x", "y")', "one quoted"),
    (":nth-match(button, 0)", "position from 1"), (":visible(a)", "no arguments"), (":is()", "unexpected"),
    ('a:is("x")', "a selector list"), ("div >> internal:control=enter-frame", "cannot end by entering a frame"),
    ("internal:control=enter-frame >> a", "cannot start by entering a frame"),
    ("*css=div >> nth=0", "nth= cannot be used with a * capture"), ("_react=Foo", "not supported"),
]
VALID_KEYS = ["Enter", "Tab", "Escape", "ArrowDown", "a", "A", "!", " ", "Control+A", "Shift+Tab", "ControlOrMeta+a",
              "Control+Shift+KeyT", "Shift++", "F12", "NumpadEnter", "Numpad5", "PageDown", "Backspace", "Meta", "+"]
INVALID_KEYS = [("NotAKey", "unknown key 'NotAKey'"), ("enter", "did you mean 'Enter'?"), ("Ctrl+A", "'Ctrl'"),
                ("Control+", "ends with '+'"), ("F13", "unknown key"), ("é", "unknown key"), ("Return", "unknown key")]


def load(action: str):
    return load_scenario_text(SCENARIO.format(action=action), "shop.yaml")


# ---- the loader: file:line: key: message (hint) ------------------------------------------------------------


@pytest.mark.parametrize("selector", VALID_SELECTORS)
def test_valid_selectors_load(selector):
    assert selector_problem(selector) is None
    action = load(f"click: {yaml_str(selector)}").steps[0].actions[1]
    assert action.selector == selector


@pytest.mark.parametrize(("selector", "why"), INVALID_SELECTORS)
def test_invalid_selector_is_a_scenario_error_at_its_line(selector, why):
    with pytest.raises(ScenarioError) as err:
        load(f"click: {yaml_str(selector)}")
    text = str(err.value)
    assert text.startswith("shop.yaml:8: steps[0].actions[1].click: "), text
    assert why in text and text.endswith(")"), text  # a hint in parentheses


def test_every_selector_key_is_checked():
    text = """\
    name: Keys
    base_url: http://127.0.0.1:9
    devices: [desktop]
    signin: {actions: [{goto: /login}], signed_in: "a:hoverr"}
    steps:
      - stage: landing
        ready: "#1"
        when: "[x=1]"
        actions:
          - goto: /
          - fill: {selector: "###", value: x}
          - press: {selector: "input[", key: Enter}
    """
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(textwrap.dedent(text), "keys.yaml")
    keys = sorted(p.key for p in err.value.problems)
    assert keys == ["signin.signed_in", "steps[0].actions[1].fill.selector", "steps[0].actions[2].press.selector",
                    "steps[0].ready", "steps[0].when"], keys


@pytest.mark.parametrize("key", VALID_KEYS)
def test_valid_keys_load(key):
    assert key_problem(key) is None
    if key.strip():  # a blank value is refused before its key is looked at: write Space
        assert load(f"press: {yaml_str(key)}").steps[0].actions[1].value == key


@pytest.mark.parametrize(("key", "why"), INVALID_KEYS)
def test_invalid_key_is_a_scenario_error_at_its_line(key, why):
    with pytest.raises(ScenarioError) as err:
        load(f"press: {yaml_str(key)}")
    text = str(err.value)
    assert text.startswith("shop.yaml:8: steps[0].actions[1].press: "), text
    assert why in text and "Control+A" in text, text


def test_a_key_from_the_environment_is_not_shown():
    text = SCENARIO.format(action="press: {key: \"${SHOP_KEY}\"}")
    with pytest.raises(ScenarioError) as err:
        load_scenario_text(text, "shop.yaml", env={"SHOP_KEY": "Hunter2-secret"})
    assert "Hunter2-secret" not in str(err.value) and "unknown key" in str(err.value)


def yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---- the command line: exit 2 before any browser; today's walk exited 3 ----------------------------------


@pytest.mark.parametrize(("action", "where"), [('click: "###[[["', "steps[1].actions[0].click"),
                                                ("press: NotAKey", "steps[1].actions[0].press")])
def test_run_exits_2_naming_file_line_and_key(tmp_path, fault, action, where):
    steps = good_first_step() + f"""
- stage: product
  actions:
    - {action}
"""
    res = audit(tmp_path, scenario_text("mistake", fault.url, steps))
    assert res.rc == 2, (res.rc, res.stderr)
    assert f"scenario.yaml:14: {where}: " in res.stderr and "Traceback" not in res.stderr, res.stderr
    assert res.run_dir is None  # refused before a browser was started or a run directory made


# ---- the verdicts, compared with Playwright's own ------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>t</title></head><body>
<h1>Mug</h1><h2 aria-level=2>Sub</h2><p class="a b x" id="y" z data-test="x" data-testid="t">Hello <b>world</b></p>
<form><label for=e>Email</label><input id=e name=email type=email><input type=checkbox id=c checked>
<select id=s><option value=US>US</option></select><button type=submit id=buy>Place order</button></form>
<ul><li>1</li><li>2</li><li>3</li></ul><a href="/x.pdf">pdf</a><div role=button aria-pressed=true>Toggle</div>
<iframe srcdoc="<button>in</button>"></iframe></body></html>"""
FRAGMENTS = ["a", "div", ".x", "#y", "[z]", '[z="1"]', ":hover", ":visible", ':has-text("q")', " ", " > ", " + ", ",",
             ":is(", ":not(", ")", "(", "[", "]", '"', "'", ">>", " >> ", "text=", "role=", "button", '[name="n"]',
             "nth=", "0", "1", "=", "*", ":", "::", ".", "#", "/", "//", "xpath=", "@", "{", ";", "%", "-", "n", "+",
             ":nth-child(", "2n+1", "li", "i]", "|", "~", "$", "^", "&", "\\"]


def playwright_refuses(page, selector: str) -> str | None:
    """Playwright's verdict; None when it takes the selector. An engine runs only on the elements the parts
    before it found, so a part is also tried alone (as what follows a match would be)."""
    from auditor.scenario.selectors.chain import split_chain

    tries = [selector]
    try:
        parts, _ = split_chain(selector)
        tries += [f"{p.name}={p.body}" for p in parts[1:] if not p.name.startswith(("internal:", "left-of"))]
    except Exception:  # noqa: BLE001 - our own splitter refusing is judged by the comparison itself
        pass
    for s in tries:
        try:
            page.locator(s).count()
        except Exception as exc:  # noqa: BLE001 - any error is a refusal
            return str(exc).splitlines()[0]
    return None


def unknown_pseudo(selector: str) -> bool:
    """Uses a pseudo-class name not on the typo list: the one refusal left to the browser, by design."""
    toks = tokenize(selector)
    known = PSEUDO_CLASSES | PSEUDO_FUNCTIONS | CUSTOM_CSS
    return any(a.type == ":" and b.type in ("ident", "function") and b.value.lower() not in known
               for a, b in itertools.pairwise(toks))


def generated(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        s = "".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(1, 6)))
        if "\\0" not in s:  # a NUL escape: Playwright neither refuses nor matches it; outside the comparison
            out.add(s)
    return sorted(out)


@pytest.mark.browser
@pytest.mark.slow
def test_verdicts_agree_with_playwright(page):
    page.set_content(PAGE)
    page.set_default_timeout(2000)
    argument = {"lang": "en", "dir": "rtl", "host": ".a", "host-context": ".a", "state": "x", "-webkit-any": "a"}
    pseudo = [f"a:{n}" for n in sorted(PSEUDO_CLASSES)] + [f"a:{n}({argument.get(n, '2')})"
                                                           for n in sorted(PSEUDO_FUNCTIONS)]
    explicit = VALID_SELECTORS + [s for s, _ in INVALID_SELECTORS] + pseudo
    we_refuse_only, they_refuse_only = [], []
    for s in explicit + generated(1500, seed=18):
        ours, theirs = selector_problem(s), playwright_refuses(page, s)
        if ours and not theirs:
            we_refuse_only.append((s, ours[0]))
        elif theirs and not ours and not unknown_pseudo(s):
            they_refuse_only.append((s, theirs))
    assert not we_refuse_only, f"valid for Playwright, refused when loading: {we_refuse_only}"
    assert not they_refuse_only, f"refused by Playwright, loaded without a word: {they_refuse_only}"


@pytest.mark.browser
def test_key_verdicts_agree_with_playwright(page):
    page.set_content("<input id=q>")
    page.focus("#q")
    rnd = random.Random(18)
    words = ["Enter", "Control", "Shift", "Alt", "Meta", "a", "A", "+", "Tab", "KeyA", "F1", "F13", "enter", "Ctrl",
             "Numpad5", "Space", " ", "é", "!", "ArrowUp", "Digit1", "1", "ControlOrMeta", ""]
    keys = VALID_KEYS + [k for k, _ in INVALID_KEYS] + sorted(
        {"+".join(rnd.choice(words) for _ in range(rnd.randint(1, 3))) for _ in range(150)})
    disagree = []
    for k in keys:
        try:
            page.keyboard.press(k)
            theirs = None
        except Exception as exc:  # noqa: BLE001
            theirs = str(exc).splitlines()[0]
        if (key_problem(k) is None) != (theirs is None):
            disagree.append((k, key_problem(k), theirs))
    assert not disagree, disagree
