"""Debian's chromium, headless, driven by Playwright (the console's browser tests).

Started with no sandbox (tests run as root in CI), no GPU, and no background
networking: the machine has no internet, and Chromium's own calls home would
only be refused. ``make test`` installs the package when it is missing
(``scripts/ensure-services chromium``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.support.worker_process import CHECKOUT

CHROMIUM = Path(os.environ.get("ZBSYNC_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Screenshots and other files a reader of the test run looks at (build/ is not committed).
OUTPUT = Path(os.environ.get("ZBSYNC_TEST_OUTPUT", CHECKOUT / "build" / "test-output"))


@pytest.fixture
def chromium_path() -> Path:
    """Debian's chromium; missing is a failure (``make test`` installs it), not a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-services chromium (make test does)")
    return CHROMIUM


@pytest.fixture
async def chromium(chromium_path: Path) -> AsyncIterator[Browser]:
    """A headless Chromium of its own for one test."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()
