"""The invoice-number snippet in docs/api.md works as written against the API."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from tests.api.conftest import ADMIN_TOKEN, Api
from tests.support.orders import event, order_data

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _snippet() -> str:
    section = DOC.read_text().split("## The invoice number in a shop's order list")[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None, "docs/api.md has no Python snippet for invoice numbers"
    return found.group(1)


async def test_the_documented_snippet_reads_invoice_numbers(api: Api) -> None:
    await api.harness.deliver(event("order.paid", order_data("6001")))
    await api.harness.receive(event("order.updated", order_data("6002", status="pending")))
    namespace: dict[str, Any] = {}
    exec(compile(_snippet(), str(DOC), "exec"), namespace)  # noqa: S102 - our own docs

    numbers = await asyncio.to_thread(
        namespace["invoice_numbers"], ["6001", "6002", "nope"], api.base, ADMIN_TOKEN
    )

    [invoice] = (await api.harness.books())["invoices"]
    assert numbers == {"6001": invoice["invoice_number"], "6002": None, "nope": None}
