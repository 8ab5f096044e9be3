"""The in-page collector: element table, accessible names, boxes, masking, timing."""
from PIL import Image, ImageColor

from auditor.walk.capture import MASK_COLOR

FORM = """<!doctype html><html lang="en"><head><title>Checkout</title></head><body>
<h1>Checkout</h1>
<form id="co" action="/pay" method="post">
  <label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" required>
  <label>Full name <input name="name" autocomplete="name"></label>
  <input name="phone" placeholder="Phone">
  <input type="hidden" name="csrf" value="tok">
  <div style="display:none"><input id="line2" name="line2"></div>
  <input id="cc" name="cardnumber" autocomplete="cc-number" value="4111111111111111">
  <span aria-label="secure">🔒</span>
  <table><tr><td>Shipping</td><td><del>$9.00</del> $4.95</td></tr></table>
  <button type="submit">Continue</button>
</form></body></html>"""


def test_element_table_names_boxes_and_visibility(capture_html):
    cap = capture_html(FORM)
    by = {e.selector: e for e in cap.elements}
    email = by["#email"]
    assert (email.tag, email.type, email.role, email.name, email.name_source) == ("input", "email", "textbox", "Email address", "label")
    assert email.attrs["required"] == "required" and email.attrs["autocomplete"] == "email"
    assert email.visible and email.box and email.box.width > 0 and email.form == "#co"
    name = next(e for e in cap.elements if e.attrs.get("name") == "name")
    assert name.name == "Full name" and name.name_source == "label"
    phone = next(e for e in cap.elements if e.attrs.get("name") == "phone")
    assert phone.name_source == "placeholder"
    assert not by["#line2"].visible, "inputs inside display:none are in the table but not visible"
    assert not next(e for e in cap.elements if e.attrs.get("name") == "csrf").visible
    struck = [e for e in cap.elements if e.struck]
    assert any(e.text == "$9.00" for e in struck)
    assert cap.status == 200 and cap.title == "Checkout" and cap.lang == "en" and cap.secure_context
    assert cap.timing.ttfb_ms is not None and cap.timing.load_ms is not None and cap.timing.navigated


def test_selectors_are_unique(capture_html, page):
    cap = capture_html(FORM)
    page.set_content(FORM)
    for el in cap.elements:
        assert page.locator(el.selector).count() == 1, el.selector


def test_sensitive_values_never_reach_dom_or_table(capture_html):
    cap = capture_html(FORM, secrets=frozenset({"Email address"}))
    assert "4111111111111111" not in cap.dom
    assert "••••" in cap.dom
    assert all("4111" not in str(e.attrs) for e in cap.elements)
    # a secret value is masked wherever the page shows it
    assert "Email address" not in cap.dom and all(e.name != "Email address" for e in cap.elements)


_MASK_RGB = ImageColor.getrgb(MASK_COLOR)
_FIELD = ('<input {attrs} value="4111 1111 1111 1111" '
          'style="position:absolute;left:20px;top:100px;width:400px;height:60px;font-size:30px;border:0">')


def _center_colour(cap, run_dir):
    img = Image.open(run_dir / cap.screenshot).convert("RGB")
    return img.getpixel((220, 130))  # the middle of the field (device scale 1)


def _is_mask(rgb) -> bool:
    return sum(abs(a - b) for a, b in zip(rgb, _MASK_RGB)) < 40


def test_a_card_field_is_masked_in_the_screenshot(capture_html, tmp_path):
    cap = capture_html("<!doctype html><body>" + _FIELD.format(attrs='name="cardnumber"') + "</body>", run_dir=tmp_path)
    assert _is_mask(_center_colour(cap, tmp_path))


def test_a_card_field_inside_a_shadow_root_is_masked_too(capture_html, tmp_path):
    # Web components put fields in shadow roots; the mask must reach them (Playwright's CSS engine does).
    html = ("<!doctype html><body><div id=host></div><script>"
            "const r = document.getElementById('host').attachShadow({mode: 'open'});"
            f"r.innerHTML = {_FIELD.format(attrs='name=cardnumber')!r};</script></body>")
    cap = capture_html(html, run_dir=tmp_path)
    assert _is_mask(_center_colour(cap, tmp_path))


def test_a_page_with_nothing_sensitive_is_not_masked(capture_html, tmp_path):
    cap = capture_html("<!doctype html><body>" + _FIELD.format(attrs='name="city"') + "</body>", run_dir=tmp_path)
    assert not _is_mask(_center_colour(cap, tmp_path))


def test_a_secret_shown_back_in_another_spelling_is_masked_in_the_screenshot(capture_html, tmp_path):
    # The page regroups the card number; Playwright's text search for the raw value misses it, the
    # element table (masked in every spelling) does not.
    html = ("<!doctype html><body><p style='position:absolute;left:20px;top:100px;width:400px;height:60px;"
            "margin:0;font-size:30px;background:#fff'>4242 4242 4242 4242</p></body>")
    cap = capture_html(html, run_dir=tmp_path, secrets=frozenset({"4242424242424242"}))
    assert "4242" not in " ".join(e.text for e in cap.elements)
    assert _is_mask(_center_colour(cap, tmp_path))
