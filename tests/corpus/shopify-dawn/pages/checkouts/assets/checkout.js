// The one behaviour of Shopify's checkout the walk depends on (written for the corpus, not Shopify's code):
// shipping rates appear once the address is complete, and the cost summary shows the chosen rate.
(function () {
  const form = document.getElementById('shippingAddressForm');
  const rates = document.getElementById('shipping_methods');
  if (!form || !rates || !rates.hidden) return;
  const pending = document.querySelector('[data-rates-pending]');
  const line = document.querySelector('[data-shipping-line]');
  const filled = () => ['address1', 'city', 'postalCode'].every((n) => {
    const el = form.querySelector(`[name="${n}"]`);
    return el && el.value.trim() !== '';
  });
  const show = () => {
    if (!filled()) return;
    rates.hidden = false;
    if (pending) pending.hidden = true;
    const chosen = rates.querySelector('input:checked');
    if (line && chosen) line.textContent = chosen.dataset.price;
  };
  form.addEventListener('input', show);
  form.addEventListener('change', show);
  rates.addEventListener('change', show);
})();
