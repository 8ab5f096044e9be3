"""What the checks, the gate and the report read off a captured stage, beyond the raw element table:

    ledger.py        the price lines a stage shows (subtotal, fees, total) and what they add up to
    choices.py       the priced choices it offers (delivery rates, paid extras) and their cheapest
    ledger_words.py  which fee or total a label names (``data/fee_lexicon.json``)
    money.py         prices in the formats shops print, with their currency
    forms.py         form controls a shopper sees, what each field is for, autofill tokens
    formscope.py     which controls are the checkout form, which are site chrome, cart tools or sign-in boxes
    labels.py        whether a shopper sees a field's label, and whether it is tied to the field
    trust.py         finders for trust signals: security cues, payment logos, policy links
    role.py          what a stage is for, by its label and its content (card fields → payment,
                     place-order button with a total → review): ``role_of(stage)`` for any check
    pagedata.py      what the element table does not hold: JSON-LD, microdata, <meta>, script hosts
    lexicon.py       the word and host lists in ``data/``
    evidence.py      Evidence (selector, box, text) for what a finding or a passed signal points at

Pure functions over ``model`` objects and lxml trees: no browser, no checks.
"""
