"""The example project under example/ is run by the tests here (in a copy), never collected in place."""
collect_ignore = ["example"]
