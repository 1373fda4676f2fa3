"""The web console in a real headless Chromium against a running ``zbsync run``: sign in,
connect Zoho through the consent flow, change a setting, open an order, Generate, see the
invoice number, Delete; and screenshots at two window sizes in both languages."""

from __future__ import annotations

import re
import socket

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.conftest import Stack
from tests.support.browser import OUTPUT
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually

TOKEN = "e2e-admin-token"
SIZES: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 860},
    "phone": {"width": 390, "height": 844},
}
LOCALES = {"en": "en-GB", "it": "it-IT"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _unconnected_worker(stack: Stack) -> tuple[WorkerProcess, str]:
    """A worker with no Zoho connection yet, auto sync off, serving on a known port (the
    consent's redirect URI is its ``PUBLIC_URL``)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in stack.env.items() if k != "ZBSYNC_ZOHO_REFRESH_TOKEN"}
    env |= {"ZBSYNC_HTTP_PORT": str(port), "ZBSYNC_PUBLIC_URL": base, "ZBSYNC_AUTO_SYNC": "false"}
    worker = await WorkerProcess.start(env)
    stack.workers.append(worker)
    return worker, base


async def _signed_in(
    browser: Browser, base: str, lang: str, size: str
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(locale=LOCALES[lang], viewport=SIZES[size])
    page = await context.new_page()
    await page.goto(base + "/")
    await expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))
    await page.locator("#token").fill(TOKEN)
    await page.locator("#token").press("Enter")
    await expect(page).to_have_url(base + "/")
    return context, page


async def test_an_admin_connects_configures_and_generates_from_the_console(
    stack: Stack, chromium: Browser
) -> None:
    worker, base = await _unconnected_worker(stack)
    context, page = await _signed_in(chromium, base, "en", "desktop")

    # connect: Zoho's consent (the sandbox accepts at once) and back to the console
    await expect(page.locator("#connection-status")).to_have_text("Not connected")
    await page.get_by_role("button", name="Connect Zoho").click()
    await expect(page).to_have_url(base + "/")
    await expect(page.locator("#connection-status")).to_have_text("Connected")
    await page.get_by_role("link", name="Choose organization").click()
    await expect(page.get_by_label(re.compile("Sandbox Shop S.r.l."))).to_be_checked()
    await page.get_by_role("button", name="Use this organization").click()
    await expect(page.get_by_role("status")).to_have_text("Organization saved.")

    # a setting
    await page.get_by_label("Shipping line label").fill("Spedizione")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status").first).to_have_text("Settings saved.")
    await expect(page.get_by_label("Shipping line label")).to_have_value("Spedizione")

    # an order, paid while auto sync is off: pending until Generate
    await stack.paid(order_data("7001"))

    async def pending() -> bool:
        return await stack.state("7001") == "pending"

    await eventually(pending, what="order pending")
    await page.get_by_role("link", name="Orders", exact=True).click()
    await page.get_by_role("link", name="#7001").click()
    await expect(page.locator("#order-state")).to_have_text("Pending")
    await expect(page.locator("#invoice-number")).to_have_text("none")
    await page.get_by_role("button", name="Generate invoice").click()

    [invoice] = (await stack.books())["invoices"]
    await expect(page.locator("#invoice-number")).to_have_text(invoice["invoice_number"])
    await expect(page.get_by_role("status")).to_have_text(
        f"Done. Zoho invoice: {invoice['invoice_number']}"
    )
    await expect(page.locator("#order-state")).to_have_text("Synced")
    await page.get_by_role("link", name="Orders", exact=True).click()
    await expect(page.get_by_role("row", name=re.compile("#7001"))).to_contain_text(
        invoice["invoice_number"]
    )

    # delete, after the console asks
    await page.get_by_role("link", name="#7001").click()
    await page.get_by_role("link", name="Delete invoice").click()
    await page.get_by_role("button", name="Delete invoice").click()
    await expect(page.locator("#invoice-number")).to_have_text("none")
    await expect(page.locator("#order-state")).to_have_text("Deleted")
    assert (await stack.books())["invoices"] == []
    assert len(await stack.calls("invoices.create")) == 1
    await context.close()
    assert await worker.stop() == 0


async def test_the_console_works_from_the_keyboard(stack: Stack, chromium: Browser) -> None:
    _, base = await _unconnected_worker(stack)
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    await page.goto(base + "/sign-in")
    await expect(page.locator("#token")).to_be_focused()  # autofocus: type at once
    await page.keyboard.type(TOKEN)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(base + "/")

    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")  # from the main landmark into its first control
    focused = await page.evaluate("document.activeElement.closest('main') !== null")
    assert focused
    for label in ["Automatic sync", "Invoice reference", "Discount line label", "Tax map"]:
        await expect(page.get_by_label(label, exact=True)).to_be_editable()
    await context.close()


@pytest.mark.parametrize("lang", ["en", "it"])
async def test_screenshots_at_two_sizes(stack: Stack, chromium: Browser, lang: str) -> None:
    worker, base = await _unconnected_worker(stack)
    for n in range(3):
        await stack.paid(order_data(f"80{n}"))

    async def stored() -> bool:
        return all([await stack.state(f"80{n}") == "pending" for n in range(3)])

    await eventually(stored, what="orders stored")
    folder = OUTPUT / "console"
    folder.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        context, page = await _signed_in(chromium, base, lang, size)
        await expect(page.locator("html")).to_have_attribute("lang", lang)
        await page.screenshot(path=folder / f"{lang}-{size}-overview.png", full_page=True)
        await page.goto(base + "/orders")
        await page.screenshot(path=folder / f"{lang}-{size}-orders.png", full_page=True)
        await page.goto(base + "/orders/800")
        await page.screenshot(path=folder / f"{lang}-{size}-order.png", full_page=True)
        await context.close()
    assert len(list(folder.glob(f"{lang}-*.png"))) == 6
    assert await worker.stop() == 0
