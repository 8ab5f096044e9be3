"""optional: acts only on what is on the page when the action runs; timeout_ms makes it wait."""
from auditor.scenario.types import Action
from auditor.walk.actions import run_action


class FakeLocator:
    def __init__(self, page, visible):
        self.page, self.visible, self.first = page, visible, self

    def is_visible(self):
        self.page.calls.append("is_visible")
        return self.visible

    def wait_for(self, state, timeout):
        self.page.calls.append(("wait_for", timeout))
        if not self.visible:
            raise TimeoutError("not there")


class FakePage:
    def __init__(self, visible):
        self.visible, self.calls = visible, []

    def locator(self, selector):
        return FakeLocator(self, self.visible)

    def fill(self, selector, value, timeout):
        self.calls.append(("fill", selector, value))


def test_absent_optional_element_is_skipped_without_waiting():
    page = FakePage(visible=False)
    assert run_action(page, Action("fill", "#phone", "1", optional=True), base_url="http://x", timeout_ms=30000) is False
    assert page.calls == ["is_visible"]


def test_present_optional_element_is_acted_on():
    page = FakePage(visible=True)
    assert run_action(page, Action("fill", "#phone", "1", optional=True), base_url="http://x", timeout_ms=30000)
    assert ("fill", "#phone", "1") in page.calls


def test_optional_with_timeout_waits_that_long():
    page = FakePage(visible=False)
    action = Action("fill", "#late", "1", optional=True, timeout_ms=700)
    assert run_action(page, action, base_url="http://x", timeout_ms=30000) is False
    assert page.calls == [("wait_for", 700.0)]
