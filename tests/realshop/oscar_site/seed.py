"""Fill a freshly migrated shop as a merchant would: the catalogue through Oscar's own CSV importer, the shipping
country and the shipping charges through Oscar's models (what its dashboard forms save), and one customer who
already has an account (scenario.yaml signs in with it where the shop allows no guests)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from oscar.core.loading import get_model

CATALOGUE = Path(__file__).resolve().parent / "catalogue.csv"
CUSTOMER = {"email": "returning@example.test", "password": "correct-horse-7-battery"}  # as in scenario.yaml
Country = get_model("address", "Country")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")


def seed(shipping: list[dict]) -> None:
    Country.objects.update_or_create(iso_3166_1_a2="GB", defaults={
        "iso_3166_1_a3": "GBR", "iso_3166_1_numeric": "826", "printable_name": "United Kingdom",
        "name": "United Kingdom of Great Britain and Northern Ireland", "is_shipping_country": True})
    call_command("oscar_import_catalogue", str(CATALOGUE), verbosity=0)
    call_command("update_index", verbosity=0)  # haystack's: the catalogue pages read the search index
    OrderAndItemCharges.objects.all().delete()
    for spec in shipping:
        charge = OrderAndItemCharges.objects.create(
            name=spec["name"], description=spec.get("description", ""),
            price_per_order=Decimal(spec["price_per_order"]), price_per_item=Decimal(spec.get("price_per_item", "0")))
        if spec.get("countries"):
            charge.countries.set(Country.objects.filter(iso_3166_1_a2__in=spec["countries"]))
    User = get_user_model()
    if not User.objects.filter(email=CUSTOMER["email"]).exists():
        User.objects.create_user(username="returning", **CUSTOMER)
