"""Which shipping methods a shopper is offered: the charges the merchant keeps in Oscar's dashboard.

Oscar ships no repository that reads its own dashboard charges (OrderAndItemCharges); its guide says to write one.
A charge linked to countries applies once the shipping address is known (Oscar's model has the country list for
this); before that, on the basket's estimate, only charges linked to no country apply. With none, Oscar's own default
stays: free shipping. Cheapest first, so the basket estimates with the cheapest charge.
"""
from django.db.models import Q
from oscar.apps.shipping import repository
from oscar.core.loading import get_model

OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        where = Q(countries=None)
        if shipping_addr is not None:
            where |= Q(countries=shipping_addr.country)
        charges = list(OrderAndItemCharges.objects.filter(where).distinct().order_by("price_per_order", "name"))
        return charges or super().get_available_shipping_methods(basket, shipping_addr=shipping_addr, **kwargs)
