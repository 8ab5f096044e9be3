// Stands in for Magento_Checkout's client-side checkout (knockout views shipping.js, payment.js and the
// step navigator, not copied): rates are estimated once street, city and ZIP are in; "Next" saves the
// shipping information and moves to the #payment step by the URL hash, without loading a page; the order
// summary then shows the chosen rate.
(function () {
  const $ = (s) => document.querySelector(s);
  const form = $('#co-shipping-form');
  const rates = $('[data-rates]');
  const pending = $('[data-rates-pending]');
  const money = (v) => '$' + v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const complete = () => ['street[0]', 'city', 'postcode'].every((n) => {
    const el = form.querySelector(`[name="${n}"]`);
    return el && el.value.trim() !== '';
  });
  const estimate = () => {
    if (!complete()) return;
    rates.hidden = false;
    pending.hidden = true;
    const radios = rates.querySelectorAll('input[type=radio]');
    if (radios.length === 1) radios[0].checked = true;
  };
  form.addEventListener('input', estimate);
  form.addEventListener('change', estimate);
  const show = () => {
    const payment = location.hash === '#payment';
    $('#shipping').style.display = payment ? 'none' : '';
    $('#opc-shipping_method').style.display = payment ? 'none' : '';
    $('#payment').style.display = payment ? '' : 'none';
    document.querySelectorAll('.opc-progress-bar-item').forEach((li) => {
      li.classList.toggle('_active', li.dataset.step === (payment ? 'payment' : 'shipping'));
      li.classList.toggle('_complete', payment && li.dataset.step === 'shipping');
    });
  };
  rates.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = rates.querySelector('input[type=radio]:checked');
    if (!chosen) {
      alert('The shipping method is missing. Select the shipping method and try again.');
      return;
    }
    const cost = parseFloat(chosen.dataset.price.replace(/[^\d.]/g, ''));
    $('[data-shipping-title]').textContent = chosen.dataset.title;
    const value = $('[data-shipping-value]');
    value.textContent = chosen.dataset.price;
    value.className = 'price';
    document.querySelectorAll('[data-grand-total]').forEach((el) => { el.textContent = money(1250 + cost); });
    location.hash = 'payment';
  });
  window.addEventListener('hashchange', show);
  show();
})();
