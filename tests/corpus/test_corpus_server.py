"""Fast tests (no browser) of the corpus harness: the server's routes, placeholders, delays and fallback,
the truth comparison both ways, and the shape of every family on disk."""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from auditor.scenario.load import load_scenario
from corpus.server import CorpusServer, RoutesError, load_site
from corpus.truth import (CHECKS, Gap, TruthError, compare, load_gaps, load_truth, reported_verdicts, triage)

HERE = Path(__file__).parent
FAMILIES = sorted(p.parent for p in HERE.glob("*/truth.yaml"))
MAX_FAMILY_BYTES = 300 * 1024


def _family(tmp: Path, routes: str, files: dict[str, bytes | str], variants: dict[str, dict] | None = None) -> Path:
    fam = tmp / "fam"
    (fam / "pages").mkdir(parents=True)
    (fam / "routes.yaml").write_text(routes)
    for name, data in files.items():
        path = fam / "pages" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    for vname, vfiles in (variants or {}).items():
        for name, data in vfiles.items():
            path = fam / "variants" / vname / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(data)
    return fam


def _get(url: str, data: bytes | None = None):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


ROUTES = """
routes:
  - {path: /, file: index.html}
  - {path: /img.png, file: img.png}
  - {path: /api/cart.json, file: cart.json, content_type: application/json}
  - {method: POST, path: /cart/add, redirect: /cart}
  - {method: POST, path: /pay, redirect: /done, status: 302}
  - {path: /cart, file: cart.html}
  - {path: /slow, file: index.html, delay_ms: 400}
  - {path: /gone, status: 404, file: index.html}
  - {path: /spa-shell, file: index.html, headers: {X-Frame-Options: DENY}}
"""
FILES = {"index.html": "<a href='{{ORIGIN}}/cart'>cart</a><iframe src='{{ALT_ORIGIN}}/card'></iframe>",
         "cart.html": "<h1>Cart</h1>", "img.png": b"\x89PNG{{ORIGIN}}\x00", "cart.json": '{"base": "{{ORIGIN}}"}'}


@pytest.fixture
def shop(tmp_path):
    with CorpusServer(_family(tmp_path, ROUTES, FILES)) as s:
        yield s


def test_serves_files_with_placeholders_filled_and_types_from_the_extension(shop):
    status, headers, body = _get(shop.url + "/?utm=1")  # query strings are ignored for matching
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.decode() == f"<a href='{shop.url}/cart'>cart</a><iframe src='{shop.alt_url}/card'></iframe>"
    assert shop.alt_url.startswith("http://localhost:") and shop.alt_url.endswith(f":{shop.port}")
    status, headers, body = _get(shop.url + "/img.png")
    assert headers["Content-Type"] == "image/png" and body == b"\x89PNG{{ORIGIN}}\x00"  # binary: untouched
    status, headers, body = _get(shop.url + "/api/cart.json")
    assert headers["Content-Type"].startswith("application/json") and shop.url.encode() in body


def test_the_alternate_origin_is_the_same_server(shop):
    assert _get(shop.alt_url + "/cart")[2] == b"<h1>Cart</h1>"


def test_post_redirects_with_the_status_asked_and_records_the_form(shop):
    status, headers, _ = _get(shop.url + "/cart/add", data=b"id=42&quantity=1")
    assert status == 303 and headers["Location"] == "/cart"
    assert _get(shop.url + "/pay", data=b"x=1")[0] == 302
    assert ("POST", "/cart/add", {"id": "42", "quantity": "1"}) in shop.requests


def test_wrong_method_unknown_path_status_and_headers(shop):
    assert _get(shop.url + "/cart", data=b"a=1")[0] == 405  # GET-only route
    assert _get(shop.url + "/cart/add")[0] == 405  # POST-only route
    assert _get(shop.url + "/nowhere")[0] == 404
    status, _, body = _get(shop.url + "/gone")
    assert status == 404 and b"cart" in body
    assert _get(shop.url + "/spa-shell")[1]["X-Frame-Options"] == "DENY"


