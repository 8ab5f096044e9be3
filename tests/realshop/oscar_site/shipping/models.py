"""Oscar's shipping models, unchanged: a forked app re-exports them (Oscar's fork recipe)."""
from oscar.apps.shipping.models import *  # noqa: F401,F403
