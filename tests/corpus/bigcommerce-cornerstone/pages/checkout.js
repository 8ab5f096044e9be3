/*
 * Stand-in for BigCommerce's checkout-js bundle: renders the markup the Optimized One-Page Checkout's React
 * components render (CheckoutStep, GuestForm, LoginForm, CreateAccountForm, AddressForm/DynamicFormField,
 * ShippingOptions, CreditCardFieldset, OrderSummary) from the storefront APIs, and expands the steps in place.
 * Store settings (guest checkout, order comments, form fields, shipping quotes) come from the JSON routes, so a
 * variant changes what a merchant changes in the control panel.
 */
(function () {
    'use strict';
    var CHECKOUT_ID = 'cafe1254-0000-4000-8000-000000000001';
    var app = document.getElementById('checkout-app');
    var state = { step: 'customer', email: '', quote: null, option: null };
    var settings, fields, checkout;

    function money(v) {
        return '$' + v.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    }
    function esc(s) {
        return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
    }
    function get(url) {
        return fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json(); });
    }

    var LOCK = '<div class="icon"><svg height="24" viewBox="0 0 24 24" width="24" xmlns="http://www.w3.org/2000/svg"><path d="M18 8h-1V6c0-2.76-2.24-5-5-5S7 3.24 7 6v2H6c-1.1 0-2 .9-2 2v10c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V10c0-1.1-.9-2-2-2zm-6 9c-1.1 0-2-.9-2-2s.9-2 2-2 2 .9 2 2-.9 2-2 2zm3.1-9H8.9V6c0-1.71 1.39-3.1 3.1-3.1 1.71 0 3.1 1.39 3.1 3.1v2z"></path></svg></div>';
    var CHECK = '<svg class="icon stepHeader-counter optimizedCheckout-step" height="24" viewBox="0 0 24 24" width="24" xmlns="http://www.w3.org/2000/svg"><path d="M9 16.2L4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z"></path></svg>';
    var CARDS = { visa: ['#1a1f71', 'VISA'], mastercard: ['#eb001b', 'MC'], american_express: ['#2e77bc', 'AMEX'], discover: ['#f48120', 'DISC'] };

    function cardIcons(types) {
        return '<ul class="creditCardTypes-list">' + types.map(function (t) {
            var c = CARDS[t];
            return '<li class="creditCardTypes-list-item"><span class="cardIcon"><div class="icon cardIcon-icon icon--medium" data-test="credit-card-icon-' + t + '">' +
                '<svg viewBox="0 0 48 32" xmlns="http://www.w3.org/2000/svg"><rect width="48" height="32" rx="4" fill="' + c[0] + '"></rect>' +
                '<text x="24" y="21" fill="#fff" font-family="Arial" font-size="11" font-weight="700" text-anchor="middle">' + c[1] + '</text></svg></div></span></li>';
        }).join('') + '</ul>';
    }

    function stepHeader(type, heading, summary) {
        var active = state.step === type;
        var done = ORDER.indexOf(type) < ORDER.indexOf(state.step);
        return '<div class="checkout-view-header"><div class="stepHeader ' + (done && !active ? 'is-clickable' : 'is-readonly') + '">' +
            '<div class="stepHeader-figure stepHeader-column">' + CHECK.replace('stepHeader-counter ', 'stepHeader-counter ' + (done ? 'stepHeader-counter--complete ' : '')) +
            '<h2 class="stepHeader-title optimizedCheckout-headingPrimary">' + heading + '</h2></div>' +
            '<div class="stepHeader-body stepHeader-column optimizedCheckout-contentPrimary" data-test="step-info">' + (done && !active ? summary : '') + '</div>' +
            (done && !active ? '<div class="stepHeader-actions stepHeader-column"><button aria-expanded="false" class="button optimizedCheckout-buttonSecondary button--tiny" data-test="step-edit-button" type="button">Edit</button></div>' : '') +
            '</div></div>';
    }

    var ORDER = ['customer', 'shipping', 'billing', 'payment'];

    function step(type, heading, summary, body) {
        var active = state.step === type;
        return '<li class="checkout-step optimizedCheckout-checkoutStep checkout-step--' + type + (active ? ' checkout-step--current' : '') + '">' +
            stepHeader(type, heading, summary) +
            (active ? '<div aria-busy="false" class="checkout-view-content checkout-view-content-enter-done">' + body() + '</div>' : '') + '</li>';
    }

    function guestForm() {
        return '<form class="checkout-form" data-test="checkout-customer-guest" id="checkout-customer-guest" novalidate="">' +
            '<fieldset class="form-fieldset"><legend class="form-legend is-srOnly">Guest Customer</legend><div class="form-body">' +
            "<p><span>Checking out as a <strong>Guest</strong>? You'll be able to save your details to create an account with us later.</span></p>" +
            '<div class="customerEmail-container"><div class="customerEmail-body">' +
            '<div class="form-field"><label class="form-label optimizedCheckout-form-label" for="email" id="email-label">Email Address</label>' +
            '<input autocomplete="email" class="form-input optimizedCheckout-form-input" id="email" name="email" type="email" value=""></div>' +
            '<div class="form-field"><input class="form-checkbox" id="shouldSubscribe" name="shouldSubscribe" type="checkbox" value="false">' +
            '<label class="form-label optimizedCheckout-form-label" for="shouldSubscribe">Subscribe to our newsletter.</label></div>' +
            '</div><div class="form-actions customerEmail-action"><button class="button customerEmail-button button--primary optimizedCheckout-buttonPrimary" data-test="customer-continue-as-guest-button" id="checkout-customer-continue" type="submit">Continue as guest</button></div></div>' +
            '<p>Already have an account? <a data-test="customer-continue-button" id="checkout-customer-login" href="#">Sign in now</a></p>' +
            '</div></fieldset></form>';
    }

    function loginForm() {
        return '<form class="checkout-form" data-test="checkout-customer-returning" id="checkout-customer-returning" novalidate="">' +
            '<fieldset class="form-fieldset"><legend class="form-legend is-srOnly">Returning Customer</legend><div class="form-body">' +
            '<div class="form-field"><label class="form-label optimizedCheckout-form-label" for="email" id="email-label">Email Address</label>' +
            '<input autocomplete="email" class="form-input optimizedCheckout-form-input" id="email" name="email" type="email" value=""></div>' +
            '<div class="form-field"><label class="form-label optimizedCheckout-form-label" for="password">Password</label>' +
            '<input class="form-input optimizedCheckout-form-input" id="password" name="password" type="password" value=""></div>' +
            '<p class="form-legend-container"><span><a data-test="forgot-password-link" href="/login.php?action=reset_password" rel="noopener noreferrer" target="_blank">Forgot password?</a></span>' +
            '<span><a href="#" id="create-account-link" data-test="create-account-link">Create an account</a></span></p>' +
            '<div class="form-actions"><button class="button button--primary optimizedCheckout-buttonPrimary" data-test="customer-continue-button" id="checkout-customer-continue" type="submit">Sign In</button></div>' +
            '</div></fieldset></form>';
    }

    function textField(name, id, label, type, ac, optional, extra) {
        return '<div class="form-field"><label class="form-label optimizedCheckout-form-label" for="' + id + '" id="' + id + '-label">' + label +
            (optional ? ' <small class="optimizedCheckout-contentSecondary">(Optional)</small>' : '') + '</label>' +
            '<input aria-labelledby="' + id + '-label ' + id + '-field-error-message" ' + (ac ? 'autocomplete="' + ac + '" ' : '') +
            'class="form-input optimizedCheckout-form-input" id="' + id + '" name="' + name + '" type="' + type + '" value=""' + (extra || '') + '></div>';
    }

    function createAccountForm() {
        // CreateAccountForm renders the store's customer-account form fields as DynamicFormFields.
        var f = function (name, label, type, ac) {
            return '<div class="dynamic-form-field dynamic-form-field--' + name + '">' + textField(name, name + 'Input', label, type, ac) + '</div>';
        };
        return '<form class="checkout-form" data-test="checkout-customer-returning" id="checkout-customer-returning" novalidate="">' +
            '<fieldset class="form-fieldset"><div class="form-body"><div class="create-account-form">' +
            f('firstName', 'First Name', 'text', 'firstName') + f('lastName', 'Last Name', 'text', 'lastName') +
            f('email', 'Email', 'email', 'email') + f('password', 'Password', 'password', 'password') +
            '<p class="form-field-description">7 character minimum, case sensitive</p>' +
            '</div></div></fieldset>' +
            '<div class="form-actions"><button class="button button--primary optimizedCheckout-buttonPrimary" data-test="customer-continue-create" id="checkout-customer-create" type="submit">Create Account</button>' +
            '<a class="button optimizedCheckout-buttonSecondary" data-test="customer-cancel-button" href="#" id="checkout-customer-cancel">Cancel</a></div>' +
            '</form>';
    }

    var LEGACY = { address1: 'addressLine1', address2: 'addressLine2', postalCode: 'postCode', stateOrProvinceCode: 'provinceCode' };
    var AUTOCOMPLETE = { address1: 'address-line1', address2: 'address-line2', city: 'address-level2', company: 'organization',
        countryCode: 'country', firstName: 'given-name', lastName: 'family-name', phone: 'tel', postalCode: 'postal-code',
        stateOrProvinceCode: 'address-level1' };

    function addressField(f) {
        var legacy = LEGACY[f.name] || f.name;
        var id = legacy + 'Input';
        var name = 'shippingAddress.' + (f.custom ? 'customFields.' : '') + f.name;
        var wrap = '<div class="dynamic-form-field dynamic-form-field--' + (f.custom ? 'field_' + f.id : legacy) + '">';
        if (f.fieldType === 'dropdown') {
            return wrap + '<div class="form-field"><label class="form-label optimizedCheckout-form-label" for="' + id + '" id="' + id + '-label">' + f.label +
                (f.required ? '' : ' <small class="optimizedCheckout-contentSecondary">(Optional)</small>') + '</label>' +
                '<select aria-labelledby="' + id + '-label ' + id + '-field-error-message" ' + (AUTOCOMPLETE[f.name] ? 'autocomplete="' + AUTOCOMPLETE[f.name] + '" ' : '') +
                'class="form-select optimizedCheckout-form-select" data-test="' + id + '-select" id="' + id + '" name="' + name + '">' +
                '<option value="">' + esc(f.placeholder || 'Select') + '</option>' +
                f.options.map(function (o) { return '<option value="' + esc(o.value) + '"' + (o.value === f.default ? ' selected' : '') + '>' + esc(o.label) + '</option>'; }).join('') +
                '</select></div></div>';
        }
        if (f.fieldType === 'multiline') {
            return wrap + '<div class="form-field"><label class="form-label optimizedCheckout-form-label" for="' + id + '" id="' + id + '-label">' + f.label +
                (f.required ? '' : ' <small class="optimizedCheckout-contentSecondary">(Optional)</small>') + '</label>' +
                '<textarea class="form-input optimizedCheckout-form-input" id="' + id + '" name="' + name + '" rows="3"></textarea></div></div>';
        }
        return wrap + textField(name, id, f.label, f.name === 'phone' ? 'tel' : 'text', AUTOCOMPLETE[f.name], !f.required) + '</div>';
    }

    function shippingOptions() {
        if (!state.quote) {
            return '<p class="shippingOptions-panel-message optimizedCheckout-primaryContent">Please enter a shipping address in order to see shipping quotes</p>';
        }
        return '<ul class="form-checklist optimizedCheckout-form-checklist">' + state.quote.map(function (o) {
            var sel = state.option && state.option.id === o.id;
            return '<li class="form-checklist-item optimizedCheckout-form-checklist-item' + (sel ? ' form-checklist-item--selected optimizedCheckout-form-checklist-item--selected' : '') + '">' +
                '<div class="form-checklist-header' + (sel ? ' form-checklist-header--selected' : '') + '"><div class="form-field">' +
                '<input class="form-checklist-checkbox optimizedCheckout-form-checklist-checkbox" id="shippingOptionRadio-' + o.id + '" name="shippingOptionIds.' + CHECKOUT_ID + '" type="radio" value="' + o.id + '"' + (sel ? ' checked' : '') + '>' +
                '<label class="form-label optimizedCheckout-form-label" for="shippingOptionRadio-' + o.id + '"><div class="shippingOptionLabel"><div class="shippingOption shippingOption--alt">' +
                '<span class="shippingOption-desc">' + esc(o.description) + '</span><em class="shippingOption-price">' + money(o.cost) + '</em>' +
                '</div></div></label></div></div></li>';
        }).join('') + '</ul>';
    }

    function shippingForm() {
        var s = settings.storeConfig.checkoutSettings;
        return '<form class="checkout-form" id="checkout-shipping-form" novalidate="">' +
            '<fieldset class="form-fieldset"><legend class="form-legend optimizedCheckout-headingSecondary">Shipping Address</legend><div class="form-body">' +
            '<div class="checkout-address">' + fields.shippingAddress.map(addressField).join('') + '</div></div></fieldset>' +
            '<fieldset class="form-fieldset"><div class="form-body"><div class="form-field"><input class="form-checkbox" id="billingSameAsShipping" name="billingSameAsShipping" type="checkbox" value="true" checked>' +
            '<label class="form-label optimizedCheckout-form-label" for="billingSameAsShipping">My billing address is the same as my shipping address.</label></div></div></fieldset>' +
            '<fieldset class="form-fieldset" id="checkout-shipping-options"><legend class="form-legend optimizedCheckout-headingSecondary">Shipping Method</legend>' +
            '<div class="form-body"><div class="shippingOptions-container form-checklist" id="shipping-options-list">' + shippingOptions() + '</div></div></fieldset>' +
            (s.enableOrderComments ? '<fieldset class="form-fieldset"><legend class="form-legend optimizedCheckout-headingSecondary">Order Comments</legend><div class="form-body">' +
                '<div class="form-field"><label class="form-label optimizedCheckout-form-label is-srOnly" for="orderComment">Order Comments</label>' +
                '<input autocomplete="off" class="form-input optimizedCheckout-form-input" id="orderComment" maxlength="2000" name="orderComment" type="text" value=""></div></div></fieldset>' : '') +
            '<div class="form-actions"><button class="button button--primary optimizedCheckout-buttonPrimary" id="checkout-shipping-continue" type="submit">Continue</button></div></form>';
    }

    function paymentForm() {
        var s = settings.storeConfig.checkoutSettings;
        return '<form class="checkout-form" data-test="payment-form" novalidate=""><fieldset class="form-fieldset"><legend class="form-legend is-srOnly">Payment</legend><div class="form-body">' +
            '<ul class="form-checklist optimizedCheckout-form-checklist">' +
            '<li class="form-checklist-item optimizedCheckout-form-checklist-item form-checklist-item--selected optimizedCheckout-form-checklist-item--selected">' +
            '<div class="form-checklist-header form-checklist-header--selected"><div class="form-field">' +
            '<input class="form-checklist-checkbox optimizedCheckout-form-checklist-checkbox" id="radio-testgateway" name="paymentProviderRadio" type="radio" value="testgateway" checked>' +
            '<label class="form-label optimizedCheckout-form-label" for="radio-testgateway"><div class="paymentProviderHeader-container"><div class="paymentProviderHeader-nameContainer" data-test="payment-method-testgateway">' +
            '<div aria-level="6" class="paymentProviderHeader-name" data-test="payment-method-name" role="heading">Credit Card</div></div>' +
            '<div class="paymentProviderHeader-cc">' + cardIcons(s.cardTypes) + '</div></div></label></div></div>' +
            '<div class="form-checklist-body"><div class="paymentMethod paymentMethod--creditCard"><fieldset class="form-fieldset creditCardFieldset"><legend class="form-legend is-srOnly">Credit card</legend>' +
            '<div class="form-body"><div class="form-ccFields">' +
            '<div class="form-field form-field--ccNumber"><label class="form-label optimizedCheckout-form-label" for="ccNumber">Credit Card Number</label>' +
            '<input autocomplete="cc-number" class="form-input optimizedCheckout-form-input has-icon" id="ccNumber" name="ccNumber" type="tel" value="">' + LOCK + '</div>' +
            '<div class="form-field form-field--ccExpiry"><label class="form-label optimizedCheckout-form-label" for="ccExpiry">Expiration</label>' +
            '<input autocomplete="cc-exp" class="form-input optimizedCheckout-form-input" id="ccExpiry" name="ccExpiry" placeholder="MM / YY" type="tel" value=""></div>' +
            '<div class="form-field form-field--ccName"><label class="form-label optimizedCheckout-form-label" for="ccName">Name on Card</label>' +
            '<input autocomplete="cc-name" class="form-input optimizedCheckout-form-input" id="ccName" name="ccName" type="text" value=""></div>' +
            (s.isCardCodeRequired ? '<div class="form-field form-field--ccCvv"><label class="form-label optimizedCheckout-form-label" for="ccCvv"><span>CVV</span></label>' +
                '<input autocomplete="cc-csc" class="form-input optimizedCheckout-form-input" id="ccCvv" name="ccCvv" type="tel" value=""></div>' : '') +
            '</div></div></fieldset></div></div></li>' +
            '<li class="form-checklist-item optimizedCheckout-form-checklist-item"><div class="form-checklist-header"><div class="form-field">' +
            '<input class="form-checklist-checkbox optimizedCheckout-form-checklist-checkbox" id="radio-paypalcommerce" name="paymentProviderRadio" type="radio" value="paypalcommerce">' +
            '<label class="form-label optimizedCheckout-form-label" for="radio-paypalcommerce"><div class="paymentProviderHeader-container"><div class="paymentProviderHeader-nameContainer" data-test="payment-method-paypalcommerce">' +
            '<img alt="PayPal" class="paymentProviderHeader-img" data-test="payment-method-logo" src="/checkout-js/paypal.svg"></div></div></label></div></div></li>' +
            '</ul></div></fieldset>' +
            '<div class="form-actions"><button class="button button--action button--large button--slab optimizedCheckout-buttonPrimary" id="checkout-payment-continue" type="submit">Place Order</button></div></form>';
    }

    function priceItem(test, label, value, cls) {
        return '<div data-test="' + test + '"><div aria-live="polite" class="cart-priceItem optimizedCheckout-contentPrimary' + (cls ? ' ' + cls : '') + '">' +
            '<span class="cart-priceItem-label"><span data-test="cart-price-label">' + label + '  </span></span>' +
            '<span class="cart-priceItem-value"><span data-test="cart-price-value">' + value + '</span></span></div></div>';
    }

    function summary() {
        var c = checkout.cart, item = c.lineItems.physicalItems[0];
        var ship = state.option ? state.option.cost : null;
        var handling = state.option && state.option.handling ? state.option.handling : 0;
        var total = c.baseAmount + (ship || 0) + handling;
        return '<aside class="layout-cart"><article class="cart optimizedCheckout-orderSummary" data-test="cart">' +
            '<header class="cart-header"><h3 class="cart-title optimizedCheckout-headingSecondary">Order Summary</h3>' +
            '<a class="cart-header-link" href="/cart.php" id="cart-edit-link" target="_top">Edit Cart</a></header>' +
            '<section class="cart-section optimizedCheckout-orderSummary-cartSection"><h3 class="cart-section-heading optimizedCheckout-contentPrimary" data-test="cart-count-total">1 Item</h3>' +
            '<ul aria-live="polite" class="productList"><li class="productList-item is-visibleOnHover"><div class="product" data-test="cart-item">' +
            '<figure class="product-column product-figure"><img alt="' + esc(item.name) + '" data-test="cart-item-image" src="' + item.imageUrl + '"></figure>' +
            '<div class="product-column product-body"><h4 class="product-title optimizedCheckout-contentPrimary" data-test="cart-item-product-title">' + item.quantity + ' x ' + esc(item.name) + '</h4></div>' +
            '<div class="product-column product-actions"><div class="product-price optimizedCheckout-contentPrimary" data-test="cart-item-product-price">' + money(item.extendedSalePrice) + '</div></div>' +
            '</div></li></ul></section>' +
            '<section class="cart-section optimizedCheckout-orderSummary-cartSection">' +
            priceItem('cart-subtotal', 'Subtotal', money(c.baseAmount), 'cart-priceItem--subtotal') +
            priceItem('cart-shipping', 'Shipping', ship === null ? '--' : (ship === 0 ? 'Free' : money(ship))) +
            (handling ? priceItem('cart-handling', 'Handling', money(handling)) : '') +
            '</section>' +
            '<section class="cart-section optimizedCheckout-orderSummary-cartSection"><div class="redeemable-collapsable">' +
            '<a aria-expanded="false" class="redeemable-label" data-test="redeemable-label" href="#">Coupon/Gift Certificate</a></div></section>' +
            '<section class="cart-section optimizedCheckout-orderSummary-cartSection">' +
            priceItem('cart-total', 'Total (USD)', money(total), 'cart-priceItem--total') + '</section>' +
            '</article></aside>';
    }

    function render() {
        var customerBody = function () {
            if (state.customerView === 'create') { return createAccountForm(); }
            return settings.storeConfig.checkoutSettings.guestCheckoutEnabled ? guestForm() : loginForm();
        };
        var shipSummary = function () {
            return state.option ? '<div class="shippingOption shippingOption--alt"><span class="shippingOption-desc">' + esc(state.option.description) + '</span> <em class="shippingOption-price">' + money(state.option.cost) + '</em></div>' : '';
        };
        app.innerHTML = '<div class="checkout-app" data-test="checkout-app"><div class="layout optimizedCheckout-contentPrimary"><div class="layout-main"><ol class="checkout-steps">' +
            step('customer', 'Customer', '<div class="customerView"><div class="customerView-body optimizedCheckout-contentPrimary" data-test="customer-info">' + esc(state.email) + '</div></div>', customerBody) +
            step('shipping', 'Shipping', shipSummary(), shippingForm) +
            step('billing', 'Billing', '<div class="staticAddress">Same as shipping address</div>', function () { return ''; }) +
            step('payment', 'Payment', '', paymentForm) +
            '</ol></div>' + summary() + '</div></div>';
        bind();
    }

    function addressComplete() {
        return fields.shippingAddress.filter(function (f) { return f.required; }).every(function (f) {
            var el = document.getElementById((LEGACY[f.name] || f.name) + 'Input');
            return el && el.value.trim() !== '';
        });
    }

    var quoteTimer;
    function maybeQuote() {
        // checkout-js saves the address after a pause and then shows the consignment's shipping quotes.
        clearTimeout(quoteTimer);
        if (!addressComplete() || state.quote) { return; }
        quoteTimer = setTimeout(function () {
            get('/api/storefront/checkouts/' + CHECKOUT_ID + '/consignments').then(function (data) {
                state.quote = data[0].availableShippingOptions;
                state.option = state.quote.filter(function (o) { return o.isRecommended; })[0] || state.quote[0];
                document.getElementById('shipping-options-list').innerHTML = shippingOptions();
                app.querySelector('.layout-cart').outerHTML = summary();
                bindOptions();
            });
        }, 400);
    }

    function bindOptions() {
        Array.prototype.forEach.call(app.querySelectorAll('[name^="shippingOptionIds"]'), function (r) {
            r.addEventListener('change', function () {
                state.option = state.quote.filter(function (o) { return o.id === r.value; })[0];
                app.querySelector('.layout-cart').outerHTML = summary();
            });
        });
    }

    function bind() {
        var form = app.querySelector('.checkout-view-content form');
        if (!form) { return; }
        var create = document.getElementById('create-account-link');
        if (create) {
            create.addEventListener('click', function (e) { e.preventDefault(); state.customerView = 'create'; render(); });
        }
        var cancel = document.getElementById('checkout-customer-cancel');
        if (cancel) {
            cancel.addEventListener('click', function (e) { e.preventDefault(); state.customerView = ''; render(); });
        }
        if (state.step === 'shipping') {
            form.addEventListener('input', maybeQuote);
            form.addEventListener('change', maybeQuote);
            bindOptions();
        }
        form.addEventListener('submit', function (e) {
            e.preventDefault();
            if (state.step === 'customer') {
                var email = form.querySelector('[name=email]');
                if (!email.value) { return; }
                state.email = email.value;
                state.step = 'shipping';
            } else if (state.step === 'shipping') {
                if (!state.option) { return; }
                state.step = 'payment';  // billing is skipped while "same as shipping" stays ticked
            } else {
                return;  // placing the order is out of scope for the corpus
            }
            render();
            var first = app.querySelector('.checkout-step--current input, .checkout-step--current select');
            if (first) { first.focus(); }
        });
    }

    Promise.all([
        get('/api/storefront/checkout-settings'),
        get('/api/storefront/form-fields'),
        get('/api/storefront/checkouts/' + CHECKOUT_ID)
    ]).then(function (r) {
        settings = r[0]; fields = r[1]; checkout = r[2];
        render();
    });
}());