def test_post_routes_on_one_url_are_told_apart_by_form_fields(tmp_path):
    # PrestaShop's checkout posts every step to /commande; the step's submit field says which one it was.
    routes = """
routes:
  - {method: POST, path: /commande, file: step2.html, form: {submitCreate: "1"}}
  - {method: POST, path: /commande, file: step3.html, form: {confirm-addresses: null}}
  - {method: POST, path: /commande, file: step1.html}
  - {method: POST, path: /only-if, redirect: /x, form: {go: "yes"}}
  - {path: /only-if, file: step1.html}
"""
    files = {"step1.html": "one", "step2.html": "two", "step3.html": "three"}
    with CorpusServer(_family(tmp_path, routes, files)) as shop:
        assert _get(shop.url + "/commande", data=b"submitCreate=1&email=a%40b.c")[2] == b"two"
        assert _get(shop.url + "/commande", data=b"confirm-addresses=")[2] == b"three"  # present, any value
        assert _get(shop.url + "/commande", data=b"submitCreate=0")[2] == b"one"  # condition not met: the plain route
        assert _get(shop.url + "/commande", data=b"x=1")[2] == b"one"
        assert _get(shop.url + "/only-if", data=b"go=yes")[0] == 303
        assert _get(shop.url + "/only-if", data=b"go=no")[0] == 405  # no POST route takes it; GET is there


def test_a_form_condition_needs_a_post_route(tmp_path):
    fam = _family(tmp_path, "routes:\n  - {path: /a, file: index.html, form: {x: '1'}}\n", {"index.html": "a"})
    with pytest.raises(RoutesError, match=r"routes\[0\]: form must be .* on a POST route"):
        load_site(fam)


def test_delay_holds_the_response(shop):
    t = time.monotonic()
    _get(shop.url + "/cart")
    fast = time.monotonic() - t
    t = time.monotonic()
    _get(shop.url + "/slow")
    assert time.monotonic() - t >= 0.35 > fast  # 400 ms asked; wide margin on a loaded machine


def test_fallback_serves_unknown_get_paths_only(tmp_path):
    fam = _family(tmp_path, ROUTES + "fallback: cart.html\n", FILES)
    with CorpusServer(fam) as s:
        assert _get(s.url + "/products/some-client-route")[2] == b"<h1>Cart</h1>"
        assert _get(s.url + "/products/x", data=b"a=1")[0] == 404


def test_variant_overrides_files_and_routes(tmp_path):
    fam = _family(tmp_path, ROUTES, FILES, {"friction": {
        "cart.html": "<h1>Cart (friction)</h1>",
        "routes.yaml": "routes:\n  - {method: POST, path: /cart/add, redirect: /login}\n"
                       "  - {path: /login, file: login.html}\n",
        "login.html": "<form><input type=password></form>"}})
    with CorpusServer(fam, "friction") as s:
        assert _get(s.url + "/cart")[2] == b"<h1>Cart (friction)</h1>"
        assert _get(s.url + "/cart/add", data=b"")[1]["Location"] == "/login"
        assert b"password" in _get(s.url + "/login")[2]
        assert _get(s.url + "/img.png")[0] == 200  # the family's own routes still answer
    with CorpusServer(fam) as s:  # no variant: the pages as they are
        assert _get(s.url + "/cart")[2] == b"<h1>Cart</h1>" and _get(s.url + "/login")[0] == 404


@pytest.mark.parametrize("routes,message", [
    ("routes:\n  - {path: /, file: missing.html}\n", "no file 'missing.html'"),
    ("routes:\n  - {path: /, file: ../routes.yaml}\n", "no file '../routes.yaml'"),  # never outside the folder
    ("routes:\n  - {path: nope, file: index.html}\n", "path starting with '/'"),
    ("routes:\n  - {path: /, file: index.html, delay: 5}\n", "unknown key(s) delay"),
    ("routes:\n  - {path: /, redirect: /x, status: 200}\n", "needs a 3xx status"),
    ("routes:\n  - {method: PUT, path: /, file: index.html}\n", "GET or POST"),
    ("routes: [\n", "invalid YAML"),
])
def test_bad_routes_are_one_line_errors_naming_file_and_route(tmp_path, routes, message):
    fam = _family(tmp_path, routes, {"index.html": "x"})
    with pytest.raises(RoutesError) as exc:
        load_site(fam)
    assert message in str(exc.value) and "\n" not in str(exc.value)
    assert "routes.yaml" in str(exc.value) or "fam/" in str(exc.value)


def test_unknown_variant_names_the_known_ones(tmp_path):
    fam = _family(tmp_path, ROUTES, FILES, {"clean": {"cart.html": "x"}})
    with pytest.raises(RoutesError, match="no variant 'frixion' .*clean"):
        load_site(fam, "frixion")


# --- truth comparison -----------------------------------------------------------------------------------

