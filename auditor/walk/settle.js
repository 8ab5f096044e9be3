// Runs at document start in every page (context.add_init_script), beside init.js. It keeps what the
// walker's settle rule (settle.py) reads after every step: Chromium's interaction-contentful-paint
// entries (the largest paint an interaction caused, timed from the interaction itself: shipped in
// Chromium 156 without a flag, unlike `largest-contentful-paint` with includeSoftNavigationObservations,
// which emits nothing after the first page) and its soft-navigation entries (an interaction that
// changed the URL and painted); and, for a browser without them, when an image last loaded and the DOM
// last changed. The probe is a non-writable, non-configurable property, and the built-ins it uses are
// taken before any page script runs: a page cannot replace what the walker reads.
(() => {
  const KEY = "__auditorSettle";
  if (Object.getOwnPropertyDescriptor(window, KEY)) return;
  const perf = performance, now = performance.now.bind(performance);
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const imagesOf = getter(Document.prototype, "images"), readyOf = getter(Document.prototype, "readyState");
  const fontsOf = Document.prototype.hasOwnProperty("fonts") ? getter(Document.prototype, "fonts") : null;
  const completeOf = getter(HTMLImageElement.prototype, "complete");
  const srcOf = getter(HTMLImageElement.prototype, "currentSrc");
  const rectOf = Element.prototype.getBoundingClientRect, apply = Reflect.apply;
  const token = Math.random().toString(36).slice(2);
  const icp = [], soft = [];
  let lastMutation = 0, lastImage = 0;
  const keep = (list, item) => { if (list.length >= 100) list.shift(); list[list.length] = item; };
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        const lcp = e.largestContentfulPaint;
        keep(icp, [e.startTime, e.startTime + e.duration, e.interactionId, lcp ? lcp.element : null]);
      }
    }).observe({ type: "interaction-contentful-paint", buffered: true });
  } catch (e) { /* not in this browser: the fallback below */ }
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) keep(soft, [e.startTime, e.interactionId, String(e.name).slice(0, 300)]);
    }).observe({ type: "soft-navigation", buffered: true });
  } catch (e) { /* idem */ }
  try {
    new MutationObserver(() => { lastMutation = now(); })
      .observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  } catch (e) { /* idem */ }
  addEventListener("load", (e) => { if (e.target instanceof HTMLImageElement) lastImage = now(); }, true);

  const box = (el) => {
    const r = apply(rectOf, el, []);
    return [r.left + scrollX, r.top + scrollY, r.width, r.height];
  };
  const path = (el) => {  // "#id", or a path of nth-of-type steps up to the nearest id: as collect.js spells it
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
      if (e.id && /^[A-Za-z_][\w-]*$/.test(e.id) && document.querySelectorAll("#" + e.id).length === 1) {
        parts.unshift("#" + e.id);
        return parts.join(" > ");
      }
      let n = 1;
      for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) n++;
      parts.unshift(`${e.tagName.toLowerCase()}:nth-of-type(${n})`);
    }
    return ["html", ...parts].join(" > ");
  };

  // since: the page time the step began. Returns the document's state, the images in view still
  // loading, and the largest paint of the step's interaction: the soft navigation's if there was one,
  // else the latest interaction's.
  const probe = (since) => {
    const vw = innerWidth, vh = innerHeight, waiting = [];
    const imgs = apply(imagesOf, document, []);
    for (let i = 0; i < imgs.length && i < 2000 && waiting.length < 20; i++) {
      const img = imgs[i];
      if (apply(completeOf, img, [])) continue;
      const r = apply(rectOf, img, []);
      if (r.width * r.height >= 4 && r.bottom > 0 && r.right > 0 && r.top < vh && r.left < vw) {
        waiting[waiting.length] = String(apply(srcOf, img, []) || img.getAttribute("src") || "").slice(0, 300);
      }
    }
    const fonts = fontsOf ? apply(fontsOf, document, []) : null;
    let nav = null, id = null, best = null;  // plain loops: a page may replace Array.prototype.filter
    for (let i = 0; i < soft.length; i++) if (soft[i][0] >= since) nav = soft[i];
    for (let i = 0; i < icp.length; i++) if (icp[i][0] >= since) id = icp[i][2];
    if (nav) id = nav[1];
    for (let i = 0; i < icp.length; i++) {
      const e = icp[i];
      if (e[0] >= since && e[2] === id && (!best || e[1] > best[1])) best = e;
    }
    const el = best && best[3] && best[3].isConnected ? best[3] : null;
    return {
      now: now(), token, ready: apply(readyOf, document, []), waiting,
      fonts: !!fonts && fonts.status === "loading",
      paint: best ? { start: best[0], end: best[1], sel: el ? path(el) : null, box: el ? box(el) : null } : null,
      softUrl: nav ? nav[2] : null, lastImage, lastMutation, timeOrigin: perf.timeOrigin,
    };
  };
  Object.defineProperty(window, KEY, { value: probe, enumerable: false, configurable: false, writable: false });
})();
