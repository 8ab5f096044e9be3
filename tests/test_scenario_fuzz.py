"""Whatever text it is given, the loader returns a Scenario or raises a ConfigError naming the file.

Inputs are random text and, mostly, mutations of a valid scenario (keys deleted, duplicated and
renamed, values of the wrong type, garbage characters, truncation): the near misses people write.
"""
from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import ConfigError
from auditor.scenario import devices as devices_mod
from auditor.scenario.load import load_scenario_text
from auditor.scenario.types import Scenario

from test_scenario_load import ENV, FAKE_DEVICES as DEVICES, FULL as VALID, SECRET  # the valid scenario to mutate

PATH = "fuzz/shop.yaml"
LINES = VALID.splitlines(keepends=True)
KEYS = ["name", "base_url", "devices", "variables", "steps", "stage", "actions", "fill", "goto",
        "selector", "value", "signin", "signed_in", "limits", "max_steps", "retry", "policy", "tap", "nmae",
        "timeout_ms", "optional", "key", "width", "<<", "? x", "- a", ""]
VALUES = ["[]", "{}", "0", "-3", "1.5", "true", "null", "~", '""', "[a, b]", "{a: 1}", "${NOPE}", "$${x}",
          "${", "${A:-${B}}", "*alias", "&a x", "!!python/object:os.system x", "!!binary zz", "2024-01-01",
          "1e999", "0x1F", "99999999999999999999999", "javascript:alert(1)", "Pixel 5", "Pixle 5",
          "'text=${SHOP_PASSWORD}'", "|\n  block", ">-", "- x", "chekout", "ftp://x", "a: b: c"]
GARBAGE = st.text(alphabet=":-{}[],#&*!|>'\"%@`\t\n \\\x00\x85\u2028\ufeff$?", min_size=1, max_size=6)


@st.composite
def mutated(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "rename", "retype", "garbage", "truncate", "swap"]))
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip(" -"))]
        key, colon, _ = line.strip(" -\n").partition(":")
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "rename" and colon:
            lines[i] = line.replace(key, draw(st.sampled_from(KEYS)), 1)
        elif op == "retype" and colon:
            lines[i] = f"{indent}{key}: {draw(st.sampled_from(VALUES))}\n"
        elif op == "garbage":
            pos = draw(st.integers(0, len(line)))
            lines[i] = line[:pos] + draw(GARBAGE) + line[pos:]
        elif op == "truncate":
            text = "".join(lines)
            return text[: draw(st.integers(0, len(text)))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def assert_loads_or_names_the_file(text: str) -> None:
    with mock.patch.object(devices_mod, "playwright_devices", lambda: DEVICES):
        try:
            result = load_scenario_text(text, PATH, env=ENV)
        except ConfigError as e:
            message = str(e)
            assert message.startswith(PATH), message
            # A value from the environment never appears in a message unless the file wrote it.
            assert SECRET not in message or SECRET in text, message
            return
    assert isinstance(result, Scenario)


def test_the_valid_scenario_loads():
    assert_loads_or_names_the_file(VALID)
    assert len(load_scenario_text(VALID, PATH, env=ENV).steps) == 5


@settings(max_examples=700, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_scenarios(text):
    assert_loads_or_names_the_file(text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300),
                 st.text(alphabet=":-{}[],#&*!|>'\"\n abc${}0123", max_size=200),
                 st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace"))))
def test_random_text(text):
    assert_loads_or_names_the_file(text)