TRUTH = """
platform: Test platform
language: en
currency: "USD, $1,254.90"
last_stage: payment
variants:
  friction:
    about: late shipping
    verdict: {slow-load: silent, long-form: silent, forced-account: silent, missing-trust-signals: silent,
              surprise-fees: major}
    findings:
      - {check: surprise-fees, stage: shipping, severity: major, text: "4.90"}
  clean:
    about: none
    verdict: {slow-load: silent, long-form: {desktop: silent, mobile: major}, forced-account: silent,
              missing-trust-signals: silent, surprise-fees: silent}
"""


def _truth(tmp_path, text=TRUTH):
    path = tmp_path / "truth.yaml"
    path.write_text(text)
    return load_truth(path)


def _report(findings=(), stages=("landing", "cart", "shipping", "payment"), failures=(), results=()):
    journeys = []
    for device in ("desktop", "mobile"):
        journeys.append({"id": f"shop--{device}", "device": {"name": device}, "failures": list(failures),
                         "stages": [{"stage": s, "kind": "checkout" if s == "shipping" else s} for s in stages]})
    out = []
    for device, check, severity, stage, title in findings:
        out.append({"journey": f"shop--{device}", "check": check, "severity": severity, "stage": stage,
                    "title": title, "detail": "", "measured": None, "evidence": [{"text": title}]})
    return {"journeys": journeys, "findings": out,
            "results": [{"journey": f"shop--{d}", "check": c, "outcome": o, "reason": "boom"}
                        for d, c, o in results]}


def _late(device, severity="major", text="Shipping $4.90 appears only at the checkout step"):
    return (device, "surprise-fees", severity, "shipping", text)


def test_a_report_that_agrees_gives_no_mismatch(tmp_path):
    truth = _truth(tmp_path)
    assert compare(truth, "friction", _report([_late("desktop"), _late("mobile")])) == []
    clean = _report([("mobile", "long-form", "major", "checkout", "Checkout asks for 15 form fields")])
    assert compare(truth, "clean", clean) == []


def test_friction_missed_or_underrated_is_a_mismatch(tmp_path):
    truth = _truth(tmp_path)
    got = compare(truth, "friction", _report([_late("desktop", "minor"), _late("mobile")]))
    assert [(m.device, m.check, m.expected, m.reported) for m in got] == [
        ("desktop", "surprise-fees", "major", "silent"),
        ("desktop", "surprise-fees", "a major+ finding at shipping mentioning '4.90'", "none")]
    text = str(got[0])
    assert "friction · desktop · surprise-fees: truth major, reported silent" in text


def test_a_finding_where_the_truth_is_silent_is_a_mismatch_and_severity_must_match(tmp_path):
    truth = _truth(tmp_path)
    report = _report([_late("desktop"), _late("mobile", "critical"),
                      ("desktop", "missing-trust-signals", "major", "product", "No ratings")])
    got = {(m.device, m.check): m for m in compare(truth, "friction", report)}
    assert got[("desktop", "missing-trust-signals")].reported == "major"
    assert "major at product: No ratings" in got[("desktop", "missing-trust-signals")].detail
    assert got[("mobile", "surprise-fees")].reported == "critical"  # critical is not major
    assert ("mobile", "surprise-fees") in got and len(got) == 2  # the expected finding is there (critical ≥ major)


def test_minor_and_info_findings_are_silent(tmp_path):
    report = _report([("desktop", "long-form", "minor", "checkout", "x"), ("desktop", "slow-load", "info", "cart", "y")])
    assert reported_verdicts(report, "desktop")[0] == {c: "silent" for c in CHECKS}


def test_an_errored_or_skipped_check_is_never_silent(tmp_path):
    report = _report([_late("desktop"), _late("mobile")], results=[("desktop", "long-form", "error")])
    got = compare(_truth(tmp_path), "friction", report)
    assert [(m.device, m.check, m.reported) for m in got] == [("desktop", "long-form", "error (boom)")]


def test_a_walk_that_stops_early_is_one_walk_mismatch_per_device(tmp_path):
    fail = {"stage": "product", "kind": "error", "action": "click #buy", "message": "TypeError: c.id.replace"}
    got = compare(_truth(tmp_path), "friction", _report(stages=("landing", "product"), failures=[fail]))
    assert [(m.device, m.check) for m in got] == [("desktop", "walk"), ("mobile", "walk")]
    assert "stopped before payment; stages reached: landing, product" in got[0].detail
    assert "c.id.replace" in got[0].detail


