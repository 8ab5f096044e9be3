"""Oscar's shipping app, forked (as `oscar_fork_app shipping` does) only to replace its Repository."""
import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    name = "oscar_site.shipping"
