// Stands in for Magento_Checkout/js/proceed-to-checkout.js (RequireJS + knockout, not copied): with guest
// checkout off and nobody signed in, "Proceed to Checkout" opens the authentication popup; otherwise it
// goes to the checkout.
(function () {
  const button = document.querySelector('[data-role="proceed-to-checkout"]');
  if (!button) return;
  button.addEventListener('click', (event) => {
    event.preventDefault();
    const popup = document.getElementById('authenticationPopup');
    if (popup) {
      popup.style.display = '';
      popup.querySelector('aside').classList.add('_show');
      return;
    }
    window.location.href = '/checkout/';
  });
})();