def test_triage_known_unknown_fixed_and_pending(tmp_path):
    truth = _truth(tmp_path)
    mism = compare(truth, "friction", _report([_late("desktop", "minor"), _late("mobile", "minor")]))
    gap = Gap("fam", "friction", "surprise-fees", "late shipping rated minor")
    known, unknown, fixed = triage(mism, [gap])
    assert len(known) == 4 and unknown == [] and fixed == []
    known, unknown, fixed = triage(compare(truth, "friction", _report([_late("desktop"), _late("mobile")])), [gap])
    assert known == [] and unknown == [] and fixed == [gap]  # fixed: the entry must go
    only_mobile = Gap("fam", "friction", "surprise-fees", "x", device="mobile")
    known, unknown, fixed = triage(mism, [only_mobile])
    assert {m.device for m, _ in known} == {"mobile"} and {m.device for m in unknown} == {"desktop"}
    walk = compare(truth, "friction", _report(stages=("landing",)))
    walk_gap = Gap("fam", "friction", "walk", "crash")
    known, unknown, fixed = triage(walk, [walk_gap, gap])
    assert len(known) == 2 and unknown == [] and fixed == []  # the check's gap is pending behind the walk
    slow = Gap("fam", "friction", "slow-load", "step time counts the typing", intermittent=True)
    assert triage([], [slow]) == ([], [], [])  # not seen this time: not "fixed" either
    once = [m for m in compare(truth, "friction", _report([_late("desktop"), _late("mobile"),
                                                          ("mobile", "slow-load", "major", "payment", "8 s")]))]
    known, unknown, fixed = triage(once, [slow])
    assert [m.device for m, _ in known] == ["mobile"] and unknown == [] and fixed == []


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace("surprise-fees: major}", "surprise-fees: minor}"), "friction.verdict.surprise-fees"),
    (lambda t: t.replace("slow-load: silent, long-form: silent,", "long-form: silent,", 1), "missing slow-load"),
    (lambda t: t.replace("last_stage: payment\n", ""), "'last_stage' is required"),
    (lambda t: t[:t.index("  clean:")], "at least two"),
    (lambda t: t.replace("check: surprise-fees, stage", "check: fees, stage"), "findings[0]"),
])
def test_bad_truth_files_are_named_errors(tmp_path, edit, message):
    with pytest.raises(TruthError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _truth(tmp_path, edit(TRUTH))


def test_bad_gap_entries_are_named_errors(tmp_path):
    path = tmp_path / "gaps.yaml"
    path.write_text("gaps:\n  - {family: a, variant: b, check: speed, reason: r}\n")
    with pytest.raises(TruthError, match=r"gaps\[0\]: check must be one of"):
        load_gaps(path)
    path.write_text("gaps:\n  - {family: a, variant: b, check: long-form, reason: r, intermittent: true}\n")
    with pytest.raises(TruthError, match="only slow-load gaps may be intermittent"):
        load_gaps(path)
    path.write_text("gaps:\n  - {family: a, variant: b, check: walk}\n")
    with pytest.raises(TruthError, match="needs family, variant, check and reason"):
        load_gaps(path)


# --- the families on disk --------------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_family_is_complete_and_small(family: Path):
    truth = load_truth(family / "truth.yaml")
    for variant in truth.variants:
        site = load_site(family, variant)  # every route's file exists
        assert site.routes
    on_disk = {p.name for p in (family / "variants").glob("*") if p.is_dir()}
    assert on_disk <= set(truth.variants), f"variants/ without a truth entry: {on_disk - set(truth.variants)}"
    scenario = load_scenario(family / "scenario.yaml", base_url="http://127.0.0.1:9", env={})
    assert not scenario.allow_submit
    assert [d.name for d in scenario.devices] == ["desktop", "mobile"]
    sources = (family / "SOURCES.md").read_text(encoding="utf-8")
    assert re.search(r"\b[0-9a-f]{7,40}\b", sources), "SOURCES.md names no upstream commit"
    assert not re.search(r"(^|[\s`(])/(work|tmp|home|root)/", sources), "SOURCES.md paths must be repo-relative"
    size = sum(p.stat().st_size for p in family.rglob("*") if p.is_file())
    assert size < MAX_FAMILY_BYTES, f"{family.name} is {size} bytes"


def test_known_gaps_name_real_families_and_variants():
    gaps = load_gaps(HERE / "known_gaps.yaml")
    names = {f.name: set(load_truth(f / "truth.yaml").variants) for f in FAMILIES}
    for gap in gaps:
        assert gap.variant in names.get(gap.family, set()), f"known_gaps.yaml: no {gap.family}/{gap.variant}"
