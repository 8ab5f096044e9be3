"""Configuration read from YAML: where a value came from (file:line:key), the policy's layers, each
check's options and the budgets.

    yamlsrc.py    YAML with line numbers, validation helpers and one error format
    policy.py     the policy layers merged into one ``Policy``
    options.py    the ``checks:`` part: options checked against each check's ``META.defaults``
    budgets.py    the ``budgets:`` part: ``Budget`` and its parser (judged in gate/budgets.py)
"""
