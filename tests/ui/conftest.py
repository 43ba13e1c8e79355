"""UI tests see the app as `app.run_gui` sets it up: every dialog gets the tab order of the screen."""

from __future__ import annotations

import pytest

from ispdesk.ui import focus_order


@pytest.fixture(autouse=True)
def _visual_tab_order(qapp):  # noqa: ANN001, ANN202, PT004
    focus_order.install(qapp)
