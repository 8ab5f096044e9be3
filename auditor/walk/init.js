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
})();
