// In-page collector: everything a stage capture needs except the screenshot, in ONE evaluate.
// Returns plain JSON: timing, the element table (with page-space boxes), page geometry and the
// serialized DOM. Compact keys keep the transfer small; capture.py maps them to model.Element.
async (opts) => {
  // Paint entries (FCP, LCP) are delivered a frame or more after the load event. Wait for them,
  // bounded: a page that never paints content must not hang the capture.
  const st0 = window.__auditor || {};
  const hasFcp = () => performance.getEntriesByType("paint").some((p) => p.name === "first-contentful-paint");
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  // Two frames let entries of the latest paint arrive; when FCP and an LCP candidate are already
  // in (the usual case by the time a step has waited for load), one frame does.
  await frame();
  if (!hasFcp() || st0.lcp == null) await frame();
  while ((!hasFcp() || st0.lcp == null) && performance.now() - t0 < (opts.paintWaitMs || 1500)) {
    await Promise.race([frame(), new Promise((r) => setTimeout(r, 50))]);
  }
  const maxElements = opts.maxElements || 6000;
  const maxDom = opts.maxDom || 3000000;
  const sx = window.scrollX, sy = window.scrollY;
  const doc = document;
  const st = window.__auditor || {};

  const CONTROL = new Set(["input", "select", "textarea", "button"]);
  const ALWAYS = new Set(["a", "img", "svg", "label", "h1", "h2", "h3", "h4", "h5", "h6", "iframe",
    "form", "dialog", "summary", "details", "video", "picture", "option", "fieldset", "legend"]);
  const SKIP = new Set(["script", "style", "noscript", "template", "head", "meta", "link", "title", "br", "wbr"]);
  const ATTRS = ["id", "name", "class", "href", "src", "alt", "title", "autocomplete", "inputmode",
    "placeholder", "required", "aria-required", "aria-label", "aria-labelledby", "aria-describedby",
    "aria-expanded", "aria-hidden", "disabled", "readonly", "pattern", "maxlength", "for", "rel",
    "target", "role", "itemprop", "content", "method", "action", "data-testid", "lang", "datetime",
    "srcset", "loading", "tabindex", "list", "min", "max", "step", "multiple", "size", "hidden", "open",
    "itemtype", "itemscope", "aria-checked", "aria-invalid", "autocapitalize", "autocorrect", "spellcheck"];
  const SENSITIVE_RE = new RegExp(opts.sensitive, "i");  // actions.SENSITIVE_NAME_RE, the one list of words
  const IMPLICIT_ROLE = {
    a: "link", button: "button", select: "combobox", textarea: "textbox", img: "img", h1: "heading",
    h2: "heading", h3: "heading", h4: "heading", h5: "heading", h6: "heading", nav: "navigation",
    main: "main", header: "banner", footer: "contentinfo", form: "form", dialog: "dialog",
    table: "table", ul: "list", ol: "list", li: "listitem", option: "option", summary: "button",
  };
  const INPUT_ROLE = { checkbox: "checkbox", radio: "radio", button: "button", submit: "button",
    reset: "button", image: "button", range: "slider", number: "spinbutton", search: "searchbox" };

  const clean = (s, n) => {
    if (!s) return "";
    s = String(s).replace(/\s+/g, " ").trim();
    return s.length > (n || 300) ? s.slice(0, n || 300) : s;
  };
  const isSensitive = (el) => {
    if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA") return false;
    const t = (el.getAttribute("type") || "").toLowerCase();
    if (t === "password") return true;
    const hay = [el.getAttribute("autocomplete"), el.name, el.id, el.getAttribute("data-testid")].join(" ");
    return SENSITIVE_RE.test(hay);
  };
  const roleOf = (el, tag) => {
    const r = el.getAttribute("role");
    if (r) return r.trim().split(/\s+/)[0].toLowerCase();
    if (tag === "a") return el.hasAttribute("href") ? "link" : "";
    if (tag === "input") return INPUT_ROLE[(el.type || "text").toLowerCase()] || "textbox";
    if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    return IMPLICIT_ROLE[tag] || "";
  };
  const textOf = (el) => clean(el.innerText || el.textContent || "");
  const byIds = (ids) => ids.split(/\s+/).map((id) => doc.getElementById(id))
    .filter(Boolean).map((e) => textOf(e)).join(" ");
  const labelText = (el) => {
    // <label for> and wrapping <label>; the control's own text (e.g. a select's options) is not a label
    const parts = [];
    if (el.labels) for (const l of el.labels) {
      let t = "";
      for (const n of l.childNodes) {
        if (n.nodeType === 3) t += n.textContent;
        else if (n.nodeType === 1 && !CONTROL.has(n.tagName.toLowerCase()) && n.tagName !== "DATALIST") t += " " + (n.innerText || n.textContent || "");
      }
      parts.push(t);
    }
    return clean(parts.join(" "));
  };
  const accName = (el, tag) => {
    let v = el.getAttribute("aria-labelledby");
    if (v) { const t = clean(byIds(v)); if (t) return [t, "aria-labelledby"]; }
    v = el.getAttribute("aria-label");
    if (v && v.trim()) return [clean(v), "aria-label"];
    if (CONTROL.has(tag) && tag !== "button" && !(tag === "input" && ["submit", "button", "reset", "image"].includes((el.type || "").toLowerCase()))) {
      const l = labelText(el);
      if (l) return [l, "label"];
      v = el.getAttribute("title");
      if (v && v.trim()) return [clean(v), "title"];
      v = el.getAttribute("placeholder");
      if (v && v.trim()) return [clean(v), "placeholder"];
      return ["", ""];
    }
    if (tag === "img" || (tag === "input" && el.type === "image")) {
      v = el.getAttribute("alt");
      if (v && v.trim()) return [clean(v), "alt"];
    }
    if (tag === "svg") {
      const t = el.querySelector("title");
      if (t && t.textContent.trim()) return [clean(t.textContent), "title"];
    }
    if (tag === "input") {
      v = el.value || el.getAttribute("value");
      if (v) return [clean(v), "text"];
    }
    const t = textOf(el);
    if (t && (tag === "button" || tag === "a" || tag === "summary" || el.getAttribute("role"))) return [t, "text"];
    v = el.getAttribute("title");
    if (v && v.trim()) return [clean(v), "title"];
    return [t ? t : "", t ? "text" : ""];
  };
  const ownText = (el) => {
    for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) return true;
    return false;
  };
  const cssId = (id) => (window.CSS && CSS.escape ? CSS.escape(id) : id);

  // Unique selectors built during one walk: the nearest ancestor with a unique id anchors the path.
  const idCount = new Map();
  for (const e of doc.querySelectorAll("[id]")) idCount.set(e.id, (idCount.get(e.id) || 0) + 1);

  const out = [];
  let truncated = false;
  let visitedCount = 0;
  const formSel = new Map();
  const selOf = new Map();

  const walk = (el, parentSel, parentIdx) => {
    const counts = new Map();
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      const tag = c.tagName.toLowerCase();
      const n = (counts.get(tag) || 0) + 1;
      counts.set(tag, n);
      if (SKIP.has(tag)) continue;
      visitedCount++;
      let sel;
      if (c.id && idCount.get(c.id) === 1 && /^[A-Za-z_][\w-]*$/.test(c.id)) sel = "#" + cssId(c.id);
      else if (c.id && idCount.get(c.id) === 1) sel = `[id="${c.id.replace(/(["\\])/g, "\\$1")}"]`;
      else sel = `${parentSel} > ${tag.includes(":") ? "*" : tag}:nth-of-type(${n})`;
      const idx = truncated ? -1 : consider(c, tag, sel, parentIdx);
      if (tag === "svg") continue; // an icon is one element; its shapes are not
      walk(c, sel, idx >= 0 ? idx : parentIdx);
    }
  };

  // Returns the element's index in the table, or -1 when it is not kept.
  const consider = (el, tag, sel, parentIdx) => {
    const isControl = CONTROL.has(tag);
    const interesting = isControl || ALWAYS.has(tag) || el.hasAttribute("role") ||
      el.hasAttribute("aria-label") || ownText(el);
    if (!interesting) return -1;
    const r = el.getBoundingClientRect();
    const hasBox = r.width > 0 || r.height > 0;
    // visible = painted for a sighted shopper; aria-hidden/inert is recorded apart (a decorative
    // lock icon is aria-hidden and still a trust cue).
    let visible = hasBox && (!el.checkVisibility || el.checkVisibility({ opacityProperty: true, visibilityProperty: true }));
    const ariaHidden = !!el.closest("[aria-hidden=true],[inert]");
    if (el.closest("[inert]")) visible = false;
    if (!visible && !isControl && tag !== "form" && tag !== "a" && tag !== "label") return -1; // invisible text is noise
    if (out.length >= maxElements) { truncated = true; return -1; }
    const cs = getComputedStyle(el);
    if (visible && tag === "input" && el.type === "hidden") visible = false;
    const attrs = {};
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (v !== null) attrs[a] = a === "href" || a === "src" || a === "srcset" ? v.slice(0, 500) : clean(v, 200);
    }
    let nData = 0; // platform hooks live in data-* (Shopify's data-checkout-*-target); a few, bounded
    for (const at of el.attributes) {
      if (nData >= 12) break;
      if (at.name.startsWith("data-") && !(at.name in attrs)) { attrs[at.name] = clean(at.value, 100); nData++; }
    }
    if (tag === "input" || tag === "select" || tag === "textarea") {
      if (el.required) attrs.required = "required";
      const t = (el.type || "").toLowerCase();
      if (t === "checkbox" || t === "radio") {
        if (el.checked) attrs.checked = "checked"; else delete attrs.checked;
        const v = el.getAttribute("value"); if (v !== null) attrs.value = clean(v, 100);
      } else if (tag === "select") {
        const o = el.options && el.selectedIndex >= 0 ? el.options[el.selectedIndex] : null;
        if (o) attrs.selected = clean(o.text, 100);
        attrs.options = String(el.options ? el.options.length : 0);
      } else if (!isSensitive(el)) {
        if (el.value) attrs.filled = "1"; // never the typed value itself
      }
    } else if (tag === "button" || tag === "option") {
      const v = el.getAttribute("value"); if (v !== null) attrs.value = clean(v, 100);
      if (tag === "option" && el.selected) attrs.selected = "selected";
    }
    const described = el.getAttribute("aria-describedby");
    if (described) { // hint text ("for delivery questions") even when it is a hidden tooltip
      const d = clean(described.split(/\s+/).map((id) => doc.getElementById(id)).filter(Boolean)
        .map((e) => e.textContent).join(" "), 200);
      if (d) attrs.described = d;
    }
    const [name, nameSource] = accName(el, tag);
    const text = isControl && tag !== "button" ? "" : textOf(el);
    const form = el.form || el.closest("form");
    let fsel = "";
    if (form) fsel = formSel.get(form) || "";
    if (tag === "form") formSel.set(el, sel);
    const deco = cs.textDecorationLine || "";
    selOf.set(el, sel);
    out.push({
      s: sel, t: tag, ty: tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : (tag === "button" ? (el.getAttribute("type") || "submit").toLowerCase() : ""),
      r: roleOf(el, tag), n: name, ns: nameSource, x: text, a: attrs,
      b: hasBox ? [r.left + sx, r.top + sy, r.width, r.height] : null,
      v: !!visible, e: !(el.disabled || el.readOnly || el.getAttribute("aria-disabled") === "true"),
      f: fsel, fs: parseFloat(cs.fontSize) || 0,
      k: deco.includes("line-through") || !!el.closest("del,s,strike"),
      p: parentIdx, h: ariaHidden,
    });
    return out.length - 1;
  };

  if (opts.elements !== false) walk(doc.documentElement, "html", -1);

  // Timing: navigation + paint + the buffered LCP/CLS from init.js.
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint");
  let transfer = nav ? nav.transferSize || 0 : 0;
  for (const r of performance.getEntriesByType("resource")) transfer += r.transferSize || 0;
  let lcpSel = null, lcpBox = null;
  if (st.lcpEl && st.lcpEl.isConnected) {
    const r = st.lcpEl.getBoundingClientRect();
    lcpBox = [r.left + sx, r.top + sy, r.width, r.height];
    // Selector for the LCP element: reuse the table's if it is there, else build an id/path one.
    lcpSel = selOf.get(st.lcpEl) || null;
    if (!lcpSel) {
      const parts = [];
      let e = st.lcpEl;
      while (e && e.nodeType === 1 && e !== doc.documentElement) {
        if (e.id && idCount.get(e.id) === 1 && /^[A-Za-z_][\w-]*$/.test(e.id)) { parts.unshift("#" + cssId(e.id)); break; }
        const tag = e.tagName.toLowerCase();
        let n = 1;
        for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) n++;
        parts.unshift(`${tag}:nth-of-type(${n})`);
        e = e.parentElement;
      }
      if (!parts.length || !parts[0].startsWith("#")) parts.unshift("html");
      lcpSel = parts.join(" > ");
    }
  }
  const timing = nav ? {
    ttfb: Math.max(0, nav.responseStart - (nav.activationStart || 0)),
    fcp: paint ? paint.startTime : null,
    lcp: st.lcp,
    dcl: nav.domContentLoadedEventEnd || null,
    load: nav.loadEventEnd || null,
    cls: typeof st.cls === "number" ? st.cls : null,
    transfer: transfer,
    lcpSel: lcpSel, lcpBox: lcpBox,
  } : null;

  // The DOM as served+mutated. Values of sensitive inputs that sit in attributes are masked here;
  // values typed by the walker are properties, not attributes, and never serialize.
  let dom = "";
  let domTruncated = false;
  if (opts.dom !== false) {
    dom = (doc.doctype ? "<!DOCTYPE html>\n" : "") + doc.documentElement.outerHTML;
    for (const el of doc.querySelectorAll("input[value],textarea")) {
      if (!isSensitive(el)) continue;
      const v = el.tagName === "TEXTAREA" ? el.textContent : el.getAttribute("value");
      if (v && v.length > 0) dom = dom.split(v).join("••••");
    }
    if (dom.length > maxDom) { dom = dom.slice(0, maxDom); domTruncated = true; }
  }
  const de = doc.documentElement;
  return {
    url: location.href, title: doc.title, lang: de.getAttribute("lang") || "",
    secure: window.isSecureContext, doc: st.doc || "",
    vw: window.innerWidth, vh: window.innerHeight, sx, sy,
    pw: Math.max(de.scrollWidth, doc.body ? doc.body.scrollWidth : 0),
    ph: Math.max(de.scrollHeight, doc.body ? doc.body.scrollHeight : 0),
    dpr: window.devicePixelRatio,
    timing, elements: out, truncated, visited: visitedCount, dom, domTruncated,
  };
}
