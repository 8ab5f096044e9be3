"""Text from an audited page is data: the report shows a script-bearing product name as text, and
opening the report in a browser runs nothing of it."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from auditor.demo import DemoShop, Toggles
from auditor.demo.catalog import XSS_PAYLOAD

from .clirun import audit, scenario_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEPS = """\
- stage: landing
  actions:
    - goto: /
- stage: category
  actions:
    - goto: /c/coffee-gear
- stage: product
  actions:
    - goto: /p/travel-mug
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xss")
    with DemoShop(Toggles(xss=True)) as shop:
        res = audit(tmp, scenario_text("xss", shop.url, STEPS, limits="{step_timeout_ms: 10000}"))
    assert "Traceback" not in res.stderr and res.rc in (0, 1), res.stderr
    return res


def test_the_payload_reached_the_report(hostile_run):
    product = hostile_run.journey["stages"][-1]
    assert XSS_PAYLOAD in product["title"], "the walk did not capture the hostile product name"


def test_opening_the_report_runs_nothing_from_the_page(hostile_run, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((hostile_run.run_dir / "index.html").as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # an onerror handler would have fired by now; nothing is timed
    assert dialogs == [], dialogs
    assert page.locator("script").count() == 1, "only the report's own script may be in the page"
    assert page.locator("img[src='x'], [onerror]").count() == 0
    assert XSS_PAYLOAD in page.locator("body").inner_text(), "the payload must show as text"


def test_other_outputs_are_inert_too(hostile_run):
    md = hostile_run.text("summary.md")
    assert "<script>" not in md and "<img" not in md
    ET.fromstring((hostile_run.run_dir / "junit.xml").read_bytes())  # still well-formed XML
    assert "<script>alert" not in hostile_run.text("index.html").split("</head>", 1)[1]
