"""The Books client with a test's hook run before an invoice create asks for its budget slot.

A real budget or token wait cannot be timed exactly in a test; the hook stands in
for one: it can move the worker's clock (a long wait), take the order's lease
away (another replica), or break the store (a failed lease renewal) at the one
moment between the stored intent and the request leaving.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from worker.domain.lanes import Lane
from worker.zoho.books import ZohoBooks
from worker.zoho.http import BeforeSend, JsonObject, ZohoHttp
from worker.zoho.models import Invoice

Hook = Callable[[], Awaitable[None]]


class HookedBooks(ZohoBooks):
    """``ZohoBooks`` whose invoice creates run ``before_create`` first."""

    def __init__(self, http: ZohoHttp, before_create: Hook) -> None:
        super().__init__(http)
        self.before_create = before_create

    async def create_invoice(
        self, payload: JsonObject, lane: Lane, *, before_send: BeforeSend | None = None
    ) -> Invoice:
        """Run the hook, then create as usual."""
        await self.before_create()
        return await super().create_invoice(payload, lane, before_send=before_send)
