"""analysis.ledger on the layouts the platform corpus showed it misread (issue 11.2), each on a hand-built
element table, with the layout it must not confuse it with."""
from __future__ import annotations

from decimal import Decimal

import lxml.html

from auditor.analysis.ledger import build_ledger
from auditor.model import Element, Rect, StageCapture, Timing

NO_DOM = "<html><body></body></html>"


def el(n: int, selector: str, tag: str, box: tuple[float, float, float, float], text: str = "", *, parent: int = -1,
       type: str = "", label: str = "", attrs: dict[str, str] | None = None) -> Element:
    """An element row; ``label`` is its accessible name."""
    return Element(n, selector, tag, Rect(*box), True, type=type, name=label or text, text=text, attrs=attrs or {},
                   parent=parent)


def ledger(*elements: Element, dom: str = NO_DOM, lang: str = "en-US"):
    stage = StageCapture(stage="s", kind="checkout", index=0, step=0, label="s", device="desktop",
                         url="https://shop.example/s", status=200, title="s", timing=Timing(), elements=elements,
                         dom=dom, lang=lang)
    return build_ledger(stage, lxml.html.document_fromstring(dom))


def lines(led) -> set[tuple[str, Decimal | None, str]]:
    return {(ln.kind, ln.amount, ln.status) for ln in led.lines if ln.kind != "item"}


def test_a_drawer_with_a_zero_height_box_is_a_group_of_rows_not_a_row():
    """The headless cart drawer: its own text holds every row, and its box is 0 px tall."""
    drawer = el(0, "#cart", "div", (0, 900, 400, 0),
                "Taxes €217.79 Shipping Calculated at checkout Total €1,254.90")
    rows = [el(1, "#cart > p:nth-of-type(1)", "p", (10, 700, 60, 20), "Taxes", parent=0),
            el(2, "#cart > p:nth-of-type(2)", "p", (300, 700, 90, 20), "€217.79", parent=0),
            el(3, "#cart > p:nth-of-type(3)", "p", (10, 740, 60, 20), "Shipping", parent=0),
            el(4, "#cart > p:nth-of-type(4)", "p", (200, 740, 190, 20), "Calculated at checkout", parent=0),
            el(5, "#cart > p:nth-of-type(5)", "p", (10, 780, 60, 20), "Total", parent=0),
            el(6, "#cart > p:nth-of-type(6)", "p", (300, 780, 90, 20), "€1,254.90", parent=0)]
    assert lines(ledger(drawer, *rows)) == {("tax", Decimal("217.79"), "amount"), ("shipping", None, "pending"),
                                            ("total", Decimal("1254.90"), "amount")}
    # Without the parent links the drawer's text would be read as rows ("Shipping … €1,254.90").
    unlinked = [el(e.index, e.selector, e.tag, (e.box.x, e.box.y, e.box.width, e.box.height), e.text) for e in rows]
    assert ("shipping", Decimal("1254.90"), "amount") in lines(ledger(drawer, *unlinked))


def test_a_table_row_names_its_amount_by_its_header_cell_when_the_method_sits_beside_it():
    """Magento's summary: <th>Shipping<br>Best Way - Table Rate</th><td>$4.90</td>."""
    row = "#totals > tbody:nth-of-type(1) > tr:nth-of-type(2)"
    els = [el(0, f"{row} > th:nth-of-type(1) > span:nth-of-type(1)", "span", (960, 417, 70, 16), "Shipping"),
           el(1, f"{row} > th:nth-of-type(1) > span:nth-of-type(2)", "span", (960, 435, 140, 55),
              "Best Way - Table Rate"),
           el(2, f"{row} > td:nth-of-type(1) > span:nth-of-type(1)", "span", (1225, 445, 40, 16), "$4.90")]
    assert lines(ledger(*els)) == {("shipping", Decimal("4.90"), "amount")}
    other_row = els[:2] + [el(2, "#totals > tbody:nth-of-type(1) > tr:nth-of-type(3) > td", "td",
                              (1225, 445, 40, 16), "$4.90")]
    assert lines(ledger(*other_row)) == set()  # a cell of another row is not named by this row's header


MAGENTO_RATES = """<html><body><form id="co-shipping-method-form"><div id="checkout-shipping-method-load">
<table class="table-checkout-shipping-method"><tbody>
<tr class="row"><td><input type="radio" id="s_method_bestway" name="ko_unique_1" checked></td>
  <td><span class="price">$4.90</span></td><td>Table Rate</td><td>Best Way</td></tr>
<tr class="row"><td><input type="radio" id="s_method_flat" name="ko_unique_1"></td>
  <td><span class="price">$9.90</span></td><td>Fixed</td><td>Flat Rate</td></tr>
</tbody></table></div></form>
<fieldset><legend>Payment Method</legend><input type="radio" id="checkmo" name="payment[method]"></fieldset>
</body></html>"""


