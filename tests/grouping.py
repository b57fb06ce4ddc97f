"""How `make test` (pytest -n 2 --dist loadgroup) shares the suite between its two workers.

A module runs whole on one worker, so its module fixtures (test_nbgrader's course: minutes) are
built once; the modules that use the session's `audited` fixture run on the same worker, so the
audit runs once; and modules marked slow are handed out first, so none is left for last.
tests/conftest.py takes the hook from here; tests/test_grouping.py checks that xdist obeys it.
"""
from __future__ import annotations

import pytest

SHARED_FIXTURE = "audited"  # its users form one group


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    users = {item.module.__name__ for item in items if SHARED_FIXTURE in getattr(item, "fixturenames", ())}
    for item in items:
        module = item.module.__name__
        item.add_marker(pytest.mark.xdist_group(SHARED_FIXTURE if module in users else module))
    slow = {item.module.__name__ for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module.__name__ not in slow)  # stable: each module's order kept
