// Runs at document start in every page (context.add_init_script). Buffers the paint metrics that
// can only be observed, not queried later: largest-contentful-paint and layout shifts.
// CLS follows web-vitals: the largest session window of shifts (1 s gap, 5 s cap), ignoring
// shifts within 500 ms of input.
(() => {
  if (window.__auditor) return;
  const st = (window.__auditor = {
    doc: Math.random().toString(36).slice(2),
    lcp: null, lcpEl: null, cls: 0,
  });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        st.lcp = e.startTime;
        if (e.element) st.lcpEl = e.element;
      }
    }).observe({ type: "largest-contentful-paint", buffered: true });
  } catch (e) { /* not supported: LCP stays null and is reported as not measured */ }
  let value = 0, first = 0, last = 0;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        if (value && e.startTime - last < 1000 && e.startTime - first < 5000) {
          value += e.value;
        } else {
          value = e.value;
          first = e.startTime;
        }
        last = e.startTime;
        if (value > st.cls) st.cls = value;
      }
    }).observe({ type: "layout-shift", buffered: true });
  } catch (e) { /* idem */ }

  // Pop-ups are never followed: a new window would escape the walker's allowed-domains guard and
  // its dialogs. window.open and links or forms aimed at another window are stopped here, and the
  // walker reads st.popups after every action to report the step (events.Listeners.popup).
  st.popups = [];
  const note = (url) => { if (st.popups.length < 20) st.popups.push(String(url || "about:blank").slice(0, 300)); };
  const elsewhere = (target) => {
    const t = target || ((document.querySelector("base[target]") || {}).target || "");
    return !!t && !/^_(self|top|parent)$/i.test(t);
  };
  try {
    window.open = function (url) { note(url); return null; };
  } catch (e) { /* a frozen window.open: the context's page listener closes what opens */ }
  addEventListener("click", (e) => {
    const a = e.target && e.target.closest ? e.target.closest("a[href], area[href]") : null;
    if (a && elsewhere(a.getAttribute("target"))) { e.preventDefault(); note(a.href); }
  }, true);
  addEventListener("submit", (e) => {
    const f = e.target;
    const target = (e.submitter && e.submitter.getAttribute("formtarget")) || (f && f.getAttribute("target"));
    if (f && elsewhere(target)) { e.preventDefault(); note(f.action); }
  }, true);
})();
