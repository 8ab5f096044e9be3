/*
 * A headless storefront in the style of vercel/commerce (Next.js Commerce), without a build step: a small
 * client router (history.pushState, content swapped in place, data fetched from JSON routes) renders the
 * markup of the Next.js Commerce components (Navbar, ThreeItemGrid/GridTileImage/Label, Gallery,
 * ProductDescription/AddToCart, CartModal, Footer) and the shop's own checkout (contact and delivery →
 * shipping → payment). What a shop configures (texts, rates, fees, trust content, form style) comes from
 * /api/store.json and the product JSON, so a variant is a change of data, not of this code.
 */
(function () {
    'use strict';
    var root = document.getElementById('__next');
    var store = null;
    var state = { cart: [], cartOpen: false, info: {}, rate: null };
    try { state = Object.assign(state, JSON.parse(sessionStorage.getItem('acme-state') || '{}'), { cartOpen: false }); } catch (e) { /* fresh state */ }

    function save() { sessionStorage.setItem('acme-state', JSON.stringify({ cart: state.cart, info: state.info, rate: state.rate })); }
    function get(url) { return fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json(); }); }
    function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }

    // components/price.tsx: Intl.NumberFormat(undefined, {currency, currencyDisplay: 'narrowSymbol'}) + the code.
    function price(amount, currency, cls, codeCls) {
        var text = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency, currencyDisplay: 'narrowSymbol' }).format(parseFloat(amount));
        return '<p class="' + (cls || '') + '">' + text + '<span class="ml-1 inline' + (codeCls ? ' ' + codeCls : '') + '">' + currency + '</span></p>';
    }
    function money(v) { return price(v.toFixed(2), 'EUR', 'text-right text-base text-black'); }

    var CART_ICON = '<svg xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24" stroke-width="1.5" stroke="currentColor" aria-hidden="true" class="h-4 transition-all ease-in-out hover:scale-110"><path stroke-linecap="round" stroke-linejoin="round" d="M2.25 3h1.386c.51 0 .955.343 1.087.835l.383 1.437M7.5 14.25a3 3 0 0 0-3 3h15.75m-12.75-3h11.218c1.121-2.3 2.1-4.684 2.924-7.138a60.114 60.114 0 0 0-16.536-1.84M7.5 14.25 5.106 5.272M6 20.25a.75.75 0 1 1-1.5 0 .75.75 0 0 1 1.5 0Zm12.75 0a.75.75 0 1 1-1.5 0 .75.75 0 0 1 1.5 0Z"></path></svg>';
    var LOGO = '<div class="flex flex-none items-center justify-center border border-neutral-200 bg-white h-[40px] w-[40px] rounded-xl"><svg xmlns="http://www.w3.org/2000/svg" aria-label="Acme Store logo" viewBox="0 0 32 28" class="h-4 w-4 fill-black"><path d="M21.5758 9.75769L16 0L0 28H11.6255L21.5758 9.75769Z"></path><path d="M26.2381 17.9167L20.7382 28H32L26.2381 17.9167Z"></path></svg></div>';

    function quantity() { return state.cart.reduce(function (n, l) { return n + l.quantity; }, 0); }
    function subtotal() { return state.cart.reduce(function (n, l) { return n + l.quantity * parseFloat(l.amount); }, 0); }

    function navbar() {
        var q = quantity();
        return '<nav class="relative flex items-center justify-between p-4 lg:px-6">' +
            '<div class="flex w-full items-center"><div class="flex w-full md:w-1/3">' +
            '<a class="mr-2 flex w-full items-center justify-center md:w-auto lg:mr-6" href="/">' + LOGO +
            '<div class="ml-2 flex-none text-sm font-medium uppercase md:hidden lg:block">Acme Store</div></a>' +
            '<ul class="hidden gap-6 text-sm md:flex md:items-center">' +
            '<li><a class="text-neutral-500 underline-offset-4 hover:text-black hover:underline" href="/search">All</a></li>' +
            '<li><a class="text-neutral-500 underline-offset-4 hover:text-black hover:underline" href="/search/machines">Machines</a></li></ul></div>' +
            '<div class="hidden justify-center md:flex md:w-1/3"><form action="/search" class="w-max-[550px] relative w-full lg:w-80 xl:w-full">' +
            '<input type="text" name="q" placeholder="Search for products..." autocomplete="off" class="text-md w-full rounded-lg border bg-white px-4 py-2 text-black placeholder:text-neutral-500 md:text-sm" value="">' +
            '</form></div>' +
            '<div class="flex justify-end md:w-1/3"><button aria-label="Open cart" id="open-cart">' +
            '<div class="relative flex h-11 w-11 items-center justify-center rounded-md border border-neutral-200 text-black transition-colors">' + CART_ICON +
            (q ? '<div class="absolute right-0 top-0 -mr-2 -mt-2 h-4 w-4 rounded-sm bg-blue-600 text-[11px] font-medium text-white">' + q + '</div>' : '') +
            '</div></button></div></div></nav>';
    }

    function footer() {
        var items = store.footerMenu.map(function (m) {
            return '<li><a class="block p-2 text-lg underline-offset-4 hover:text-black hover:underline md:inline-block md:text-sm" href="' + m.path + '">' + esc(m.title) + '</a></li>';
        }).join('');
        return '<footer class="text-sm text-neutral-500"><div class="mx-auto flex w-full max-w-7xl flex-col gap-6 border-t border-neutral-200 px-6 py-12 text-sm md:flex-row md:gap-12 md:px-4">' +
            '<div><a class="flex items-center gap-2 text-black md:pt-1" href="/">' + LOGO + '<span class="uppercase">Acme Store</span></a></div>' +
            '<nav><ul>' + items + '</ul></nav></div>' +
            '<div class="border-t border-neutral-200 py-6 text-sm"><div class="mx-auto flex w-full max-w-7xl flex-col items-center gap-1 px-4 md:flex-row md:gap-0 md:px-4">' +
            '<p>&copy; 2023-2026 ACME, Inc. All rights reserved.</p><p class="md:ml-auto"><a href="/about" class="text-black">Acme Store</a></p></div></div></footer>';
    }

    function tile(p, size) {
        return '<div class="' + (size === 'full' ? 'md:col-span-4 md:row-span-2' : 'md:col-span-2 md:row-span-1') + '">' +
            '<a class="relative block aspect-square h-full w-full" href="/product/' + p.handle + '">' +
            '<div class="group flex h-full w-full items-center justify-center overflow-hidden rounded-lg border bg-white hover:border-blue-600 relative border-neutral-200">' +
            '<img alt="' + esc(p.title) + '" src="' + p.featuredImage.url + '" class="relative h-full w-full object-contain" width="600" height="600">' +
            '<div class="absolute bottom-0 left-0 flex w-full px-4 pb-4' + (size === 'full' ? ' lg:px-20 lg:pb-[35%]' : '') + '">' +
            '<div class="flex items-center rounded-full border bg-white/70 p-1 text-xs font-semibold text-black backdrop-blur-md">' +
            '<h3 class="mr-4 line-clamp-2 grow pl-2 leading-none tracking-tight">' + esc(p.title) + '</h3>' +
            price(p.priceRange.maxVariantPrice.amount, p.priceRange.maxVariantPrice.currencyCode, 'flex-none rounded-full bg-blue-600 p-2 text-white') +
            '</div></div></div></a></div>';
    }

    function home() {
        return get('/api/products.json').then(function (d) {
            var p = d.products;
            return '<section class="mx-auto grid max-w-screen-2xl gap-4 px-4 pb-4 md:grid-cols-6 md:grid-rows-2">' +
                tile(p[0], 'full') + tile(p[1], 'half') + tile(p[2], 'half') + '</section>';
        });
    }

    function product(handle) {
        return get('/api/product/' + handle + '.json').then(function (p) {
            var ld = { '@context': 'https://schema.org', '@type': 'Product', name: p.title, description: p.description, image: p.images[0].url,
                offers: { '@type': 'AggregateOffer', availability: 'https://schema.org/InStock', priceCurrency: p.priceRange.maxVariantPrice.currencyCode,
                    highPrice: p.priceRange.maxVariantPrice.amount, lowPrice: p.priceRange.maxVariantPrice.amount } };
            if (p.aggregateRating) { ld.aggregateRating = p.aggregateRating; }
            state.product = p;
            return '<script type="application/ld+json">' + JSON.stringify(ld).replace(/</g, '\\u003c') + '</script>' +
                '<div class="mx-auto max-w-screen-2xl px-4"><div class="flex flex-col rounded-lg border border-neutral-200 bg-white p-8 md:p-12 lg:flex-row lg:gap-8">' +
                '<div class="h-full w-full basis-full lg:basis-4/6"><form><div class="relative aspect-square h-full max-h-[550px] w-full overflow-hidden">' +
                '<img alt="' + esc(p.images[0].altText) + '" fetchpriority="high" decoding="async" class="h-full w-full object-contain" src="' + p.images[0].url + '" width="720" height="720">' +
                '</div></form></div>' +
                '<div class="basis-full lg:basis-2/6"><div class="mb-6 flex flex-col border-b pb-6">' +
                '<h1 class="mb-2 text-5xl font-medium">' + esc(p.title) + '</h1>' +
                '<div class="mr-auto w-auto rounded-full bg-blue-600 p-2 text-sm text-white">' + price(p.priceRange.maxVariantPrice.amount, p.priceRange.maxVariantPrice.currencyCode) + '</div></div>' +
                '<div class="prose mx-auto max-w-6xl text-base leading-7 text-black mb-6 text-sm leading-tight">' + p.descriptionHtml + '</div>' +
                '<form id="add-to-cart-form"><button aria-label="Add to cart" class="relative flex w-full items-center justify-center rounded-full bg-blue-600 p-4 tracking-wide text-white hover:opacity-90">' +
                '<div class="absolute left-0 ml-4"><svg xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24" stroke-width="1.5" stroke="currentColor" aria-hidden="true" class="h-5"><path stroke-linecap="round" stroke-linejoin="round" d="M12 4.5v15m7.5-7.5h-15"></path></svg></div>Add To Cart</button>' +
                '<p aria-live="polite" class="sr-only" role="status"></p></form></div></div></div>';
        });
    }

    function cartModal() {
        if (!state.cartOpen) { return ''; }
        var lines = state.cart.map(function (l) {
            return '<li class="flex w-full flex-col border-b border-neutral-300"><div class="relative flex w-full flex-row justify-between px-1 py-4">' +
                '<div class="absolute z-40 -ml-1 -mt-2"><form><button type="button" aria-label="Remove cart item" class="flex h-[24px] w-[24px] items-center justify-center rounded-full bg-neutral-500">&times;</button><p aria-live="polite" class="sr-only" role="status"></p></form></div>' +
                '<div class="flex flex-row"><div class="relative h-16 w-16 overflow-hidden rounded-md border border-neutral-300 bg-neutral-300">' +
                '<img class="h-full w-full object-cover" width="64" height="64" alt="' + esc(l.title) + '" src="' + l.image + '"></div>' +
                '<a class="z-30 ml-2 flex flex-row space-x-4" href="/product/' + l.handle + '"><div class="flex flex-1 flex-col text-base"><span class="leading-tight">' + esc(l.title) + '</span></div></a></div>' +
                '<div class="flex h-16 flex-col justify-between">' + price((l.quantity * parseFloat(l.amount)).toFixed(2), 'EUR', 'flex justify-end space-y-2 text-right text-sm') +
                '<div class="ml-auto flex h-9 flex-row items-center rounded-full border border-neutral-200">' +
                '<form><button type="button" aria-label="Reduce item quantity" class="ease flex h-full min-w-[36px] max-w-[36px] flex-none items-center justify-center rounded-full p-2">&minus;</button></form>' +
                '<p class="w-6 text-center"><span class="w-full text-sm">' + l.quantity + '</span></p>' +
                '<form><button type="button" aria-label="Increase item quantity" class="ease flex h-full min-w-[36px] max-w-[36px] flex-none items-center justify-center rounded-full p-2">+</button></form>' +
                '</div></div></div></li>';
        }).join('');
        var total = subtotal();
        var taxes = total - total / 1.21;
        return '<div class="relative z-50" role="dialog" aria-modal="true" id="cart-dialog">' +
            '<div class="fixed inset-0 bg-black/30" aria-hidden="true" id="cart-backdrop"></div>' +
            '<div class="fixed bottom-0 right-0 top-0 flex h-full w-full flex-col border-l border-neutral-200 bg-white/80 p-6 text-black backdrop-blur-xl md:w-[390px]">' +
            '<div class="flex items-center justify-between"><p class="text-lg font-semibold">My Cart</p>' +
            '<button aria-label="Close cart" id="close-cart"><div class="relative flex h-11 w-11 items-center justify-center rounded-md border border-neutral-200 text-black transition-colors">&times;</div></button></div>' +
            '<div class="flex h-full flex-col justify-between overflow-hidden p-1"><ul class="grow overflow-auto py-4">' + lines + '</ul>' +
            '<div class="py-4 text-sm text-neutral-500">' +
            '<div class="mb-3 flex items-center justify-between border-b border-neutral-200 pb-1"><p>Taxes</p>' + money(taxes) + '</div>' +
            '<div class="mb-3 flex items-center justify-between border-b border-neutral-200 pb-1 pt-1"><p>Shipping</p><p class="text-right">' + esc(store.cartShippingText) + '</p></div>' +
            '<div class="mb-3 flex items-center justify-between border-b border-neutral-200 pb-1 pt-1"><p>Total</p>' + money(total) + '</div></div>' +
            '<form id="checkout-form"><button class="block w-full rounded-full bg-blue-600 p-3 text-center text-sm font-medium text-white opacity-90 hover:opacity-100" type="submit">Proceed to Checkout</button></form>' +
            '</div></div></div>';
    }

    // The shop's checkout. store.formStyle "labels": a visible <label for> per field; "placeholders": the
    // field's name only as its placeholder, as many Tailwind checkouts do.
    function field(id, label, type, ac, opts) {
        opts = opts || {};
        var input = '<input id="' + id + '" name="' + id + '" type="' + type + '" autocomplete="' + ac + '"' + (opts.required === false ? '' : ' required') +
            (store.formStyle === 'placeholders' ? ' placeholder="' + esc(label) + (opts.required === false ? ' (optional)' : '') + '"' : '') +
            (opts.inputmode ? ' inputmode="' + opts.inputmode + '"' : '') +
            ' value="' + esc(state.info[id] || '') + '" class="w-full rounded-lg border border-neutral-300 bg-white px-4 py-3 text-sm text-black placeholder:text-neutral-500">';
        if (store.formStyle === 'placeholders') { return '<div class="' + (opts.cls || 'col-span-2') + '">' + input + '</div>'; }
        return '<div class="' + (opts.cls || 'col-span-2') + '"><label for="' + id + '" class="mb-1 block text-sm font-medium text-neutral-700">' + esc(label) +
            (opts.required === false ? ' <span class="text-neutral-500">(optional)</span>' : '') + '</label>' + input + '</div>';
    }

    function summaryBox(step) {
        var sub = subtotal();
        var ship = state.rate ? parseFloat(state.rate.amount) : null;
        var fees = step === 'payment' ? store.fees : [];
        var total = sub + (ship || 0) + fees.reduce(function (n, f) { return n + parseFloat(f.amount); }, 0);
        var lines = state.cart.map(function (l) {
            return '<li class="flex items-center gap-4 py-2"><div class="relative h-16 w-16 overflow-hidden rounded-md border border-neutral-300 bg-white"><img class="h-full w-full object-cover" width="64" height="64" alt="' + esc(l.title) + '" src="' + l.image + '"></div>' +
                '<span class="grow text-sm">' + esc(l.title) + ' &times; ' + l.quantity + '</span>' + price((l.quantity * parseFloat(l.amount)).toFixed(2), 'EUR', 'text-sm') + '</li>';
        }).join('');
        var row = function (label, value) { return '<div class="mb-3 flex items-center justify-between border-b border-neutral-200 pb-1"><p>' + label + '</p>' + value + '</div>'; };
        return '<aside class="w-full rounded-lg border border-neutral-200 bg-white p-6 lg:basis-2/6" aria-label="Order summary"><h2 class="mb-4 text-lg font-semibold">Order summary</h2><ul>' + lines + '</ul>' +
            '<div class="py-4 text-sm text-neutral-500">' + row('Subtotal', money(sub)) +
            row('Shipping', ship === null ? '<p class="text-right">' + esc(store.checkoutShippingPending) + '</p>' : (ship === 0 ? '<p class="text-right">Free</p>' : money(ship))) +
            fees.map(function (f) { return row(esc(f.title), money(parseFloat(f.amount))); }).join('') +
            row('Total', money(total)) + '<p class="text-xs">Including ' + new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR', currencyDisplay: 'narrowSymbol' }).format(total - total / 1.21) + ' in taxes</p></div>' +
            trustLinks() + '</aside>';
    }

    function trustLinks() {
        return store.checkoutLinks.length ? '<ul class="mt-2 flex flex-wrap gap-4 text-xs text-neutral-500">' + store.checkoutLinks.map(function (m) {
            return '<li><a class="underline" href="' + m.path + '">' + esc(m.title) + '</a></li>';
        }).join('') + '</ul>' : '';
    }

    function steps(current) {
        var names = [['information', 'Information'], ['shipping', 'Shipping'], ['payment', 'Payment']];
        return '<ol class="mb-6 flex gap-2 text-sm" aria-label="Checkout steps">' + names.map(function (n) {
            return '<li class="' + (n[0] === current ? 'font-semibold text-black' : 'text-neutral-500') + '"' + (n[0] === current ? ' aria-current="step"' : '') + '>' + n[1] + '</li>';
        }).join('<li class="text-neutral-400">/</li>') + '</ol>';
    }

    function checkoutPage(step, main) {
        return '<div class="mx-auto max-w-screen-2xl px-4"><div class="flex flex-col gap-8 rounded-lg border border-neutral-200 bg-white p-8 md:p-12 lg:flex-row">' +
            '<div class="basis-full lg:basis-4/6"><h1 class="mb-4 text-3xl font-medium">Checkout</h1>' + steps(step) + main + '</div>' + summaryBox(step) + '</div></div>';
    }

    function information() {
        var form = '<form id="information-form" novalidate class="grid grid-cols-2 gap-4">' +
            '<h2 class="col-span-2 text-lg font-semibold">Contact</h2>' + field('email', 'Email', 'email', 'email') +
            '<h2 class="col-span-2 mt-4 text-lg font-semibold">Delivery</h2>' +
            '<div class="col-span-2">' + (store.formStyle === 'labels' ? '<label for="country" class="mb-1 block text-sm font-medium text-neutral-700">Country/Region</label>' : '') +
            '<select id="country" name="country" autocomplete="country" aria-label="Country/Region" class="w-full rounded-lg border border-neutral-300 bg-white px-4 py-3 text-sm"><option value="NL" selected>Netherlands</option><option value="BE">Belgium</option><option value="DE">Germany</option></select></div>' +
            field('firstName', 'First name', 'text', 'given-name', { cls: 'col-span-1' }) + field('lastName', 'Last name', 'text', 'family-name', { cls: 'col-span-1' }) +
            field('address1', 'Address', 'text', 'address-line1') + field('address2', 'Apartment, suite, etc.', 'text', 'address-line2', { required: false }) +
            field('zip', 'Postal code', 'text', 'postal-code', { cls: 'col-span-1' }) + field('city', 'City', 'text', 'address-level2', { cls: 'col-span-1' }) +
            '<div class="col-span-2"><button type="submit" class="block w-full rounded-full bg-blue-600 p-3 text-center text-sm font-medium text-white">Continue to shipping</button></div></form>';
        return Promise.resolve(checkoutPage('information', form));
    }

    function shipping() {
        return get('/api/checkout/shipping-rates.json').then(function (d) {
            state.rates = d.rates;
            if (!state.rate) { state.rate = d.rates[0]; }
            var list = d.rates.map(function (r) {
                var chosen = state.rate && state.rate.handle === r.handle;
                return '<li class="flex items-center justify-between border-b border-neutral-200 p-4 last:border-b-0"><label class="flex items-center gap-3 text-sm" for="rate-' + r.handle + '">' +
                    '<input type="radio" id="rate-' + r.handle + '" name="shippingRate" value="' + r.handle + '"' + (chosen ? ' checked' : '') + '>' +
                    '<span><span class="block font-medium">' + esc(r.title) + '</span><span class="block text-neutral-500">' + esc(r.detail) + '</span></span></label>' +
                    (parseFloat(r.amount) === 0 ? '<p class="text-right text-sm font-medium">Free</p>' : price(r.amount, 'EUR', 'text-right text-sm font-medium')) + '</li>';
            }).join('');
            var i = state.info;
            var form = '<form id="shipping-form" novalidate><div class="mb-6 rounded-lg border border-neutral-200 p-4 text-sm"><p><span class="text-neutral-500">Contact</span> ' + esc(i.email || '') + '</p>' +
                '<p><span class="text-neutral-500">Ship to</span> ' + esc([i.address1, i.zip, i.city].filter(Boolean).join(', ')) + '</p></div>' +
                '<h2 class="mb-2 text-lg font-semibold">Shipping method</h2><ul class="mb-6 rounded-lg border border-neutral-200" id="shipping-rates">' + list + '</ul>' +
                '<button type="submit" class="block w-full rounded-full bg-blue-600 p-3 text-center text-sm font-medium text-white">Continue to payment</button></form>';
            return checkoutPage('shipping', form);
        });
    }

    function payment() {
        var secure = store.secureNote ? '<p class="mb-3 flex items-center gap-2 text-sm text-neutral-600"><svg aria-label="Secure" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" class="h-4 w-4" fill="currentColor"><title>Lock</title><path d="M12 1.5a5.25 5.25 0 0 0-5.25 5.25v3a3 3 0 0 0-3 3v6.75a3 3 0 0 0 3 3h10.5a3 3 0 0 0 3-3v-6.75a3 3 0 0 0-3-3v-3A5.25 5.25 0 0 0 12 1.5Zm3.75 8.25v-3a3.75 3.75 0 1 0-7.5 0v3h7.5Z"></path></svg>All transactions are secure and encrypted.</p>' : '';
        var icons = store.paymentIcons ? '<ul class="mb-3 flex gap-2" aria-label="Accepted payment methods">' + ['Visa', 'Mastercard', 'American Express', 'iDEAL'].map(function (n) {
            return '<li><img src="/images/pay-' + n.toLowerCase().replace(/ /g, '-') + '.svg" alt="' + n + '" width="38" height="24"></li>';
        }).join('') + '</ul>' : '';
        var form = '<form id="payment-form" novalidate class="grid grid-cols-2 gap-4"><h2 class="col-span-2 text-lg font-semibold">Payment</h2>' +
            '<div class="col-span-2 rounded-lg border border-neutral-200 p-4">' + secure + icons + '<div class="grid grid-cols-2 gap-4">' +
            field('cardNumber', 'Card number', 'text', 'cc-number', { inputmode: 'numeric' }) +
            field('cardExpiry', 'Expiration date (MM / YY)', 'text', 'cc-exp', { cls: 'col-span-1', inputmode: 'numeric' }) +
            field('cardCvc', 'Security code', 'text', 'cc-csc', { cls: 'col-span-1', inputmode: 'numeric' }) +
            field('cardName', 'Name on card', 'text', 'cc-name') + '</div></div>' +
            '<div class="col-span-2"><button type="submit" id="pay-now" class="block w-full rounded-full bg-blue-600 p-3 text-center text-sm font-medium text-white">Pay now</button></div></form>';
        return Promise.resolve(checkoutPage('payment', form));
    }

    var ROUTES = [
        [/^\/$/, function () { return home(); }],
        [/^\/product\/([a-z0-9-]+)$/, function (m) { return product(m[1]); }],
        [/^\/checkout$/, information],
        [/^\/checkout\/shipping$/, shipping],
        [/^\/checkout\/payment$/, payment]
    ];

    function render() {
        var path = location.pathname;
        var view = null;
        ROUTES.some(function (r) { var m = path.match(r[0]); if (m) { view = r[1](m); } return !!m; });
        (view || Promise.resolve('<div class="mx-auto max-w-screen-2xl px-4 py-20"><h1 class="text-3xl">This page could not be found.</h1></div>')).then(function (html) {
            root.innerHTML = '<div id="navbar">' + navbar() + '</div><main>' + html + '</main>' + footer() + '<div id="cart-portal">' + cartModal() + '</div>';
            document.title = (state.product && path.indexOf('/product/') === 0 ? state.product.title + ' | ' : (path.indexOf('/checkout') === 0 ? 'Checkout | ' : '')) + 'Acme Store';
            bind();
        });
    }

    function navigate(path) {
        history.pushState({}, '', path);
        window.scrollTo(0, 0);
        render();
    }

    function refreshCart() {
        document.getElementById('navbar').innerHTML = navbar();
        document.getElementById('cart-portal').innerHTML = cartModal();
        bindCart();
    }

    function bindCart() {
        var open = document.getElementById('open-cart');
        if (open) { open.onclick = function () { state.cartOpen = true; refreshCart(); }; }
        var close = document.getElementById('close-cart');
        if (close) { close.onclick = function () { state.cartOpen = false; refreshCart(); }; }
        var backdrop = document.getElementById('cart-backdrop');
        if (backdrop) { backdrop.onclick = function () { state.cartOpen = false; refreshCart(); }; }
        var checkout = document.getElementById('checkout-form');
        if (checkout) {
            checkout.onsubmit = function (e) { e.preventDefault(); state.cartOpen = false; navigate('/checkout'); };
        }
    }

    function collect(form) {
        var ok = true;
        Array.prototype.forEach.call(form.querySelectorAll('input[id], select[id]'), function (el) {
            if (el.type === 'radio') { return; }
            state.info[el.id] = el.value;
            if (el.required && !el.value.trim()) { ok = false; el.classList.add('border-red-600'); }
        });
        save();
        return ok;
    }

    function bind() {
        bindCart();
        var add = document.getElementById('add-to-cart-form');
        if (add) {
            add.onsubmit = function (e) {
                e.preventDefault();
                var p = state.product;
                fetch('/api/cart/lines', { method: 'POST', body: JSON.stringify({ merchandiseId: p.variantId, quantity: 1 }) })
                    .then(function (r) { return r.json(); })
                    .then(function () {
                        var line = state.cart.filter(function (l) { return l.handle === p.handle; })[0];
                        if (line) { line.quantity += 1; } else {
                            state.cart.push({ handle: p.handle, title: p.title, amount: p.priceRange.maxVariantPrice.amount, quantity: 1, image: p.featuredImage.url });
                        }
                        save();
                        state.cartOpen = true;  // CartModal opens when the quantity goes up
                        refreshCart();
                    });
            };
        }
        var info = document.getElementById('information-form');
        if (info) { info.onsubmit = function (e) { e.preventDefault(); if (collect(info)) { state.rate = null; save(); navigate('/checkout/shipping'); } }; }
        var ship = document.getElementById('shipping-form');
        if (ship) {
            ship.onsubmit = function (e) {
                e.preventDefault();
                var chosen = ship.querySelector('input[name=shippingRate]:checked');
                state.rate = state.rates.filter(function (r) { return r.handle === chosen.value; })[0];
                save();
                navigate('/checkout/payment');
            };
        }
        var pay = document.getElementById('payment-form');
        if (pay) { pay.onsubmit = function (e) { e.preventDefault(); collect(pay); }; }  // no order is placed here
    }

    document.addEventListener('click', function (e) {
        var a = e.target.closest && e.target.closest('a[href^="/"]');
        if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey) { return; }
        e.preventDefault();
        state.cartOpen = false;
        navigate(a.getAttribute('href'));
    });
    window.addEventListener('popstate', render);

    get('/api/store.json').then(function (s) { store = s; render(); });
}());
