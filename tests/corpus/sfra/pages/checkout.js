/*
 * Stand-in for SFRA's client bundle (js/checkout.js → checkout/checkout.js): one page, stages switched by the
 * data-checkout-stage attribute of #checkout-main, each stage submitted over XHR (CheckoutShippingServices-
 * SubmitShipping, CheckoutServices-SubmitPayment) and recorded with history.pushState(?stage=…#…), as SFRA does.
 */
(function () {
    'use strict';
    var main = document.getElementById('checkout-main');
    var STAGES = ['shipping', 'payment', 'placeOrder'];

    function setStage(stage, push) {
        main.setAttribute('data-checkout-stage', stage);
        if (push) {
            history.pushState({ stage: stage }, document.title, location.pathname + '?stage=' + stage + '#' + stage);
        }
        window.scrollTo(0, 0);
    }

    function invalid(form) {
        var bad = Array.prototype.filter.call(form.querySelectorAll('[required]'), function (el) {
            var ok = el.value.trim() !== '';
            el.classList.toggle('is-invalid', !ok);
            return !ok;
        });
        return bad.length > 0;
    }

    function val(id) {
        var el = document.getElementById(id);
        return el ? el.value : '';
    }

    function submit(url, form) {
        return fetch(url, { method: 'POST', body: new URLSearchParams(new FormData(form)) }).then(function (r) { return r.json(); });
    }

    document.querySelector('.submit-shipping').addEventListener('click', function (e) {
        e.preventDefault();
        var form = document.getElementById('dwfrm_shipping');
        if (invalid(form)) { return; }
        submit('/it/CheckoutShippingServices-SubmitShipping', form).then(function () {
            var s = document.querySelector('.shipping-summary');
            s.querySelector('.ship-to-name').textContent = val('shippingFirstNamedefault') + ' ' + val('shippingLastNamedefault');
            s.querySelector('.address1').textContent = val('shippingAddressOnedefault');
            s.querySelector('.city-region-postalCode').textContent = val('shippingAddressCitydefault') + ', ' + val('shippingZipCodedefault');
            setStage('payment', true);
        });
    });

    document.querySelector('.submit-payment').addEventListener('click', function (e) {
        e.preventDefault();
        var form = document.getElementById('dwfrm_billing');
        if (invalid(form)) { return; }
        submit('/it/CheckoutServices-SubmitPayment', form).then(function () {
            var number = val('cardNumber').replace(/\s/g, '');
            document.querySelector('.payment-summary .payment-details').textContent =
                'Carta di credito ' + '*'.repeat(Math.max(number.length - 4, 0)) + number.slice(-4);
            setStage('placeOrder', true);
        });
    });

    window.addEventListener('popstate', function () {
        var stage = new URLSearchParams(location.search).get('stage');
        setStage(STAGES.indexOf(stage) >= 0 ? stage : 'shipping', false);
    });

    var initial = new URLSearchParams(location.search).get('stage');
    setStage(STAGES.indexOf(initial) >= 0 ? initial : 'shipping', false);
}());