def rate_rows(*, prices: tuple[str, str] = ("$4.90", "$9.90")) -> list[Element]:
    out = []
    for i, (ident, price, method) in enumerate((("s_method_bestway", prices[0], "Best Way Table Rate"),
                                                 ("s_method_flat", prices[1], "Fixed Flat Rate"))):
        y = 1635 + 44 * i
        out.append(el(3 * i, f"#{ident}", "input", (67, y, 13, 13), type="radio", label=method,
                      attrs={"id": ident, "name": "ko_unique_1"} | ({"checked": "checked"} if i == 0 else {})))
        out.append(el(3 * i + 1, f"#rates > tr:nth-of-type({i + 1}) > td:nth-of-type(2) > span", "span",
                      (170, y - 1, 40, 16), price))
        out.append(el(3 * i + 2, f"#rates > tr:nth-of-type({i + 1}) > td:nth-of-type(3)", "td", (260, y - 1, 200, 16),
                      method))
    return out


def test_a_rate_table_prices_its_radios_from_the_cell_beside_them_and_its_context_names_shipping():
    led = ledger(*rate_rows(), dom=MAGENTO_RATES)
    assert [(o.kind, o.amount, o.checked) for o in led.options] == [("shipping", Decimal("4.90"), True),
                                                                    ("shipping", Decimal("9.90"), False)]
    assert led.cheapest("shipping").amount == Decimal("4.90")
    assert lines(led) == set()  # the price cells are the options', not summary rows
    # A radio whose row shows no price: the group may hold a free choice, so it has no cheapest paid option.
    unpriced = [e for e in rate_rows() if e.text != "$9.90"]
    assert ledger(*unpriced, dom=MAGENTO_RATES).cheapest("shipping") is None
    # Without the page around it ("table-checkout-shipping-method") the same rate is no known cost.
    assert {o.kind for o in ledger(*rate_rows(), dom=NO_DOM).options} == {"item"}


def test_a_fieldset_legend_names_a_radio_group_for_shipping():
    dom = """<html><body><fieldset id="rates"><legend>Versandoptionen</legend>
      <label for="r1"><input type="radio" id="r1" name="radio-control-0">DHL Paket 4,90 €</label>
      <label for="r2"><input type="radio" id="r2" name="radio-control-0">DHL Express 14,90 €</label></fieldset>
      <fieldset><legend>Zahlungsart</legend><input type="radio" id="p1" name="radio-control-1"></fieldset>
      </body></html>"""
    els = []
    for i, (ident, text) in enumerate((("r1", "DHL Paket 4,90 €"), ("r2", "DHL Express 14,90 €"))):
        y = 100 + 50 * i
        els += [el(2 * i, f"#{ident}", "input", (10, y, 13, 13), type="radio", label=text,
                   attrs={"id": ident, "name": "radio-control-0"}),
                el(2 * i + 1, f"#rates > label:nth-of-type({i + 1})", "label", (0, y - 5, 400, 30), text,
                   attrs={"for": ident})]
    led = ledger(*els, dom=dom, lang="de-DE")
    assert [(o.kind, o.amount) for o in led.options] == [("shipping", Decimal("4.90")), ("shipping", Decimal("14.90"))]


def test_a_method_list_with_a_select_button_each_is_a_choice():
    """django-oscar's shipping methods, stacked on mobile: heading, price, then a "Select option" form."""
    els = []
    for i, (name, price) in enumerate((("Standard delivery", "£4.95"), ("Express delivery", "£9.95"))):
        block = f"#methods > div:nth-of-type({i + 1}) > div:nth-of-type(1)"
        y = 469 + 142 * i
        els += [el(3 * i, f"{block} > div:nth-of-type(1) > h4:nth-of-type(1)", "h4", (55, y, 300, 22), name),
                el(3 * i + 1, f"{block} > div:nth-of-type(2)", "div", (40, y + 29, 330, 24), price),
                el(3 * i + 2, f"{block} > div:nth-of-type(3) > form:nth-of-type(1) > button:nth-of-type(1)", "button",
                   (190, y + 53, 165, 48), "Select option", type="submit")]
    led = ledger(*els)
    assert [(o.kind, o.amount) for o in led.options] == [("shipping", Decimal("4.95")), ("shipping", Decimal("9.95"))]
    assert led.cheapest("shipping").amount == Decimal("4.95") and lines(led) == set()
    # A cart's per-line buttons beside product prices are no choice of a cost.
    cart = [el(e.index, e.selector, e.tag, (e.box.x, e.box.y, e.box.width, e.box.height),
               {"Standard delivery": "Enamel camp mug", "Express delivery": "Steel flask"}.get(e.text, e.text),
               type=e.type) for e in els]
    assert ledger(*cart).options == []


def test_vat_the_total_already_contains_is_included_not_added():
    row = [el(0, "#t > tr:nth-of-type(1) > th", "th", (0, 100, 200, 20), "Enthält MwSt."),
           el(1, "#t > tr:nth-of-type(1) > td", "td", (300, 100, 80, 20), "199,58 €")]
    assert {(ln.kind, ln.included) for ln in ledger(*row, lang="de-DE").lines} == {("tax", True)}
    added = [row[0].__class__(0, row[0].selector, "th", row[0].box, True, text="zzgl. MwSt."), row[1]]
    assert [(ln.kind, ln.included) for ln in ledger(*added, lang="de-DE").lines if ln.amount] == [("tax", False)]
