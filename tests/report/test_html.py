"""index.html in a real headless Chromium from file://: clean console, strict CSP, images, filters,
phone width, and hostile page text that stays text."""
from __future__ import annotations

import lxml.html
import pytest

from auditor.model import AuditRun, Journey, StepFailure
from auditor.report import write_report
from auditor.report.catalog import group_items, number_findings

from .factory import DESKTOP, JS_URL, XSS

pytestmark = pytest.mark.browser

CSP_PROBE = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def open_report(page, files):
    seen = {"console": [], "errors": [], "dialogs": []}
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))

    def on_dialog(d):
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(CSP_PROBE)
    page.goto(files.index_html.resolve().as_uri())
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    # Polled from here: wait_for_function would evaluate its predicate with eval(), which the report's CSP forbids.
    for _ in range(300):
        if page.evaluate("Array.from(document.images).every(i => i.complete)"):
            break
        page.wait_for_timeout(50)
    return seen


# Every element inside a journey-map cell must end inside that cell: nothing runs into the next stage.
OVERFLOWS = """() => {
  const out = [];
  document.querySelectorAll('table.map td').forEach(td => {
    const cell = td.getBoundingClientRect();
    td.querySelectorAll('*').forEach(el => {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > cell.right + 0.5 || r.left < cell.left - 0.5)) {
        out.push(el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40) + ' ' + Math.round(r.right - cell.right));
      }
    });
  });
  return out;
}"""


def test_renders_clean_with_images_and_filters(page, written):
    run, files = written
    seen = open_report(page, files)
    assert seen == {"console": [], "errors": [], "dialogs": []}
    assert page.evaluate("window.__csp") == []
    widths = page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert len(widths) >= 10 and all(w > 0 for _, w in widths), widths

    # One card per problem; inside it one part per device, each with its own number as anchor.
    findings = page.locator("[data-finding]")
    total = findings.count()
    cards = page.locator("article.finding")
    assert total == len(run.findings) and cards.count() == len(group_items(number_findings(run))) < total
    for n in range(1, total + 1):
        assert page.locator(f"article.finding #finding-{n}").count() == 1, n
    critical = page.locator("[data-finding][data-severity=critical]").count()
    assert 0 < critical < total

    page.locator("#filters button[data-group=severity][data-value=critical]").click()
    assert page.locator("[data-finding]:visible").count() == critical
    assert set(page.locator("[data-finding]:visible").evaluate_all("els => els.map(e => e.dataset.severity)")) == {"critical"}
    assert "Showing 2 of" in page.locator("#filter-count").inner_text()
    page.locator("#filters button[data-group=device][data-value=mobile]").click()
    assert page.locator("[data-finding]:visible").count() == 1
    assert page.locator("article.finding:visible").count() == 1, "the card shows with only its mobile half"
    assert page.locator("article.finding:visible [data-device=desktop]").count() == 1
    assert page.locator("article.finding:visible [data-device=desktop]:visible").count() == 0
    page.locator("#filters button[data-group=reset]").click()
    assert page.locator("[data-finding]:visible").count() == total
    assert page.locator("article.finding:visible").count() == cards.count()


@pytest.mark.parametrize("width", [1300, 390])
def test_journey_map_cells_hold_their_content(page, wide, width):
    run, files = wide
    page.set_viewport_size({"width": width, "height": 900})
    open_report(page, files)
    assert page.locator("table.map thead th.stagehead").count() == 8
    assert page.evaluate(OVERFLOWS) == []
    if width >= 1300:
        box = page.evaluate("(() => { const s = document.querySelector('.map-scroll'); return [s.scrollWidth, s.clientWidth]; })()")
        assert box[0] <= box[1] + 1, "8 stages fit a 1300 px page without scrolling sideways"


def test_readable_on_a_phone(page, written):
    _, files = written
    page.set_viewport_size({"width": 390, "height": 844})
    open_report(page, files)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "the page itself never scrolls sideways; wide tables scroll in their own box"
    assert page.locator("table.map").first.is_visible()
    assert page.evaluate(OVERFLOWS) == []


def test_hostile_page_text_is_inert(page, hostile):
    run, files = hostile
    seen = open_report(page, files)
    page.wait_for_timeout(200)
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert page.evaluate("window.__csp") == []
    assert page.locator("script").count() == 1, "only the report's own script"
    assert page.locator('img[src="x"]').count() == 0
    hrefs = page.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith(("https://", "http://", "#", "annotated/", "screenshots/", "index.html")) for h in hrefs), hrefs
    assert not any(h.lower().lstrip().startswith(("javascript:", "data:")) for h in hrefs)
    body = page.locator("body").inner_text()
    assert "<script>alert(1)</script>" in body and "onerror=alert(2)" in body and JS_URL in body
    assert page.get_by_text("<script>alert(1)</script>", exact=False).first.is_visible()


def test_markup_rules_without_a_browser(hostile):
    _, files = hostile
    text = files.index_html.read_text()
    doc = lxml.html.document_fromstring(text)
    head = doc.find("head")
    assert head[1].get("http-equiv") == "Content-Security-Policy", "the policy comes before anything it governs"
    csp = head[1].get("content")
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp and "script-src 'sha256-" in csp
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = {k.lower() for k in el.attrib}
        assert not any(a.startswith("on") for a in attrs), (el.tag, attrs)
        assert "style" not in attrs, el.tag
    assert "http://" not in "".join(el.get("src", "") for el in doc.iter("img", "script"))
    assert XSS not in text


def test_site_down_renders(tmp_path):
    j = Journey("Shop", "shop.yaml", DESKTOP, (), failures=(
        StepFailure(0, "landing", "goto https://shop.example/", "navigation", "net::ERR_CONNECTION_REFUSED",
                    url="https://shop.example/"),))
    files = write_report(AuditRun("r1", "", (j,)), tmp_path)
    html = files.index_html.read_text()
    assert "Journeys that did not finish" in html and "ERR_CONNECTION_REFUSED" in html
    assert "Never got here" not in html and "Stuck" in html
    assert "No friction found" in html
