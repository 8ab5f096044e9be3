// Stands in for the Checkout block's React app (not copied): once the shipping address is complete the
// block fetches the rates and shows them, and the order summary takes the chosen rate into the total.
(function () {
  const rates = document.querySelector('[data-rates]');
  if (!rates) return;
  const pending = document.querySelector('[data-rates-pending]');
  const line = document.querySelector('[data-shipping-line]');
  const total = document.querySelector('.wc-block-components-totals-footer-item-tax-value');
  const tax = document.querySelector('.wc-block-components-totals-footer-item-tax .wc-block-formatted-money-amount');
  const fmt = (v) => v.toLocaleString('de-DE', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + '\u00a0€';
  const filled = () => ['shipping-address_1', 'shipping-postcode', 'shipping-city'].every((id) => {
    const el = document.getElementById(id);
    return el && el.value.trim() !== '';
  });
  const update = () => {
    if (!filled()) return;
    rates.hidden = false;
    if (pending) pending.hidden = true;
    const chosen = rates.querySelector('input:checked');
    const label = chosen && document.getElementById(chosen.id + '__secondary-label');
    if (!label) return;
    const cost = parseFloat(label.textContent.replace(/[^\d,]/g, '').replace(',', '.'));
    line.textContent = label.textContent;
    total.textContent = fmt(1250 + cost);
    tax.textContent = fmt(Math.round((1250 + cost) / 1.19 * 0.19 * 100) / 100);
  };
  document.querySelector('.wc-block-checkout__form').addEventListener('input', update);
  document.querySelector('.wc-block-checkout__form').addEventListener('change', update);
})();
