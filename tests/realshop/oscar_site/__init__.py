"""A minimal Django project around the stock django-oscar shop, for tests/realshop (see its README.md)."""
