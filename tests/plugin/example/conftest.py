import os

import pytest


@pytest.fixture(params=["clean", "friction"])
def shop(request):
    """The shop under test, once without and once with checkout friction (the URLs come from the
    suite that runs this example: it serves the demo shop in both profiles)."""
    return os.environ[f"EXAMPLE_{request.param.upper()}_URL"]
