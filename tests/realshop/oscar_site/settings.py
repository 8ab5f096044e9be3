"""Settings of a minimal Django project around the stock django-oscar package (its own apps, views and templates).

Written after Oscar's "Building your own shop" guide. Everything outside that guide is here only to run on
127.0.0.1 in a test: SQLite in the file REALSHOP_DB names, no e-mail sent, a search index on disk. The variant's
merchant settings (e.g. OSCAR_ALLOW_ANON_CHECKOUT) come as JSON in REALSHOP_SETTINGS; only keys listed in
MERCHANT_SETTINGS are taken.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from oscar import INSTALLED_APPS as OSCAR_APPS
from oscar.defaults import *  # noqa: F401,F403 - Oscar's own defaults, as its guide says

if not os.environ.get("REALSHOP_DB"):
    raise RuntimeError("REALSHOP_DB is not set: start the shop with `python -m oscar_site` (tests/realshop/README.md)")
DB = Path(os.environ["REALSHOP_DB"]).resolve()  # the media and the search index live beside it

SECRET_KEY = "realshop-test-only"
DEBUG = False  # as a shop runs: cached templates, no debug pages; static files are served as `runserver` does
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "oscar_site.urls"
SITE_ID = 1
USE_TZ = True
LANGUAGE_CODE = "en-gb"

# Oscar's apps, with the shipping app forked the documented way (oscar_fork_app) to choose shipping methods.
INSTALLED_APPS = [("oscar_site.shipping.apps.ShippingConfig" if app == "oscar.apps.shipping.apps.ShippingConfig"
                   else app) for app in OSCAR_APPS] + ["sorl.thumbnail"]
# The fork keeps Oscar's models unchanged, so it keeps Oscar's migrations too instead of copying them.
MIGRATION_MODULES = {"shipping": "oscar.apps.shipping.migrations"}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.template.context_processors.i18n",
        "django.contrib.messages.context_processors.messages",
        "oscar.apps.search.context_processors.search_form",
        "oscar.apps.checkout.context_processors.checkout",
        "oscar.core.context_processors.metadata",
    ]},
}]

AUTHENTICATION_BACKENDS = ["oscar.apps.customer.auth_backends.EmailBackend",
                           "django.contrib.auth.backends.ModelBackend"]
# Fast hashing: the walk registers an account on the variant without guest checkout.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A throw-away database: no fsync (Oscar's ~200 migrations otherwise wait on the disk for minutes).
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": str(DB),
                         "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Oscar's catalogue pages list products through its search app; Whoosh is the pure-Python engine its tests use.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
                                    "PATH": str(DB.with_suffix(".whoosh"))}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = str(DB.parent / "media")

OSCAR_SHOP_NAME = "Realshop"
OSCAR_DEFAULT_CURRENCY = "GBP"

# The merchant settings a variant may set, and nothing else.
MERCHANT_SETTINGS = ("OSCAR_ALLOW_ANON_CHECKOUT", "OSCAR_DEFAULT_CURRENCY", "OSCAR_REQUIRED_ADDRESS_FIELDS")
_variant = json.loads(os.environ.get("REALSHOP_SETTINGS") or "{}")
for _key, _value in _variant.items():
    if _key not in MERCHANT_SETTINGS:
        raise ValueError(f"REALSHOP_SETTINGS: {_key} is not one of {', '.join(MERCHANT_SETTINGS)}")
    globals()[_key] = tuple(_value) if isinstance(_value, list) else _value
